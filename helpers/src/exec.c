#include "exec.h"

#include <errno.h>
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

static void reset_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
}

static int kept_fds; /* --preserve-fds: 3 .. 3+kept_fds-1 reach CMD */

void exec_keep_fds(int n) { kept_fds = n; }

void exec_command(char *const argv[], char *const envp[], const char *path) {
  const char *name = argv[0];
  reset_signals();
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
