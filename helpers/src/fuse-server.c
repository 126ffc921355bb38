/* The mount program (fuse-overlayfs) serving a container's root filesystem
 * from outside the container: see fuse-server.h. */
#include "fuse-server.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* The fd number the server gets its /dev/fuse fd on (after 0, 1, 2). */
#define SERVER_FUSE_FD 3
/* How long the child waits for the rest of a dead server's message. */
#define OUTPUT_WAIT_MS 5000

static pid_t server_pid, server_owner;

/* atexit in the waiter: the server must not outlive the container. Copies
 * of this process made by fork() leave it alone. */
static void stop_server(void) {
  if (server_pid <= 0 || getpid() != server_owner) return;
  (void)kill(server_pid, SIGKILL);
  while (waitpid(server_pid, NULL, 0) < 0 && errno == EINTR) {
  }
  server_pid = 0;
}

/* Append s to the option string; escaped (`\,` `\\`) for libfuse's -o parser when it is a path. */
static void opt_add(char **buf, size_t *len, const char *s, bool path) {
  *buf = xrealloc(*buf, *len + 2 * strlen(s) + 1);
  for (; *s; s++) {
    if (path && (*s == ',' || *s == '\\')) (*buf)[(*len)++] = '\\';
    (*buf)[(*len)++] = *s;
  }
  (*buf)[*len] = '\0';
}

static char *server_options(char **lower, size_t n_lower, const char *upper, const char *work, const char *id_mapping) {
  char *o = NULL;
  size_t len = 0;
  opt_add(&o, &len, "lowerdir=", false);
  for (size_t i = 0; i < n_lower; i++) {
    /* fuse-overlayfs before 1.15 has no escape for `:` in a layer path. */
    if (strchr(lower[i], ':')) die("run: the mount program cannot take a layer path with ':': %s", lower[i]);
    if (i) opt_add(&o, &len, ":", false);
    opt_add(&o, &len, lower[i], true);
  }
  opt_add(&o, &len, ",upperdir=", false);
  opt_add(&o, &len, upper, true);
  opt_add(&o, &len, ",workdir=", false);
  opt_add(&o, &len, work, true);
  /* Files shown under other owners than stored (keep-id: the image's root files stay root's). */
  if (id_mapping) {
    opt_add(&o, &len, ",", false);
    opt_add(&o, &len, id_mapping, false);
  }
  return o;
}

/* Receive the /dev/fuse fd and the container's user namespace fd. */
static int recv_fds(int sock, int fds[2]) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(2 * sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  ssize_t r;
  while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (r <= 0) return (int)r;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(2 * sizeof(int))) {
    errno = EPROTO;
    return -1;
  }
  memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
  return 1;
}

/* A line on the server's stderr (which the container's child reads), then exit. */
static _Noreturn void server_fail(const char *what) {
  char line[512];
  int n = snprintf(line, sizeof line, "%s: %s\n", what, strerror(errno));
  (void)write_all(2, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
  _exit(EXIT_ENGINE);
}

static bool same_ns(int a, int b) {
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static _Noreturn void server_main(int sock, int out, const char *lower_dir, char **argv, pid_t waiter) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != waiter) _exit(EXIT_ENGINE);
  /* Its own process group: Ctrl-C on the terminal is for the container, not for its root filesystem. */
  (void)setpgid(0, 0);
  if (dup2(out, 2) < 0) _exit(EXIT_ENGINE);

  int fds[2];
  int r = recv_fds(sock, fds);
  if (r == 0) _exit(0); /* the container never got to mount */
  if (r < 0) server_fail("receive the FUSE mount");
  int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (self < 0) server_fail("open /proc/self/ns/user");
  if (!same_ns(self, fds[1])) {
    if (setns(fds[1], CLONE_NEWUSER) < 0) server_fail("enter the container's user namespace");
    /* New credentials cleared the death signal: arm it again. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) server_fail("prctl(PR_SET_PDEATHSIG)");
    if (getppid() != waiter) _exit(EXIT_ENGINE);
  }
  /* Root of that namespace, so its capabilities survive the exec (keep-id maps us to our own
   * id there, which would lose them, and the server could chown nothing). */
  if (getuid() != 0 || getgid() != 0) {
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) server_fail("become root of the container's user namespace");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) server_fail("prctl(PR_SET_PDEATHSIG)");
    if (getppid() != waiter) _exit(EXIT_ENGINE);
  }
  if (lower_dir && chdir(lower_dir) < 0) server_fail(lower_dir);

  /* Out of the way of 0-3 first, whatever numbers they came with. */
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int fuse = fcntl(fds[0], F_DUPFD_CLOEXEC, 10);
  out = fcntl(out, F_DUPFD_CLOEXEC, 10);
  if (devnull < 0 || fuse < 0 || out < 0) server_fail("open /dev/null, dup");
  if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 || dup3(fuse, SERVER_FUSE_FD, 0) < 0) server_fail("dup2");
  close_range(SERVER_FUSE_FD + 1, ~0U, 0);
  execv(argv[0], argv);
  server_fail(argv[0]);
}

