/* The container's network program, run by the monitor (outside the
 * container, as the user) against the net namespace of the container's
 * first process, before that process execs CMD:
 *
 *   pasta -f --pid <rt>/network.ready ... --userns /proc/self/fd/5 --netns /proc/self/fd/6
 *   pasta -f --pid <rt>/network.ready ... --runas 0:0 --netns <rt>/netns   (root, no user ns)
 *   slirp4netns -r 3 -e 4 [--api-socket slirp4netns.sock] ... PID tap0
 *
 * The container's namespaces are the fds network.c opened before the child
 * was released (as uid 0 inside it may not be ours, and its /proc/PID/ns is
 * then closed to us until it execs): pasta gets them as fds 5 and 6;
 * slirp4netns (whose --userns-path does not work with --enable-sandbox in
 * 1.2.0) gets the PID of a holder of ours that joined them.
 *
 * Ready: pasta writes its pid file once the namespace is configured (a FIFO
 * here, so we need not poll a file); slirp4netns writes "1" on its ready fd.
 * Then the slirp4netns API requests (port forwards) are made. Its output goes
 * to <rt>/network.log, whose last line is the error when it fails.
 *
 * Dying with the container: the monitor kills it when the container exits;
 * waiting for it to die (the teardown of its own namespaces, 20-60 ms on a
 * loaded host) is left until after the exit is reported when it holds no
 * host port (net_ended in network.c); if the monitor itself is killed, PR_SET_PDEATHSIG kills pasta and
 * slirp4netns exits when the monitor's end of its exit fd closes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "network.h"
#include "util.h"

#define READY_TIMEOUT_MS 30000
#define LOG_FILE "network.log"
#define READY_FIFO "network.ready"
#define API_SOCKET "slirp4netns.sock"
#define NETNS_FILE "netns"

static const char *prog_name(const struct net_opts *n) { return n->mode == NET_PASTA ? "pasta" : "slirp4netns"; }

/* Does the container have a user namespace of its own (rootless), or ours (root)? */
static bool has_own_userns(const struct net_opts *n) {
  struct stat a, b;
  if (n->target_user_fd < 0 || n->target_net_fd < 0) die("the container's namespaces were not opened for its network");
  if (fstat(n->target_user_fd, &a) < 0) die_errno("fstat the container's user namespace");
  if (stat("/proc/self/ns/user", &b) < 0) die_errno("stat /proc/self/ns/user");
  return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/* The last non-empty line of the program's log (its error), into out. */
static void last_log_line(const struct net_opts *n, char *out, size_t size) {
  out[0] = '\0';
  int fd = openat(n->dirfd, LOG_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  char buf[4096];
  off_t end = lseek(fd, 0, SEEK_END);
  off_t from = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
  ssize_t r = pread(fd, buf, sizeof buf - 1, from);
  close(fd);
  if (r <= 0) return;
  buf[r] = '\0';
  while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == '\r' || buf[r - 1] == ' ')) buf[--r] = '\0';
  char *line = strrchr(buf, '\n');
  const char *last = line ? line + 1 : buf;
  size_t len = strlen(last) < size ? strlen(last) : size - 1;
  memcpy(out, last, len);
  out[len] = '\0';
}

