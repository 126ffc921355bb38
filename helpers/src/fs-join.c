/* Joining a running container's namespaces for the `fs` mode (like
 * `nsenter -U -m`, then open_tree(OPEN_TREE_CLONE) of its root). Every
 * namespace file comes from one /proc/PID directory fd opened before the
 * start time is checked, so a pid reused meanwhile fails (ESRCH) instead of
 * leading into another process's namespaces. */
#include "fs-join.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Field 22 of a /proc/PID/stat text (after the `)` closing the command name). */
static unsigned long long start_time_of(int procfd, pid_t pid) {
  int fd = openat(procfd, "stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) die_errno("fs: container process %d is gone", (int)pid);
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n < 0) die_errno("fs: read /proc/%d/stat", (int)pid);
  close(fd);
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  if (!p) die("fs: malformed /proc/%d/stat", (int)pid);
  /* p[2] is field 3 (state); skip to field 22. */
  p += 2;
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p) die("fs: malformed /proc/%d/stat", (int)pid);
    p++;
  }
  return strtoull(p, NULL, 10);
}

static int ns_fd(int procfd, const char *name, pid_t pid) {
  int fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die_errno("fs: open /proc/%d/%s", (int)pid, name);
  return fd;
}

static ino_t ino_of(int fd, const char *what) {
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("fs: stat %s", what);
  return st.st_ino;
}

int fs_join_root(pid_t pid, unsigned long long start_time, bool with_mounts) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die_errno("fs: prctl(PR_SET_DUMPABLE)");
  char proc[32];
  snprintf(proc, sizeof proc, "/proc/%d", (int)pid);
  int procfd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0) die_errno("fs: container process %d is gone", (int)pid);
  if (start_time_of(procfd, pid) != start_time) die("fs: container process %d is gone (its pid was reused)", (int)pid);
  int userfd = ns_fd(procfd, "ns/user", pid);
  int mntfd = ns_fd(procfd, "ns/mnt", pid);
  close(procfd);

  int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (self < 0) die_errno("fs: open /proc/self/ns/user");
  /* A container without a user namespace of its own (rootful) shares ours: setns would fail with EINVAL. */
  if (ino_of(self, "/proc/self/ns/user") != ino_of(userfd, "the container's user namespace") && setns(userfd, CLONE_NEWUSER) < 0)
    die_errno("fs: join the user namespace of process %d", (int)pid);
  close(self);
  close(userfd);
  if (setns(mntfd, CLONE_NEWNS) < 0) die_errno("fs: join the mount namespace of process %d", (int)pid);
  close(mntfd);
  /* setns put our root and cwd at the namespace's root: the container's. */
  /* with_mounts (cp): the container's whole view, tmpfs, volumes and binds included, as podman's cp in its mount namespace. */
  int root = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (with_mounts ? AT_RECURSIVE : 0));
  if (root < 0) die_errno("fs: clone the root mount of process %d", (int)pid);
  return root;
}
