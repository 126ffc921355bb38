/* The monitor: see monitor.h and docs/helper-protocol.md ("The monitor").
 * One process, one poll() loop, fixed buffers: a detached, idle monitor
 * must stay well under a megabyte of RSS. */
#include "monitor.h"

#include "hooks.h"
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "exec.h"
#include "pty.h"
#include "util.h"

/* After the container's process exits, output still in flight is read for
 * at most this long (its pid namespace is gone, so writers are too). */
#define DRAIN_MS 2000
/* Restart back-off: 100 ms, doubling, at most this. */
#define RESTART_DELAY_MAX_MS 30000

static struct {
  const struct ns_config *ns;
  const struct child_setup *setup;
  struct monitor_opts *m;
  struct container_io *io;
  void (*prepare)(void *);
  int (*payload)(void *);
  void *arg;

  int dirfd;      /* the runtime dir, -1 without one */
  struct attach_server attach;
  int ctl_fd;
  char ctl_buf[64];
  size_t ctl_len;
  int sigfd;
  int status_fd;  /* detached: the exit code byte for the helper's first process */

  pid_t pid;      /* the container's process, 0 when none */
  bool exited;
  int wait_status;
  int out_fd, err_fd, master; /* our ends; the pty master is out_fd and in_fd with --tty */
  int in_fd;                  /* container stdin: pipe write end or the master; -1 when closed */
  bool close_stdin;           /* close in_fd once pending is written */
  char pending[65536];        /* a pipe's worth: a reader of big records gets them whole when the writer keeps up */
  size_t pend_off, pend_len;
  size_t keys_held;           /* detach-key bytes matched so far */

  bool own_stdin, own_stdout, own_stderr; /* foreground: our stdio carries the container's */
  bool raw;
  struct termios saved_tty;
  int sync_fd;
  bool sync_two_way; /* the sync fd is a socket: the caller answers on it */
  bool acked;     /* the caller recorded the start */
  bool cli_gone;  /* nobody waits for us: run the exit command */
  bool stopping;  /* `stop` or a failed start: no more restarts */
  unsigned long restarts;
  bool timed_out;    /* --timeout fired: the exit code is conmon's -1 (run exits 255) */
  long long kill_at; /* --timeout: when the running container gets SIGKILL (monotonic ms), 0 = never */
  int stopper_fd;    /* pidfd of the `stop` that cleans up after the exit itself (ctl `stopper`), -1: none */
  pid_t stopper_pid;
  bool cleaned;      /* that stop said (ctl `cleaned`) it did the exit command's work */
} mon = {.stopper_fd = -1, .dirfd = -1, .ctl_fd = -1, .sigfd = -1, .status_fd = -1, .out_fd = -1, .err_fd = -1, .master = -1, .in_fd = -1, .sync_fd = -1};

/* ---- options ---- */

void monitor_defaults(struct monitor_opts *m) {
  memset(m, 0, sizeof *m);
  m->sync_fd = -1;
  m->sig_proxy = true;
  m->log.driver = LOG_K8S_FILE;
  m->log.fd = -1;
  m->n_detach_keys = 0;
}

static const char *value_of(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n)) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n]) return NULL;
  if (*i + 1 >= argc) die("run: option %s needs a value", name);
  return argv[++*i];
}

static void parse_restart(struct monitor_opts *m, const char *v) {
  unsigned long long n = 0;
  if (!strcmp(v, "no")) m->restart = RESTART_NO;
  else if (!strcmp(v, "always")) m->restart = RESTART_ALWAYS;
  else if (!strcmp(v, "on-failure")) m->restart = RESTART_ON_FAILURE;
  else if (!strncmp(v, "on-failure:", 11) && parse_uint(v + 11, 10, 1u << 30, &n)) m->restart = RESTART_ON_FAILURE;
  else die("run: invalid --restart %s: want no, always or on-failure[:N]", v);
  m->restart_max = (unsigned long)n;
}

static void parse_hex_keys(struct monitor_opts *m, const char *v) {
  size_t n = strlen(v);
  if (n % 2 || n / 2 > sizeof m->detach_keys) die("run: invalid --detach-keys %s: want up to 16 bytes in hex", v);
  for (size_t i = 0; i < n / 2; i++) {
    char b[3] = {v[2 * i], v[2 * i + 1], 0};
    char *end;
    unsigned long x = strtoul(b, &end, 16);
    if (*end) die("run: invalid --detach-keys %s: want hex bytes", v);
    m->detach_keys[i] = (unsigned char)x;
  }
  m->n_detach_keys = n / 2;
}

static void parse_tty_size(struct monitor_opts *m, const char *v) {
  unsigned long long r, c;
  char buf[32];
  if (strlen(v) >= sizeof buf) die("run: invalid --tty-size %s: want ROWS:COLS", v);
  strcpy(buf, v);
  char *colon = strchr(buf, ':');
  if (!colon) die("run: invalid --tty-size %s: want ROWS:COLS", v);
  *colon = '\0';
  if (!parse_uint(buf, 10, 65535, &r) || !parse_uint(colon + 1, 10, 65535, &c)) die("run: invalid --tty-size %s: want ROWS:COLS", v);
  m->rows = (unsigned short)r;
  m->cols = (unsigned short)c;
}

