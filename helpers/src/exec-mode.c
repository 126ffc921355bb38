/* Mode `exec`: a command in a running container (podman exec). Three
 * processes:
 *   relay   - the helper itself, on the host side: carries stdio
 *             (exec-relay.c), reports the start, detaches, exits with the
 *             command's status;
 *   joiner  - its child: joins the container's namespaces (exec-join.c),
 *             forks the command (a fork is what enters a pid namespace),
 *             passes signals on and exits with the command's status;
 *   command - inside every namespace of the container: its stdio (pipes, or
 *             a pty of the container's own devpts), cwd, the container's
 *             security (security.c: caps, no_new_privs, seccomp, ids), exec.
 * Protocol: docs/helper-protocol.md, "exec". */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "exec-join.h"
#include "exec-relay.h"
#include "exec.h"
#include "logfile.h"
#include "modes.h"
#include "options.h"
#include "pty.h"
#include "security.h"
#include "util.h"

struct exec_opts {
  pid_t pid;
  unsigned long long start_time;
  const char *cwd;
  bool has_user;
  uid_t uid;
  gid_t gid;
  char **env;
  size_t n_env;
  bool tty, stdin_open, detach;
  unsigned short rows, cols;
  unsigned char detach_keys[EXEC_DETACH_KEYS_MAX];
  size_t n_detach_keys;
  int sync_fd;
  const char *exit_file;
  char **exit_cmd;
  size_t n_exit_cmd;
  struct security_opts sec;
  int preserve_base, preserve_n; /* --preserve-fds BASE:N */
  char **cmd;
};

static struct exec_opts o = {.sync_fd = -1};
static struct container_ns cns;
/* The command's side of its stdio, and the exec-status pipe (its error fd:
 * closed by a successful exec, a failure line otherwise). */
static int status_w = -1, in_r = -1, out_w = -1, err_w = -1, console_w = -1;
static bool raw;
static struct termios saved_tty;
static bool detached;

/* ---- options ---- */

static const char *value_of(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n)) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n]) return NULL;
  if (*i + 1 >= argc) die("exec: option %s needs a value", name);
  return argv[++*i];
}

static unsigned long long number(const char *opt, const char *v, unsigned long long max) {
  unsigned long long n;
  if (!parse_uint(v, 10, max, &n)) die("exec: invalid %s %s", opt, v);
  return n;
}

static void parse_user(const char *v) {
  char buf[32];
  const char *colon = strchr(v, ':');
  if (!colon || strlen(v) >= sizeof buf) die("exec: invalid --user %s: want UID:GID", v);
  memcpy(buf, v, (size_t)(colon - v));
  buf[colon - v] = '\0';
  o.has_user = true;
  o.uid = (uid_t)number("--user", buf, 0xfffffffeULL);
  o.gid = (gid_t)number("--user", colon + 1, 0xfffffffeULL);
}

static void parse_tty_size(const char *v) {
  char buf[32];
  const char *colon = strchr(v, ':');
  if (!colon || strlen(v) >= sizeof buf) die("exec: invalid --tty-size %s: want ROWS:COLS", v);
  memcpy(buf, v, (size_t)(colon - v));
  buf[colon - v] = '\0';
  o.rows = (unsigned short)number("--tty-size", buf, 65535);
  o.cols = (unsigned short)number("--tty-size", colon + 1, 65535);
}

static void parse_hex_keys(const char *v) {
  size_t n = strlen(v);
  if (n % 2 || n / 2 > EXEC_DETACH_KEYS_MAX) die("exec: invalid --detach-keys %s: want up to 16 bytes in hex", v);
  for (size_t i = 0; i < n / 2; i++) {
    char b[3] = {v[2 * i], v[2 * i + 1], 0};
    char *end;
    unsigned long x = strtoul(b, &end, 16);
    if (*end || !b[0]) die("exec: invalid --detach-keys %s: want hex bytes", v);
    o.detach_keys[i] = (unsigned char)x;
  }
  o.n_detach_keys = n / 2;
}

