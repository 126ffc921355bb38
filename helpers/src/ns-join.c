/* `run --ns-join TYPE=SOURCE` (see ns-join.h and docs/helper-protocol.md). */
#include "ns-join.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "options.h"
#include "util.h"

static const struct {
  const char *name;
  int type;
} TYPES[] = {
    {"pid", CLONE_NEWPID}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"cgroup", CLONE_NEWCGROUP}, {"user", CLONE_NEWUSER}, {"net", CLONE_NEWNET},
};

/* TYPE=container:PID:STARTTIME or TYPE=path:PATH */
static void parse_one(struct ns_joins *s, const char *v) {
  const char *eq = strchr(v, '=');
  if (!eq) die("run: invalid --ns-join %s: want TYPE=container:PID:STARTTIME or TYPE=path:PATH", v);
  struct ns_join j = {.spec = eq + 1, .fd = -1};
  for (size_t t = 0; t < sizeof TYPES / sizeof TYPES[0]; t++)
    if ((size_t)(eq - v) == strlen(TYPES[t].name) && !strncmp(v, TYPES[t].name, (size_t)(eq - v))) {
      j.type = TYPES[t].type;
      j.name = TYPES[t].name;
    }
  if (!j.type) die("run: invalid --ns-join %s: the type is one of pid, ipc, uts, cgroup, user, net", v);
  for (size_t k = 0; k < s->n; k++)
    if (s->j[k].type == j.type) die("run: --ns-join %s given twice", j.name);
  if (!strncmp(j.spec, "path:", 5)) {
    j.path = j.spec + 5;
    if (j.path[0] != '/') die("run: invalid --ns-join %s: the path is not absolute", v);
  } else if (!strncmp(j.spec, "container:", 10)) {
    unsigned long long pid, start;
    char *buf = xstrdup(j.spec + 10), *colon = strchr(buf, ':');
    if (!colon) die("run: invalid --ns-join %s: want container:PID:STARTTIME", v);
    *colon = '\0';
    if (!parse_uint(buf, 10, 0x7fffffff, &pid) || pid == 0 || !parse_uint(colon + 1, 10, ~0ULL, &start))
      die("run: invalid --ns-join %s: want container:PID:STARTTIME", v);
    free(buf);
    j.pid = (pid_t)pid;
    j.start = start;
  } else
    die("run: invalid --ns-join %s: want TYPE=container:PID:STARTTIME or TYPE=path:PATH", v);
  if (s->n >= NS_JOIN_MAX) die("run: too many --ns-join options");
  s->j[s->n++] = j;
}

bool ns_join_option(struct ns_joins *s, int argc, char **argv, int *i) {
  const char *v = option_value(argc, argv, i, "--ns-join");
  if (!v) return false;
  parse_one(s, v);
  return true;
}

int ns_join_flags(const struct ns_joins *s) {
  int f = 0;
  for (size_t k = 0; k < s->n; k++)
    if (s->j[k].type != CLONE_NEWUSER) f |= s->j[k].type;
  return f;
}

/* How errors name a source: podman's `ns:PATH`, or the container's process. */
static const char *what(const struct ns_join *j, char *buf, size_t len) {
  if (j->path) snprintf(buf, len, "the %s namespace ns:%s", j->name, j->path);
  else snprintf(buf, len, "the %s namespace of the container (pid %d)", j->name, (int)j->pid);
  return buf;
}

static void open_one(struct ns_join *j) {
  char w[4200];
  if (j->path) {
    j->fd = open(j->path, O_RDONLY | O_CLOEXEC);
    if (j->fd < 0) die_errno("open %s", what(j, w, sizeof w));
    /* A path can name anything: it must be a namespace file of this type. */
    int t = ioctl(j->fd, NS_GET_NSTYPE);
    if (t < 0) die("ns:%s is not a namespace file (%s), so the %s namespace cannot be joined", j->path, strerror(errno), j->name);
    if (t != j->type) die("ns:%s is not a %s namespace", j->path, j->name);
    return;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)j->pid, j->name);
  j->fd = open(path, O_RDONLY | O_CLOEXEC);
  /* Checked AFTER opening: the fd is that process's namespace, not a reused pid's. */
  if (j->fd < 0 || start_time(j->pid) != j->start) {
    if (j->fd < 0 && errno != ENOENT && errno != ESRCH) die_errno("open %s", path);
    die("the container whose %s namespace this one joins is no longer running (pid %d is gone)", j->name, (int)j->pid);
  }
}

