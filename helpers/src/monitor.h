/* The monitor (conmon's job): the helper process that stays outside the
 * container's namespaces, starts the container (again, under --restart),
 * carries its stdio (pipes, or the pty master with --tty) to the log, to
 * attach clients and, in the foreground, to its own stdio; reaps it, writes
 * exit.json, runs the exit command. Protocol: docs/helper-protocol.md,
 * "The monitor". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "logfile.h"
#include "userns.h"

struct oci_hooks;

enum restart_policy { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE };

struct monitor_opts {
  bool enabled;            /* any monitor option given; else `run` passes stdio straight through */
  int sync_fd;             /* --sync-fd: the start handshake and (foreground) exit report; -1 */
  bool detach;             /* --detach: double-fork, setsid, survive the caller */
  const char *runtime_dir; /* --runtime-dir: exit.json, process.json, attach, ctl */
  bool tty;                /* --tty */
  bool stdin_open;         /* --stdin (-i): the container's stdin is a pipe we hold */
  bool attach_stdin;       /* --attach-stdin: foreground, our own stdin feeds it */
  unsigned short rows, cols; /* --tty-size ROWS:COLS */
  struct logfile log;      /* --log-driver, --log-path, --log-max-size */
  enum restart_policy restart;
  unsigned long restart_max; /* on-failure:N; 0 = no limit */
  char **exit_cmd;         /* --exit-command PATH then each --exit-command-arg */
  size_t n_exit_cmd;
  unsigned char detach_keys[16]; /* --detach-keys (hex bytes); foreground stdin only */
  size_t n_detach_keys;
  bool sig_proxy;          /* foreground: forward signals (default); --no-sig-proxy */
  bool init;               /* --init: PID 1 is the helper, reaping and forwarding */
  bool pause;              /* --pause: PID 1 is the helper, holding the namespaces (a pod's infra), no CMD */
  const char *cgroup;      /* --cgroup DIR: the container joins it (cgroup v2) */
  unsigned long timeout;   /* --timeout SECONDS: SIGKILL after them (each start), 0 = none */
  bool no_stdout, no_stderr; /* --no-stdout, --no-stderr: foreground, not copied to ours (run -a) */
  struct oci_hooks *hooks;   /* run's OCI hooks (hooks.c): the runtime stages run here, each start */
};

/* What the container's child does with its stdio (filled in by the monitor
 * before each start, used by container_io_setup in the child). */
struct container_io {
  bool active;         /* false: the helper's own stdio is inherited as is */
  bool tty;
  int console_sock;    /* tty: where the pty master goes */
  int in_fd, out_fd, err_fd; /* no tty: the ends that become 0, 1, 2 */
  unsigned short rows, cols;
  int cgroup_procs_fd; /* >= 0: write our pid here first */
  int exec_fd;         /* the exec-status pipe (the child's error fd) */
  bool init;
  bool pause;
};

/* Parse one monitor option at argv[*i] of `run`; false if it is not one. */
bool monitor_option(struct monitor_opts *m, int argc, char **argv, int *i);
void monitor_defaults(struct monitor_opts *m);

/* Child side, after pivot_root (still root in the namespace): join the
 * cgroup, set up stdio (a new session; a pty as controlling terminal). */
void container_io_setup(struct container_io *io, uid_t uid);
void container_io_join_cgroup(struct container_io *io);

/* Exec CMD: directly, or (--init) as the child of this process, which stays
 * PID 1, reaps and forwards signals. Never returns. */
_Noreturn void container_exec(struct container_io *io, char *const argv[], char *const envp[], const char *path);

/*
 * Run the container under the monitor: prepare(arg) before each start (in
 * the monitor, e.g. a FUSE server), then spawn_in_namespaces(payload, arg).
 * Returns the helper's exit code (foreground: the container's).
 */
int monitor_run(const struct ns_config *ns, const struct child_setup *setup, struct monitor_opts *m,
                struct container_io *io, void (*prepare)(void *), int (*payload)(void *), void *arg);
