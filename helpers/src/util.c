/* Error reporting and small helpers. Messages are built in one buffer and
 * written with a single write(): several helper processes may share the
 * error fd and a reader expects whole lines. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int error_fd = 2;
static pid_t cleanup_child = 0;
static int exit_status_fd = -1;
static void (*finish_hook)(void);
static pid_t finish_hook_pid;

void set_error_fd(int fd) { error_fd = fd; }

int get_error_fd(void) { return error_fd; }

void set_exit_status_fd(int fd) { exit_status_fd = fd; }

void set_cleanup_child(pid_t pid) { cleanup_child = pid; }

void set_finish_hook(void (*fn)(void)) {
  finish_hook = fn;
  finish_hook_pid = fn ? getpid() : 0;
}

static void vreport(const char *fmt, va_list ap, int errnum) {
  char buf[4096];
  int n = snprintf(buf, sizeof buf, "%s: ", HELPER_NAME);
  int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
  size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
  if (len > sizeof buf - 1) len = sizeof buf - 1;
  if (errnum) {
    int k = snprintf(buf + len, sizeof buf - len, ": %s", strerror(errnum));
    len += k < 0 ? 0 : (size_t)k;
    if (len > sizeof buf - 1) len = sizeof buf - 1;
  }
  /* Keep it one line whatever the arguments contain (paths may hold \n). */
  for (size_t i = 0; i < len; i++)
    if (buf[i] == '\n' || buf[i] == '\r') buf[i] = ' ';
  if (len > sizeof buf - 2) len = sizeof buf - 2;
  buf[len++] = '\n';
  (void)write_all(error_fd, buf, len);
}

void report(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(fmt, ap, 0);
  va_end(ap);
}

static void run_finish_hook(void) {
  void (*fn)(void) = finish_hook;
  finish_hook = NULL;
  if (fn && getpid() == finish_hook_pid) fn();
}

static _Noreturn void finish(int code) {
  run_finish_hook();
  if (exit_status_fd >= 0) {
    unsigned char c = (unsigned char)code;
    (void)write_all(exit_status_fd, &c, 1);
  }
  if (cleanup_child > 0) {
    kill(cleanup_child, SIGKILL);
    /* Reap it so nothing lingers if our own parent waits on the group. */
    while (waitpid(cleanup_child, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  _exit(code);
}

void die_code(int code, const char *fmt, ...) {
  va_list ap;
  run_finish_hook();
  va_start(ap, fmt);
  vreport(fmt, ap, 0);
  va_end(ap);
  finish(code);
}

void die(const char *fmt, ...) {
  va_list ap;
  run_finish_hook();
  va_start(ap, fmt);
  vreport(fmt, ap, 0);
  va_end(ap);
  finish(EXIT_ENGINE);
}

void die_errno(const char *fmt, ...) {
  int errnum = errno;
  va_list ap;
  run_finish_hook();
  va_start(ap, fmt);
  vreport(fmt, ap, errnum);
  va_end(ap);
  finish(EXIT_ENGINE);
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

bool parse_uint(const char *s, int base, unsigned long long max, unsigned long long *out) {
  if (!s || !*s) return false;
  unsigned long long v = 0;
  for (const char *p = s; *p; p++) {
    int d;
    if (*p >= '0' && *p <= '9')
      d = *p - '0';
    else
      return false;
    if (d >= base) return false;
    if (v > (max - (unsigned long long)d) / (unsigned long long)base) return false;
    v = v * (unsigned long long)base + (unsigned long long)d;
  }
  *out = v;
  return true;
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

char *xstrdup(const char *s) {
  char *p = strdup(s);
  if (!p) die("out of memory");
  return p;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  char *s = NULL;
  va_start(ap, fmt);
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0) die("out of memory");
  return s;
}

void cloexec_from(int first) {
  if (close_range((unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  /* Kernels before 5.11: walk /proc/self/fd. */
  DIR *d = opendir("/proc/self/fd");
  if (!d) die_errno("open /proc/self/fd");
  int self = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    unsigned long long fd;
    if (!parse_uint(e->d_name, 10, 1u << 30, &fd)) continue;
    if ((int)fd < first || (int)fd == self) continue;
    int fl = fcntl((int)fd, F_GETFD);
    if (fl >= 0) (void)fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC);
  }
  closedir(d);
}

void devnull_stdio(void) {
  int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) die_errno("open /dev/null");
  for (int i = 0; i < 3; i++)
    if (dup2(fd, i) < 0) die_errno("dup2 /dev/null");
  close(fd);
}

void signals_default(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
}

void forked_child_defaults(void) {
  set_exit_status_fd(-1);
  set_cleanup_child(0);
  signals_default();
}

void spawn_exit_command(char **argv) {
  if (!argv) return;
  pid_t pid = fork();
  if (pid < 0) {
    report("fork for the exit command: %s", strerror(errno));
    return;
  }
  if (pid > 0) return;
  signals_default();
  (void)setsid();
  devnull_stdio();
  (void)close_range(3, ~0U, 0);
  execv(argv[0], argv);
  _exit(EXIT_CANNOT_INVOKE);
}