/* In the forked child: become the program. Failures go to the log (our stderr by then). */
static _Noreturn void exec_program(struct net_opts *n, char **argv, int logfd, const int fds[4], pid_t target, bool bind_netns) {
  /* Default dispositions: pasta refuses to start with SIGPIPE already ignored (as ours is). */
  forked_child_defaults();
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0) _exit(EXIT_ENGINE);
  set_error_fd(2);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");
  /* Not the terminal's: a ^C goes to the monitor, which stops the container and then us. */
  if (setsid() < 0) die_errno("setsid");
  /* Its inherited fds at 3..6 (slirp4netns' ready and exit fds; pasta's user and net
   * namespaces), -1 = none: all dup'ed above first, so no dup2 overwrites a source
   * or maps an fd onto itself (which would keep its close-on-exec flag). */
  int hi[4];
  for (int i = 0; i < 4; i++)
    if ((hi[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 10) : -1) < 0 && fds[i] >= 0) die_errno("dup fd %d", fds[i]);
  for (int i = 0; i < 4; i++)
    if (hi[i] >= 0 && dup2(hi[i], 3 + i) < 0) die_errno("dup2 to fd %d", 3 + i);
  if (fchdir(n->dirfd) < 0) die_errno("chdir %s", n->runtime_dir);
  if (bind_netns) {
    /* Root without a user namespace: pasta (as `nobody`) cannot open /proc/PID/ns/net,
     * so the namespace is bound on a file, in a mount namespace of its own. */
    char src[48];
    snprintf(src, sizeof src, "/proc/%d/ns/net", (int)target);
    if (unshare(CLONE_NEWNS) < 0) die_errno("unshare(CLONE_NEWNS) for %s", argv[0]);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die_errno("make / rprivate");
    if (mount(src, NETNS_FILE, NULL, MS_BIND, NULL) < 0) die_errno("bind %s on %s/%s", src, n->runtime_dir, NETNS_FILE);
  }
  execv(n->program, argv);
  die_code(EXIT_CANNOT_INVOKE, "exec %s: %s", n->program, strerror(errno));
}

/* slirp4netns, rootless: a process with our credentials (and dumpable, so its
 * /proc/PID/ns is open to us) in the container's user and net namespaces, whose
 * pid slirp4netns joins by; stopped once slirp4netns is ready. 0 if it could not
 * join (why: in the log). */
static pid_t start_holder(struct net_opts *n, int logfd) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) die_errno("pipe");
  pid_t self = getpid();
  pid_t h = fork();
  if (h < 0) die_errno("fork the namespace holder for slirp4netns");
  if (h == 0) {
    set_exit_status_fd(-1);
    set_cleanup_child(0);
    set_error_fd(logfd);
    close(p[0]);
    if (setns(n->target_user_fd, CLONE_NEWUSER) < 0) die_errno("join the container's user namespace");
    if (setns(n->target_net_fd, CLONE_NEWNET) < 0) die_errno("join the container's network namespace");
    /* The capabilities joining gave us cleared the death signal and dumpability. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");
    if (getppid() != self) _exit(EXIT_ENGINE); /* the monitor died before it was armed */
    if (prctl(PR_SET_DUMPABLE, 1) < 0) die_errno("prctl(PR_SET_DUMPABLE)");
    if (write_all(p[1], "H", 1) < 0) die_errno("write to the monitor");
    for (;;) pause();
  }
  close(p[1]);
  char c;
  ssize_t r;
  while ((r = read(p[0], &c, 1)) < 0 && errno == EINTR) {
  }
  close(p[0]);
  if (r == 1) return h;
  while (waitpid(h, NULL, 0) < 0 && errno == EINTR) {
  }
  return 0;
}

static void stop_holder(pid_t h) {
  if (h <= 0) return;
  (void)kill(h, SIGKILL);
  while (waitpid(h, NULL, 0) < 0 && errno == EINTR) {
  }
}

