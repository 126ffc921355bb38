/* What the DNS responder (dns.c) knows: the records file Node writes
 * atomically (src/network/dns/dns-records.ts), parsed into networks and
 * their containers, and the answers built from it. No JSON here: one
 * record per line, fields separated by spaces, lists by commas:
 *
 *   tsc-run-dns 1
 *   network NAME
 *   listen IP                     the network's gateways (port 53)
 *   subnet IP PREFIX              who may ask (its own containers only)
 *   upstream IP                   where other names go
 *   container ID VETH AT-MS IP[,IP]... NAME[,NAME]...
 *
 * A container line belongs to the network above it; it counts only while
 * VETH (its host end) exists in our network namespace, so a container that
 * died drops out at once; AT-MS (when its start wrote it) keeps a network
 * served while a container is still being wired in. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_MAX_ADDRS 8

struct dns_addr {
  int family; /* AF_INET or AF_INET6 */
  uint8_t b[16];
};

struct dns_ctr {
  char *id, *veth;
  long long at_ms;
  struct dns_addr ips[DNS_MAX_ADDRS];
  size_t n_ips;
  char **names;
  size_t n_names;
};

struct dns_net {
  char *name;
  struct dns_addr listen[DNS_MAX_ADDRS];
  size_t n_listen;
  struct dns_addr subnet[DNS_MAX_ADDRS];
  int prefix[DNS_MAX_ADDRS];
  size_t n_subnet;
  struct dns_addr upstream[DNS_MAX_ADDRS];
  size_t n_upstream;
  struct dns_ctr *ctrs;
  size_t n_ctrs;
};

struct dns_table {
  char *text; /* the file; every string points into it */
  struct dns_net *nets;
  size_t n_nets;
};

/* Parse `text` (taken over: freed with the table, or at once on failure).
 * false, with *why set, on a malformed file (the caller keeps its old one). */
bool dns_table_parse(char *text, struct dns_table *out, const char **why);
void dns_table_free(struct dns_table *t);

bool dns_addr_parse(const char *s, struct dns_addr *out);
bool dns_addr_eq(const struct dns_addr *a, const struct dns_addr *b);
/* From/to a socket address (port 53 on the way out; v4-mapped v6 read as v4). */
void dns_addr_from_sockaddr(const void *sa, struct dns_addr *out);
size_t dns_addr_to_sockaddr(const struct dns_addr *a, uint16_t port, void *ss);

/* Whether the container is alive: its host-side veth exists and, when the
 * pid directory holds a file for it (`PID START`), that process runs. */
bool dns_ctr_live(const struct dns_ctr *c);
void dns_set_pid_dir(const char *dir);

/* The answer to the query in msg[0..len) received on network `net` from
 * `client`, written to out (at most cap bytes, TC set beyond), or 0 when
 * the query is not ours to answer: it goes upstream then. -1: drop it (a
 * client outside the network, or no query at all). */
long dns_answer(const struct dns_table *t, const struct dns_net *net, const struct dns_addr *client, const uint8_t *msg, size_t len, uint8_t *out, size_t cap);

/* SERVFAIL for a query (header and question echoed); 0 if unreadable. */
size_t dns_servfail(const uint8_t *msg, size_t len, uint8_t *out, size_t cap);

/* Whether a client address lies in one of the network's subnets. */
bool dns_is_member(const struct dns_net *net, const struct dns_addr *client);
