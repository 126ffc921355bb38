/* A container's volumes, bind mounts and tmpfs mounts (`run` options
 * --bind SRC:DEST:OPTS and --tmpfs DEST[:OPTS]; docs/helper-protocol.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct volume_mount {
  bool tmpfs;
  char *src, *dest;           /* decoded; src is NULL for a tmpfs; dest absolute */
  unsigned long long attr;    /* MOUNT_ATTR_RDONLY, _NOSUID, _NODEV, _NOEXEC */
  unsigned long propagation;  /* MS_SHARED, MS_SLAVE, MS_UNBINDABLE or 0 (private) */
  bool recursive_propagation; /* the r- forms */
  bool nonrecursive;          /* `bind`: the source's own mount only */
  bool copyup;                /* volume: the image's content at DEST into an empty SRC; tmpfs: tmpcopyup */
  bool chown_top;             /* a volume's first use: SRC gets the user, then DEST's owner and mode */
  bool chown_all;             /* :U, chown -R to the user */
  bool chown_if_changed;      /* Uchanged: only when the top is not the user's already */
  bool has_user;
  uid_t uid;
  gid_t gid;
  char *size, *mode;          /* tmpfs size= and mode= */
  int srcfd;                  /* O_PATH, opened before the rootfs is mounted */
};

struct volume_mounts {
  struct volume_mount *v;
  size_t n;
};

/* If argv[*i] is --bind or --tmpfs, consume it (and its value). */
bool volume_mounts_option(int argc, char **argv, int *i, struct volume_mounts *m);

/* In the container's mount namespace, before the rootfs covers anything: open the bind sources. */
void volume_mounts_open(struct volume_mounts *m);

/* Mounts one name below the root (/etc, /data) go before the generated /etc files are bound,
 * the rest after, as podman sorts mounts by depth: a volume on /etc (or on a symlink to it) is
 * copied up from the image's files only and the binds land on it; a -v on /etc/hosts wins. */
enum volume_pass { VOLUMES_TOP_LEVEL, VOLUMES_DEEPER };

/* Before pivot_root, in order: each mount of the pass created beneath rootfd (destinations resolved inside the root).
 * The top-level pass leaves read-only mounts writable until seal_volumes(). */
void mount_volumes(int rootfd, const struct volume_mounts *m, enum volume_pass pass);

/* After the /etc files' mount points exist: the top-level read-only mounts become read-only (binds on them stay as they are). */
void seal_volumes(int rootfd, const struct volume_mounts *m);