/* Wait for a byte on ready_fd, or the program's end, or the timeout. */
static bool wait_ready(struct net_opts *n, int ready_fd, char *err, size_t errsz) {
  int pidfd = (int)syscall(SYS_pidfd_open, n->prog, 0);
  if (pidfd < 0) die_errno("pidfd_open %d", (int)n->prog);
  struct pollfd p[2] = {{.fd = ready_fd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
  bool ok = false;
  for (;;) {
    int r = poll(p, 2, READY_TIMEOUT_MS);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die_errno("poll");
    if (r == 0) {
      snprintf(err, errsz, "%s did not get ready within %d seconds", prog_name(n), READY_TIMEOUT_MS / 1000);
      break;
    }
    if (p[0].revents) {
      char buf[32];
      ssize_t got = read(ready_fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got > 0) {
        ok = true;
        break;
      }
      p[0].fd = -1; /* EOF: it closed without a word; its exit tells why */
      continue;
    }
    /* It exited before getting ready. */
    int status = 0;
    while (waitpid(n->prog, &status, 0) < 0 && errno == EINTR) {
    }
    n->prog = 0;
    char line[512];
    last_log_line(n, line, sizeof line);
    snprintf(err, errsz, "%s failed with exit code %d%s%s", prog_name(n), exit_code_of(status), line[0] ? ": " : "", line);
    break;
  }
  close(pidfd);
  return ok;
}

/* One slirp4netns API call (one request per connection); false with the reply in err. */
static bool api_call(struct net_opts *n, const char *request, char *err, size_t errsz) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die_errno("socket");
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  /* Through our dir fd: the runtime dir's path may be longer than sun_path allows. */
  snprintf(a.sun_path, sizeof a.sun_path, "/proc/self/fd/%d/%s", n->dirfd, API_SOCKET);
  char reply[4096];
  size_t len = 0;
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0 || write_all(s, request, strlen(request)) < 0 || shutdown(s, SHUT_WR) < 0) {
    snprintf(err, errsz, "slirp4netns API socket: %s", strerror(errno));
    close(s);
    return false;
  }
  for (;;) {
    ssize_t r = read(s, reply + len, sizeof reply - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
    if (len == sizeof reply - 1) break;
  }
  close(s);
  reply[len] = '\0';
  if (strstr(reply, "\"return\"")) return true;
  snprintf(err, errsz, "slirp4netns refused %s: %s", request, len ? reply : "no reply");
  return false;
}

static char **build_argv(struct net_opts *n, pid_t pid, bool own_userns, char **owned, size_t *n_owned) {
  char **argv = xmalloc(sizeof(char *) * (n->n_args + 16));
  size_t a = 0;
  argv[a++] = (char *)n->program;
  for (size_t i = 0; i < n->n_args; i++) argv[a++] = n->args[i];
#define OWN(s) (owned[(*n_owned)++] = (s))
  if (n->mode == NET_PASTA) {
    argv[a++] = "-f";
    argv[a++] = "--pid";
    argv[a++] = OWN(xasprintf("%s/%s", n->runtime_dir, READY_FIFO));
    if (own_userns) {
      /* The fds exec_program puts at 5 and 6 (not a PID: see the top). */
      argv[a++] = "--userns";
      argv[a++] = "/proc/self/fd/5";
      argv[a++] = "--netns";
      argv[a++] = "/proc/self/fd/6";
    } else {
      /* As root pasta would change to `nobody`, which can neither enter the
       * namespace nor keep PR_SET_PDEATHSIG; it keeps only NET_BIND_SERVICE
       * and SYS_ADMIN, under its own seccomp filter, in an empty mount ns. */
      argv[a++] = "--runas";
      argv[a++] = OWN(xasprintf("%u:%u", (unsigned)geteuid(), (unsigned)getegid()));
      argv[a++] = "--netns";
      argv[a++] = OWN(xasprintf("%s/%s", n->runtime_dir, NETNS_FILE));
    }
  } else {
    argv[a++] = "-r";
    argv[a++] = "3";
    argv[a++] = "-e";
    argv[a++] = "4";
    if (n->n_requests) {
      argv[a++] = "--api-socket";
      argv[a++] = API_SOCKET;
    }
    /* By pid: it joins the process's user namespace too (its --userns-path
     * with --enable-sandbox fails at setegid(0) in 1.2.0: its sandbox step
     * joins the user namespace by pid only). Rootless, the holder's pid. */
    argv[a++] = OWN(xasprintf("%d", (int)pid));
    argv[a++] = "tap0";
  }
#undef OWN
  argv[a] = NULL;
  return argv;
}

bool netprog_start(struct net_opts *n, pid_t pid, char *err, size_t errsz) {
  bool own_userns = has_own_userns(n);
  int logfd = openat(n->dirfd, LOG_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (logfd < 0) die_errno("open %s/%s", n->runtime_dir, LOG_FILE);
  pid_t holder = 0;
  if (n->mode == NET_SLIRP4NETNS && own_userns && (holder = start_holder(n, logfd)) == 0) {
    close(logfd);
    char line[512];
    last_log_line(n, line, sizeof line);
    snprintf(err, errsz, "slirp4netns: %s", line[0] ? line : "the namespace holder failed");
    return false;
  }
  char *owned[6];
  size_t n_owned = 0;
  char **argv = build_argv(n, holder > 0 ? holder : pid, own_userns, owned, &n_owned);

  int ready = -1, fd3 = -1, fd4 = -1, exitp[2] = {-1, -1};
  if (n->mode == NET_PASTA) {
    (void)unlinkat(n->dirfd, READY_FIFO, 0);
    if (mkfifoat(n->dirfd, READY_FIFO, 0600) < 0) die_errno("mkfifo %s/%s", n->runtime_dir, READY_FIFO);
    /* Opened first (non-blocking), so pasta's open for writing never waits. */
    if ((ready = openat(n->dirfd, READY_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) die_errno("open %s/%s", n->runtime_dir, READY_FIFO);
    if (!own_userns) {
      int f = openat(n->dirfd, NETNS_FILE, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (f < 0) die_errno("create %s/%s", n->runtime_dir, NETNS_FILE);
      close(f);
      n->netns_file = true;
    }
  } else {
    int rp[2];
    if (pipe2(rp, O_CLOEXEC) < 0 || pipe2(exitp, O_CLOEXEC) < 0) die_errno("pipe");
    ready = rp[0];
    fd3 = rp[1];
    fd4 = exitp[0];
  }

  pid_t self = getpid();
  pid_t p = fork();
  if (p < 0) die_errno("fork %s", n->program);
  if (p == 0) {
    if (getppid() != self) _exit(EXIT_ENGINE); /* the monitor died before PDEATHSIG was armed */
    bool pasta_fds = n->mode == NET_PASTA && own_userns;
    int fds[4] = {fd3, fd4, pasta_fds ? n->target_user_fd : -1, pasta_fds ? n->target_net_fd : -1};
    exec_program(n, argv, logfd, fds, pid, n->mode == NET_PASTA && !own_userns);
  }
  n->prog = p;
  close(logfd);
  if (fd3 >= 0) close(fd3);
  if (fd4 >= 0) close(fd4);
  n->exit_fd = exitp[1];
  for (size_t i = 0; i < n_owned; i++) free(owned[i]);
  free(argv);

  bool ok = wait_ready(n, ready, err, errsz);
  close(ready);
  stop_holder(holder); /* slirp4netns joined the namespaces by then */
  if (n->mode == NET_PASTA) (void)unlinkat(n->dirfd, READY_FIFO, 0);
  for (size_t i = 0; ok && i < n->n_requests; i++) ok = api_call(n, n->requests[i], err, errsz);
  if (!ok) netprog_stop(n);
  return ok;
}

/* Whether the program holds host ports: pasta with a -t/-u forward other
 * than `none` (any spelling we do not recognise counts as one), and
 * slirp4netns always (its forwards come through the API). */
bool netprog_binds_host(const struct net_opts *n) {
  if (n->mode != NET_PASTA) return true;
  for (size_t i = 0; i < n->n_args; i++) {
    const char *a = n->args[i];
    const char *v = NULL;
    if (!strcmp(a, "-t") || !strcmp(a, "-u") || !strcmp(a, "--tcp-ports") || !strcmp(a, "--udp-ports"))
      v = i + 1 < n->n_args ? n->args[++i] : "";
    else if (!strncmp(a, "--tcp-ports=", 12) || !strncmp(a, "--udp-ports=", 12))
      v = a + 12;
    else if (a[0] == '-' && (a[1] == 't' || a[1] == 'u') && a[2] != '\0')
      v = a + 2;
    if (v && strcmp(v, "none") != 0) return true;
  }
  return false;
}

/* SIGKILL without waiting: netprog_stop() reaps it later. */
void netprog_kill(struct net_opts *n) {
  if (n->prog > 0) (void)kill(n->prog, SIGKILL);
}

void netprog_stop(struct net_opts *n) {
  if (n->prog > 0) {
    (void)kill(n->prog, SIGKILL);
    while (waitpid(n->prog, NULL, 0) < 0 && errno == EINTR) {
    }
    n->prog = 0;
  }
  if (n->exit_fd >= 0) close(n->exit_fd);
  n->exit_fd = -1;
  if (n->dirfd < 0) return;
  (void)unlinkat(n->dirfd, API_SOCKET, 0);
  if (n->netns_file) (void)unlinkat(n->dirfd, NETNS_FILE, 0);
  n->netns_file = false;
}
