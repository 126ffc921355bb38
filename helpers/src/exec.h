/* Executing the user's command: PATH lookup like Go's exec.LookPath (what
 * podman uses), fd hygiene, and podman's 126/127 messages on failure. */
#pragma once

/* Default PATH when the command's environment has none (podman's default). */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Exec argv[0] with envp, looking it up in `path` when it has no slash.
 * Only fds 0, 1 and 2 survive. Never returns: on failure it reports one line
 * and exits 127 (not found) or 126 (cannot be invoked).
 */
_Noreturn void exec_command(char *const argv[], char *const envp[], const char *path);

/* --preserve-fds: fds 3 .. 3+n-1 stay open across exec_command's exec. */
void exec_keep_fds(int n);

/* `--preserve-fds BASE:N` (run, exec): parsed and checked open. */
void parse_preserve_fds(const char *v, int *base, int *n);

/* In the command's process: fds BASE..BASE+N-1 become 3..3+N-1 (the error
 * pipe moved above them first) and stay open across exec_command. */
void exec_preserve_fds(int base, int n);
