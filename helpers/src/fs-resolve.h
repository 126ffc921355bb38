/* Resolving a path the way the container sees it: symlinks followed inside
 * the root (an absolute target starts again at the root, `..` stops at it),
 * giving the resolved path itself, which openat2(RESOLVE_IN_ROOT) cannot
 * tell. Used by `fs stat` so Node can apply podman's cp rules. */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

struct fs_resolved {
  char *path;      /* absolute, clean, no symlink in it (malloc'd) */
  bool exists;     /* false: nothing at path (its parent directory exists) */
  bool parent_ok;  /* false: a directory on the way is missing or not a directory */
  struct stat st;  /* when exists */
};

/* Resolve `path` (absolute or relative to the root) under rootfd. Dies on
 * errors other than a missing entry; ELOOP after 40 links. */
void fs_resolve(int rootfd, const char *path, struct fs_resolved *out);
