/* Whole-tree work for volumes, inside the container's user namespace:
 * copying an image directory's content into a volume or a tmpfs (copy-up)
 * and chown -R (`:U`). Every step is relative to directory fds opened with
 * O_NOFOLLOW: symlinks are copied or chowned, never followed, and mount
 * points are not entered. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Copy everything in directory `from` into directory `to`: regular files,
 * directories, symlinks, fifos and sockets (devices where the kernel lets
 * us), with owner, mode and times. `shown` names `from` in errors. */
void copy_tree(int from, int to, const char *shown);

/* Whether the open directory has no entries. */
bool dir_is_empty(int dirfd, const char *shown);

/* chown every entry beneath the open directory, and the directory itself. */
void chown_tree(int dirfd, uid_t uid, gid_t gid, const char *shown);
