/* Mode `port-forward`: the forwarder of one container's published ports on
 * bridge networks (rootlessport's role, docs/networking.md "Published
 * ports"):
 *
 *   tsc-run-helper port-bind ... -- nsenter <rootless netns> --
 *       tsc-run-helper port-forward --veth NAME SPEC...
 *
 * SPEC is PROTO:FD:FAMILY:TARGET:PORT (`tcp:3:4:10.89.0.2:80`): FD is a
 * socket port-bind made in the host's network namespace (TCP: listening);
 * we run in the rootless netns, where TARGET is reachable. TCP: each
 * accepted connection gets one to TARGET:PORT and bytes move both ways with
 * splice(2) through a pipe per direction (never through our memory); an
 * end of stream is passed on as a half-close. UDP: one connected socket
 * towards TARGET per client address, closed after a minute idle. Prints
 * `ready` when set up. Lives while the container's veth NAME (its host end,
 * in this namespace) exists: it goes with the container's network
 * namespace, whatever ended it; gives up if NAME never appears in 30 s.
 * With --watch FILE, also while the process FILE names (`PID START`,
 * written by the network set-up once the container's process exists) runs:
 * a dead container's namespace, and so its veth, may linger for seconds on
 * a busy host (the kernel tears namespaces down in one work queue), and
 * its ports must be free at once. While FILE.monitor (its monitor's
 * `PID START`, written by the same set-up) runs, neither ends it: the
 * monitor restarts the container by its --restart policy, and its cleanup
 * stops us. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "modes.h"
#include "netns.h"
#include "util.h"

#define MAX_SPECS 4096
#define MAX_UDP_SESSIONS 4096
#define UDP_IDLE_MS 60000
#define VETH_WAIT_MS 30000
#define PIPE_BYTES (1024 * 1024) /* as Go's splice (rootlessport): fewer, larger moves */

enum kind { LISTEN_TCP, FRONT_UDP, CONN_CLIENT, CONN_UPSTREAM, UDP_SESSION };

/* What an epoll event points at. */
struct tag {
  enum kind kind;
  void *obj;
};

struct spec {
  struct tag tag;
  int fd;
  bool tcp;
  struct sockaddr_storage target;
  socklen_t tlen;
};

struct conn {
  struct tag tag[2]; /* client, upstream */
  int fd[2];         /* client, upstream */
  int pipe[2][2];    /* direction d: fd[d] → pipe[d] → fd[1-d] */
  size_t queued[2], cap;
  /* stalled[d]: the pipe took nothing while holding bytes (its slots can
   * fill before its byte count does): read again once some left it. */
  bool eof[2], shut[2], stalled[2], connecting, closed;
  uint32_t events[2];
  struct conn *next_dead;
};

struct session {
  struct tag tag;
  int fd;
  struct spec *front;
  struct sockaddr_storage client;
  socklen_t clen;
  long long used;
};

static int ep;
static struct conn *dead; /* closed in this round of events, freed after it */
static struct session *sessions[MAX_UDP_SESSIONS];
static size_t n_sessions;
static uint8_t dgram[65536];

static long long now_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) die_errno("port-forward: clock_gettime");
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ep_ctl(int op, int fd, uint32_t events, struct tag *tag) {
  struct epoll_event ev = {.events = events, .data.ptr = tag};
  if (epoll_ctl(ep, op, fd, &ev) < 0) die_errno("port-forward: epoll_ctl on fd %d", fd);
}

