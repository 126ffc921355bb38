/* `run --net`: options, the monitor's side around each start, and the
 * child's side (see network.h). The programs themselves: netprog.c. */
#include "network.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"
#include "options.h"
#include "util.h"

void net_defaults(struct net_opts *n) {
  memset(n, 0, sizeof *n);
  n->ready[0] = n->ready[1] = n->dirfd = n->exit_fd = n->target_user_fd = n->target_net_fd = -1;
}

static void add_to(char ***list, size_t *len, const char *v) {
  *list = xrealloc(*list, sizeof(char *) * (*len + 2));
  (*list)[(*len)++] = (char *)v;
  (*list)[*len] = NULL;
}

/* `container:PID:STARTTIME` or `bridge:PID:STARTTIME` (Node checked the
 * process runs; we check the pid is still it). */
static void parse_join(struct net_opts *n, const char *v, enum net_mode mode) {
  char buf[64];
  unsigned long long pid, start;
  const char *rest = strchr(v, ':') + 1;
  if (strlen(rest) >= sizeof buf) die("run: invalid --net %s", v);
  strcpy(buf, rest);
  char *colon = strchr(buf, ':');
  if (!colon) die("run: invalid --net %s: want container:PID:STARTTIME or bridge:PID:STARTTIME", v);
  *colon = '\0';
  if (!parse_uint(buf, 10, 1u << 22, &pid) || pid == 0 || !parse_uint(colon + 1, 10, ~0ULL, &start))
    die("run: invalid --net %s: want container:PID:STARTTIME or bridge:PID:STARTTIME", v);
  n->mode = mode;
  n->join_pid = (pid_t)pid;
  n->join_start = start;
}

/* `ipc,uts,pid` (any of them): a pod member shares these with its infra too. */
static void parse_join_more(struct net_opts *n, const char *v) {
  char *s = xstrdup(v), *save = NULL;
  for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (!strcmp(t, "ipc")) n->join_more |= CLONE_NEWIPC;
    else if (!strcmp(t, "uts")) n->join_more |= CLONE_NEWUTS;
    else if (!strcmp(t, "pid")) n->join_more |= CLONE_NEWPID;
    else die("run: invalid --net-join %s: want a list of ipc, uts, pid", v);
  }
  free(s);
}

bool net_option(struct net_opts *n, int argc, char **argv, int *i) {
  const char *v;
  if ((v = option_value(argc, argv, i, "--net"))) {
    if (!strcmp(v, "host")) n->mode = NET_HOST;
    else if (!strcmp(v, "none")) n->mode = NET_NONE;
    else if (!strcmp(v, "pasta")) n->mode = NET_PASTA;
    else if (!strcmp(v, "slirp4netns")) n->mode = NET_SLIRP4NETNS;
    else if (!strncmp(v, "container:", 10)) parse_join(n, v, NET_JOIN);
    else if (!strncmp(v, "bridge:", 7)) parse_join(n, v, NET_BRIDGE);
    else die("run: invalid --net %s: want host, none, pasta, slirp4netns, container:PID:STARTTIME or bridge:PID:STARTTIME", v);
  } else if ((v = option_value(argc, argv, i, "--net-join"))) {
    parse_join_more(n, v);
  } else if ((v = option_value(argc, argv, i, "--net-program"))) {
    if (v[0] != '/') die("run: --net-program %s is not absolute", v);
    n->program = v;
  } else if ((v = option_value(argc, argv, i, "--net-arg"))) {
    add_to(&n->args, &n->n_args, v);
  } else if ((v = option_value(argc, argv, i, "--net-api-request"))) {
    add_to(&n->requests, &n->n_requests, v);
  } else {
    return false;
  }
  return true;
}

void net_check(const struct net_opts *n) {
  bool program = n->mode == NET_PASTA || n->mode == NET_SLIRP4NETNS || n->mode == NET_BRIDGE;
  if (program && !n->program) die("run: --net pasta, slirp4netns and bridge need --net-program");
  if (program && !n->runtime_dir) die("run: --net pasta, slirp4netns and bridge need the monitor's --runtime-dir");
  if (!program && (n->program || n->n_args)) die("run: --net-program and --net-arg need --net pasta, slirp4netns or bridge");
  if (n->n_requests && n->mode != NET_SLIRP4NETNS) die("run: --net-api-request needs --net slirp4netns");
  if (n->join_more && n->mode != NET_JOIN) die("run: --net-join needs --net container:PID:STARTTIME");
}

