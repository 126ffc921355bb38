/* Joining a running container (mode `exec`): its namespaces are opened
 * through /proc/<pid> of its process after checking that the pid still names
 * the process that was recorded (its start time), so a reused pid can never
 * lead us into someone else's namespaces. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#define CONTAINER_NS_MAX 7

struct container_ns {
  int fds[CONTAINER_NS_MAX];
  int types[CONTAINER_NS_MAX]; /* CLONE_NEW* of each fd, in joining order */
  size_t n;
};

/* Open the namespaces of pid, which must have started at start_time (field 22
 * of /proc/<pid>/stat), in joining order: user, mnt, pid, uts, ipc, net,
 * cgroup. Namespaces we are already in are left out. Dies (125) with a clear
 * message if the process is gone or is another one now. */
void container_ns_open(struct container_ns *ns, pid_t pid, unsigned long long start_time);

/* setns() into each (pid: for the children we fork afterwards) and close the
 * fds. The caller must be single-threaded. */
void container_ns_join(struct container_ns *ns);
