/* A FUSE overlay (fuse-overlayfs) as the container's root filesystem.
 *
 * The container's child mounts the FUSE filesystem itself (it is root in its
 * user and mount namespaces) and hands the /dev/fuse fd to the mount program,
 * which serves it from OUTSIDE the container: in the waiter's pid and mount
 * namespaces, inside the container's user namespace (to own sub-id files).
 * So the container never sees the server process (no `kill -1` can take its
 * root away, no /proc/N/root leads back to the host), and pivot_root in the
 * container's mount namespace cannot move the server's own root onto the
 * filesystem it serves. libfuse takes an already mounted fd as `/dev/fd/N`. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct fuse_server {
  const char *program;
  pid_t pid;  /* the server process, a child of the waiter; 0 if none */
  int sock;   /* hand-over socket, inherited by the container's child */
  int output; /* read end of the server's stdout/stderr (its error message) */
};

/*
 * Waiter side, before the container's child is cloned: fork the server. It
 * waits for the mounted /dev/fuse fd, enters the child's user namespace, and
 * execs `program -f -o lowerdir=L1:L2...,upperdir=U,workdir=W /dev/fd/3`
 * (lowers relative to `lower_dir` when given). It dies with the waiter
 * (PDEATHSIG) and is killed and reaped when the waiter exits normally, so no
 * server outlives its container. Called again (a restart), it first stops
 * the previous server, whose container is gone.
 */
void fuse_server_start(struct fuse_server *s, const char *program, const char *lower_dir, char **lower, size_t n_lower,
                       const char *upper, const char *work, const char *id_mapping);

/* Child side: mount FUSE on target (created if missing), hand it to the
 * server, and return once the server answers on it. Dies with the server's
 * own message if it cannot serve. */
void fuse_server_mount(struct fuse_server *s, const char *target);
