#include "exec-relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pty.h"
#include "util.h"

static struct {
  struct exec_relay *r;
  bool exited, detached;
  int status;
  char pending[65536]; /* stdin bytes the command has not taken yet (a pipe's worth, as run's) */
  size_t pend_off, pend_len;
  bool close_stdin;   /* close in_fd once pending is written (our stdin ended) */
  size_t keys_held;   /* detach-key bytes matched so far */
} st;

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* The master is both out_fd and in_fd: forget both ends together. */
static void close_output(int *fd) {
  if (st.r->tty && *fd == st.r->in_fd) st.r->in_fd = -1;
  close_fd(fd);
}

static void output_readable(int *fd, int to) {
  static char buf[8192];
  ssize_t n = read(*fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) { /* EOF, or EIO from a pty master whose slave is gone */
    close_output(fd);
    return;
  }
  /* A reader of ours that went away costs the output, not the session. */
  (void)write_all(to, buf, (size_t)n);
}

static void flush_stdin(void) {
  struct exec_relay *r = st.r;
  while (st.pend_len && r->in_fd >= 0) {
    ssize_t w = write(r->in_fd, st.pending + st.pend_off, st.pend_len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      st.pend_len = 0; /* the command closed its stdin: drop the rest */
      break;
    }
    st.pend_off += (size_t)w;
    st.pend_len -= (size_t)w;
  }
  st.pend_off = 0;
  if (st.close_stdin && !st.pend_len && !r->tty) close_fd(&r->in_fd);
}

static void stdin_byte(const char *p, size_t n) {
  if (n > sizeof st.pending - st.pend_off - st.pend_len) n = sizeof st.pending - st.pend_off - st.pend_len;
  memcpy(st.pending + st.pend_off + st.pend_len, p, n);
  st.pend_len += n;
}

static void detach_now(void) {
  st.detached = true;
  st.r->own_stdin = false;
  st.r->on_detach();
}

static void own_stdin_readable(void) {
  struct exec_relay *r = st.r;
  /* Room for held detach-key bytes on top of what is read; a whole number of pages, so a
   * reader of 512-byte records from a file gets whole records (as conmon's 8 KiB reads do). */
  static char buf[sizeof st.pending - 4096];
  _Static_assert(EXEC_DETACH_KEYS_MAX <= 4096, "detach keys fit beside a read");
  ssize_t n = read(0, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    r->own_stdin = false;
    /* A pty has no end of input; the shell sees ^D only if someone types it. */
    if (!r->tty) st.close_stdin = true;
    return;
  }
  if (!r->n_detach_keys) { /* no keys (not a terminal, or --detach-keys ""): the bytes as they are */
    stdin_byte(buf, (size_t)n);
    return;
  }
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (r->n_detach_keys && c == r->detach_keys[st.keys_held]) {
      if (++st.keys_held == r->n_detach_keys) {
        st.keys_held = 0;
        detach_now();
        return;
      }
      continue;
    }
    if (st.keys_held) { /* not the sequence after all: pass the held prefix on */
      stdin_byte((const char *)r->detach_keys, st.keys_held);
      st.keys_held = 0;
      if (c == r->detach_keys[0]) {
        st.keys_held = 1;
        continue;
      }
    }
    stdin_byte((const char *)&c, 1);
  }
}

static void signal_readable(void) {
  struct signalfd_siginfo si;
  if (read(st.r->sigfd, &si, sizeof si) != sizeof si) return;
  int sig = (int)si.ssi_signo;
  if (sig == SIGCHLD) {
    int status;
    if (!st.exited && waitpid(st.r->child, &status, WNOHANG) == st.r->child) {
      st.exited = true;
      st.status = status;
    }
    return;
  }
  if (sig == SIGWINCH) {
    unsigned short rows, cols;
    if (st.r->tty && !st.detached && st.r->out_fd >= 0 && (tty_get_size(0, &rows, &cols) || tty_get_size(1, &rows, &cols)))
      pty_resize(st.r->out_fd, rows, cols);
    return;
  }
  if (!st.exited) (void)kill(st.r->child, sig); /* it passes them on to the command */
}

/* After the exit: what is already in the pipes or the pty, without waiting
 * for writers the command left behind (its own children). */
static void drain(void) {
  struct exec_relay *r = st.r;
  int *fds[2] = {&r->out_fd, &r->err_fd};
  for (int i = 0; i < 2; i++) {
    if (*fds[i] < 0) continue;
    if (fcntl(*fds[i], F_SETFL, O_NONBLOCK) < 0) die_errno("fcntl O_NONBLOCK");
    while (*fds[i] >= 0) {
      char buf[8192];
      ssize_t n = read(*fds[i], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      (void)write_all(i == 0 ? 1 : 2, buf, (size_t)n);
    }
    close_output(fds[i]);
  }
}

static void caller_readable(void) {
  char buf[64];
  ssize_t n = read(st.r->caller_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n > 0) return; /* the caller says nothing on it: ignore */
  st.r->caller_fd = -1; /* on_caller_gone closes it */
  st.detached = true;
  st.r->own_stdin = false;
  st.r->on_caller_gone();
}

enum { P_SIG, P_OUT, P_ERR, P_OWNIN, P_IN, P_CALLER, P_COUNT };

int exec_relay_run(struct exec_relay *r) {
  st.r = r;
  if (r->in_fd >= 0 && fcntl(r->in_fd, F_SETFL, O_NONBLOCK) < 0) die_errno("fcntl O_NONBLOCK");
  for (;;) {
    /* Poll the signals even when the output is closed: the exit comes there. */
    if (st.exited) {
      drain();
      break;
    }
    struct pollfd p[P_COUNT];
    for (int i = 0; i < P_COUNT; i++) p[i] = (struct pollfd){.fd = -1};
    p[P_SIG] = (struct pollfd){.fd = r->sigfd, .events = POLLIN};
    p[P_OUT] = (struct pollfd){.fd = r->out_fd, .events = POLLIN};
    p[P_ERR] = (struct pollfd){.fd = r->err_fd, .events = POLLIN};
    if (r->own_stdin && r->in_fd >= 0 && !st.pend_len) p[P_OWNIN] = (struct pollfd){.fd = 0, .events = POLLIN};
    if (st.pend_len && r->in_fd >= 0) p[P_IN] = (struct pollfd){.fd = r->in_fd, .events = POLLOUT};
    if (!st.detached) p[P_CALLER] = (struct pollfd){.fd = r->caller_fd, .events = POLLIN};
    if (poll(p, P_COUNT, -1) < 0) {
      if (errno == EINTR) continue;
      die_errno("poll");
    }
    const short ready = POLLIN | POLLHUP | POLLERR;
    if (p[P_SIG].revents & ready) signal_readable();
    if (p[P_OUT].revents & ready) output_readable(&r->out_fd, 1);
    if (p[P_ERR].revents & ready) output_readable(&r->err_fd, 2);
    if (p[P_OWNIN].revents & ready) own_stdin_readable();
    if (p[P_CALLER].revents & ready) caller_readable();
    if (st.pend_len || st.close_stdin) flush_stdin();
    if (r->own_stdin && r->in_fd < 0) r->own_stdin = false; /* nowhere to send it */
  }
  close_fd(&r->in_fd);
  return st.status;
}
