/* The kernel filesystems a container sees: /proc, /dev, /sys... */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "volumes.h"

struct kernel_fs_opts {
  const char *shm_size; /* tmpfs size= of /dev/shm (default 65536k) */
  bool host_pid;        /* the host's pid namespace: /proc bound, not mounted */
  bool host_ipc;        /* the host's IPC namespace: /dev/mqueue and /dev/shm bound, not mounted */
  bool no_shm;          /* --no-shm (podman's --ipc none): no /dev/shm at all */
  int shm_tree;         /* --shm-join: another container's /dev/shm, a detached mount (shm-join.c); -1 */
};

/* Mount proc, /dev (+pts, shm, mqueue) and a read-only /sys under rootfd.
 * /dev/shm: k->shm_tree attached if given, else the host's with host_ipc
 * (podman binds it), else a tmpfs of shm_size; none with no_shm. */
void mount_container_filesystems(int rootfd, const struct kernel_fs_opts *k);

/* `run` options for the generated /etc files, tmpfs mounts and a read-only root. */
struct extra_mounts {
  /* The generated files: paths, then fds opened by extra_mounts_open(). */
  const char *hosts_path, *resolv_conf_path, *hostname_path;
  int hosts, resolv_conf, hostname;
  struct volume_mounts volumes; /* --bind and --tmpfs, in order (volumes.c) */
  bool read_only;
  bool host_devices; /* --host-devices (--privileged) */
  bool etc_mtab;     /* --etc-mtab: /etc/mtab -> /proc/mounts where the image has none (podman) */
};

/* If argv[*i] is --etc-hosts, --etc-resolv-conf, --etc-hostname, --etc-mtab, --bind, --tmpfs, --read-only or --host-devices, consume it. */
bool extra_mounts_option(int argc, char **argv, int *i, struct extra_mounts *m);

/* In the container's mount namespace, before the rootfs is mounted (an
 * overlay is attached on the container's dir, which holds the generated
 * files): open the files to bind. */
void extra_mounts_open(struct extra_mounts *m);

/* Before pivot_root: bind the /etc files, mount the volumes, binds and tmpfs dirs, then make the root read-only if asked. */
void mount_extra(int rootfd, const struct extra_mounts *m);

/* mkdir -p of `rel` inside the root (each component resolved in it); returns an O_PATH fd. */
int mkdirs_in_root(int rootfd, const char *rel, const char *shown);

/* Make the mount at `rel` in the root ("" = the root itself) read-only, recursively or not. */
void make_readonly(int rootfd, const char *rel, bool recursive);