bool monitor_option(struct monitor_opts *m, int argc, char **argv, int *i) {
  const char *v;
  unsigned long long n;
  const char *a = argv[*i];
  if ((v = value_of(argc, argv, i, "--sync-fd"))) {
    if (!parse_uint(v, 10, 1u << 20, &n) || fcntl((int)n, F_GETFD) < 0) die("run: invalid --sync-fd %s", v);
    m->sync_fd = (int)n;
  } else if (!strcmp(a, "--detach")) m->detach = true;
  else if ((v = value_of(argc, argv, i, "--runtime-dir"))) m->runtime_dir = v;
  else if (!strcmp(a, "--tty")) m->tty = true;
  else if (!strcmp(a, "--stdin")) m->stdin_open = true;
  else if (!strcmp(a, "--attach-stdin")) m->attach_stdin = true;
  else if ((v = value_of(argc, argv, i, "--tty-size"))) parse_tty_size(m, v);
  else if ((v = value_of(argc, argv, i, "--log-driver"))) {
    if (!parse_log_driver(v, &m->log.driver)) die("run: invalid --log-driver %s: want k8s-file, json-file or none", v);
  } else if ((v = value_of(argc, argv, i, "--log-path"))) m->log.path = v;
  else if ((v = value_of(argc, argv, i, "--log-max-size"))) {
    if (!parse_uint(v, 10, ~0ULL, &m->log.max_size)) die("run: invalid --log-max-size %s: want bytes", v);
  } else if ((v = value_of(argc, argv, i, "--restart"))) parse_restart(m, v);
  else if ((v = value_of(argc, argv, i, "--exit-command")) || (v = value_of(argc, argv, i, "--exit-command-arg"))) {
    if (!strncmp(a, "--exit-command-arg", 18) ? !m->n_exit_cmd : m->n_exit_cmd) die("run: --exit-command-arg follows one --exit-command");
    m->exit_cmd = xrealloc(m->exit_cmd, sizeof(char *) * (m->n_exit_cmd + 2));
    m->exit_cmd[m->n_exit_cmd++] = (char *)v;
    m->exit_cmd[m->n_exit_cmd] = NULL;
  } else if ((v = value_of(argc, argv, i, "--detach-keys"))) parse_hex_keys(m, v);
  else if (!strcmp(a, "--no-sig-proxy")) m->sig_proxy = false;
  else if (!strcmp(a, "--init")) m->init = true;
  else if (!strcmp(a, "--pause")) m->pause = true;
  else if ((v = value_of(argc, argv, i, "--cgroup"))) m->cgroup = v;
  else if ((v = value_of(argc, argv, i, "--timeout"))) {
    if (!parse_uint(v, 10, 1ULL << 31, &n) || !n) die("run: invalid --timeout %s: want seconds", v);
    m->timeout = (unsigned long)n;
  } else if (!strcmp(a, "--no-stdout")) m->no_stdout = true;
  else if (!strcmp(a, "--no-stderr")) m->no_stderr = true;
  else return false;
  m->enabled = true;
  return true;
}

/* ---- small helpers ---- */

static unsigned long long start_time_of(pid_t pid) {
  char path[32], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields start after the LAST ')'. */
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  p++;
  /* p is at the space before field 3; step to the one before field 22 */
  for (int field = 3; field < 22 && p; field++) p = strchr(p + 1, ' ');
  return p ? strtoull(p + 1, NULL, 10) : 0;
}

static void now_string(char buf[TIME_BUF]) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  format_time(buf, &ts);
}

/* A file in the runtime dir, replaced atomically (temp + rename). It is
 * volatile state: no fsync. Failure is reported, not fatal. */
static void write_runtime_file(const char *name, const char *text) {
  if (mon.dirfd < 0) return;
  char tmp[64];
  snprintf(tmp, sizeof tmp, ".%s.tmp", name);
  int fd = openat(mon.dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || close(fd) < 0 || renameat(mon.dirfd, tmp, mon.dirfd, name) < 0)
    report("write %s/%s: %s", mon.m->runtime_dir, name, strerror(errno));
}

static void restore_tty(void) {
  if (mon.raw) tty_restore(0, &mon.saved_tty);
  mon.raw = false;
}

/* Nobody reads our stdio or error fd any more (detached from the caller). */
static void leave_caller(void) {
  restore_tty();
  mon.own_stdin = mon.own_stdout = mon.own_stderr = false;
  int efd = get_error_fd();
  devnull_stdio();
  if (efd > 2) close(efd);
  set_error_fd(2);
}

/* The caller went away before it recorded the start: nobody knows this
 * container runs, so it must not (its exit, and the exit command, record it). */
static void caller_lost(void) {
  mon.cli_gone = true;
  if (mon.acked) return;
  mon.stopping = true;
  if (mon.pid > 0 && !mon.exited) (void)kill(mon.pid, SIGKILL);
}

static void send_sync(const char *line) {
  if (mon.sync_fd < 0) return;
  if (write_all(mon.sync_fd, line, strlen(line)) < 0) {
    close(mon.sync_fd);
    mon.sync_fd = -1;
    caller_lost();
  }
}

/* ---- starting the container ---- */

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* Start one container process. On failure: false, *code and the child's
 * error line (without the program prefix) in err. */
static long long now_ms(void);

