/* Mode `dns-serve`: the DNS responder of bridge networks (aardvark-dns's
 * role, docs/networking.md "DNS"):
 *
 *   nsenter <rootless netns> -- tsc-run-helper dns-serve --records FILE
 *       --holder PID:START [--pids DIR] [--idle SECONDS]
 *
 * One process per user for every DNS-enabled network, run inside the
 * rootless network namespace. While a network has a live container (or one
 * being started), it listens on the network's gateways, port 53, UDP and
 * TCP, and answers from FILE (dns-table.h), which it re-reads on SIGHUP and
 * whenever the file changed (checked each second). Other names go to the
 * network's upstream servers: UDP queries asynchronously (one connected
 * socket per query in flight, each server tried for 2.5 s in turn), TCP
 * connections in a child process each (blocking, with timeouts). Exits when
 * PID (the namespace's holder) is gone, or after SECONDS (default 10)
 * without a network to serve; Node starts it again when needed. DIR/ID
 * (`PID START` of container ID's process) makes a container dead as soon as
 * that process is, before its veth goes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dns-table.h"
#include "modes.h"
#include "netns.h"
#include "util.h"

#define MAX_LISTENERS 64
#define MAX_PENDING 256
#define MAX_TCP_CHILDREN 32
#define UPSTREAM_TIMEOUT_MS 2500
#define TCP_IDLE_S 10
#define FRESH_MS 60000 /* a start in progress: its record is there before its veth */
#define UDP_ANSWER_MAX 512

struct listener {
  char net[256];
  struct dns_addr addr;
  int udp, tcp;
  bool keep;
};

struct pending {
  int fd; /* -1: free */
  int front;
  struct sockaddr_storage client;
  socklen_t clen;
  uint8_t *msg;
  size_t len;
  struct dns_addr up[DNS_MAX_ADDRS];
  size_t n_up, next;
  long long deadline;
};

static struct dns_table table;
static struct listener listeners[MAX_LISTENERS];
static size_t n_listeners;
static struct pending pending[MAX_PENDING];
static int tcp_children;
static const char *records;
static struct stat seen;
static volatile sig_atomic_t got_hup;
static uint8_t inbuf[65536], outbuf[65536];

static long long clock_ms(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) < 0) die_errno("dns-serve: clock_gettime");
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *addr_text(const struct dns_addr *a) {
  static char buf[64];
  struct sockaddr_storage ss;
  dns_addr_to_sockaddr(a, 53, &ss);
  const void *raw = a->family == AF_INET ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
  if (!inet_ntop(a->family, raw, buf, sizeof buf)) return "?";
  return buf;
}

/* Re-read FILE if it changed (or `force`); a missing file is an empty table. */
static void load_table(bool force) {
  struct stat st;
  if (stat(records, &st) < 0) {
    if (errno != ENOENT) report("dns-serve: stat %s: %s", records, strerror(errno));
    else if (table.n_nets) dns_table_free(&table);
    memset(&seen, 0, sizeof seen);
    return;
  }
  if (!force && st.st_ino == seen.st_ino && st.st_size == seen.st_size && st.st_mtim.tv_sec == seen.st_mtim.tv_sec && st.st_mtim.tv_nsec == seen.st_mtim.tv_nsec) return;
  int fd = open(records, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    report("dns-serve: open %s: %s", records, strerror(errno));
    return;
  }
  /* Read what the open file holds (Node replaces it by rename: this one stays whole). */
  if (fstat(fd, &st) < 0 || st.st_size > (1 << 24)) {
    report("dns-serve: %s: %s", records, st.st_size > (1 << 24) ? "larger than 16 MB" : strerror(errno));
    close(fd);
    return;
  }
  char *text = xmalloc((size_t)st.st_size + 1);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  text[got] = '\0';
  if (got && text[got - 1] == '\n') text[got - 1] = '\0';
  struct dns_table fresh;
  const char *why;
  seen = st; /* a bad file is reported once, not each second */
  if (!dns_table_parse(text, &fresh, &why)) {
    report("dns-serve: %s: %s (the previous table stays)", records, why);
    return;
  }
  dns_table_free(&table);
  table = fresh;
}

