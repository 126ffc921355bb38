/* The container's root filesystem: mounting it and switching to it. */
#pragma once

#include <stddef.h>

struct rootfs_spec {
  const char *dir;      /* --rootfs: a plain directory (vfs) */
  char **lower;         /* --lower, top-most first */
  size_t n_lower;
  const char *upper, *work;
};

/*
 * Mount the rootfs (a bind of dir onto itself, or an overlay with userxattr
 * mounted on the directory that holds upper/) and return an O_PATH fd of it.
 */
int mount_rootfs(const struct rootfs_spec *spec);

/* Open `rel` inside the root fd, symlinks resolved as if it were /. */
int open_in_root(int rootfd, const char *rel, int flags);

/* pivot_root into rootfd and detach the old root; cwd becomes /. */
void enter_rootfs(int rootfd);
