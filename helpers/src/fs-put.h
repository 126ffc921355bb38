/* Creating entries from records (the `fs` mode's put request). */
#pragma once

#include <stdbool.h>

#include "fs-io.h"

/* Read records from `in` until the end record and create each beneath `dir`
 * (resolved inside the root as the container sees it). Answers `ok`, or
 * `error MESSAGE` and exits 1 when an entry would replace a directory by a
 * non-directory or the reverse without `overwrite`. */
void fs_put(int rootfd, const char *dir, bool overwrite, struct fs_in *in, struct fs_out *out);