static const struct dns_net *net_named(const char *name) {
  for (size_t i = 0; i < table.n_nets; i++)
    if (!strcmp(table.nets[i].name, name)) return &table.nets[i];
  return NULL;
}

static bool served(const struct dns_net *n, long long wall) {
  for (size_t i = 0; i < n->n_ctrs; i++)
    if (wall - n->ctrs[i].at_ms < FRESH_MS || dns_ctr_live(&n->ctrs[i])) return true;
  return false;
}

static void close_listener(size_t i) {
  struct listener *l = &listeners[i];
  for (size_t k = 0; k < MAX_PENDING; k++)
    if (pending[k].fd >= 0 && pending[k].front == l->udp) {
      close(pending[k].fd);
      free(pending[k].msg);
      pending[k].fd = -1;
    }
  close(l->udp);
  close(l->tcp);
  listeners[i] = listeners[--n_listeners];
}

/* A socket on ADDR:53 (bound even before the bridge has the address: FREEBIND). -1 on failure, logged. */
static int listen_socket(const struct dns_addr *a, int type) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)dns_addr_to_sockaddr(a, 53, &ss);
  int fd = socket(a->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  const char *what = "socket";
  if (fd < 0) goto fail;
  what = "IP_FREEBIND";
  if (a->family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) < 0 : setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) < 0) goto fail;
  what = "IPV6_V6ONLY";
  if (a->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) goto fail;
  what = "SO_REUSEADDR";
  if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) goto fail;
  what = "bind";
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) goto fail;
  what = "listen";
  if (type == SOCK_STREAM && listen(fd, 64) < 0) goto fail;
  return fd;
fail:
  report("dns-serve: %s %s %s port 53: %s", what, type == SOCK_STREAM ? "tcp" : "udp", addr_text(a), strerror(errno));
  if (fd >= 0) close(fd);
  return -1;
}

/* Listen on the gateways of every network with a live (or starting) container, and nowhere else. */
static void reconcile(void) {
  long long wall = clock_ms(CLOCK_REALTIME);
  for (size_t i = 0; i < n_listeners; i++) listeners[i].keep = false;
  for (size_t n = 0; n < table.n_nets; n++) {
    const struct dns_net *net = &table.nets[n];
    if (!served(net, wall)) continue;
    for (size_t a = 0; a < net->n_listen; a++) {
      bool have = false;
      for (size_t i = 0; i < n_listeners; i++)
        if (!strcmp(listeners[i].net, net->name) && dns_addr_eq(&listeners[i].addr, &net->listen[a])) have = listeners[i].keep = true;
      if (have) continue;
      /* Unkept listeners on the same address are closed before we bind it (below). */
      if (n_listeners >= MAX_LISTENERS) {
        report("dns-serve: more than %d listening addresses", MAX_LISTENERS);
        continue;
      }
      struct listener *l = &listeners[n_listeners];
      memset(l, 0, sizeof *l);
      if (strlen(net->name) >= sizeof l->net) continue;
      strcpy(l->net, net->name);
      l->addr = net->listen[a];
      l->udp = l->tcp = -1;
      l->keep = true;
      n_listeners++;
    }
  }
  for (size_t i = n_listeners; i-- > 0;)
    if (!listeners[i].keep) close_listener(i);
  for (size_t i = 0; i < n_listeners; i++) {
    struct listener *l = &listeners[i];
    if (l->tcp < 0) l->tcp = listen_socket(&l->addr, SOCK_STREAM);
    /* UDP last: Node waits for the UDP socket, so both are there once it sees it. */
    if (l->tcp >= 0 && l->udp < 0) l->udp = listen_socket(&l->addr, SOCK_DGRAM);
  }
}

static void reply_to(int front, const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *b, size_t n) {
  if (sendto(front, b, n, 0, (const struct sockaddr *)to, tolen) < 0 && errno != EAGAIN) report("dns-serve: send an answer: %s", strerror(errno));
}

