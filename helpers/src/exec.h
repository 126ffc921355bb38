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