static void parse_spec(const char *text, struct spec *s) {
  char buf[128];
  if (strlen(text) >= sizeof buf) die("port-forward: spec too long: %s", text);
  strcpy(buf, text);
  char *proto = buf, *fd = strchr(proto, ':'), *fam = fd ? strchr(fd + 1, ':') : NULL, *port = strrchr(buf, ':');
  if (!fam || port <= fam) die("port-forward: want PROTO:FD:FAMILY:TARGET:PORT, got %s", text);
  *fd++ = '\0';
  *fam++ = '\0';
  *port++ = '\0';
  char *target = strchr(fam, ':');
  if (!target) die("port-forward: want PROTO:FD:FAMILY:TARGET:PORT, got %s", text);
  target++;
  unsigned long long v, p;
  if (!parse_uint(fd, 10, 1 << 20, &v) || v < 3) die("port-forward: invalid fd in %s", text);
  if (!parse_uint(port, 10, 65535, &p) || !p) die("port-forward: invalid port in %s", text);
  s->fd = (int)v;
  s->tcp = !strcmp(proto, "tcp");
  if (!s->tcp && strcmp(proto, "udp")) die("port-forward: protocol %s is neither tcp nor udp", proto);
  memset(&s->target, 0, sizeof s->target);
  struct sockaddr_in *in4 = (struct sockaddr_in *)&s->target;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->target;
  if (inet_pton(AF_INET, target, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)p);
    s->tlen = sizeof *in4;
  } else if (inet_pton(AF_INET6, target, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)p);
    s->tlen = sizeof *in6;
  } else
    die("port-forward: invalid target address %s", target);
  int type;
  socklen_t tl = sizeof type;
  if (getsockopt(s->fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0) die_errno("port-forward: fd %d (from port-bind)", s->fd);
  if (type != (s->tcp ? SOCK_STREAM : SOCK_DGRAM)) die("port-forward: fd %d is not a %s socket", s->fd, proto);
  int fl = fcntl(s->fd, F_GETFL);
  if (fl < 0 || fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) < 0) die_errno("port-forward: make fd %d non-blocking", s->fd);
}

/* ---- TCP ---- */

static void conn_close(struct conn *c) {
  for (int d = 0; d < 2; d++) {
    if (c->fd[d] >= 0) close(c->fd[d]); /* leaves the epoll set with it */
    for (int k = 0; k < 2; k++)
      if (c->pipe[d][k] >= 0) close(c->pipe[d][k]);
  }
  /* Another event of this round may still name it. */
  c->closed = true;
  c->next_dead = dead;
  dead = c;
}

static void conn_interest(struct conn *c) {
  for (int s = 0; s < 2; s++) {
    /* Side s reads into direction s and writes out of direction 1-s. */
    uint32_t want = 0;
    if (!c->eof[s] && !c->stalled[s] && c->queued[s] < c->cap) want |= EPOLLIN;
    if (c->queued[1 - s]) want |= EPOLLOUT;
    if (want != c->events[s]) {
      ep_ctl(EPOLL_CTL_MOD, c->fd[s], want, &c->tag[s]);
      c->events[s] = want;
    }
  }
}

/* Move what can move in direction d; false when the connection is done (or broken). */
static bool pump(struct conn *c, int d) {
  int src = c->fd[d], dst = c->fd[1 - d];
  for (;;) {
    bool moved = false;
    if (!c->eof[d] && c->queued[d] < c->cap) {
      ssize_t n = splice(src, NULL, c->pipe[d][1], NULL, c->cap - c->queued[d], SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
      if (n > 0) c->queued[d] += (size_t)n, moved = true;
      else if (n == 0) c->eof[d] = true, moved = true;
      else if (errno != EAGAIN && errno != EINTR) return false;
      else if (c->queued[d]) c->stalled[d] = true;
    }
    if (c->queued[d]) {
      ssize_t n = splice(c->pipe[d][0], NULL, dst, NULL, c->queued[d], SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
      if (n > 0) c->queued[d] -= (size_t)n, c->stalled[d] = false, moved = true;
      else if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    }
    if (c->eof[d] && !c->queued[d] && !c->shut[d]) {
      /* Half-close: the other side learns the end, and may still answer. */
      if (shutdown(dst, SHUT_WR) < 0 && errno != ENOTCONN) return false;
      c->shut[d] = true;
    }
    if (!moved) return !(c->shut[0] && c->shut[1]);
  }
}

static void conn_connected(struct conn *c) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err) {
    /* The container does not listen (yet): the client sees its connection closed, as with rootlessport. */
    conn_close(c);
    return;
  }
  c->connecting = false;
  for (int d = 0; d < 2; d++) {
    if (pipe2(c->pipe[d], O_NONBLOCK | O_CLOEXEC) < 0) {
      report("port-forward: pipe: %s", strerror(errno));
      conn_close(c);
      return;
    }
    /* A larger pipe moves more per splice; what it has if the user's pipe budget says no. */
    int got = fcntl(c->pipe[d][1], F_SETPIPE_SZ, PIPE_BYTES);
    if (got < 0) got = fcntl(c->pipe[d][1], F_GETPIPE_SZ);
    if (got <= 0) {
      report("port-forward: size of a pipe: %s", strerror(errno));
      conn_close(c);
      return;
    }
    size_t cap = (size_t)got;
    c->cap = d == 0 || cap < c->cap ? cap : c->cap;
  }
  ep_ctl(EPOLL_CTL_ADD, c->fd[0], 0, &c->tag[0]);
  c->events[0] = 0;
  c->events[1] = EPOLLOUT;
  if (!pump(c, 0) || !pump(c, 1)) return conn_close(c);
  conn_interest(c);
}