static bool start_once(int *code, char *err, size_t errsz) {
  struct monitor_opts *m = mon.m;
  struct container_io *io = mon.io;
  mon.prepare(mon.arg);

  int execp[2], sv[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1}, in[2] = {-1, -1};
  if (pipe2(execp, O_CLOEXEC) < 0) die_errno("pipe");
  memset(io, 0, sizeof *io);
  io->active = true;
  io->tty = m->tty;
  io->init = m->init;
  io->pause = m->pause;
  io->exec_fd = execp[1];
  io->rows = m->rows;
  io->cols = m->cols;
  io->console_sock = io->in_fd = io->out_fd = io->err_fd = io->cgroup_procs_fd = -1;
  if (m->tty) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) die_errno("socketpair");
    io->console_sock = sv[1];
  } else {
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) die_errno("pipe");
    io->out_fd = out[1];
    io->err_fd = errp[1];
    if (m->stdin_open) {
      if (pipe2(in, O_CLOEXEC) < 0) die_errno("pipe");
      io->in_fd = in[0];
    } else if ((io->in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
      die_errno("open /dev/null");
    }
  }
  if (m->cgroup) {
    char *p = xasprintf("%s/cgroup.procs", m->cgroup);
    if ((io->cgroup_procs_fd = open(p, O_WRONLY | O_CLOEXEC)) < 0) die_errno("open %s", p);
    free(p);
  }

  struct child_setup setup = *mon.setup;
  setup.error_fd = execp[1];
  if (m->hooks) hooks_gate_open(m->hooks);
  pid_t pid = spawn_in_namespaces(mon.ns, &setup, mon.payload, mon.arg);
  /* prestart, createRuntime: the namespaces exist, the child waits at the gate. */
  if (m->hooks) hooks_runtime_stages(m->hooks, pid, execp[1]);

  close(execp[1]);
  close_fd(&sv[1]);
  close_fd(&out[1]);
  close_fd(&errp[1]);
  close_fd(&io->in_fd);
  close_fd(&io->cgroup_procs_fd);
  if (m->tty) {
    mon.master = pty_receive_master(sv[0]);
    close(sv[0]);
    mon.out_fd = mon.in_fd = mon.master;
  } else {
    mon.out_fd = out[0];
    mon.err_fd = errp[0];
    mon.in_fd = in[1];
  }
  /* Writes to the container's stdin wait in `pending` rather than block the loop. */
  if (mon.in_fd >= 0 && fcntl(mon.in_fd, F_SETFL, O_NONBLOCK) < 0) die_errno("fcntl O_NONBLOCK");

  /* The exec-status pipe closes when CMD is exec'd; anything on it is the child's failure. */
  size_t len = 0;
  for (;;) {
    ssize_t r = read(execp[0], err + len, errsz - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
    if (len == errsz - 1) break;
  }
  close(execp[0]);
  err[len] = '\0';
  if (len == 0 && !(m->tty && mon.master < 0)) {
    /* poststart: CMD runs. A failing one is passed over, as the runtime spec says (a warning in runc). */
    if (m->hooks && hooks_any(m->hooks, HOOK_POSTSTART)) {
      char herr[1024];
      (void)hooks_run(m->hooks, HOOK_POSTSTART, "running", pid, herr, sizeof herr);
    }
    mon.pid = pid;
    mon.exited = false;
    mon.kill_at = m->timeout ? now_ms() + (long long)m->timeout * 1000 : 0;
    return true;
  }

  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) die_errno("waitpid");
  set_cleanup_child(0);
  if (mon.setup->ended) mon.setup->ended(mon.setup->hook_arg);
  *code = exit_code_of(status);
  if (*code == 0) *code = EXIT_ENGINE;
  char *nl = strchr(err, '\n');
  if (nl) *nl = '\0';
  size_t plen = strlen(HELPER_NAME ": ");
  if (!strncmp(err, HELPER_NAME ": ", plen)) memmove(err, err + plen, strlen(err + plen) + 1);
  if (!err[0]) snprintf(err, errsz, "the container's process exited before running its command (status %d)", *code);
  close_fd(&mon.out_fd);
  close_fd(&mon.err_fd);
  if (mon.in_fd != mon.master) close_fd(&mon.in_fd);
  mon.in_fd = mon.out_fd = -1;
  close_fd(&mon.master);
  return false;
}

/* Going idle: give back the heap the start used, and the page-table entries
 * of our read-only file mappings (fault-around mapped far more of the binary
 * than the loop runs; what it needs faults back in). Only mappings without a
 * private copy of any page (relocated RELRO pages are one): MADV_DONTNEED
 * would put the file's bytes back there. */
static void shrink_idle(void) {
  (void)malloc_trim(0);
  FILE *f = fopen("/proc/self/smaps", "re");
  if (!f) return;
  char line[512];
  unsigned long lo = 0, hi = 0;
  bool candidate = false;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perms[8];
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &a, &b, perms, &path_at) == 3) {
      lo = a;
      hi = b;
      candidate = path_at && perms[1] == '-' && line[path_at] == '/';
      continue;
    }
    unsigned long anon;
    /* "Anonymous:" comes after the sizes and Rss of each mapping. */
    if (candidate && sscanf(line, "Anonymous: %lu kB", &anon) == 1) {
      if (anon == 0) (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
      candidate = false;
    }
  }
  fclose(f);
}

static void record_start(void) {
  char ts[TIME_BUF], buf[256];
  now_string(ts);
  snprintf(buf, sizeof buf, "{\"pid\":%d,\"pidStartTime\":%llu,\"startedAt\":\"%s\",\"restartCount\":%lu}\n", (int)mon.pid,
           start_time_of(mon.pid), ts, mon.restarts);
  write_runtime_file("process.json", buf);
}

/* ---- the loop ---- */