static bool same_ns(int a, int b) {
  struct stat sa, sb;
  if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0) die_errno("fstat of a namespace");
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static char user_what[4200];       /* setup->join_user_what */
static int user_fd = -1;          /* the user namespace we put into setup (ours to close) */

void ns_join_release(struct ns_joins *s, struct child_setup *setup) {
  for (size_t k = 0; k < s->n; k++) close_fd(&s->j[k].fd);
  if (user_fd >= 0 && setup->join_user_fd == user_fd) setup->join_user_fd = -1;
  close_fd(&user_fd);
  if (s->set_join) setup->join = false;
  s->set_join = false;
  setup->join_user_what = NULL;
  setup->join_more = NULL;
  setup->join_more_arg = NULL;
}

void ns_join_prepare(struct ns_joins *s, struct child_setup *setup) {
  if (!s->n) return;
  char w[4200], w2[4200];
  for (size_t k = 0; k < s->n; k++) open_one(&s->j[k]);

  /* The user namespace: a joined one, else the owner of the others. */
  int user = -1;
  const struct ns_join *from = NULL;
  for (size_t k = 0; k < s->n; k++)
    if (s->j[k].type == CLONE_NEWUSER) {
      user = dup(s->j[k].fd);
      if (user < 0) die_errno("dup");
      from = &s->j[k];
    }
  for (size_t k = 0; k < s->n; k++) {
    struct ns_join *j = &s->j[k];
    if (j->type == CLONE_NEWUSER) continue;
    int owner = ioctl(j->fd, NS_GET_USERNS);
    if (owner < 0) die("find the user namespace owning %s: %s", what(j, w, sizeof w), strerror(errno));
    if (fcntl(owner, F_SETFD, FD_CLOEXEC) < 0) die_errno("fcntl");
    if (user < 0) {
      user = owner;
      from = j;
      continue;
    }
    if (!same_ns(user, owner)) {
      die("cannot join %s and %s: they belong to different user namespaces, and a container lives in one",
          what(from, w, sizeof w), what(j, w2, sizeof w2));
    }
    close(owner);
  }

  int own = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (own < 0) die_errno("open /proc/self/ns/user");
  if (user >= 0 && setup->join) {
    /* The network already chose a user namespace (-1: ours). */
    int net_user = setup->join_user_fd >= 0 ? setup->join_user_fd : own;
    if (!same_ns(user, net_user))
      die("cannot join %s: it belongs to another user namespace than the container's network, and a container lives in one", what(from, w, sizeof w));
    close_fd(&user);
  }
  if (user >= 0 && same_ns(user, own)) {
    /* Owned by our own user namespace: the host's for a rootless user, who
     * has no CAP_SYS_ADMIN there (Node gave no maps: no namespace is made). */
    if (geteuid() != 0 && !setup->join)
      die("cannot join %s: it belongs to the host's user namespace, which a rootless container cannot join (use --%s host instead)", what(from, w, sizeof w),
          from->type == CLONE_NEWCGROUP ? "cgroupns" : from->type == CLONE_NEWUSER ? "userns" : from->type == CLONE_NEWNET ? "network" : from->name);
    close_fd(&user);
  }
  close(own);
  if (user >= 0) {
    user_fd = user;
    setup->join_user_fd = user;
    setup->join_user_what = what(from, user_what, sizeof user_what);
  } else if (!setup->join) {
    setup->join_user_fd = -1;
  }
  if (!setup->join) s->set_join = true;
  setup->join = true;
  setup->join_more = ns_join_enter;
  setup->join_more_arg = s;
}

void ns_join_enter(void *arg) {
  struct ns_joins *s = arg;
  char w[4200];
  for (size_t k = 0; k < s->n; k++) {
    struct ns_join *j = &s->j[k];
    if (j->type == CLONE_NEWUSER) continue;
    /* For CLONE_NEWPID: our children (the container) are born in it. */
    if (setns(j->fd, j->type) < 0) {
      int e = errno;
      if (e == EPERM && getuid() != 0)
        die("join %s: %s (a rootless container can only join namespaces owned by a user namespace of its user's)", what(j, w, sizeof w), strerror(e));
      die("join %s: %s", what(j, w, sizeof w), strerror(e));
    }
  }
}
