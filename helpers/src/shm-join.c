/* `run --shm-join` (see shm-join.h and docs/helper-protocol.md). */
#include "shm-join.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "netns.h"
#include "options.h"
#include "util.h"

bool shm_join_option(struct shm_join *s, int argc, char **argv, int *i) {
  const char *v = option_value(argc, argv, i, "--shm-join");
  if (!v) return false;
  if (s->set) die("run: --shm-join given twice");
  unsigned long long pid, start;
  char *buf = xstrdup(v), *colon = strncmp(buf, "container:", 10) ? NULL : strchr(buf + 10, ':');
  if (!colon) die("run: invalid --shm-join %s: want container:PID:STARTTIME", v);
  *colon = '\0';
  if (!parse_uint(buf + 10, 10, 0x7fffffff, &pid) || pid == 0 || !parse_uint(colon + 1, 10, ~0ULL, &start))
    die("run: invalid --shm-join %s: want container:PID:STARTTIME", v);
  free(buf);
  s->set = true;
  s->pid = (pid_t)pid;
  s->start = start;
  s->mnt_fd = -1;
  return true;
}

void shm_join_prepare(struct shm_join *s) {
  if (!s->set) return;
  if (s->mnt_fd >= 0) close(s->mnt_fd);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)s->pid);
  s->mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
  /* Checked AFTER opening: the fd is that process's namespace, not a reused pid's. */
  if (s->mnt_fd < 0 || start_time(s->pid) != s->start) {
    if (s->mnt_fd < 0 && errno != ENOENT && errno != ESRCH) die_errno("open %s", path);
    die("the container whose /dev/shm this one shares is no longer running (pid %d is gone)", (int)s->pid);
  }
}

int shm_join_take(const struct shm_join *s) {
  if (!s->set) return -1;
  int self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (self < 0) die_errno("open /proc/self/ns/mnt");
  if (setns(s->mnt_fd, CLONE_NEWNS) < 0) die_errno("join the mount namespace of the container whose /dev/shm this one shares (pid %d)", (int)s->pid);
  /* setns put our root at that namespace's root: the container's. Its /dev
   * is our tmpfs; neither component may be a symlink. */
  int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dev < 0) die_errno("open /dev of the container whose /dev/shm this one shares (pid %d)", (int)s->pid);
  int tree = open_tree(dev, "shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
  if (tree < 0 && errno != ENOENT) die_errno("clone /dev/shm of the container it shares (pid %d)", (int)s->pid);
  close(dev);
  if (tree >= 0) {
    struct statfs sf;
    if (fstatfs(tree, &sf) < 0) die_errno("statfs /dev/shm of the container it shares (pid %d)", (int)s->pid);
    if (sf.f_type != TMPFS_MAGIC) die("/dev/shm of the container it shares (pid %d) is not a tmpfs", (int)s->pid);
  }
  /* Back in our own namespace: root and cwd are its root again (the host's tree, not pivoted yet). */
  if (setns(self, CLONE_NEWNS) < 0) die_errno("return to the container's own mount namespace");
  close(self);
  return tree;
}
