/* Mode `unshare`: podman unshare's job. A shell (or CMD) as uid 0 in a new
 * user + mount namespace, marked so that tsc-run/podman inside know the
 * namespace is already configured. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "modes.h"
#include "util.h"

extern char **environ;

static int unshare_payload(void *arg) {
  char **cmd = arg;
  if (setenv("_CONTAINERS_USERNS_CONFIGURED", "done", 1) < 0) die_errno("setenv");
  exec_command(cmd, environ, getenv("PATH"));
}

int mode_unshare(const struct ns_config *ns, int argc, char **argv) {
  if (argc > 0 && strcmp(argv[0], "--") == 0) {
    argc--;
    argv++;
  }
  static char *shell_cmd[2];
  char **cmd = argv;
  if (argc == 0) {
    const char *sh = getenv("SHELL");
    shell_cmd[0] = (char *)(sh && *sh ? sh : "/bin/sh");
    shell_cmd[1] = NULL;
    cmd = shell_cmd;
  }
  /* Slave propagation: host mounts still show up; ours never leave. */
  struct child_setup setup = {.clone_flags = CLONE_NEWNS, .keep_groups = true, .slave_mounts = true};
  return run_in_namespaces(ns, &setup, unshare_payload, cmd);
}