static void deliver(int stream, const char *buf, size_t n) {
  logfile_write(&mon.m->log, stream, buf, n);
  bool *own = stream == 2 ? &mon.own_stderr : &mon.own_stdout;
  if (*own && write_all(stream == 2 ? 2 : 1, buf, n) < 0) *own = false;
  attach_broadcast(&mon.attach, stream == 2 ? FRAME_STDERR : FRAME_STDOUT, buf, n);
}

static size_t stdin_room(void *ctx) {
  (void)ctx;
  return mon.in_fd >= 0 && !mon.close_stdin && mon.pend_len == 0 ? sizeof mon.pending : 0;
}

static void stdin_data(void *ctx, const char *p, size_t n) {
  (void)ctx;
  if (mon.in_fd < 0 || mon.close_stdin) return;
  if (n > sizeof mon.pending - mon.pend_off - mon.pend_len) n = sizeof mon.pending - mon.pend_off - mon.pend_len;
  memcpy(mon.pending + mon.pend_off + mon.pend_len, p, n);
  mon.pend_len += n;
}

static void stdin_eof(void *ctx) {
  (void)ctx;
  /* A pty has no end of input; the shell sees ^D only if someone types it. */
  if (!mon.m->tty) mon.close_stdin = true;
}

static void resize(void *ctx, unsigned short rows, unsigned short cols) {
  (void)ctx;
  if (mon.master >= 0) pty_resize(mon.master, rows, cols);
}

static const struct attach_events events = {.stdin_room = stdin_room, .stdin_data = stdin_data, .stdin_eof = stdin_eof, .resize = resize};

static void flush_stdin(void) {
  while (mon.pend_len) {
    ssize_t w = write(mon.in_fd, mon.pending + mon.pend_off, mon.pend_len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      mon.pend_len = 0; /* the container closed its stdin: drop the rest */
      break;
    }
    mon.pend_off += (size_t)w;
    mon.pend_len -= (size_t)w;
  }
  mon.pend_off = 0;
  if (mon.close_stdin && mon.in_fd >= 0 && mon.in_fd != mon.master) close_fd(&mon.in_fd);
}

/* Detach keys (foreground): the caller stops waiting, we carry on alone. */
static void detach_now(void) {
  send_sync("{\"detached\":true}\n");
  /* Keys typed before the caller acknowledged the start: it still writes its
   * ack, and closing now would fail that write (EPIPE), its socket dropping
   * our line unread; it would then wait for our exit. The ack, or the
   * caller's end, closes it (sync_readable). */
  if (mon.acked) close_fd(&mon.sync_fd);
  mon.cli_gone = true;
  leave_caller();
  (void)setsid(); /* out of the terminal's session: its hangup is not ours */
}

static void own_stdin_readable(void) {
  /* Room for held detach-key bytes on top of what is read; a whole number of pages, so a
   * reader of 512-byte records from a file gets whole records (as conmon's 8 KiB reads do). */
  static char buf[sizeof mon.pending - 4096];
  _Static_assert(sizeof mon.m->detach_keys <= 4096, "detach keys fit beside a read");
  ssize_t r = read(0, buf, sizeof buf);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (r <= 0) {
    mon.own_stdin = false;
    stdin_eof(NULL);
    return;
  }
  const struct monitor_opts *m = mon.m;
  if (!m->n_detach_keys) { /* no keys (not a terminal, or --detach-keys ""): the bytes as they are */
    stdin_data(NULL, buf, (size_t)r);
    return;
  }
  for (ssize_t i = 0; i < r; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (m->n_detach_keys && c == m->detach_keys[mon.keys_held]) {
      if (++mon.keys_held == m->n_detach_keys) {
        mon.keys_held = 0;
        detach_now();
        return;
      }
      continue;
    }
    if (mon.keys_held) { /* not the sequence after all: pass the held prefix on */
      stdin_data(NULL, (const char *)m->detach_keys, mon.keys_held);
      mon.keys_held = 0;
      if (c == m->detach_keys[0]) {
        mon.keys_held = 1;
        continue;
      }
    }
    stdin_data(NULL, (const char *)&c, 1);
  }
}

static void output_readable(int *fd, int stream) {
  static char buf[8192];
  ssize_t r = read(*fd, buf, sizeof buf);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (r <= 0) { /* EOF, or EIO from a pty master whose slave is gone */
    if (*fd == mon.master) {
      mon.in_fd = -1;
      mon.master = -1;
    }
    close_fd(fd);
    return;
  }
  deliver(stream, buf, (size_t)r);
}

/* SIGKILL went to the container: when nothing will start it again (stop
 * said so first; --timeout; no restart policy), its network program is
 * killed at the same time (network.c net_killed). */
static void killed_for_good(void) {
  if ((mon.stopping || mon.m->restart == RESTART_NO) && mon.setup->killed) mon.setup->killed(mon.setup->hook_arg);
}

/* `stopper PID START`: that `stop` (its start time checked, so a reused pid
 * is not taken for it) will do the exit command's work itself after the
 * exit and say `cleaned`, as podman's stop cleans up in-process: no Node
 * process to start after every stop. Should it die first, the exit command
 * runs as before (wait_for_stopper). The last stopper counts. */
static void take_stopper(pid_t pid, unsigned long long start) {
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return; /* gone already: the exit command will do it */
  if (start_time_of(pid) != start) {
    close(fd);
    return;
  }
  close_fd(&mon.stopper_fd);
  mon.stopper_fd = fd;
  mon.stopper_pid = pid;
  mon.cleaned = false;
}

