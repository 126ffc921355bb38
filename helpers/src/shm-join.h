/* `run --shm-join container:PID:STARTTIME`: the container's /dev/shm is that
 * process's (podman's shared shm of `--ipc container:NAME` and of a pod's
 * members): POSIX shared memory lives in a tmpfs, not in the ipc namespace,
 * so joining the ipc namespace alone would not share it.
 *
 * The monitor opens the process's mount namespace before each start (its
 * start time checked after opening); the child, before it mounts anything,
 * enters that namespace, clones the mount at /dev/shm (open_tree) and goes
 * back to its own; mount_container_filesystems() attaches the clone. The
 * child lives in the user namespace owning the other container's namespaces
 * (it joins them), so it may enter its mount namespace. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct shm_join {
  bool set;
  pid_t pid;
  unsigned long long start;
  int mnt_fd; /* the process's mount namespace, opened by shm_join_prepare; -1 */
};

/* Parse `--shm-join container:PID:STARTTIME` at argv[*i]; false if it is not that option. */
bool shm_join_option(struct shm_join *s, int argc, char **argv, int *i);

/* In the monitor before each start: close the last start's fd, open the namespace. Dies with the reason. */
void shm_join_prepare(struct shm_join *s);

/* In the child, before any mount: the other container's /dev/shm as a
 * detached mount (close-on-exec fd), or -1 when it has none (`--ipc none`:
 * podman gives this one its own). Dies with the reason. */
int shm_join_take(const struct shm_join *s);
