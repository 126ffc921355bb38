/* The container's network (`run --net`): the host's, none (a new namespace
 * with lo up), pasta or slirp4netns (a new namespace the monitor connects
 * by starting the program against it before CMD runs), another container's
 * namespace (joined), or bridge (a new net namespace inside the rootless
 * netns holder's user namespace, wired by a set-up program the monitor runs
 * with the child's pid before CMD runs). See docs/helper-protocol.md,
 * "Network", and docs/networking.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "userns.h"

enum net_mode { NET_HOST, NET_NONE, NET_PASTA, NET_SLIRP4NETNS, NET_JOIN, NET_BRIDGE };

struct net_opts {
  enum net_mode mode;
  const char *program;           /* --net-program: the pasta or slirp4netns binary */
  char **args;                   /* --net-arg (repeatable): its options, before the target */
  size_t n_args;
  char **requests;               /* --net-api-request (repeatable): slirp4netns API calls (JSON) */
  size_t n_requests;
  pid_t join_pid;                /* --net container:PID:STARTTIME, bridge:PID:STARTTIME (the holder) */
  unsigned long long join_start;
  int join_more;                 /* --net-join ipc,uts,pid: CLONE_NEWIPC|CLONE_NEWUTS|CLONE_NEWPID also joined */
  const char *runtime_dir;       /* the monitor's --runtime-dir: the program's files live there */

  /* State, per start. */
  int ready[2];                  /* the child waits on ready[0] until the network is up */
  int dirfd;                     /* runtime_dir */
  pid_t prog;                    /* the running pasta/slirp4netns, 0 = none */
  int exit_fd;                   /* slirp4netns --exit-fd: closing our end stops it */
  bool netns_file;               /* pasta as root: <runtime_dir>/netns is its bind target */
  int target_user_fd;            /* the child's user and net namespaces, opened before it is */
  int target_net_fd;             /* released (-1: none); the program is handed these */
};

void net_defaults(struct net_opts *n);
/* Parse one --net* option at argv[*i]; false if it is not one. */
bool net_option(struct net_opts *n, int argc, char **argv, int *i);
/* After parsing: the options fit together (dies otherwise). */
void net_check(const struct net_opts *n);
/* The namespaces to create for it (CLONE_NEWNET or 0). */
int net_clone_flags(const struct net_opts *n);
/* The other namespaces taken from the joined container (--net-join), not created. */
static inline int net_joined_flags(const struct net_opts *n) { return n->mode == NET_JOIN ? n->join_more : 0; }

/* Monitor, before each start: stop the previous program, make the ready
 * pipe, open a joined container's namespaces into *setup. */
void net_prepare(struct net_opts *n, struct child_setup *setup);
/* Monitor: the container exited (also at our exit): stop the program. */
void net_stop(void *arg);

/* Child, first thing in its namespaces: lo up (none); let go of the monitor's pipe end. */
void net_child_enter(struct net_opts *n);
/* Child, before it becomes CMD: wait until the monitor says the network is up
 * (exits 125 if it says nothing: the monitor reported why). */
void net_child_wait(struct net_opts *n);

/* netprog.c: start pasta / slirp4netns against the net namespace of `pid`
 * and wait until it serves. false with the reason in err. */
bool netprog_start(struct net_opts *n, pid_t pid, char *err, size_t errsz);
void netprog_stop(struct net_opts *n);
void netprog_kill(struct net_opts *n);
bool netprog_binds_host(const struct net_opts *n);

/* network.c, bridge: run the set-up program (its args, then the child's pid)
 * and wait for it; false with the last line of its output in err. */
bool bridge_setup_run(struct net_opts *n, pid_t pid, char *err, size_t errsz);