static void ctl_readable(void) {
  ssize_t r = read(mon.ctl_fd, mon.ctl_buf + mon.ctl_len, sizeof mon.ctl_buf - 1 - mon.ctl_len);
  if (r <= 0) return;
  mon.ctl_len += (size_t)r;
  char *nl;
  while ((nl = memchr(mon.ctl_buf, '\n', mon.ctl_len))) {
    *nl = '\0';
    unsigned rows, cols;
    int sig, pid;
    unsigned long long start;
    if (sscanf(mon.ctl_buf, "resize %u %u", &rows, &cols) == 2 && rows && cols && rows < 65536 && cols < 65536)
      resize(NULL, (unsigned short)rows, (unsigned short)cols);
    else if (sscanf(mon.ctl_buf, "kill %d", &sig) == 1 && sig > 0 && sig < NSIG && mon.pid > 0 && !mon.exited) {
      if (kill(mon.pid, sig) == 0 && sig == SIGKILL) killed_for_good();
    }
    else if (!strcmp(mon.ctl_buf, "stop"))
      mon.stopping = true;
    else if (sscanf(mon.ctl_buf, "stopper %d %llu", &pid, &start) == 2 && pid > 0)
      take_stopper(pid, start);
    else if (!strcmp(mon.ctl_buf, "cleaned"))
      mon.cleaned = true;
    size_t used = (size_t)(nl - mon.ctl_buf) + 1;
    memmove(mon.ctl_buf, nl + 1, mon.ctl_len - used);
    mon.ctl_len -= used;
  }
  if (mon.ctl_len == sizeof mon.ctl_buf - 1) mon.ctl_len = 0; /* an overlong line: drop it */
}

/* The caller's acknowledgement (`ok`: the start is recorded; `done`: after
 * the exit it cleaned up itself) or its end. */
static void sync_readable(void) {
  char buf[16];
  ssize_t r = read(mon.sync_fd, buf, sizeof buf);
  if (r < 0 && errno == EINTR) return;
  if (r > 0 && !mon.acked) {
    mon.acked = true;
    if (mon.m->detach) { /* detached: nothing more to say to the caller */
      close_fd(&mon.sync_fd);
      mon.cli_gone = true;
    }
    return;
  }
  if (r > 0) return;
  close_fd(&mon.sync_fd);
  caller_lost();
}

static void signal_readable(void) {
  struct signalfd_siginfo si;
  ssize_t r = read(mon.sigfd, &si, sizeof si);
  if (r != sizeof si) return;
  int sig = (int)si.ssi_signo;
  if (sig == SIGCHLD) {
    int st;
    if (mon.pid > 0 && !mon.exited && waitpid(mon.pid, &st, WNOHANG) == mon.pid) {
      mon.exited = true;
      mon.wait_status = st;
      set_cleanup_child(0);
    }
    return;
  }
  if (sig == SIGWINCH && mon.m->tty) {
    unsigned short rows, cols;
    if (mon.own_stdout && mon.master >= 0 && (tty_get_size(0, &rows, &cols) || tty_get_size(1, &rows, &cols)))
      pty_resize(mon.master, rows, cols);
    return;
  }
  if (mon.pid <= 0 || mon.exited) {
    if (sig == SIGTERM || sig == SIGINT) mon.stopping = true; /* between restarts */
    return;
  }
  if (mon.m->sig_proxy || mon.cli_gone) (void)kill(mon.pid, sig);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum { P_SIG, P_OUT, P_ERR, P_OWNIN, P_IN, P_LISTEN, P_CTL, P_SYNC, P_CLIENT0 };

static void run_until_exit(void) {
  long long drain_deadline = 0;
  for (;;) {
    if (mon.exited && !drain_deadline) drain_deadline = now_ms() + DRAIN_MS;
    if (mon.exited && mon.out_fd < 0 && mon.err_fd < 0) break;
    struct pollfd p[P_CLIENT0 + ATTACH_MAX_CLIENTS];
    for (size_t i = 0; i < sizeof p / sizeof *p; i++) p[i] = (struct pollfd){.fd = -1};
    size_t room = stdin_room(NULL);
    p[P_SIG] = (struct pollfd){.fd = mon.sigfd, .events = POLLIN};
    p[P_OUT] = (struct pollfd){.fd = mon.out_fd, .events = POLLIN};
    p[P_ERR] = (struct pollfd){.fd = mon.err_fd, .events = POLLIN};
    if (mon.own_stdin && room) p[P_OWNIN] = (struct pollfd){.fd = 0, .events = POLLIN};
    if (mon.pend_len && mon.in_fd >= 0) p[P_IN] = (struct pollfd){.fd = mon.in_fd, .events = POLLOUT};
    p[P_LISTEN] = (struct pollfd){.fd = mon.attach.listen_fd, .events = POLLIN};
    p[P_CTL] = (struct pollfd){.fd = mon.ctl_fd, .events = POLLIN};
    if (mon.sync_two_way && (!mon.acked || !mon.m->detach)) p[P_SYNC] = (struct pollfd){.fd = mon.sync_fd, .events = POLLIN};
    for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++)
      if (mon.attach.listen_fd >= 0 && attach_wants_input(&mon.attach, i, room))
        p[P_CLIENT0 + i] = (struct pollfd){.fd = mon.attach.clients[i].fd, .events = POLLIN};

    int timeout = -1;
    if (drain_deadline) {
      long long left = drain_deadline - now_ms();
      if (left <= 0) break;
      timeout = (int)left;
    } else if (mon.kill_at && !mon.exited) {
      /* --timeout: the container's time is up (conmon's --timeout: SIGKILL, no restart). */
      long long left = mon.kill_at - now_ms();
      if (left <= 0) {
        mon.kill_at = 0;
        mon.stopping = true;
        mon.timed_out = true;
        if (mon.pid > 0 && kill(mon.pid, SIGKILL) < 0 && errno != ESRCH) die_errno("kill %d", (int)mon.pid);
        killed_for_good();
        continue;
      }
      timeout = (int)left;
    }
    int n = poll(p, sizeof p / sizeof *p, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("poll");
    }
    if (n == 0) continue;
    const short ready = POLLIN | POLLHUP | POLLERR;
    if (p[P_SIG].revents & ready) signal_readable();
    if (p[P_OUT].revents & ready) output_readable(&mon.out_fd, 1);
    if (p[P_ERR].revents & ready) output_readable(&mon.err_fd, 2);
    if (p[P_OWNIN].revents & ready) own_stdin_readable();
    if (p[P_IN].revents & (POLLOUT | POLLERR | POLLHUP)) flush_stdin();
    if (p[P_LISTEN].revents & POLLIN) attach_accept(&mon.attach);
    if (p[P_CTL].revents & POLLIN) ctl_readable();
    if (p[P_SYNC].revents & ready) sync_readable();
    for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++)
      if (p[P_CLIENT0 + i].fd >= 0 && p[P_CLIENT0 + i].revents & ready) attach_client_readable(&mon.attach, i, &events);
    if (mon.pend_len && mon.in_fd >= 0) flush_stdin();
    else if (mon.close_stdin) flush_stdin();
  }
  close_fd(&mon.out_fd);
  close_fd(&mon.err_fd);
  if (mon.in_fd != mon.master) close_fd(&mon.in_fd);
  mon.in_fd = -1;
  close_fd(&mon.master);
  mon.pend_len = mon.pend_off = 0;
  mon.close_stdin = false;
  mon.pid = 0;
}

