/* Mode `port-bind`: the host side of ports published into bridge networks
 * (docs/networking.md "Published ports"):
 *
 *   tsc-run-helper port-bind [--tcp ADDR PORT | --udp ADDR PORT]... -- PROGRAM ARGS...
 *
 * Binds each socket in the host's network namespace (TCP ones listening),
 * puts them on fds 3, 4, ... in the order given, and execs PROGRAM (nsenter
 * into the rootless netns, then our forwarder), which accepts on them there
 * and dials the containers from inside: sockets keep the namespace they were
 * made in. A port in use fails with rootlessport's words and 126. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "modes.h"
#include "util.h"

#define MAX_PORT_FDS 4096

static int bind_one(bool tcp, const char *addr, const char *port_text) {
  unsigned long long port;
  if (!parse_uint(port_text, 10, 65535, &port) || port == 0) die("port-bind: invalid port %s", port_text);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  int family;
  struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
    family = in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)port);
    len = sizeof *in4;
  } else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
    family = in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    len = sizeof *in6;
  } else {
    die("port-bind: invalid address %s", addr);
  }
  int fd = socket(family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) die_errno("port-bind: socket");
  int one = 1;
  if (tcp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die_errno("port-bind: SO_REUSEADDR");
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) die_errno("port-bind: IPV6_V6ONLY");
  const char *proto = tcp ? "tcp" : "udp";
  const char *fmt = family == AF_INET6 ? "rootlessport listen %s [%s]:%s: bind: %s" : "rootlessport listen %s %s:%s: bind: %s";
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    int e = errno;
    die_code(EXIT_CANNOT_INVOKE, fmt, proto, addr, port_text, e == EADDRINUSE ? "address already in use" : strerror(e));
  }
  if (tcp && listen(fd, SOMAXCONN) < 0) die_errno("port-bind: listen on %s:%s", addr, port_text);
  return fd;
}

int mode_port_bind(const struct ns_config *ns, int argc, char **argv) {
  (void)ns;
  static int fds[MAX_PORT_FDS];
  int n = 0;
  int i = 0;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    bool tcp = !strcmp(argv[i], "--tcp");
    if ((!tcp && strcmp(argv[i], "--udp")) || i + 2 >= argc) die("port-bind: want --tcp|--udp ADDR PORT, got %s", argv[i]);
    if (n >= MAX_PORT_FDS) die("port-bind: more than %d ports", MAX_PORT_FDS);
    /* Out of the way of 3.. first: dup2 below must not clobber one not yet moved. */
    int fd = bind_one(tcp, argv[i + 1], argv[i + 2]);
    int high = fcntl(fd, F_DUPFD_CLOEXEC, MAX_PORT_FDS + 16);
    if (high < 0) die_errno("port-bind: move socket fd");
    close(fd);
    fds[n++] = high;
    i += 2;
  }
  if (i >= argc - 1) die("port-bind: needs -- PROGRAM ARGS...");
  for (int k = 0; k < n; k++) {
    /* dup2 leaves the copy without close-on-exec: PROGRAM inherits it. */
    if (dup2(fds[k], 3 + k) < 0) die_errno("port-bind: dup2 to fd %d", 3 + k);
  }
  execvp(argv[i + 1], argv + i + 1);
  die_errno("port-bind: exec %s", argv[i + 1]);
}
