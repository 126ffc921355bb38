/* --init's PID 1 after its re-exec (monitor.c container_exec): argv is
 * `/run/podman-init -- CMD ARGS...`, the environment the container's, fd 3
 * the exec-status pipe. Forks CMD, forwards every signal to it, reaps
 * everything, exits with CMD's status. */
#pragma once

#include <stdbool.h>

#define INIT_ARGV0 "/run/podman-init"
#define INIT_EXEC_FD 3

/* Whether argv is an init's (checked first thing in main). */
bool is_init_argv(int argc, char **argv);

_Noreturn void init_main(int argc, char **argv);