/* ---- the end ---- */

static bool should_restart(int code) {
  const struct monitor_opts *m = mon.m;
  if (mon.stopping) return false;
  switch (m->restart) {
  case RESTART_ALWAYS:
    return true;
  case RESTART_ON_FAILURE:
    return code != 0 && (m->restart_max == 0 || mon.restarts < m->restart_max);
  default:
    return false;
  }
}

/* Wait before a restart; `stop` (or SIGTERM/SIGINT) meanwhile cancels it. */
static void restart_delay(void) {
  unsigned shift = mon.restarts < 9 ? (unsigned)mon.restarts : 9;
  long long deadline = now_ms() + (100LL << shift > RESTART_DELAY_MAX_MS ? RESTART_DELAY_MAX_MS : 100LL << shift);
  while (!mon.stopping) {
    long long left = deadline - now_ms();
    if (left <= 0) return;
    struct pollfd p[3] = {{.fd = mon.sigfd, .events = POLLIN}, {.fd = mon.ctl_fd, .events = POLLIN}, {.fd = mon.attach.listen_fd, .events = POLLIN}};
    if (poll(p, 3, (int)left) <= 0) continue;
    if (p[0].revents & POLLIN) signal_readable();
    if (p[1].revents & POLLIN) ctl_readable();
    if (p[2].revents & POLLIN) { /* nothing to attach to right now */
      int fd = accept4(mon.attach.listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd >= 0) close(fd);
    }
  }
}

static void format_exit(char *buf, size_t size, int code, int sig) {
  char ts[TIME_BUF];
  now_string(ts);
  if (sig)
    snprintf(buf, size, "{\"exitCode\":%d,\"signal\":\"SIG%s\",\"finishedAt\":\"%s\",\"restartCount\":%lu}\n", code,
             sigabbrev_np(sig) ? sigabbrev_np(sig) : "UNKNOWN", ts, mon.restarts);
  else
    snprintf(buf, size, "{\"exitCode\":%d,\"signal\":null,\"finishedAt\":\"%s\",\"restartCount\":%lu}\n", code, ts, mon.restarts);
}

static void run_exit_command(void) { spawn_exit_command(mon.m->exit_cmd); }

/* After exit.json: a `stop` that said it cleans up itself (take_stopper) is
 * given until it exits (or STOPPER_WAIT_MS) to say `cleaned` on the ctl
 * FIFO; otherwise the exit command runs. */
enum { STOPPER_WAIT_MS = 60000 };
static void wait_for_stopper(void) {
  long long deadline = now_ms() + STOPPER_WAIT_MS;
  while (mon.stopper_fd >= 0 && !mon.cleaned) {
    struct pollfd p[2] = {{.fd = mon.ctl_fd, .events = POLLIN}, {.fd = mon.stopper_fd, .events = POLLIN}};
    long long left = deadline - now_ms();
    if (left <= 0) break;
    int n = poll(p, 2, (int)left);
    if (n < 0 && errno != EINTR) die_errno("poll");
    if (n <= 0) continue;
    if (p[0].revents & POLLIN) ctl_readable();
    if (!mon.cleaned && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ctl_readable(); /* it may have said `cleaned` just before it exited */
      if (!mon.cleaned) close_fd(&mon.stopper_fd);
    }
  }
  close_fd(&mon.stopper_fd);
}