static void free_pending(struct pending *p) {
  close(p->fd);
  free(p->msg);
  p->fd = -1;
}

/* Send the query to the next upstream that takes it; SERVFAIL when none is left. */
static void try_upstream(struct pending *p) {
  int fd = -1;
  while (p->next < p->n_up) {
    const struct dns_addr *up = &p->up[p->next++];
    struct sockaddr_storage ss;
    socklen_t len = (socklen_t)dns_addr_to_sockaddr(up, 53, &ss);
    fd = socket(up->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, len) == 0 && send(fd, p->msg, p->len, 0) == (ssize_t)p->len) break;
    report("dns-serve: forward to %s: %s", addr_text(up), strerror(errno));
    if (fd >= 0) close(fd);
    fd = -1;
  }
  if (p->fd >= 0) close(p->fd);
  p->fd = fd;
  if (fd >= 0) {
    p->deadline = clock_ms(CLOCK_MONOTONIC) + UPSTREAM_TIMEOUT_MS;
    return;
  }
  size_t n = dns_servfail(p->msg, p->len, outbuf, UDP_ANSWER_MAX);
  if (n) reply_to(p->front, &p->client, p->clen, outbuf, n);
  free(p->msg);
  p->msg = NULL;
}

static void forward_udp(int front, const struct dns_net *net, const struct sockaddr_storage *client, socklen_t clen, const uint8_t *msg, size_t len) {
  struct pending *p = NULL;
  for (size_t k = 0; k < MAX_PENDING && !p; k++)
    if (pending[k].fd < 0) p = &pending[k];
  if (!p) {
    size_t n = dns_servfail(msg, len, outbuf, UDP_ANSWER_MAX);
    if (n) reply_to(front, client, clen, outbuf, n);
    return;
  }
  p->front = front;
  p->client = *client;
  p->clen = clen;
  p->msg = xmalloc(len);
  memcpy(p->msg, msg, len);
  p->len = len;
  memcpy(p->up, net->upstream, sizeof p->up);
  p->n_up = net->n_upstream;
  p->next = 0;
  try_upstream(p);
}

static void upstream_answer(struct pending *p) {
  ssize_t n = recv(p->fd, inbuf, sizeof inbuf, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    try_upstream(p); /* refused (ICMP): the next one */
    return;
  }
  /* Only the answer to this query (its id) counts. */
  if (n < 12 || inbuf[0] != p->msg[0] || inbuf[1] != p->msg[1]) return;
  reply_to(p->front, &p->client, p->clen, inbuf, (size_t)n);
  free_pending(p);
}

static void udp_query(const struct listener *l) {
  struct sockaddr_storage from;
  socklen_t flen = sizeof from;
  ssize_t n = recvfrom(l->udp, inbuf, sizeof inbuf, 0, (struct sockaddr *)&from, &flen);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) report("dns-serve: receive on %s: %s", addr_text(&l->addr), strerror(errno));
    return;
  }
  const struct dns_net *net = net_named(l->net);
  if (!net) return;
  struct dns_addr client;
  dns_addr_from_sockaddr(&from, &client);
  long r = dns_answer(&table, net, &client, inbuf, (size_t)n, outbuf, UDP_ANSWER_MAX);
  if (r > 0) reply_to(l->udp, &from, flen, outbuf, (size_t)r);
  else if (r == 0) forward_udp(l->udp, net, &from, flen, inbuf, (size_t)n);
}

/* ---- TCP: one child per connection, blocking with timeouts ---- */

static bool read_full(int fd, uint8_t *b, size_t n) {
  while (n) {
    ssize_t r = read(fd, b, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    b += r;
    n -= (size_t)r;
  }
  return true;
}

static void set_timeouts(int fd, int ms) {
  struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) die_errno("dns-serve: socket timeouts");
}