static void tcp_accept(struct spec *s) {
  for (;;) {
    int cfd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) report("port-forward: accept on fd %d: %s", s->fd, strerror(errno));
      return;
    }
    int ufd = socket(s->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ufd < 0) {
      report("port-forward: socket: %s", strerror(errno));
      close(cfd);
      continue;
    }
    struct conn *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->fd[0] = cfd;
    c->fd[1] = ufd;
    for (int d = 0; d < 2; d++) {
      c->pipe[d][0] = c->pipe[d][1] = -1;
      c->tag[d] = (struct tag){d == 0 ? CONN_CLIENT : CONN_UPSTREAM, c};
    }
    c->connecting = true;
    if (connect(ufd, (struct sockaddr *)&s->target, s->tlen) < 0 && errno != EINPROGRESS) {
      conn_close(c);
      continue;
    }
    ep_ctl(EPOLL_CTL_ADD, ufd, EPOLLOUT, &c->tag[1]);
    c->events[1] = EPOLLOUT;
  }
}

static void conn_event(struct conn *c) {
  if (c->closed) return;
  if (c->connecting) return conn_connected(c);
  if (!pump(c, 0) || !pump(c, 1)) return conn_close(c);
  conn_interest(c);
}

/* ---- UDP ---- */

static void session_close(size_t i) {
  close(sessions[i]->fd);
  free(sessions[i]);
  sessions[i] = sessions[--n_sessions];
}

static void udp_front(struct spec *s) {
  for (;;) {
    struct sockaddr_storage from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(s->fd, dgram, sizeof dgram, 0, (struct sockaddr *)&from, &flen);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) report("port-forward: receive on fd %d: %s", s->fd, strerror(errno));
      return;
    }
    struct session *se = NULL;
    for (size_t i = 0; i < n_sessions && !se; i++)
      if (sessions[i]->front == s && sessions[i]->clen == flen && !memcmp(&sessions[i]->client, &from, flen)) se = sessions[i];
    if (!se) {
      if (n_sessions >= MAX_UDP_SESSIONS) continue; /* dropped, as a full queue would */
      int fd = socket(s->target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0 || connect(fd, (struct sockaddr *)&s->target, s->tlen) < 0) {
        report("port-forward: udp socket towards the container: %s", strerror(errno));
        if (fd >= 0) close(fd);
        continue;
      }
      se = xmalloc(sizeof *se);
      *se = (struct session){.tag = {UDP_SESSION, se}, .fd = fd, .front = s, .client = from, .clen = flen};
      se->tag.obj = se;
      sessions[n_sessions++] = se;
      ep_ctl(EPOLL_CTL_ADD, fd, EPOLLIN, &se->tag);
    }
    se->used = now_ms();
    if (send(se->fd, dgram, (size_t)n, 0) < 0 && errno != EAGAIN && errno != ECONNREFUSED) report("port-forward: udp send to the container: %s", strerror(errno));
  }
}