static void parse_options(int argc, char **argv) {
  o.env = xmalloc(sizeof(char *) * (size_t)(argc + 1));
  bool has_pid = false, has_start = false;
  int i = 0;
  for (; i < argc && strcmp(argv[i], "--"); i++) {
    const char *v;
    const char *a = argv[i];
    if ((v = value_of(argc, argv, &i, "--pid"))) {
      o.pid = (pid_t)number("--pid", v, 1u << 30);
      has_pid = o.pid > 0;
    } else if ((v = value_of(argc, argv, &i, "--pid-start-time"))) {
      o.start_time = number("--pid-start-time", v, ~0ULL);
      has_start = true;
    } else if ((v = value_of(argc, argv, &i, "--preserve-fds"))) {
      parse_preserve_fds(v, &o.preserve_base, &o.preserve_n);
    } else if ((v = value_of(argc, argv, &i, "--cwd"))) {
      if (v[0] != '/') die("exec: --cwd %s is not absolute", v);
      o.cwd = v;
    } else if ((v = value_of(argc, argv, &i, "--user")))
      parse_user(v);
    else if ((v = value_of(argc, argv, &i, "--env"))) {
      if (!strchr(v, '=') || v[0] == '=') die("exec: invalid --env %s: want KEY=VALUE", v);
      o.env[o.n_env++] = (char *)v;
    } else if (!strcmp(a, "--tty"))
      o.tty = true;
    else if ((v = value_of(argc, argv, &i, "--tty-size")))
      parse_tty_size(v);
    else if (!strcmp(a, "--stdin"))
      o.stdin_open = true;
    else if (!strcmp(a, "--detach"))
      o.detach = true;
    else if ((v = value_of(argc, argv, &i, "--detach-keys")))
      parse_hex_keys(v);
    else if ((v = value_of(argc, argv, &i, "--sync-fd"))) {
      o.sync_fd = (int)number("--sync-fd", v, 1u << 20);
      if (fcntl(o.sync_fd, F_GETFD) < 0) die("exec: invalid --sync-fd %s", v);
    } else if ((v = value_of(argc, argv, &i, "--exit-file")))
      o.exit_file = v;
    else if ((v = value_of(argc, argv, &i, "--exit-command")) || (v = value_of(argc, argv, &i, "--exit-command-arg"))) {
      if (!strncmp(a, "--exit-command-arg", 18) ? !o.n_exit_cmd : o.n_exit_cmd) die("exec: --exit-command-arg follows one --exit-command");
      o.exit_cmd = xrealloc(o.exit_cmd, sizeof(char *) * (o.n_exit_cmd + 2));
      o.exit_cmd[o.n_exit_cmd++] = (char *)v;
      o.exit_cmd[o.n_exit_cmd] = NULL;
    } else if (!strncmp(a, "--mask", 6) || !strncmp(a, "--readonly-path", 15))
      die("exec: %s does not apply: the container's mounts are already in place", a);
    else if (!security_option(argc, argv, &i, &o.sec))
      die("exec: unknown option %s", a);
  }
  o.env[o.n_env] = NULL;
  if (!has_pid || !has_start) die("exec: --pid and --pid-start-time are required");
  if (i >= argc - 1) die("exec: missing -- CMD ARGS");
  o.cmd = argv + i + 1;
}

/* ---- the command (inside the container) ---- */

static const char *env_path(void) {
  for (char **e = o.env; *e; e++)
    if (!strncmp(*e, "PATH=", 5)) return *e + 5;
  return DEFAULT_PATH;
}

static _Noreturn void command_process(void) {
  if (o.tty) {
    /* Still root of the namespace: the slave can be given to --user. */
    pty_setup_child(console_w, o.rows, o.cols, o.has_user ? o.uid : 0);
  } else {
    /* Its own session: a terminal's Ctrl-C reaches the relay, which passes it on once. */
    if (setsid() < 0) die_errno("setsid");
    int fds[3] = {in_r, out_w, err_w};
    for (int i = 0; i < 3; i++)
      if (dup2(fds[i], i) < 0) die_errno("dup2 stdio %d", i);
  }
  const char *cwd = o.cwd ? o.cwd : "/";
  /* podman (crun's message) reports a missing directory like a missing command. */
  if (chdir(cwd) < 0) die_code(errno == ENOENT ? EXIT_NOT_FOUND : errno == EACCES ? EXIT_CANNOT_INVOKE : EXIT_ENGINE,
                               "chdir to `%s`: %s", cwd, strerror(errno));
  if (o.preserve_n) exec_preserve_fds(o.preserve_base, o.preserve_n);
  security_apply(&o.sec, o.has_user, o.uid, o.gid);
  umask(022); /* podman's default --umask */
  exec_command(o.cmd, o.env, env_path());
}

