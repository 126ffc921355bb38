/* `run` options for the container's process and kernel settings:
 * --rlimit RESOURCE=SOFT:HARD, --personality N, --sysctl KEY=VALUE and
 * --shm-size SIZE (docs/helper-protocol.md). Names and values were checked
 * by the CLI; here only their form. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct rlimit_opt {
  int resource;
  unsigned long long soft, hard;
};

struct process_opts {
  struct rlimit_opt *rlimits;
  size_t n_rlimits;
  bool has_personality;
  unsigned long personality;
  char **sysctls; /* KEY=VALUE */
  size_t n_sysctls;
  const char *shm_size; /* tmpfs size= of /dev/shm, default 65536k */
};

/* If argv[*i] is one of the options, consume it and return true. */
bool process_option(int argc, char **argv, int *i, struct process_opts *p);

/* After pivot_root, while still root in the namespaces and before the
 * read-only paths (/proc/sys) are applied: write the sysctls. */
void process_apply_sysctls(const struct process_opts *p);

/* Right before the ids change: rlimits and personality. */
void process_apply(const struct process_opts *p);
