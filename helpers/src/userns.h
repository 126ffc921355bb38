/* Creating the namespaces of a mode and mapping ids into the user namespace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The kernel accepts at most 340 lines in uid_map / gid_map. */
#define MAX_ID_MAPS 340

struct id_map {
  unsigned long container, host, count;
};

/* NS OPTIONS: shared by every mode. */
struct ns_config {
  struct id_map uid[MAX_ID_MAPS], gid[MAX_ID_MAPS];
  size_t n_uid, n_gid;
  const char *newuidmap, *newgidmap;
};

/* Parse `C:H:N` into *m; false if malformed or out of range. */
bool parse_id_map(const char *s, struct id_map *m);

/* Is a user namespace requested (any --uid-map)? */
static inline bool ns_wants_userns(const struct ns_config *ns) { return ns->n_uid > 0; }

/* How the child sets itself up before calling the payload. */
struct child_setup {
  int clone_flags;   /* namespaces besides USER (added when mapped) */
  bool keep_groups;  /* unshare mode: keep supplementary groups like podman */
  bool slave_mounts; /* mount propagation of /: slave (see host mounts) or private */
  int error_fd;      /* > 0: the child reports its failures here (run: the exec-status pipe) */
  /* run --net container:...: the child joins these namespaces (user: -1 = ours)
   * and creates the others there (network.c opens them); --net bridge: the
   * holder's user namespace only (net: -1), the child's net namespace is new */
  bool join;
  int join_user_fd, join_net_fd;
  /* --net-join ipc,uts,pid (a pod's members): more of its namespaces, -1 = not joined */
  int join_ipc_fd, join_uts_fd, join_pid_fd;
  /* --ns-join (ns-join.c): errors name what owns the joined user namespace
   * (NULL: the shared network's), and the joiner calls join_more once in it */
  const char *join_user_what;
  /* --userns-nested: the --uid-map/--gid-map ids are those of the joined user
   * namespace (a bridge's holder), and the joiner, root there, writes them:
   * the child's user namespace is nested in the joined one (docs/runtime.md) */
  bool nested_userns;
  void (*join_more)(void *arg);
  void *join_more_arg;
  /* Called in the parent once the child's ids are mapped but BEFORE it is
   * released: it still has our credentials, so its /proc/PID/ns files can be
   * opened (network.c); released, as uid 0 inside, it may no longer be ours. */
  void (*mapped)(pid_t pid, void *arg);
  /* Called in the parent once the child is released (run: starts its network,
   * then lets it exec), and by the monitor after it exits. */
  void (*released)(pid_t pid, int error_fd, void *arg);
  void (*ended)(void *arg);
  /* Called by the monitor when it has sent SIGKILL to a container that will
   * not be restarted (stop, --timeout): its network program can go too. */
  void (*killed)(void *arg);
  void *hook_arg;
};

/* The user namespace `fd` names, or the ancestor of it that is a child of
 * ours (a nested container's: its bridge holder's); closes fd if it returns
 * another. Dies if it is not below ours. */
int top_child_userns(int fd, const char *what);

/* The signals a waiter passes on to its child. */
extern const int forwarded_signals[];
extern const size_t n_forwarded_signals;

/*
 * Clone a child into new namespaces, map its ids and release it; the child
 * becomes uid/gid 0 inside and _exit()s with payload(arg). Returns its pid.
 * The caller blocks the signals it wants to read (signalfd) BEFORE calling,
 * so none is lost between clone and its wait; the child unblocks them all.
 */
pid_t spawn_in_namespaces(const struct ns_config *ns, const struct child_setup *setup, int (*payload)(void *), void *arg);

/* The exit code of a wait status: the code, or 128+N for signal N. */
int exit_code_of(int status);

/*
 * Clone a child into new namespaces, map its ids (newuidmap/newgidmap, or by
 * writing the maps directly when we are root), release it, forward signals to
 * it and wait. The child becomes uid/gid 0 inside and returns payload(arg)
 * as its exit code. Returns the child's status as an exit code (128+N when
 * killed by signal N).
 */
int run_in_namespaces(const struct ns_config *ns, const struct child_setup *setup,
                      int (*payload)(void *), void *arg);