static void udp_back(struct session *se) {
  for (;;) {
    ssize_t n = recv(se->fd, dgram, sizeof dgram, 0);
    if (n < 0) return; /* EAGAIN, or an ICMP error of an earlier datagram */
    se->used = now_ms();
    if (sendto(se->front->fd, dgram, (size_t)n, 0, (struct sockaddr *)&se->client, se->clen) < 0 && errno != EAGAIN) report("port-forward: udp send to the client: %s", strerror(errno));
  }
}

int mode_port_forward(const struct ns_config *ns, int argc, char **argv) {
  (void)ns;
  static struct spec specs[MAX_SPECS];
  size_t n = 0;
  const char *veth = NULL, *watch = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--veth") && i + 1 < argc)
      veth = argv[++i];
    else if (!strcmp(argv[i], "--watch") && i + 1 < argc)
      watch = argv[++i];
    else if (n < MAX_SPECS)
      parse_spec(argv[i], &specs[n++]);
    else
      die("port-forward: more than %d ports", MAX_SPECS);
  }
  if (!veth || !n) die("port-forward: needs --veth NAME and PROTO:FD:FAMILY:TARGET:PORT specs");
  static char watch_monitor[4096];
  if (watch && snprintf(watch_monitor, sizeof watch_monitor, "%s.monitor", watch) >= (int)sizeof watch_monitor) die("port-forward: --watch path too long");
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) die_errno("port-forward: ignore SIGPIPE");
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die_errno("port-forward: epoll_create1");
  for (size_t i = 0; i < n; i++) {
    specs[i].tag = (struct tag){specs[i].tcp ? LISTEN_TCP : FRONT_UDP, &specs[i]};
    ep_ctl(EPOLL_CTL_ADD, specs[i].fd, EPOLLIN, &specs[i].tag);
  }
  /* Ready: the start reads this line and goes on; nothing else goes to stdout. */
  if (write_all(1, "ready\n", 6) < 0) die_errno("port-forward: write ready");
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull < 0 || dup2(devnull, 1) < 0) die_errno("port-forward: stdout to /dev/null");
  close(devnull);

  long long started = now_ms(), next_check = started;
  bool seen = false;
  static struct epoll_event evs[256];
  for (;;) {
    long long now = now_ms();
    if (now >= next_check) {
      next_check = now + 500;
      /* Its monitor alive (FILE.monitor): a restart by its --restart policy is under way or ahead, and
       * the veth and process come back (the set-up of each start rewrites FILE); its cleanup stops us. */
      bool monitor = watch_monitor[0] && pid_file_alive(watch_monitor, "port-forward") == 1;
      if (if_nametoindex(veth)) seen = true;
      else if (!monitor && (seen || now - started > VETH_WAIT_MS)) return 0;
      if (watch && !monitor && pid_file_alive(watch, "port-forward") == 0) return 0;
      for (size_t i = n_sessions; i-- > 0;)
        if (now - sessions[i]->used > UDP_IDLE_MS) session_close(i);
    }
    int k = epoll_wait(ep, evs, sizeof evs / sizeof *evs, (int)(next_check - now));
    if (k < 0 && errno != EINTR) die_errno("port-forward: epoll_wait");
    for (int i = 0; i < k; i++) {
      struct tag *t = evs[i].data.ptr;
      switch (t->kind) {
      case LISTEN_TCP: tcp_accept(t->obj); break;
      case FRONT_UDP: udp_front(t->obj); break;
      case CONN_CLIENT:
      case CONN_UPSTREAM: conn_event(t->obj); break;
      case UDP_SESSION: udp_back(t->obj); break;
      }
    }
    while (dead) {
      struct conn *c = dead;
      dead = c->next_dead;
      free(c);
    }
  }
}
