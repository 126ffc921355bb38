/* The DNS responder's table and answers (see dns-table.h for the file).
 * Answers follow aardvark-dns (podman 4's): a container's name, aliases and
 * short id, each also under the search domain dns.podman, answer A and
 * AAAA from the container's addresses on the asker's networks (a name of
 * ours without an address of the type asked: NOERROR, no records); PTR of
 * those addresses gives every name `NAME.`; an unknown single-label name or
 * one under dns.podman is NXDOMAIN; anything else goes upstream. TTL 60 s,
 * not authoritative, RA set. */
#include "dns-table.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

#define DOMAIN "dns.podman"
#define TYPE_A 1
#define TYPE_PTR 12
#define TYPE_AAAA 28
#define CLASS_IN 1
#define RCODE_NXDOMAIN 3
#define RCODE_SERVFAIL 2
#define TTL 60

bool dns_addr_parse(const char *s, struct dns_addr *out) {
  memset(out, 0, sizeof *out);
  if (inet_pton(AF_INET, s, out->b) == 1) {
    out->family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, s, out->b) == 1) {
    out->family = AF_INET6;
    return true;
  }
  return false;
}

bool dns_addr_eq(const struct dns_addr *a, const struct dns_addr *b) {
  return a->family == b->family && memcmp(a->b, b->b, a->family == AF_INET ? 4 : 16) == 0;
}

void dns_addr_from_sockaddr(const void *sa, struct dns_addr *out) {
  memset(out, 0, sizeof *out);
  const struct sockaddr *s = sa;
  if (s->sa_family == AF_INET) {
    out->family = AF_INET;
    memcpy(out->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  } else if (s->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a)) {
      out->family = AF_INET;
      memcpy(out->b, a->s6_addr + 12, 4);
    } else {
      out->family = AF_INET6;
      memcpy(out->b, a->s6_addr, 16);
    }
  }
}

size_t dns_addr_to_sockaddr(const struct dns_addr *a, uint16_t port, void *ss) {
  if (a->family == AF_INET) {
    struct sockaddr_in *in = ss;
    memset(in, 0, sizeof *in);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    memcpy(&in->sin_addr, a->b, 4);
    return sizeof *in;
  }
  struct sockaddr_in6 *in6 = ss;
  memset(in6, 0, sizeof *in6);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  memcpy(&in6->sin6_addr, a->b, 16);
  return sizeof *in6;
}

static const char *pid_dir;

void dns_set_pid_dir(const char *dir) { pid_dir = dir; }