/* Wait for the foreground caller's `done` line (it cleaned up itself) or its end. */
static void await_caller(void) {
  char buf[64];
  size_t len = 0;
  for (;;) {
    ssize_t r = read(mon.sync_fd, buf + len, sizeof buf - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      mon.cli_gone = true;
      break;
    }
    len += (size_t)r;
    buf[len] = '\0';
    if (strstr(buf, "done\n")) break;
    if (len > sizeof buf / 2) { /* keep the tail: `done` may straddle reads */
      memmove(buf, buf + len - 8, 8);
      len = 8;
    }
  }
  close_fd(&mon.sync_fd);
}

/* ---- detaching from the caller ---- */

/* Double fork: the caller's child waits for the monitor's status byte and
 * exits with it; the monitor (a grandchild in its own session) carries on. */
static void detach_from_caller(void) {
  int st[2];
  if (pipe2(st, O_CLOEXEC) < 0) die_errno("pipe");
  pid_t p1 = fork();
  if (p1 < 0) die_errno("fork");
  if (p1 > 0) {
    close(st[1]);
    int status;
    while (waitpid(p1, &status, 0) < 0 && errno == EINTR) {
    }
    unsigned char code;
    ssize_t r;
    while ((r = read(st[0], &code, 1)) < 0 && errno == EINTR) {
    }
    if (r == 1) _exit(code);
    die("the monitor exited before the container started");
  }
  close(st[0]);
  set_exit_status_fd(st[1]);
  mon.status_fd = st[1];
  if (setsid() < 0) die_errno("setsid");
  pid_t p2 = fork();
  if (p2 < 0) die_errno("fork");
  if (p2 > 0) _exit(0);
}

static void open_runtime_dir(void) {
  const char *dir = mon.m->runtime_dir;
  if (!dir) return;
  mon.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mon.dirfd < 0) die_errno("open runtime dir %s", dir);
  const char *stale[] = {"exit.json", "process.json", "ctl"};
  for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
    if (unlinkat(mon.dirfd, stale[i], 0) < 0 && errno != ENOENT) die_errno("remove %s/%s", dir, stale[i]);
  attach_listen(&mon.attach, mon.dirfd, "attach");
  if (mkfifoat(mon.dirfd, "ctl", 0600) < 0) die_errno("mkfifo %s/ctl", dir);
  /* Read-write: never EOF when a writer leaves, and writers never get ENXIO. */
  mon.ctl_fd = openat(mon.dirfd, "ctl", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (mon.ctl_fd < 0) die_errno("open %s/ctl", dir);
}

