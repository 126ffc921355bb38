#include "exec-join.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const struct {
  const char *name;
  int type;
} ns_order[CONTAINER_NS_MAX] = {
    /* The user namespace first: it grants the capabilities the others need. */
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS}, {"pid", CLONE_NEWPID},       {"uts", CLONE_NEWUTS},
    {"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP},
};

/* Field 22 of <dirfd>/stat, 0 if unreadable. */
static unsigned long long start_time_at(int dirfd) {
  char buf[1024];
  int fd = openat(dirfd, "stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: the fields start after the LAST ')'. */
  char *p = strrchr(buf, ')');
  /* p is at the ")" that ends field 2: step over the spaces before fields 3..22 */
  for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
  return p ? strtoull(p + 1, NULL, 10) : 0;
}

static _Noreturn void gone(pid_t pid) {
  die("the container's process %d is gone (the container is no longer running)", (int)pid);
}

void container_ns_open(struct container_ns *ns, pid_t pid, unsigned long long start_time) {
  char path[32];
  snprintf(path, sizeof path, "/proc/%d", (int)pid);
  /* A directory fd of /proc/<pid> stays bound to that process: once it is
   * gone, lookups through it fail even if the pid is reused. So the start
   * time checked through it vouches for every namespace opened through it. */
  int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    if (errno == ENOENT || errno == ESRCH) gone(pid);
    die_errno("open %s", path);
  }
  if (start_time_at(dirfd) != start_time) gone(pid);

  ns->n = 0;
  for (size_t i = 0; i < CONTAINER_NS_MAX; i++) {
    char rel[32];
    snprintf(rel, sizeof rel, "ns/%s", ns_order[i].name);
    int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ESRCH) gone(pid);
      die_errno("open %s/%s", path, rel);
    }
    char own_path[32];
    snprintf(own_path, sizeof own_path, "/proc/self/ns/%s", ns_order[i].name);
    struct stat theirs, ours;
    if (fstat(fd, &theirs) < 0) die_errno("stat %s/%s", path, rel);
    if (stat(own_path, &ours) < 0) die_errno("stat %s", own_path);
    if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino) {
      close(fd); /* shared with us (host network, no user namespace as root...) */
      continue;
    }
    ns->fds[ns->n] = fd;
    ns->types[ns->n] = ns_order[i].type;
    ns->n++;
  }
  /* Checked again: the namespaces were opened from the same live process. */
  if (start_time_at(dirfd) != start_time) gone(pid);
  close(dirfd);
}

static const char *ns_name(int type) {
  for (size_t i = 0; i < CONTAINER_NS_MAX; i++)
    if (ns_order[i].type == type) return ns_order[i].name;
  return "?";
}

void container_ns_join(struct container_ns *ns) {
  for (size_t i = 0; i < ns->n; i++) {
    if (setns(ns->fds[i], ns->types[i]) < 0) die_errno("join the container's %s namespace", ns_name(ns->types[i]));
    close(ns->fds[i]);
  }
  ns->n = 0;
}
