/* The container's root filesystem: mounting it and switching to it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fuse-server.h"

struct rootfs_spec {
  const char *dir;      /* --rootfs: a plain directory (vfs) */
  char **lower;         /* --lower, top-most first */
  size_t n_lower;
  const char *upper, *work;
  const char *mount_program; /* --mount-program: fuse-overlayfs serves the overlay */
  const char *id_mapping;    /* --mount-program-idmap: its uidmapping=...,gidmapping=... (keep-id) */
  bool legacy_mount;         /* --legacy-mount: mount(2) even where lowerdir+ exists */
  const char *target;        /* native overlay: mount here, not on the directory that holds upper/ */
  struct fuse_server fuse;   /* set up by rootfs_prepare() for a mount program */
};

/*
 * In the process that stays outside as the waiter, BEFORE the child is
 * cloned: start what must live outside the container's namespaces (the
 * mount program's server, see fuse-server.h). A no-op without one.
 */
void rootfs_prepare(struct rootfs_spec *spec);

/*
 * In the child: mount the rootfs (a bind of dir onto itself; a native
 * overlay with userxattr mounted on the directory that holds upper/; or a
 * FUSE overlay served by the mount program on <that directory>/merged) and
 * return an O_PATH fd of it.
 */
int mount_rootfs(struct rootfs_spec *spec);

/* Open `rel` inside the root fd, symlinks resolved as if it were /. */
int open_in_root(int rootfd, const char *rel, int flags);

/* pivot_root into rootfd and detach the old root; cwd becomes /. */
void enter_rootfs(int rootfd);
