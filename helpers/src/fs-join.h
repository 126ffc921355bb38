/* The root filesystem of a running container, from outside: join its user
 * and mount namespaces and take a private copy of its root mount. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * In this (single-threaded) process: check that `pid` is still the process
 * that started at `start_time` (field 22 of /proc/PID/stat), join its user
 * namespace (if not ours) and mount namespace, and return an fd of a
 * detached clone of its root mount alone (none of the mounts on top of it:
 * /proc, /dev, the /etc file binds), so paths resolve as in the container's
 * root filesystem and nothing else; with_mounts: the clone takes every mount
 * under the root too (tmpfs, volumes, binds, /proc: cp sees what the
 * container sees). The process is made non-dumpable
 * first: nothing in the container may ptrace us for our fds.
 */
int fs_join_root(pid_t pid, unsigned long long start_time, bool with_mounts);