int monitor_run(const struct ns_config *ns, const struct child_setup *setup, struct monitor_opts *m, struct container_io *io,
                void (*prepare)(void *), int (*payload)(void *), void *arg) {
  mon.ns = ns;
  mon.setup = setup;
  mon.m = m;
  mon.io = io;
  mon.prepare = prepare;
  mon.payload = payload;
  mon.arg = arg;
  mon.sync_fd = m->sync_fd;
  mon.attach.listen_fd = -1;

  signal(SIGPIPE, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTTIN, SIG_IGN);
  if (m->detach) detach_from_caller();

  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(&set, forwarded_signals[i]);
  sigaddset(&set, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) die_errno("sigprocmask");
  if ((mon.sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) die_errno("signalfd");

  open_runtime_dir();
  logfile_open(&m->log);
  if (!m->detach) {
    mon.own_stdin = m->stdin_open && m->attach_stdin;
    mon.own_stdout = !m->no_stdout;
    mon.own_stderr = !m->no_stderr;
    /* The pty starts with our terminal's size, set before CMD runs. */
    if (m->tty && !m->rows && !tty_get_size(0, &m->rows, &m->cols)) (void)tty_get_size(1, &m->rows, &m->cols);
  }
  /* The caller acknowledges on the sync fd only when it is a socket (Node's stdio pipes are). */
  struct stat sst;
  mon.sync_two_way = mon.sync_fd >= 0 && fstat(mon.sync_fd, &sst) == 0 && S_ISSOCK(sst.st_mode);
  if (!mon.sync_two_way) mon.acked = true;

  /* Raw before CMD runs: keys typed as soon as it prints must reach it as
   * bytes (in cooked mode the line discipline eats ctrl-q as XON). */
  if (!m->detach && m->tty && mon.own_stdin) {
    mon.raw = tty_make_raw(0, &mon.saved_tty);
    if (mon.raw) set_finish_hook(restore_tty);
  }

  int code = 0;
  char err[1024];
  if (!start_once(&code, err, sizeof err)) die_code(code, "%s", err);

  char line[256];
  snprintf(line, sizeof line, "{\"monitorPid\":%d,\"monitorStartTime\":%llu,\"pid\":%d,\"pidStartTime\":%llu}\n", (int)getpid(),
           start_time_of(getpid()), (int)mon.pid, start_time_of(mon.pid));
  send_sync(line);
  record_start();
  if (m->detach) {
    unsigned char ok = 0;
    (void)write_all(mon.status_fd, &ok, 1);
    close_fd(&mon.status_fd);
    set_exit_status_fd(-1);
    leave_caller();
  }
  shrink_idle();

  for (;;) {
    run_until_exit();
    if (mon.setup->ended) mon.setup->ended(mon.setup->hook_arg); /* e.g. its network program */
    int status = mon.wait_status;
    code = mon.timed_out ? -1 : exit_code_of(status);
    char rec[256];
    format_exit(rec, sizeof rec, code, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    attach_broadcast(&mon.attach, FRAME_EXIT, rec, strlen(rec) - 1);
    attach_close_clients(&mon.attach);
    if (!should_restart(code)) break;
    restart_delay();
    if (mon.stopping) break;
    mon.restarts++;
    if (!start_once(&code, err, sizeof err)) {
      char msg[sizeof err + 2];
      snprintf(msg, sizeof msg, "%s\n", err);
      deliver(2, msg, strlen(msg));
      mon.wait_status = code << 8; /* as if it had exited with the failure's code */
      mon.exited = true;
      break;
    }
    record_start();
    shrink_idle();
  }

  restore_tty();
  int status = mon.wait_status;
  code = mon.timed_out ? -1 : exit_code_of(status);
  char rec[256];
  format_exit(rec, sizeof rec, code, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  /* A stopper we will wait for is named in the file: it does the cleanup only then. */
  bool stopper = mon.cli_gone && mon.m->n_exit_cmd > 0 && mon.stopper_fd >= 0;
  if (stopper) {
    char file[sizeof rec + 32];
    size_t len = strlen(rec);
    snprintf(file, sizeof file, "%.*s,\"cleanupBy\":%d}\n", (int)(len - 2), rec, (int)mon.stopper_pid);
    write_runtime_file("exit.json", file);
    wait_for_stopper();
  } else {
    write_runtime_file("exit.json", rec);
  }
  if (mon.dirfd >= 0) {
    (void)unlinkat(mon.dirfd, "attach", 0);
    (void)unlinkat(mon.dirfd, "ctl", 0);
  }
  if (m->cgroup && rmdir(m->cgroup) < 0 && errno != ENOENT) report("remove cgroup %s: %s", m->cgroup, strerror(errno));
  if (!mon.cli_gone && mon.sync_fd >= 0) {
    send_sync(rec);
    if (mon.sync_fd >= 0 && mon.sync_two_way) await_caller();
  }
  if (mon.cli_gone && !mon.cleaned) run_exit_command();
  exit(code); /* exit(), not _exit(): atexit handlers stop what prepare() started */
}

/* ---- the container's side ---- */

void container_io_join_cgroup(struct container_io *io) {
  if (!io->active || io->cgroup_procs_fd < 0) return;
  if (write_all(io->cgroup_procs_fd, "0\n", 2) < 0) die_errno("join the container's cgroup");
  close(io->cgroup_procs_fd);
  io->cgroup_procs_fd = -1;
}

void container_io_setup(struct container_io *io, uid_t uid) {
  if (!io->active) return;
  if (io->tty) {
    pty_setup_child(io->console_sock, io->rows, io->cols, uid);
    return;
  }
  /* Its own session: a terminal's Ctrl-C reaches the monitor, which forwards it once. */
  if (setsid() < 0) die_errno("setsid");
  int fds[3] = {io->in_fd, io->out_fd, io->err_fd};
  for (int i = 0; i < 3; i++)
    if (dup2(fds[i], i) < 0) die_errno("dup2 stdio %d", i);
}

static void ignore_signal(int sig) { (void)sig; }

/* --pause: a pod's infra. PID 1 holds the namespaces, reaps whatever is
 * re-parented to it (members sharing its pid namespace) and exits 0 on
 * SIGTERM, SIGINT or SIGHUP. Handlers are installed (and the signals
 * blocked for sigwaitinfo) because PID 1 of a pid namespace never gets a
 * signal it left at SIG_DFL. */
static _Noreturn void pause_forever(int efd) {
  if (efd > 3) (void)close_range(3, (unsigned)efd - 1, 0);
  (void)close_range((unsigned)efd + 1, ~0U, 0);
  sigset_t set;
  sigemptyset(&set);
  const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction sa = {.sa_handler = ignore_signal};
    if (sigaction(sigs[i], &sa, NULL) < 0) die_errno("pause: sigaction");
    sigaddset(&set, sigs[i]);
  }
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) die_errno("pause: sigprocmask");
  close(efd); /* the start succeeded: nothing is exec'd */
  for (;;) {
    int sig = sigwaitinfo(&set, NULL);
    if (sig < 0) continue; /* EINTR */
    if (sig != SIGCHLD) _exit(0);
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
  }
}

_Noreturn void container_exec(struct container_io *io, char *const argv[], char *const envp[], const char *path) {
  if (io->pause) pause_forever(io->exec_fd);
  if (!io->init) exec_command(argv, envp, path);

  /* --init: we stay PID 1 and run CMD as our child, like podman's catatonit.
   * PID 1 is re-executed from our sealed copy as `/run/podman-init -- CMD`
   * with the container's environment, so its cmdline and environ name no
   * host path (init_main() in init.c takes over). Only 0, 1, 2 and the
   * exec-status pipe (as fd 3; CMD's exec closes it) stay open. */
  int efd = io->exec_fd;
  if (efd != INIT_EXEC_FD) {
    if (dup2(efd, INIT_EXEC_FD) < 0) die_errno("init: dup2");
    close(efd);
  }
  set_error_fd(INIT_EXEC_FD);
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) die_errno("init: open /proc/self/exe");
  (void)close_range(INIT_EXEC_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
  if (fcntl(INIT_EXEC_FD, F_SETFD, 0) < 0) die_errno("init: fcntl");
  size_t n = 0;
  while (argv[n]) n++;
  char **init_argv = xmalloc(sizeof(char *) * (n + 3));
  init_argv[0] = (char *)INIT_ARGV0;
  init_argv[1] = (char *)"--";
  for (size_t i = 0; i <= n; i++) init_argv[i + 2] = argv[i];
  (void)path; /* init_main() finds CMD with the container's PATH */
  fexecve(self, init_argv, envp);
  die_errno("init: execute %s", INIT_ARGV0);
}