int net_clone_flags(const struct net_opts *n) {
  return n->mode == NET_NONE || n->mode == NET_PASTA || n->mode == NET_SLIRP4NETNS || n->mode == NET_BRIDGE ? CLONE_NEWNET : 0;
}

/* Field 22 of /proc/PID/stat; 0 if the process is gone. */
unsigned long long start_time(pid_t pid) {
  char path[32], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0) return 0;
  buf[r] = '\0';
  char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
  if (p) p++;                   /* the space before field 3 */
  for (int field = 3; p && field < 22; field++) p = strchr(p + 1, ' ');
  return p ? strtoull(p + 1, NULL, 10) : 0;
}

int pid_file_alive(const char *path, const char *who) {
  char buf[64];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) report("%s: open %s: %s", who, path, strerror(errno));
    return -1;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  int e = errno;
  close(fd);
  if (n < 0) {
    report("%s: read %s: %s", who, path, strerror(e));
    return -1;
  }
  buf[n] = '\0';
  char *sp = strchr(buf, ' '), *nl = strchr(buf, '\n');
  unsigned long long pid, start;
  if (!sp || !nl || sp > nl) return -1; /* being written: unknown yet */
  *sp = *nl = '\0';
  if (!parse_uint(buf, 10, 1 << 22, &pid) || !pid || !parse_uint(sp + 1, 10, ~0ULL, &start)) {
    report("%s: %s does not hold PID START", who, path);
    return -1;
  }
  return start_time((pid_t)pid) == start;
}

static int open_ns(pid_t pid, const char *ns, const char *whose) {
  char path[48];
  snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  /* ENOENT/ESRCH: it exited after Node looked (a zombie has no ns files either). */
  if (fd < 0 && (errno == ENOENT || errno == ESRCH)) die("%s (pid %d) exited before this container could join its namespaces: start it again", whose, (int)pid);
  if (fd < 0) die_errno("open %s (%s)", path, whose);
  return fd;
}

/* The container's process failed on its own (a hook, a mount) and is gone,
 * or a zombie: its namespaces are no more, and its failure is the start's. */
static bool child_gone(pid_t pid) {
  char path[48];
  snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) close(fd);
  return fd < 0 && (errno == ENOENT || errno == ESRCH);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static bool same_file(int a, int b) {
  struct stat sa, sb;
  if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0) die_errno("fstat of a namespace");
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The other container's user and net namespaces, opened while its pid is
 * still the process Node saw (start time checked AFTER opening). */
static void open_joined(struct net_opts *n, struct child_setup *setup) {
  if (setup->join) {
    close_fd(&setup->join_net_fd);
    close_fd(&setup->join_user_fd);
    close_fd(&setup->join_ipc_fd);
    close_fd(&setup->join_uts_fd);
    close_fd(&setup->join_pid_fd);
  }
  bool bridge = n->mode == NET_BRIDGE;
  const char *whose = bridge ? "the rootless network namespace holder" : "the container whose network this one joins";
  int user = open_ns(n->join_pid, "user", whose), net = bridge ? -1 : open_ns(n->join_pid, "net", whose);
  setup->join_ipc_fd = n->join_more & CLONE_NEWIPC ? open_ns(n->join_pid, "ipc", whose) : -1;
  setup->join_uts_fd = n->join_more & CLONE_NEWUTS ? open_ns(n->join_pid, "uts", whose) : -1;
  setup->join_pid_fd = n->join_more & CLONE_NEWPID ? open_ns(n->join_pid, "pid", whose) : -1;
  if (start_time(n->join_pid) != n->join_start) {
    if (bridge) die("the rootless network namespace holder (pid %d) is gone: start the container again", (int)n->join_pid);
    die("the container whose network namespace this one joins is no longer running (pid %d is gone)", (int)n->join_pid);
  }
  int own = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (own < 0) die_errno("open /proc/self/ns/user");
  /* Its user namespace is ours (root mode): only the net namespace is joined. */
  if (same_file(own, user)) {
    close(user);
    user = -1;
  }
  close(own);
  setup->join = true;
  setup->join_user_fd = user;
  setup->join_net_fd = net;
}