/* ---- the joiner ---- */

static _Noreturn void joiner(pid_t relay) {
  set_error_fd(status_w);
  set_cleanup_child(0);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");
  if (getppid() != relay) _exit(EXIT_ENGINE); /* the relay is already gone */
  /* Out of the caller's process group and session: a signal the terminal
   * sends there (a hangup after a detach, Ctrl-C) reaches the relay alone,
   * which passes on what is meant for the command, once. */
  if (setsid() < 0) die_errno("setsid");
  /* Inside the container's pid namespace, the command (our copy until its
   * exec) must not be ptrace-able or have its /proc fds opened from there. */
  if (prctl(PR_SET_DUMPABLE, 0) < 0) die_errno("prctl(PR_SET_DUMPABLE)");
  /* Here, not in the long-lived relay: the compiled filter is ~800 KB of
   * heap; and before joining, while the rules file (a host path) is visible. */
  security_prepare(&o.sec);
  container_ns_join(&cns);

  pid_t cmd = fork();
  if (cmd < 0) die_errno("fork the command");
  if (cmd == 0) command_process();

  /* We stay in the container's namespaces (not its pid namespace): hold
   * nothing of the host's but what waiting needs. */
  (void)close_range(3, ~0U, 0);
  /* The relay blocked these before forking us: they wait in a signalfd. */
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(&set, forwarded_signals[i]);
  sigaddset(&set, SIGCHLD);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  if (sfd < 0) _exit(EXIT_ENGINE);
  for (;;) {
    int status;
    pid_t w = waitpid(cmd, &status, WNOHANG);
    if (w == cmd) _exit(exit_code_of(status));
    if (w < 0 && errno != EINTR) _exit(EXIT_ENGINE);
    struct signalfd_siginfo si;
    ssize_t r = read(sfd, &si, sizeof si);
    if (r != sizeof si || si.ssi_signo == SIGCHLD) continue;
    (void)kill(cmd, (int)si.ssi_signo);
  }
}

/* ---- the relay ---- */

static void send_sync(const char *line) {
  if (o.sync_fd >= 0 && write_all(o.sync_fd, line, strlen(line)) < 0) {
    close(o.sync_fd);
    o.sync_fd = -1;
  }
}

/* The caller stops waiting for us (-d, or the detach keys): our stdio and
 * error fd go to /dev/null, we leave its session and finish alone. */
static void restore_raw(void) {
  if (raw) tty_restore(0, &saved_tty);
  raw = false;
}

static void leave_caller(void) {
  restore_raw();
  if (o.sync_fd >= 0) close(o.sync_fd);
  o.sync_fd = -1;
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) die_errno("open /dev/null");
  for (int i = 0; i < 3; i++)
    if (dup2(null, i) < 0) die_errno("dup2 /dev/null");
  close(null);
  int efd = get_error_fd();
  if (efd > 2) close(efd);
  set_error_fd(2);
  (void)setsid(); /* out of the terminal's session: its hangup is not ours */
  detached = true;
}

static void on_detach_keys(void) {
  send_sync("detached\n");
  leave_caller();
}

/* The caller was killed: the session goes on alone, as after a detach
 * (conmon keeps a session whose podman died), and tells of its end itself. */
static void on_caller_gone(void) { leave_caller(); }

static void write_exit_file(int code) {
  if (!o.exit_file) return;
  struct timespec ts;
  char now[TIME_BUF], text[128];
  clock_gettime(CLOCK_REALTIME, &ts);
  format_time(now, &ts);
  snprintf(text, sizeof text, "{\"exitCode\":%d,\"finishedAt\":\"%s\"}\n", code, now);
  char *tmp = xasprintf("%s.tmp", o.exit_file);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || close(fd) < 0 || rename(tmp, o.exit_file) < 0)
    report("write %s: %s", o.exit_file, strerror(errno));
  free(tmp);
}

static void run_exit_command(void) { spawn_exit_command(o.exit_cmd); }

