/* Resolving paths beneath a root directory without following symlinks, so a
 * hostile layer cannot make us touch files outside it. */
#pragma once

#include <stdbool.h>

/* openat2(dirfd, path, flags, RESOLVE_BENEATH|NO_SYMLINKS|NO_MAGICLINKS). */
int open_beneath(int dirfd, const char *path, int flags);

/* A path split for *at() calls: the parent dir fd and the last component.
 * leaf == "" means the root directory itself (use AT_EMPTY_PATH). */
struct beneath_target {
  int dirfd;
  const char *leaf;
};

/* Caches the last parent directory opened (records come in tree order). */
struct beneath_resolver {
  int rootfd;
  char *cached_parent;
  int cached_fd;
  char *buf;
};

void beneath_init(struct beneath_resolver *r, int rootfd);
void beneath_free(struct beneath_resolver *r);

/*
 * Resolve relative `path` (not absolute; its leaf neither "." nor "..").
 * Returns 0, or -1 with errno set (EINVAL for a malformed path). The target
 * stays valid until the next call.
 */
int beneath_resolve(struct beneath_resolver *r, const char *path, struct beneath_target *t);
