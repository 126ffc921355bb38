/* Removing a directory tree without following symlinks or crossing mounts. */
#pragma once

/* Remove `path` (file, symlink or tree); a missing path is fine. Dies on error. */
void remove_tree(const char *path);