static void make_stdio(int *in_w, int *out_r, int *err_r, int *console_r) {
  int p[2];
  if (o.tty) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0) die_errno("socketpair");
    *console_r = p[0];
    console_w = p[1];
    return;
  }
  if (pipe2(p, O_CLOEXEC) < 0) die_errno("pipe");
  *out_r = p[0];
  out_w = p[1];
  if (pipe2(p, O_CLOEXEC) < 0) die_errno("pipe");
  *err_r = p[0];
  err_w = p[1];
  if (o.stdin_open) {
    if (pipe2(p, O_CLOEXEC) < 0) die_errno("pipe");
    in_r = p[0];
    *in_w = p[1];
  } else if ((in_r = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
    die_errno("open /dev/null");
  }
}

/* Everything on the exec-status pipe until it closes: empty when the command runs. */
static void read_status(int fd, char *err, size_t size) {
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, err + len, size - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
    if (len == size - 1) break;
  }
  err[len] = '\0';
  char *nl = strchr(err, '\n');
  if (nl) *nl = '\0';
  size_t plen = strlen(HELPER_NAME ": ");
  if (!strncmp(err, HELPER_NAME ": ", plen)) memmove(err, err + plen, strlen(err + plen) + 1);
}

int mode_exec(const struct ns_config *ns, int argc, char **argv) {
  if (ns_wants_userns(ns)) die("exec: --uid-map and --gid-map do not apply: exec joins the container's user namespace");
  parse_options(argc, argv);
  container_ns_open(&cns, o.pid, o.start_time);
  if (o.tty && !o.rows && !o.detach && !tty_get_size(0, &o.rows, &o.cols)) (void)tty_get_size(1, &o.rows, &o.cols);

  int in_w = -1, out_r = -1, err_r = -1, console_r = -1, st[2];
  make_stdio(&in_w, &out_r, &err_r, &console_r);
  if (pipe2(st, O_CLOEXEC) < 0) die_errno("pipe");
  status_w = st[1];

  signal(SIGPIPE, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTTIN, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(&set, forwarded_signals[i]);
  sigaddset(&set, SIGCHLD);
  /* Blocked before the fork, so none is lost; the joiner reads its own copy. */
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) die_errno("sigprocmask");
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
  if (sigfd < 0) die_errno("signalfd");

  /* Raw before the command runs, so keys typed at once reach it as bytes. */
  if (!o.detach && o.tty && o.stdin_open && isatty(0)) {
    raw = tty_make_raw(0, &saved_tty);
    if (raw) set_finish_hook(restore_raw);
  }

  pid_t self = getpid();
  pid_t child = fork();
  if (child < 0) die_errno("fork");
  if (child == 0) joiner(self);
  set_cleanup_child(child);
  int ends[] = {status_w, in_r, out_w, err_w, console_w};
  for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
    if (ends[i] >= 0) close(ends[i]);
  for (size_t i = 0; i < cns.n; i++) close(cns.fds[i]);

  char err[1024];
  read_status(st[0], err, sizeof err);
  close(st[0]);
  int master = -1;
  if (!err[0] && o.tty && (master = pty_receive_master(console_r)) < 0) snprintf(err, sizeof err, "the command's terminal was not set up");
  if (console_r >= 0) close(console_r);
  if (err[0]) {
    int status, code = EXIT_ENGINE;
    while (waitpid(child, &status, 0) < 0)
      if (errno != EINTR) die_errno("waitpid");
    set_cleanup_child(0);
    if (exit_code_of(status) != 0) code = exit_code_of(status);
    die_code(code, "%s", err);
  }

  send_sync("started\n");
  if (o.detach) leave_caller();

  struct exec_relay relay = {
      .child = child,
      .sigfd = sigfd,
      .out_fd = o.tty ? master : out_r,
      .err_fd = o.tty ? -1 : err_r,
      .in_fd = o.tty ? (o.stdin_open ? master : -1) : in_w,
      .tty = o.tty,
      .own_stdin = o.stdin_open && !o.detach,
      .detach_keys = o.detach_keys,
      .n_detach_keys = o.n_detach_keys,
      .on_detach = on_detach_keys,
      .caller_fd = o.detach ? -1 : o.sync_fd,
      .on_caller_gone = on_caller_gone,
  };
  int code = exit_code_of(exec_relay_run(&relay));
  set_cleanup_child(0);
  if (raw) tty_restore(0, &saved_tty);
  if (detached) {
    write_exit_file(code);
    run_exit_command();
  }
  return code;
}