void fuse_server_start(struct fuse_server *s, const char *program, const char *lower_dir, char **lower, size_t n_lower,
                       const char *upper, const char *work, const char *id_mapping) {
  if (access(program, X_OK) < 0) die_errno("mount program %s", program);
  if (s->pid > 0) {
    /* A restart: the last container's mount namespace, and what it served, is gone. */
    stop_server();
    close(s->sock);
    close(s->output);
  }
  char *argv[] = {(char *)program, "-f", "-o", server_options(lower, n_lower, upper, work, id_mapping),
                  xasprintf("/dev/fd/%d", SERVER_FUSE_FD), NULL};
  int sv[2], out[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) die_errno("socketpair");
  if (pipe2(out, O_CLOEXEC) < 0) die_errno("pipe");
  /* Nobody reads it once the server serves: room for its later complaints
   * (best effort; the default 64 KiB otherwise). */
  (void)fcntl(out[0], F_SETPIPE_SZ, 1 << 20);
  pid_t waiter = getpid();
  pid_t pid = fork();
  if (pid < 0) die_errno("fork for the mount program");
  if (pid == 0) {
    close(sv[0]);
    close(out[0]);
    server_main(sv[1], out[1], lower_dir, argv, waiter);
  }
  close(sv[1]);
  close(out[1]);
  free(argv[3]);
  free(argv[4]);
  s->program = program;
  s->pid = server_pid = pid;
  server_owner = waiter;
  s->sock = sv[0];
  s->output = out[0];
  static bool registered;
  if (!registered && atexit(stop_server) != 0) die("atexit");
  registered = true;
}

/* The server died or will not serve: its last line of output says why. */
static _Noreturn void server_failed(struct fuse_server *s, const char *doing, int err) {
  char buf[4096];
  size_t len = 0;
  struct pollfd p = {.fd = s->output, .events = POLLIN};
  while (len < sizeof buf - 1 && poll(&p, 1, OUTPUT_WAIT_MS) > 0) {
    ssize_t r = read(s->output, buf + len, sizeof buf - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
  }
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ')) len--;
  buf[len] = '\0';
  char *last = strrchr(buf, '\n');
  last = last ? last + 1 : buf;
  if (*last) die("%s: %s", s->program, last);
  if (err == ENOTCONN) die("%s exited without serving the root filesystem", s->program);
  errno = err;
  die_errno("%s: %s", s->program, doing);
}

void fuse_server_mount(struct fuse_server *s, const char *target) {
  if (mkdir(target, 0755) < 0 && errno != EEXIST) die_errno("mkdir %s", target);
  int fuse = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fuse < 0) die_errno("open /dev/fuse");
  char *prog = xstrdup(s->program);
  char *name = xstrdup(basename(prog));
  char *type = xasprintf("fuse.%s", name);
  /* What fuse-overlayfs asks libfuse for when it mounts by itself. */
  char *opts = xasprintf("fd=%d,rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other", fuse);
  if (mount(name, target, type, MS_NODEV | MS_NOATIME, opts) < 0) die_errno("mount %s on %s", type, target);
  int userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (userns < 0) die_errno("open /proc/self/ns/user");

  int fds[2] = {fuse, userns};
  char byte = 'F';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof fds)];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(c), fds, sizeof fds);
  ssize_t r;
  while ((r = sendmsg(s->sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (r != 1) server_failed(s, "hand over the FUSE mount", errno);
  /* Only the server may hold the connection now: if it dies, the mount fails
   * instead of hanging. */
  close(fuse);
  close(userns);
  close(s->sock);

  /* Goes to the server (after its INIT): returns once it serves, or fails with ENOTCONN. */
  struct statx stx;
  if (statx(AT_FDCWD, target, AT_STATX_FORCE_SYNC, STATX_TYPE, &stx) < 0) server_failed(s, "serve the root filesystem", errno);
  close(s->output);
  free(prog);
  free(name);
  free(type);
  free(opts);
}