void net_stop(void *arg) {
  struct net_opts *n = arg;
  close_fd(&n->ready[0]);
  close_fd(&n->ready[1]);
  close_fd(&n->target_user_fd);
  close_fd(&n->target_net_fd);
  netprog_stop(n);
}

/* The container exited. A pasta that holds no host port is only killed
 * here and reaped by net_stop at our exit, after the exit is reported: its
 * teardown then overlaps the caller's work. One that holds ports is reaped
 * first, so that a `run -p` of the same port right after cannot find it
 * still bound. */
static void net_ended(void *arg) {
  struct net_opts *n = arg;
  if (n->mode == NET_PASTA && !netprog_binds_host(n)) {
    netprog_kill(n);
    return;
  }
  net_stop(n);
}

/* The container was sent SIGKILL and will not be restarted. Where the exit
 * waits for the program to be reaped (net_ended: host ports, slirp4netns),
 * it is killed now, so its teardown overlaps the container's instead of
 * following it. A pasta without ports is left to net_ended: the exit does
 * not wait for it, and killing it now only competes with the container's
 * teardown for the CPU (measured: its exit was reported later). */
static void net_killed(void *arg) {
  struct net_opts *n = arg;
  if (n->mode == NET_SLIRP4NETNS || (n->mode == NET_PASTA && netprog_binds_host(n))) netprog_kill(n);
}

static struct net_opts *at_exit_opts;
static void stop_at_exit(void) { net_stop(at_exit_opts); }

/* Before the child is released: once it is uid 0 inside, that id may not be
 * ours (keep-id, --uidmap), and its /proc/PID/ns would be closed to us and
 * to the program until it execs. */
static int open_child_ns(pid_t pid, const char *ns) {
  char path[48];
  snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  /* ENOENT: the child failed early (a createContainer hook, a mount) and is
   * gone already; its own exit status and message are the start's. */
  if (fd < 0 && errno != ENOENT) die_errno("open %s (the container's, for its network)", path);
  return fd;
}

static void mapped(pid_t pid, void *arg) {
  struct net_opts *n = arg;
  close_fd(&n->target_user_fd);
  close_fd(&n->target_net_fd);
  n->target_user_fd = open_child_ns(pid, "user");
  n->target_net_fd = open_child_ns(pid, "net");
}

/* The monitor tells the child to go on (one byte), or, having reported why
 * it cannot, closes the pipe: the child then exits 125. */
static void released(pid_t pid, int error_fd, void *arg) {
  struct net_opts *n = arg;
  char err[1024];
  close_fd(&n->ready[0]);
  if (n->mode != NET_BRIDGE && (n->target_user_fd < 0 || n->target_net_fd < 0)) {
    /* The child is gone (mapped): nothing to set up, nothing to add to its failure. */
    close_fd(&n->target_user_fd);
    close_fd(&n->target_net_fd);
    close_fd(&n->ready[1]);
    return;
  }
  /* Gone already, or while its network was being set up (root mode has no sync before this: the
   * child runs on; a bridge child is not opened in mapped): it failed on its own (a hook, a mount)
   * and said why. Its set-up's failure (nsenter or pasta: cannot open /proc/N/ns/net) is no news. */
  bool ok = !child_gone(pid);
  if (ok) ok = n->mode == NET_BRIDGE ? bridge_setup_run(n, pid, err, sizeof err) : netprog_start(n, pid, err, sizeof err);
  close_fd(&n->target_user_fd); /* the program has its own now */
  close_fd(&n->target_net_fd);
  if (!ok && child_gone(pid)) {
    close_fd(&n->ready[1]);
    return;
  }
  if (!ok) {
    int saved = get_error_fd();
    if (error_fd > 0) set_error_fd(error_fd);
    report("%s", err);
    set_error_fd(saved);
  } else if (write_all(n->ready[1], "N", 1) < 0 && errno != EPIPE) {
    /* EPIPE: the child failed meanwhile and said why on its own. */
    report("release the container after starting its network: %s", strerror(errno));
  }
  close_fd(&n->ready[1]);
}