/* The upstream's answer over TCP into outbuf (its length), 0 when none answered. */
static size_t forward_tcp(const struct dns_net *net, const uint8_t *msg, size_t len) {
  for (size_t i = 0; i < net->n_upstream; i++) {
    const struct dns_addr *up = &net->upstream[i];
    struct sockaddr_storage ss;
    socklen_t sl = (socklen_t)dns_addr_to_sockaddr(up, 53, &ss);
    int fd = socket(up->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die_errno("dns-serve: socket");
    set_timeouts(fd, UPSTREAM_TIMEOUT_MS); /* connect() too */
    uint8_t head[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    size_t n = 0;
    if (connect(fd, (struct sockaddr *)&ss, sl) == 0 && write_all(fd, head, 2) == 0 && write_all(fd, msg, len) == 0 && read_full(fd, head, 2)) {
      n = (size_t)(head[0] << 8 | head[1]);
      if (n < 12 || !read_full(fd, outbuf, n) || outbuf[0] != msg[0] || outbuf[1] != msg[1]) n = 0;
    }
    if (!n) report("dns-serve: forward over tcp to %s: %s", addr_text(up), errno ? strerror(errno) : "no answer");
    close(fd);
    if (n) return n;
  }
  return 0;
}

static _Noreturn void serve_tcp(int conn, const char *netname, const struct sockaddr_storage *from) {
  struct dns_addr client;
  dns_addr_from_sockaddr(from, &client);
  set_timeouts(conn, TCP_IDLE_S * 1000);
  for (;;) {
    uint8_t head[2];
    if (!read_full(conn, head, 2)) _exit(0);
    size_t len = (size_t)(head[0] << 8 | head[1]);
    if (!read_full(conn, inbuf, len)) _exit(0);
    const struct dns_net *net = net_named(netname);
    if (!net) _exit(0);
    long r = dns_answer(&table, net, &client, inbuf, len, outbuf, 65535);
    if (r < 0) _exit(0);
    size_t n = r > 0 ? (size_t)r : forward_tcp(net, inbuf, len);
    if (!n) n = dns_servfail(inbuf, len, outbuf, 65535);
    if (!n) _exit(0);
    head[0] = (uint8_t)(n >> 8);
    head[1] = (uint8_t)n;
    if (write_all(conn, head, 2) < 0 || write_all(conn, outbuf, n) < 0) _exit(0);
  }
}

static void tcp_accept(const struct listener *l) {
  struct sockaddr_storage from;
  socklen_t flen = sizeof from;
  int conn = accept4(l->tcp, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC);
  if (conn < 0) {
    if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) report("dns-serve: accept on %s: %s", addr_text(&l->addr), strerror(errno));
    return;
  }
  if (tcp_children >= MAX_TCP_CHILDREN) {
    close(conn);
    return;
  }
  pid_t pid = fork();
  if (pid < 0) report("dns-serve: fork for a tcp connection: %s", strerror(errno));
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) _exit(EXIT_ENGINE);
    serve_tcp(conn, l->net, &from);
  }
  if (pid > 0) tcp_children++;
  close(conn);
}

static void on_signal(int sig) {
  if (sig == SIGHUP) got_hup = 1;
}

static void parse_holder(const char *v, pid_t *pid, unsigned long long *start) {
  const char *colon = strchr(v, ':');
  unsigned long long p;
  char head[32];
  if (!colon || (size_t)(colon - v) >= sizeof head) die("dns-serve: --holder wants PID:START, got %s", v);
  memcpy(head, v, (size_t)(colon - v));
  head[colon - v] = '\0';
  if (!parse_uint(head, 10, 1 << 22, &p) || p == 0 || !parse_uint(colon + 1, 10, ~0ULL, start)) die("dns-serve: invalid --holder %s", v);
  *pid = (pid_t)p;
}