bool dns_ctr_live(const struct dns_ctr *c) {
  /* if_nametoindex() opens a socket each time; one kept open is a single ioctl per check. */
  static int fd = -1;
  if (fd < 0 && (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
    report("dns-serve: socket: %s", strerror(errno));
    return false;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (strlen(c->veth) >= sizeof ifr.ifr_name) return false;
  strcpy(ifr.ifr_name, c->veth);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) return false;
  if (!pid_dir) return true;
  /* Its process gone: dead, even while its namespace (and veth) are being torn down. */
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", pid_dir, c->id) >= (int)sizeof path) return true;
  return pid_file_alive(path, "dns-serve") != 0;
}

bool dns_is_member(const struct dns_net *net, const struct dns_addr *client) {
  for (size_t i = 0; i < net->n_subnet; i++) {
    const struct dns_addr *s = &net->subnet[i];
    if (s->family != client->family) continue;
    int bits = net->prefix[i];
    bool in = true;
    for (int k = 0; k < bits && in; k++) {
      uint8_t mask = (uint8_t)(0x80 >> (k % 8));
      in = (s->b[k / 8] & mask) == (client->b[k / 8] & mask);
    }
    if (in) return true;
  }
  return false;
}

/* ---- the records file ---- */

static char **split(char *s, char sep, size_t *n) {
  size_t cap = 4;
  char **v = xmalloc(cap * sizeof *v);
  *n = 0;
  for (char *p = s;;) {
    char *end = strchr(p, sep);
    if (end) *end = '\0';
    if (*n == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
    v[(*n)++] = p;
    if (!end) break;
    p = end + 1;
  }
  return v;
}

static bool add_addr(struct dns_addr *arr, size_t *n, const char *text) {
  if (*n >= DNS_MAX_ADDRS || !dns_addr_parse(text, &arr[*n])) return false;
  (*n)++;
  return true;
}

static bool parse_ctr(struct dns_net *net, char **f, size_t nf) {
  if (nf != 6) return false;
  struct dns_ctr c = {.id = f[1], .veth = f[2]};
  unsigned long long at;
  if (!parse_uint(f[3], 10, ~0ULL >> 1, &at)) return false;
  c.at_ms = (long long)at;
  size_t n;
  char **ips = split(f[4], ',', &n);
  bool ok = true;
  for (size_t i = 0; i < n && ok; i++) ok = add_addr(c.ips, &c.n_ips, ips[i]);
  free(ips);
  if (!ok) return false;
  c.names = split(f[5], ',', &c.n_names);
  net->ctrs = xrealloc(net->ctrs, (net->n_ctrs + 1) * sizeof *net->ctrs);
  net->ctrs[net->n_ctrs++] = c;
  return true;
}

void dns_table_free(struct dns_table *t) {
  for (size_t i = 0; i < t->n_nets; i++) {
    for (size_t k = 0; k < t->nets[i].n_ctrs; k++) free(t->nets[i].ctrs[k].names);
    free(t->nets[i].ctrs);
  }
  free(t->nets);
  free(t->text);
  memset(t, 0, sizeof *t);
}

bool dns_table_parse(char *text, struct dns_table *out, const char **why) {
  struct dns_table t = {.text = text};
  size_t n_lines;
  char **lines = split(text, '\n', &n_lines);
  bool ok = n_lines > 0 && strcmp(lines[0], "tsc-run-dns 1") == 0;
  *why = "no 'tsc-run-dns 1' header";
  for (size_t l = 1; l < n_lines && ok; l++) {
    if (!lines[l][0]) continue;
    size_t nf;
    char **f = split(lines[l], ' ', &nf);
    struct dns_net *net = t.n_nets ? &t.nets[t.n_nets - 1] : NULL;
    *why = "malformed line";
    if (!strcmp(f[0], "network") && nf == 2) {
      t.nets = xrealloc(t.nets, (t.n_nets + 1) * sizeof *t.nets);
      memset(&t.nets[t.n_nets], 0, sizeof *t.nets);
      t.nets[t.n_nets++].name = f[1];
    } else if (!net) {
      ok = false;
    } else if (!strcmp(f[0], "listen") && nf == 2) {
      ok = add_addr(net->listen, &net->n_listen, f[1]);
    } else if (!strcmp(f[0], "upstream") && nf == 2) {
      ok = add_addr(net->upstream, &net->n_upstream, f[1]);
    } else if (!strcmp(f[0], "subnet") && nf == 3) {
      unsigned long long p;
      ok = net->n_subnet < DNS_MAX_ADDRS && parse_uint(f[2], 10, 128, &p);
      if (ok) {
        net->prefix[net->n_subnet] = (int)p;
        ok = add_addr(net->subnet, &net->n_subnet, f[1]) && (p <= 32 || net->subnet[net->n_subnet - 1].family == AF_INET6);
      }
    } else if (!strcmp(f[0], "container")) {
      ok = parse_ctr(net, f, nf);
    } else {
      ok = false;
    }
    free(f);
  }
  free(lines);
  if (!ok) {
    dns_table_free(&t);
    return false;
  }
  *out = t;
  return true;
}

/* ---- messages ---- */

struct query {
  uint16_t id, flags, type, cls;
  size_t qend; /* end of the first question */
  char name[256];  /* lower case, dotted, no trailing dot */
};

static bool parse_query(const uint8_t *m, size_t len, struct query *q) {
  if (len < 12) return false;
  q->id = (uint16_t)(m[0] << 8 | m[1]);
  q->flags = (uint16_t)(m[2] << 8 | m[3]);
  if ((q->flags & 0x8000) || ((q->flags >> 11) & 0xf) != 0 || (m[4] << 8 | m[5]) < 1) return false;
  size_t off = 12, n = 0;
  for (;;) {
    if (off >= len) return false;
    size_t l = m[off];
    if (l == 0) {
      off++;
      break;
    }
    if (l > 63 || off + 1 + l > len || n + l + 1 >= sizeof q->name) return false; /* no pointers in a first name */
    if (n) q->name[n++] = '.';
    for (size_t i = 0; i < l; i++) q->name[n++] = (char)tolower(m[off + 1 + i]);
    off += 1 + l;
  }
  q->name[n] = '\0';
  if (off + 4 > len) return false;
  q->type = (uint16_t)(m[off] << 8 | m[off + 1]);
  q->cls = (uint16_t)(m[off + 2] << 8 | m[off + 3]);
  q->qend = off + 4;
  return true;
}

struct reply {
  uint8_t *b;
  size_t len, cap;
  uint16_t count;
};

static void put16(uint8_t *p, unsigned v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static size_t start_reply(struct reply *r, const uint8_t *msg, const struct query *q, int rcode) {
  if (r->cap < q->qend) return 0;
  memcpy(r->b, msg, q->qend);
  /* QR, opcode 0, RD as asked, RA (we recurse by forwarding), the rcode. */
  put16(r->b + 2, 0x8000u | (q->flags & 0x0100u) | 0x0080u | (unsigned)rcode);
  put16(r->b + 4, 1);
  memset(r->b + 6, 0, 6);
  r->len = q->qend;
  r->count = 0;
  return r->len;
}

/* One record named by a pointer to the question's name; false (and TC set) when it does not fit. */
static bool add_rr(struct reply *r, uint16_t type, const uint8_t *rdata, size_t rdlen) {
  if (r->len + 12 + rdlen > r->cap) {
    r->b[2] |= 0x02; /* TC */
    return false;
  }
  uint8_t *p = r->b + r->len;
  put16(p, 0xc00c);
  put16(p + 2, type);
  put16(p + 4, CLASS_IN);
  put16(p + 6, 0);
  put16(p + 8, TTL);
  put16(p + 10, (unsigned)rdlen);
  memcpy(p + 12, rdata, rdlen);
  r->len += 12 + rdlen;
  put16(r->b + 6, ++r->count);
  return true;
}

/* `NAME.` in wire form; 0 if it cannot be encoded. */
static size_t encode_name(const char *name, uint8_t *out, size_t cap) {
  size_t n = 0;
  const char *p = name;
  while (*p) {
    const char *dot = strchr(p, '.');
    size_t l = dot ? (size_t)(dot - p) : strlen(p);
    if (l == 0 || l > 63 || n + 1 + l + 1 > cap) return 0;
    out[n++] = (uint8_t)l;
    memcpy(out + n, p, l);
    n += l;
    p += l;
    if (*p == '.') p++;
  }
  out[n++] = 0;
  return n;
}

/* `4.3.2.1.in-addr.arpa` / 32 nibbles `.ip6.arpa` → the address. */
static bool reverse_name(const char *name, struct dns_addr *a) {
  memset(a, 0, sizeof *a);
  size_t len = strlen(name);
  static const char v4[] = ".in-addr.arpa", v6[] = ".ip6.arpa";
  if (len > sizeof v4 - 1 && !strcmp(name + len - (sizeof v4 - 1), v4)) {
    unsigned parts[4];
    int k = 0;
    const char *p = name;
    for (; k < 4; k++) {
      char *end;
      unsigned long v = strtoul(p, &end, 10);
      if (end == p || v > 255 || *end != '.' || !isdigit((unsigned char)*p)) return false;
      parts[k] = (unsigned)v;
      p = end + 1;
    }
    if (p != name + len - (sizeof v4 - 1) + 1) return false;
    a->family = AF_INET;
    for (k = 0; k < 4; k++) a->b[k] = (uint8_t)parts[3 - k];
    return true;
  }
  if (len == 63 + sizeof v6 - 1 && !strcmp(name + 63, v6)) {
    for (int i = 0; i < 32; i++) {
      char c = name[2 * i];
      if (name[2 * i + 1] != '.' && i < 31) return false;
      int v = isdigit((unsigned char)c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (v < 0) return false;
      int nib = 31 - i; /* the first label is the last nibble */
      a->b[nib / 2] |= (uint8_t)(nib % 2 ? v : v << 4);
    }
    a->family = AF_INET6;
    return true;
  }
  return false;
}

static bool has_name(const struct dns_ctr *c, const char *name) {
  for (size_t i = 0; i < c->n_names; i++)
    if (!strcmp(c->names[i], name)) return true;
  return false;
}

/* The networks whose names the asker sees: every network its container is
 * on (as aardvark-dns), found by its address on the network asked; only
 * that network when the address is no live container's. */
static size_t asker_view(const struct dns_table *t, const struct dns_net *net, const struct dns_addr *client, const struct dns_net **view, size_t cap) {
  const char *id = NULL;
  for (size_t i = 0; i < net->n_ctrs && !id; i++)
    for (size_t k = 0; k < net->ctrs[i].n_ips && !id; k++)
      if (dns_addr_eq(&net->ctrs[i].ips[k], client) && dns_ctr_live(&net->ctrs[i])) id = net->ctrs[i].id;
  size_t n = 0;
  view[n++] = net;
  if (!id) return n;
  for (size_t i = 0; i < t->n_nets && n < cap; i++) {
    if (&t->nets[i] == net) continue;
    for (size_t k = 0; k < t->nets[i].n_ctrs; k++)
      if (!strcmp(t->nets[i].ctrs[k].id, id)) {
        view[n++] = &t->nets[i];
        break;
      }
  }
  return n;
}

/* An address of this namespace: only our own processes here (the responder
 * forwarding to another network's gateway with --dns) send from one; the
 * kernel drops packets that come in from a link with a local source. */
static bool local_address(const struct dns_addr *a) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)dns_addr_to_sockaddr(a, 0, &ss);
  int fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    report("dns-serve: socket: %s", strerror(errno));
    return false;
  }
  bool local = bind(fd, (struct sockaddr *)&ss, len) == 0;
  close(fd);
  return local;
}

long dns_answer(const struct dns_table *t, const struct dns_net *net, const struct dns_addr *client, const uint8_t *msg, size_t len, uint8_t *out, size_t cap) {
  if (len < 12 || (msg[2] & 0x80) || !(dns_is_member(net, client) || local_address(client))) return -1;
  struct query q;
  if (!parse_query(msg, len, &q) || q.cls != CLASS_IN) return 0;
  const struct dns_net *view[64];
  size_t nv = asker_view(t, net, client, view, sizeof view / sizeof *view);
  struct reply r = {.b = out, .cap = cap};

  if (q.type == TYPE_PTR) {
    struct dns_addr ip;
    if (!reverse_name(q.name, &ip)) return 0;
    for (size_t v = 0; v < nv; v++)
      for (size_t i = 0; i < view[v]->n_ctrs; i++) {
        const struct dns_ctr *c = &view[v]->ctrs[i];
        bool holds = false;
        for (size_t k = 0; k < c->n_ips; k++) holds = holds || dns_addr_eq(&c->ips[k], &ip);
        if (!holds || !dns_ctr_live(c)) continue;
        if (!start_reply(&r, msg, &q, 0)) return -1;
        for (size_t k = 0; k < c->n_names; k++) {
          uint8_t wire[256];
          size_t wl = encode_name(c->names[k], wire, sizeof wire);
          if (wl && !add_rr(&r, TYPE_PTR, wire, wl)) break;
        }
        return (long)r.len;
      }
    return 0;
  }

  /* NAME, or NAME.dns.podman. */
  const char *name = q.name;
  char shortname[256];
  size_t nl = strlen(name), dl = strlen(DOMAIN);
  bool in_domain = !strcmp(name, DOMAIN) || (nl > dl && name[nl - dl - 1] == '.' && !strcmp(name + nl - dl, DOMAIN));
  if (in_domain) {
    size_t sl = nl > dl ? nl - dl - 1 : 0;
    memcpy(shortname, name, sl);
    shortname[sl] = '\0';
    name = shortname;
  }
  struct dns_addr found[64];
  size_t nf = 0;
  for (size_t v = 0; v < nv; v++)
    for (size_t i = 0; i < view[v]->n_ctrs; i++) {
      const struct dns_ctr *c = &view[v]->ctrs[i];
      if (!has_name(c, name) || !dns_ctr_live(c)) continue;
      for (size_t k = 0; k < c->n_ips && nf < sizeof found / sizeof *found; k++) {
        bool dup = false;
        for (size_t j = 0; j < nf; j++) dup = dup || dns_addr_eq(&found[j], &c->ips[k]);
        if (!dup) found[nf++] = c->ips[k];
      }
    }
  if (!nf) {
    /* Ours to deny: a name under our domain, or one label (aardvark-dns does not forward those). */
    if (in_domain || !strchr(q.name, '.')) return start_reply(&r, msg, &q, RCODE_NXDOMAIN) ? (long)r.len : -1;
    return 0;
  }
  if (!start_reply(&r, msg, &q, 0)) return -1;
  int want = q.type == TYPE_A ? AF_INET : q.type == TYPE_AAAA ? AF_INET6 : 0;
  for (size_t j = 0; j < nf; j++)
    if (found[j].family == want && !add_rr(&r, q.type, found[j].b, want == AF_INET ? 4 : 16)) break;
  return (long)r.len;
}

size_t dns_servfail(const uint8_t *msg, size_t len, uint8_t *out, size_t cap) {
  struct query q;
  struct reply r = {.b = out, .cap = cap};
  if (parse_query(msg, len, &q)) return start_reply(&r, msg, &q, RCODE_SERVFAIL);
  if (len < 12 || cap < 12) return 0;
  memcpy(out, msg, 12);
  put16(out + 2, 0x8000u | ((unsigned)(msg[2] << 8 | msg[3]) & 0x0100u) | 0x0080u | RCODE_SERVFAIL);
  memset(out + 4, 0, 8);
  return 12;
}