void net_prepare(struct net_opts *n, struct child_setup *setup) {
  net_stop(n); /* a restart: the last start's program goes first */
  if (n->mode == NET_JOIN || n->mode == NET_BRIDGE) open_joined(n, setup);
  if (n->mode != NET_PASTA && n->mode != NET_SLIRP4NETNS && n->mode != NET_BRIDGE) return;
  if (n->dirfd < 0 && (n->dirfd = open(n->runtime_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno("open runtime dir %s", n->runtime_dir);
  if (pipe2(n->ready, O_CLOEXEC) < 0) die_errno("pipe");
  /* A bridge child is in the holder's user namespace as the user itself: its
   * namespaces stay open to us, nothing to open before it is released. */
  setup->mapped = n->mode == NET_BRIDGE ? NULL : mapped;
  setup->released = released;
  setup->ended = net_ended;
  setup->killed = net_killed;
  setup->hook_arg = n;
  if (!at_exit_opts) {
    at_exit_opts = n;
    if (atexit(stop_at_exit) != 0) die("atexit");
  }
}

void net_child_enter(struct net_opts *n) {
  if (n->mode == NET_NONE) loopback_up();
  close_fd(&n->ready[1]);
}

void net_child_wait(struct net_opts *n) {
  if (n->ready[0] < 0) return;
  char c;
  ssize_t r;
  while ((r = read(n->ready[0], &c, 1)) < 0 && errno == EINTR) {
  }
  if (r != 1) _exit(EXIT_ENGINE); /* the monitor reported the failure */
  close_fd(&n->ready[0]);
}

/* Bridge: `PROGRAM ARGS... PID` with output to <rt>/network.log; it wires the
 * child's net namespace (veth, addresses, routes) and exits 0. Killed if we
 * die meanwhile (PDEATHSIG); a kill -9 of the monitor leaves nothing, since
 * the veth goes with the child's net namespace. */
bool bridge_setup_run(struct net_opts *n, pid_t pid, char *err, size_t errsz) {
  char pidbuf[24];
  snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
  char **argv = xmalloc(sizeof(char *) * (n->n_args + 3));
  argv[0] = (char *)n->program;
  for (size_t i = 0; i < n->n_args; i++) argv[i + 1] = n->args[i];
  argv[n->n_args + 1] = pidbuf;
  argv[n->n_args + 2] = NULL;
  int logfd = openat(n->dirfd, "network.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (logfd < 0) {
    snprintf(err, errsz, "open %s/network.log: %s", n->runtime_dir, strerror(errno));
    free(argv);
    return false;
  }
  pid_t c = fork();
  if (c < 0) {
    snprintf(err, errsz, "fork the network set-up: %s", strerror(errno));
    close(logfd);
    free(argv);
    return false;
  }
  if (c == 0) {
    forked_child_defaults();
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0) _exit(EXIT_ENGINE);
    set_error_fd(2);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");
    if (setsid() < 0) die_errno("setsid");
    execv(n->program, argv);
    die_code(EXIT_CANNOT_INVOKE, "exec %s: %s", n->program, strerror(errno));
  }
  close(logfd);
  free(argv);
  int status;
  while (waitpid(c, &status, 0) < 0) {
    if (errno != EINTR) {
      snprintf(err, errsz, "wait for the network set-up: %s", strerror(errno));
      return false;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  /* Its last line says why. */
  char buf[1024] = "";
  int fd = openat(n->dirfd, "network.log", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t r = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  buf[r > 0 ? r : 0] = '\0';
  size_t len = strlen(buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ')) buf[--len] = '\0';
  char *last = strrchr(buf, '\n');
  snprintf(err, errsz, "setting up the bridge network: %s", len ? (last ? last + 1 : buf) : "the set-up program failed");
  return false;
}
