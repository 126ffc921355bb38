/* Removing a directory tree without following symlinks or crossing mounts. */
#pragma once

/* Remove `path` (file, symlink or tree); a missing path is fine. Dies on error. */
void remove_tree(const char *path);

/* The same relative to an open directory: remove dirfd/name; `shown` names it in errors. */
void remove_tree_at(int dirfd, const char *name, const char *shown);

/* Remove everything inside the open directory fd, which stays. */
void empty_tree(int fd, const char *shown);
