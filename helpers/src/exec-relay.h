/* The exec session's relay (mode `exec`): the helper process that stays on
 * the host side carries the exec'd process's stdio (pipes, or the master of
 * its pty) to and from its own stdio, forwards signals, honours the detach
 * keys, and returns the wait status of the process that joined the
 * container. One poll() loop, fixed buffers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define EXEC_DETACH_KEYS_MAX 16

struct exec_relay {
  pid_t child;    /* the process that joined the container and waits for the command */
  int sigfd;      /* forwarded signals and SIGCHLD, blocked by the caller */
  int out_fd;     /* command's stdout (or the pty master), -1 when none */
  int err_fd;     /* command's stderr, -1 with a pty */
  int in_fd;      /* command's stdin: pipe write end or the pty master; -1 when none */
  bool tty;       /* out_fd is a pty master */
  bool own_stdin; /* our stdin feeds in_fd */
  const unsigned char *detach_keys; /* at most EXEC_DETACH_KEYS_MAX */
  size_t n_detach_keys;
  /* Called once when the detach keys are typed: from then on our stdio
   * carries nothing (the relay keeps draining the output). */
  void (*on_detach)(void);
  /* The caller's end of the sync socket, -1 for none: its EOF means the
   * caller died without waiting for us; on_caller_gone is called once. */
  int caller_fd;
  void (*on_caller_gone)(void);
};

/* Relay until the child has exited and the output it left is drained;
 * returns its wait status. */
int exec_relay_run(struct exec_relay *r);
