#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Go prints errno texts in lower case ("permission denied"); so does podman. */
static const char *go_strerror(int err, char *buf, size_t size) {
  const char *s = strerror(err);
  size_t n = strlen(s);
  if (n >= size) n = size - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z')) buf[0] = (char)(buf[0] - 'A' + 'a');
  return buf;
}

static _Noreturn void exec_failed(const char *what, int err) {
  char e[128];
  die_code(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_INVOKE, "fork/exec %s: %s", what, go_strerror(err, e, sizeof e));
}

static bool is_executable_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static int kept_fds; /* --preserve-fds: 3 .. 3+kept_fds-1 reach CMD */

void exec_keep_fds(int n) { kept_fds = n; }

void parse_preserve_fds(const char *v, int *base, int *n) {
  unsigned long long b, c;
  char *copy = xstrdup(v), *colon = strchr(copy, ':');
  if (!colon) die("invalid --preserve-fds %s: want BASE:N", v);
  *colon = '\0';
  if (!parse_uint(copy, 10, 1 << 20, &b) || !parse_uint(colon + 1, 10, 1 << 16, &c) || b < 5) die("invalid --preserve-fds %s: want BASE:N", v);
  for (unsigned long long k = 0; k < c; k++)
    if (fcntl((int)(b + k), F_GETFD) < 0) die("--preserve-fds: fd %llu is not open", b + k);
  *base = (int)b;
  *n = (int)c;
  free(copy);
}

void exec_preserve_fds(int base, int n) {
  int efd = get_error_fd();
  if (efd >= 3 && efd < 3 + n) {
    int moved = fcntl(efd, F_DUPFD_CLOEXEC, 3 + n);
    if (moved < 0) die_errno("preserve-fds: move the error pipe");
    close(efd);
    set_error_fd(moved);
  }
  int *tmp = xmalloc(sizeof(int) * (size_t)n);
  for (int k = 0; k < n; k++)
    if ((tmp[k] = fcntl(base + k, F_DUPFD_CLOEXEC, base + n)) < 0) die_errno("preserve-fds: fd %d", base + k);
  for (int k = 0; k < n; k++) {
    if (dup2(tmp[k], 3 + k) < 0) die_errno("preserve-fds: dup2 to %d", 3 + k);
    close(tmp[k]);
  }
  free(tmp);
  exec_keep_fds(n);
}

void exec_command(char *const argv[], char *const envp[], const char *path) {
  const char *name = argv[0];
  signals_default();
  cloexec_from(3 + kept_fds);

  if (strchr(name, '/')) {
    execve(name, argv, envp);
    exec_failed(name, errno);
  }

  /* First executable regular file in PATH wins; an empty entry means ".". */
  if (!path) path = DEFAULT_PATH;
  if (*name) {
    const char *p = path;
    for (;;) {
      const char *end = strchrnul(p, ':');
      size_t dlen = (size_t)(end - p);
      char *cand = dlen ? xasprintf("%.*s/%s", (int)dlen, p, name) : xasprintf("./%s", name);
      if (is_executable_file(cand)) {
        execve(cand, argv, envp);
        exec_failed(cand, errno);
      }
      if (!*end) break;
      p = end + 1;
    }
  }
  die_code(EXIT_NOT_FOUND, "exec: \"%s\": executable file not found in $PATH", name);
}
