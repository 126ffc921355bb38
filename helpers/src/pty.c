#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int open_slave(int master) {
  /* TIOCGPTPEER (4.13+) opens the peer without a path lookup someone could race. */
  int s = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s >= 0 || errno != EINVAL) return s;
  unsigned int n;
  if (ioctl(master, TIOCGPTN, &n) < 0) die_errno("ioctl(TIOCGPTN)");
  char path[32];
  snprintf(path, sizeof path, "/dev/pts/%u", n);
  return open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
}

void pty_setup_child(int sock, unsigned short rows, unsigned short cols, uid_t uid) {
  int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) die_errno("open /dev/ptmx");
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0) die_errno("unlock pty");
  int s = open_slave(m);
  if (s < 0) die_errno("open pty slave");
  if (rows && cols) pty_resize(m, rows, cols);
  if (fchown(s, uid, (gid_t)-1) < 0) die_errno("chown pty slave to %u", (unsigned)uid);
  if (setsid() < 0) die_errno("setsid");
  if (ioctl(s, TIOCSCTTY, 0) < 0) die_errno("make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(s, fd) < 0) die_errno("dup2 pty to %d", fd);
  if (s > 2) close(s);

  char cbuf[CMSG_SPACE(sizeof(int))];
  memset(cbuf, 0, sizeof cbuf);
  char byte = 'M';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &m, sizeof(int));
  ssize_t w;
  while ((w = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (w < 0) die_errno("send the pty to the monitor");
  close(m);
  close(sock);
}

int pty_receive_master(int sock) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  ssize_t r;
  while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (r < 0) die_errno("receive the container's pty");
  if (r == 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) die("receive the container's pty: no fd in the message");
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

void pty_resize(int master, unsigned short rows, unsigned short cols) {
  struct winsize ws = {.ws_row = rows, .ws_col = cols};
  (void)ioctl(master, TIOCSWINSZ, &ws); /* a vanished terminal is not worth failing for */
}

bool tty_get_size(int fd, unsigned short *rows, unsigned short *cols) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col) return false;
  *rows = ws.ws_row;
  *cols = ws.ws_col;
  return true;
}

bool tty_make_raw(int fd, struct termios *saved) {
  if (tcgetattr(fd, saved) < 0) return false;
  struct termios raw = *saved;
  cfmakeraw(&raw);
  return tcsetattr(fd, TCSANOW, &raw) == 0;
}

void tty_restore(int fd, const struct termios *saved) { (void)tcsetattr(fd, TCSANOW, saved); }
