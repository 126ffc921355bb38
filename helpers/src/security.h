/* The container process's privileges: masked/read-only paths, capabilities,
 * uid/gid/groups, no_new_privs and seccomp (docs/helper-protocol.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "caps.h"

struct security_opts {
  struct cap_config caps;
  bool no_new_privs;
  const char *seccomp_file;
  const char *seccomp_cache; /* --seccomp-cache DIR: compiled filters (seccomp-cache.h) */
  void *seccomp; /* compiled by security_prepare() */
  char **masks, **readonly;
  size_t n_masks, n_readonly;
  bool keep_groups; /* --keep-groups: no setgroups (crun's run.oci.keep_original_groups) */
  bool has_groups;
  gid_t *groups;
  size_t n_groups;
};

/* If argv[*i] is one of our `run` options, consume it (and its value) and
 * return true. */
bool security_option(int argc, char **argv, int *i, struct security_opts *s);

/* Read and compile the seccomp rules while the host path is still visible
 * (run.c calls it in the container's child, before the rootfs is mounted). */
void security_prepare(struct security_opts *s);

/* After pivot_root, right before exec: masks, read-only paths, bounding
 * set, ids (uid/gid when has_user; groups when given), no_new_privs,
 * seccomp, capability sets. */
void security_apply(struct security_opts *s, bool has_user, uid_t uid, gid_t gid);
