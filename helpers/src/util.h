/* Error reporting, number parsing and small I/O helpers shared by every mode. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HELPER_NAME "tsc-run-helper"

/* Podman's exit codes for failures of the engine / of the command. */
#define EXIT_ENGINE 125
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

/* Where failure messages go (default 2). Set by --error-fd. */
void set_error_fd(int fd);
int get_error_fd(void);

/* Where a failing die*() also writes its exit code as one byte: a detached
 * monitor's parent relays it as its own exit status. -1 = nowhere. */
void set_exit_status_fd(int fd);

/* A process that must not outlive a failing helper parent (killed by die*). */
void set_cleanup_child(pid_t pid);
/* Run fn when this process (not a forked child) dies through die*() (e.g. to
 * give the user's terminal its settings back); NULL clears it. */
void set_finish_hook(void (*fn)(void));

/* Nothing blocked, every signal at its default: what a program we exec expects. */
void signals_default(void);

/* In a child forked to exec a program (pasta, a hook, a network tool): the
 * parent's die* duties (status byte, cleanup child) and signal set dropped. */
void forked_child_defaults(void);

/* Write ONE line `tsc-run-helper: <message>` to the error fd. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* report() then _exit(code). */
_Noreturn void die_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* report() then _exit(125). */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like die(), with `: strerror(errno)` appended. */
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write all of buf, retrying on EINTR and short writes. 0 or -1 (errno set). */
int write_all(int fd, const void *buf, size_t len);

/* Parse an unsigned number in base (8 or 10) with no sign, no junk, <= max. */
bool parse_uint(const char *s, int base, unsigned long long max, unsigned long long *out);

/* Allocation that cannot fail (exits 125 on ENOMEM). */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Mark every fd >= 3 close-on-exec (close_range with a fallback loop). */
void cloexec_from(int first);

/* Point fds 0, 1 and 2 at /dev/null (a process nobody reads any more). */
void devnull_stdio(void);

/* Start argv (a container's or exec session's exit command) in its own
 * session with default signals, /dev/null stdio and no other fds; not waited
 * for: the caller exits next and it is reparented. */
void spawn_exit_command(char **argv);
