/* OCI hooks (runtime-spec config.md, "POSIX-platform Hooks") of `run`, as
 * runc/crun run them: prestart and createRuntime in the monitor once the
 * container's namespaces exist, createContainer in the container's mount
 * namespace before pivot_root, startContainer in the container just before
 * CMD, poststart in the monitor once CMD runs. Node picks the hooks (hook
 * files, `when` rules); poststop it runs itself after the container ends. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum hook_stage { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER, HOOK_START_CONTAINER, HOOK_POSTSTART, N_HOOK_STAGES };

struct oci_hook {
  enum hook_stage stage;
  unsigned long timeout; /* seconds, 0 = none */
  char *path;
  char **argv;
  char **envp;
};

struct oci_hooks {
  struct oci_hook *v;
  size_t n;
  const char *head; /* --hook-state-head: the state's JSON before "pid" */
  const char *tail; /* --hook-state-tail: after "status" (with the closing brace) */
  const char *cwd;  /* --hook-cwd: the bundle (the container's userdata dir) */
  int ready[2];     /* the monitor's runtime hooks ran: the child may go on */
};

void hooks_defaults(struct oci_hooks *h);

/* --hook STAGE^_TIMEOUT^_PATH^_NARGS^_ARGS...^_ENV... (^_ = 0x1f), --hook-state-head, --hook-state-tail, --hook-cwd */
bool hooks_option(struct oci_hooks *h, int argc, char **argv, int *i);

bool hooks_any(const struct oci_hooks *h, enum hook_stage s);

/* Run the stage's hooks in order with the state on stdin; false with the reason in err at the first that fails. */
bool hooks_run(const struct oci_hooks *h, enum hook_stage s, const char *status, pid_t pid, char *err, size_t errsz);

/* Monitor, before each start: the gate the child waits at when there are runtime hooks. */
void hooks_gate_open(struct oci_hooks *h);
/* Monitor, after the child was spawned: run prestart and createRuntime, then
 * release the child (or, failing, write why to error_fd and let it exit). */
void hooks_runtime_stages(struct oci_hooks *h, pid_t pid, int error_fd);
/* Child: wait at the gate (exits 125 when the monitor reported a failure). */
void hooks_child_wait(struct oci_hooks *h);
