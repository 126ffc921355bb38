/* Writing entry records of a tree (the `fs` mode's get, list and entry
 * requests; format in docs/helper-protocol.md). */
#pragma once

#include <stdbool.h>

#include "fs-io.h"

struct fs_walk_opts {
  bool data;    /* file contents after each file record (get, entry) */
  bool recurse; /* a directory's entries after it (get, list) */
  bool follow;  /* a symlink at `path` itself is followed (get) */
};

/* Records for `path` under rootfd (resolved as the container sees it), the
 * top one named ".", then the end record. */
void fs_walk(int rootfd, const char *path, const struct fs_walk_opts *o, struct fs_out *out);
