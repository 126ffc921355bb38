/* `run --ns-join TYPE=SOURCE`: podman's `--pid/--ipc/--uts/--cgroupns/--userns
 * container:NAME|ns:PATH`. The container joins these namespaces instead of
 * creating them; Node resolves a container to its live process
 * (`container:PID:STARTTIME`), a path is given as `path:PATH`.
 *
 * Joining a namespace needs CAP_SYS_ADMIN in the user namespace that owns
 * it, so the child lives in that user namespace: the one named by
 * `--ns-join user=...`, else the one owning every joined namespace (they
 * must agree, with the network's too). See docs/helper-protocol.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "userns.h"

#define NS_JOIN_MAX 5

struct ns_join {
  int type;                 /* CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWUSER */
  const char *name;         /* pid, ipc, uts, cgroup, user */
  const char *spec;         /* the option's value, for errors */
  const char *path;         /* path:PATH, else NULL */
  pid_t pid;                /* container:PID:STARTTIME */
  unsigned long long start;
  int fd;                   /* opened by ns_join_prepare, -1 */
};

struct ns_joins {
  struct ns_join j[NS_JOIN_MAX];
  size_t n;
  bool set_join; /* we (not the network) turned setup->join on at the last start */
};

/* Parse one `--ns-join TYPE=SOURCE` at argv[*i]; false if it is not one. */
bool ns_join_option(struct ns_joins *s, int argc, char **argv, int *i);

/* The namespaces joined rather than created (CLONE_NEW* bits, user excluded). */
int ns_join_flags(const struct ns_joins *s);

/* Is the user namespace (or any other) joined? */
static inline bool ns_join_any(const struct ns_joins *s) { return s->n > 0; }

/* Before each start, BEFORE net_prepare: close the last start's fds. */
void ns_join_release(struct ns_joins *s, struct child_setup *setup);

/* Before each start, AFTER net_prepare (which may have set a user namespace
 * to join): open every namespace, check a container's process is still the
 * one Node saw, find the one user namespace they share and put it all into
 * *setup. Dies with the reason. */
void ns_join_prepare(struct ns_joins *s, struct child_setup *setup);

/* In the joiner (single-threaded, already in the user namespace): setns()
 * into each non-user namespace. Dies with the reason. */
void ns_join_enter(void *arg);
