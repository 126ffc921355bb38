/* Attach socket server. Clients are few and local: their sockets are
 * blocking with a send timeout, so a stuck client is dropped instead of
 * stalling the container's output forever. */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

#define SEND_TIMEOUT_SEC 5

void attach_listen(struct attach_server *s, int dirfd, const char *name) {
  for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++) s->clients[i].fd = -1;
  s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s->listen_fd < 0) die_errno("attach socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dirfd, name);
  if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) die_errno("remove old attach socket");
  if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0) die_errno("bind attach socket");
  if (listen(s->listen_fd, ATTACH_MAX_CLIENTS) < 0) die_errno("listen on attach socket");
}

static void drop(struct attach_client *c) {
  close(c->fd);
  c->fd = -1;
}

void attach_accept(struct attach_server *s) {
  int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return; /* EAGAIN, or a client that left already */
  for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    struct attach_client *c = &s->clients[i];
    if (c->fd >= 0) continue;
    struct timeval tv = {.tv_sec = SEND_TIMEOUT_SEC};
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    memset(c, 0, sizeof *c);
    c->fd = fd;
    return;
  }
  close(fd); /* full */
}

bool attach_wants_input(const struct attach_server *s, size_t i, size_t room) {
  const struct attach_client *c = &s->clients[i];
  if (c->fd < 0) return false;
  bool in_stdin_payload = c->hdr_len == 3 && c->remaining > 0 && c->hdr[0] == FRAME_STDIN;
  return !in_stdin_payload || room > 0;
}

static void frame_done(struct attach_client *c) {
  c->hdr_len = 0;
  c->remaining = 0;
  c->small_len = 0;
}

static void parse_resize(struct attach_client *c, const struct attach_events *ev) {
  c->small[c->small_len] = '\0';
  unsigned rows, cols;
  if (sscanf(c->small, "%u %u", &rows, &cols) == 2 && rows && cols && rows < 65536 && cols < 65536)
    ev->resize(ev->ctx, (unsigned short)rows, (unsigned short)cols);
}

void attach_client_readable(struct attach_server *s, size_t i, const struct attach_events *ev) {
  struct attach_client *c = &s->clients[i];
  static char buf[4096];
  ssize_t r;
  if (c->hdr_len < 3) {
    r = read(c->fd, c->hdr + c->hdr_len, 3 - c->hdr_len);
    if (r <= 0) {
      if (r < 0 && errno == EINTR) return;
      drop(c); /* gone: a detach leaves the container's stdin open */
      return;
    }
    c->hdr_len += (size_t)r;
    if (c->hdr_len < 3) return;
    c->remaining = (size_t)c->hdr[1] << 8 | c->hdr[2];
    if (c->hdr[0] == FRAME_STDIN_EOF) ev->stdin_eof(ev->ctx);
    if (c->remaining == 0) frame_done(c);
    return;
  }
  size_t want = c->remaining;
  if (c->hdr[0] == FRAME_STDIN) {
    size_t room = ev->stdin_room(ev->ctx);
    if (room < want) want = room;
  }
  if (want > sizeof buf) want = sizeof buf;
  if (want == 0) return;
  r = read(c->fd, buf, want);
  if (r <= 0) {
    if (r < 0 && errno == EINTR) return;
    drop(c);
    return;
  }
  c->remaining -= (size_t)r;
  if (c->hdr[0] == FRAME_STDIN) {
    ev->stdin_data(ev->ctx, buf, (size_t)r);
  } else if (c->hdr[0] == FRAME_RESIZE) {
    size_t k = (size_t)r;
    if (c->small_len + k > sizeof c->small - 1) k = sizeof c->small - 1 - c->small_len;
    memcpy(c->small + c->small_len, buf, k);
    c->small_len += k;
    if (!c->remaining) parse_resize(c, ev);
  } /* other types: payload ignored */
  if (!c->remaining) frame_done(c);
}

static bool send_all(int fd, const struct iovec *iov_in, int n) {
  struct iovec iov[2];
  memcpy(iov, iov_in, sizeof(struct iovec) * (size_t)n);
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
  while (msg.msg_iovlen) {
    ssize_t w = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t left = (size_t)w;
    while (msg.msg_iovlen && left >= msg.msg_iov->iov_len) {
      left -= msg.msg_iov->iov_len;
      msg.msg_iov++;
      msg.msg_iovlen--;
    }
    if (msg.msg_iovlen) {
      msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base + left;
      msg.msg_iov->iov_len -= left;
    }
  }
  return true;
}

void attach_broadcast(struct attach_server *s, enum attach_frame type, const void *data, size_t len) {
  if (len > 0xffff) len = 0xffff;
  unsigned char hdr[3] = {(unsigned char)type, (unsigned char)(len >> 8), (unsigned char)len};
  struct iovec iov[2] = {{.iov_base = hdr, .iov_len = 3}, {.iov_base = (void *)data, .iov_len = len}};
  for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    struct attach_client *c = &s->clients[i];
    if (c->fd >= 0 && !send_all(c->fd, iov, len ? 2 : 1)) drop(c);
  }
}

void attach_close_clients(struct attach_server *s) {
  for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (s->clients[i].fd >= 0) {
      (void)shutdown(s->clients[i].fd, SHUT_RDWR);
      drop(&s->clients[i]);
    }
}