int mode_dns_serve(const struct ns_config *ns, int argc, char **argv) {
  (void)ns;
  pid_t holder = 0;
  unsigned long long holder_start = 0, idle_s = 10;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--records") && i + 1 < argc)
      records = argv[++i];
    else if (!strcmp(argv[i], "--holder") && i + 1 < argc)
      parse_holder(argv[++i], &holder, &holder_start);
    else if (!strcmp(argv[i], "--pids") && i + 1 < argc)
      dns_set_pid_dir(argv[++i]);
    else if (!strcmp(argv[i], "--idle") && i + 1 < argc) {
      if (!parse_uint(argv[++i], 10, 86400, &idle_s) || !idle_s) die("dns-serve: invalid --idle %s", argv[i]);
    } else
      die("dns-serve: unknown option %s", argv[i]);
  }
  if (!records || records[0] != '/' || !holder) die("dns-serve: needs --records ABSOLUTE-FILE and --holder PID:START");

  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGHUP, &sa, NULL) < 0 || sigaction(SIGCHLD, &sa, NULL) < 0) die_errno("dns-serve: sigaction");
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) die_errno("dns-serve: ignore SIGPIPE");
  sigset_t block, none;
  sigemptyset(&block);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGCHLD);
  sigemptyset(&none);
  if (sigprocmask(SIG_BLOCK, &block, NULL) < 0) die_errno("dns-serve: sigprocmask");
  for (size_t k = 0; k < MAX_PENDING; k++) pending[k].fd = -1;

  load_table(true);
  reconcile();
  long long next_tick = clock_ms(CLOCK_MONOTONIC) + 1000, idle_since = 0;
  /* What each polled fd is: a listener's UDP or TCP socket, or a query in flight. */
  enum { UDP, TCP, UPSTREAM };
  static struct pollfd fds[2 * MAX_LISTENERS + MAX_PENDING];
  static struct {
    int kind;
    size_t idx;
  } of[2 * MAX_LISTENERS + MAX_PENDING];
  for (;;) {
    long long now = clock_ms(CLOCK_MONOTONIC);
    long long wake = next_tick;
    size_t n = 0;
    for (size_t i = 0; i < n_listeners; i++) {
      if (listeners[i].udp >= 0) fds[n] = (struct pollfd){.fd = listeners[i].udp, .events = POLLIN}, of[n].kind = UDP, of[n++].idx = i;
      if (listeners[i].tcp >= 0) fds[n] = (struct pollfd){.fd = listeners[i].tcp, .events = POLLIN}, of[n].kind = TCP, of[n++].idx = i;
    }
    for (size_t k = 0; k < MAX_PENDING; k++) {
      if (pending[k].fd < 0) continue;
      fds[n] = (struct pollfd){.fd = pending[k].fd, .events = POLLIN}, of[n].kind = UPSTREAM, of[n++].idx = k;
      if (pending[k].deadline < wake) wake = pending[k].deadline;
    }
    long long wait = wake > now ? wake - now : 0;
    struct timespec ts = {.tv_sec = wait / 1000, .tv_nsec = (wait % 1000) * 1000000};
    int ready = ppoll(fds, n, &ts, &none);
    if (ready < 0 && errno != EINTR) die_errno("dns-serve: ppoll");
    /* Listeners change only in reconcile() below; a query in flight may have moved to another fd. */
    for (size_t i = 0; ready > 0 && i < n; i++) {
      if (!fds[i].revents) continue;
      if (of[i].kind == UDP) udp_query(&listeners[of[i].idx]);
      else if (of[i].kind == TCP) tcp_accept(&listeners[of[i].idx]);
      else if (pending[of[i].idx].fd == fds[i].fd) upstream_answer(&pending[of[i].idx]);
    }
    now = clock_ms(CLOCK_MONOTONIC);
    for (size_t k = 0; k < MAX_PENDING; k++)
      if (pending[k].fd >= 0 && pending[k].deadline <= now) try_upstream(&pending[k]);
    while (tcp_children > 0) {
      pid_t w = waitpid(-1, NULL, WNOHANG);
      if (w <= 0) break;
      tcp_children--;
    }
    if (got_hup || now >= next_tick) {
      bool hup = got_hup;
      got_hup = 0;
      next_tick = now + 1000;
      if (start_time(holder) != holder_start) {
        report("dns-serve: the rootless network namespace's holder (pid %d) is gone: exiting", (int)holder);
        return 0;
      }
      load_table(hup);
      reconcile();
      if (n_listeners) idle_since = 0;
      else if (!idle_since) idle_since = now;
      else if (now - idle_since >= (long long)idle_s * 1000) return 0;
    }
  }
}
