/* OCI hooks: see hooks.h. A hook gets the container's state JSON on stdin,
 * only its own environment, the bundle as its working directory (where it
 * exists), /dev/null as stdout and stderr; it fails with a non-zero exit or
 * after its timeout (then it is killed). */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "util.h"

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static const char *const stage_names[N_HOOK_STAGES] = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart"};

void hooks_defaults(struct oci_hooks *h) {
  memset(h, 0, sizeof *h);
  h->ready[0] = h->ready[1] = -1;
}

static char **split_us(const char *v, size_t *n) {
  size_t cap = 1;
  for (const char *p = v; *p; p++)
    if (*p == '\x1f') cap++;
  char **out = xmalloc(sizeof(char *) * (cap + 1));
  *n = 0;
  const char *s = v;
  for (;;) {
    const char *e = strchr(s, '\x1f');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    char *f = xmalloc(len + 1);
    memcpy(f, s, len);
    f[len] = '\0';
    out[(*n)++] = f;
    if (!e) break;
    s = e + 1;
  }
  out[*n] = NULL;
  return out;
}

static void parse_hook(struct oci_hooks *h, const char *v) {
  size_t n;
  char **f = split_us(v, &n);
  unsigned long long timeout, nargs;
  if (n < 4 || !parse_uint(f[1], 10, 86400, &timeout) || !parse_uint(f[3], 10, 4096, &nargs) || n < 4 + nargs || f[2][0] != '/')
    die("run: invalid --hook %s", f[0]);
  int stage = -1;
  for (int s = 0; s < N_HOOK_STAGES; s++)
    if (!strcmp(f[0], stage_names[s])) stage = s;
  if (stage < 0) die("run: --hook: unknown stage %s", f[0]);
  h->v = realloc(h->v, sizeof *h->v * (h->n + 1));
  if (!h->v) die_errno("realloc");
  struct oci_hook *k = &h->v[h->n++];
  k->stage = (enum hook_stage)stage;
  k->timeout = (unsigned long)timeout;
  k->path = f[2];
  /* The hook's argv (args[0] included, as given; none: the path), then its environment (the rest, NULL-ended). */
  k->argv = xmalloc(sizeof(char *) * (nargs + 2));
  for (size_t a = 0; a < nargs; a++) k->argv[a] = f[4 + a];
  if (nargs == 0) k->argv[0] = f[2];
  k->argv[nargs ? nargs : 1] = NULL;
  k->envp = f + 4 + nargs;
  free(f[0]);
  free(f[1]);
  free(f[3]);
}

bool hooks_option(struct oci_hooks *h, int argc, char **argv, int *i) {
  const char *v;
  if ((v = option_value(argc, argv, i, "--hook")))
    parse_hook(h, v);
  else if ((v = option_value(argc, argv, i, "--hook-state-head")))
    h->head = v;
  else if ((v = option_value(argc, argv, i, "--hook-state-tail")))
    h->tail = v;
  else if ((v = option_value(argc, argv, i, "--hook-cwd")))
    h->cwd = v;
  else
    return false;
  return true;
}

bool hooks_any(const struct oci_hooks *h, enum hook_stage s) {
  for (size_t i = 0; i < h->n; i++)
    if (h->v[i].stage == s) return true;
  return false;
}

static long long mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool run_one(const struct oci_hooks *h, const struct oci_hook *k, const char *status, pid_t pid, char *err, size_t errsz) {
  char *state = xasprintf("%s,\"pid\":%d,\"status\":\"%s\"%s", h->head ? h->head : "{\"ociVersion\":\"1.0.2-dev\"", (int)pid, status, h->tail ? h->tail : "}");
  size_t len = strlen(state);
  int in[2];
  /* The whole state goes into the pipe before the hook starts: it need not read it, and we never block on it. */
  if (pipe2(in, O_CLOEXEC) < 0 || (size_t)fcntl(in[1], F_GETPIPE_SZ) < len || write_all(in[1], state, len) < 0) {
    snprintf(err, errsz, "hook %s: pass the state: %s", k->path, strerror(errno));
    free(state);
    return false;
  }
  free(state);
  close(in[1]);
  pid_t c = fork();
  if (c < 0) {
    snprintf(err, errsz, "hook %s: fork: %s", k->path, strerror(errno));
    close(in[0]);
    return false;
  }
  if (c == 0) {
    forked_child_defaults();
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(in[0], 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0) _exit(126);
    /* The bundle where it is visible (not after pivot_root). */
    if (h->cwd && chdir(h->cwd) < 0 && chdir("/") < 0) _exit(126);
    execve(k->path, k->argv, k->envp);
    _exit(errno == ENOENT ? 127 : 126);
  }
  close(in[0]);
  long long deadline = k->timeout ? mono_ms() + (long long)k->timeout * 1000 : 0;
  int st;
  for (;;) {
    pid_t w = waitpid(c, &st, WNOHANG);
    if (w == c) break;
    if (w < 0 && errno != EINTR) {
      snprintf(err, errsz, "hook %s: wait: %s", k->path, strerror(errno));
      return false;
    }
    if (deadline && mono_ms() >= deadline) {
      (void)kill(c, SIGKILL);
      while (waitpid(c, &st, 0) < 0 && errno == EINTR) {
      }
      snprintf(err, errsz, "error executing hook `%s`: timed out after %lu s", k->path, k->timeout);
      return false;
    }
    struct timespec ts = {0, 5 * 1000000};
    nanosleep(&ts, NULL);
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return true;
  if (WIFEXITED(st))
    snprintf(err, errsz, "error executing hook `%s` (exit code: %d)", k->path, WEXITSTATUS(st));
  else
    snprintf(err, errsz, "error executing hook `%s` (signal: %d)", k->path, WTERMSIG(st));
  return false;
}

bool hooks_run(const struct oci_hooks *h, enum hook_stage s, const char *status, pid_t pid, char *err, size_t errsz) {
  for (size_t i = 0; i < h->n; i++)
    if (h->v[i].stage == s && !run_one(h, &h->v[i], status, pid, err, errsz)) return false;
  return true;
}

void hooks_gate_open(struct oci_hooks *h) {
  close_fd(&h->ready[0]);
  close_fd(&h->ready[1]);
  if (!hooks_any(h, HOOK_PRESTART) && !hooks_any(h, HOOK_CREATE_RUNTIME)) return;
  if (pipe2(h->ready, O_CLOEXEC) < 0) die_errno("pipe");
}

void hooks_runtime_stages(struct oci_hooks *h, pid_t pid, int error_fd) {
  if (h->ready[1] < 0) return;
  close_fd(&h->ready[0]);
  char err[1024];
  /* runc's order: prestart (deprecated), then createRuntime. */
  if (hooks_run(h, HOOK_PRESTART, "created", pid, err, sizeof err) && hooks_run(h, HOOK_CREATE_RUNTIME, "created", pid, err, sizeof err)) {
    if (write_all(h->ready[1], "H", 1) < 0 && errno != EPIPE) die_errno("release the container after its hooks");
  } else {
    /* As the child's own failures read (network.c does the same). */
    int saved = get_error_fd();
    set_error_fd(error_fd);
    report("%s", err);
    set_error_fd(saved);
  }
  close_fd(&h->ready[1]);
}

void hooks_child_wait(struct oci_hooks *h) {
  close_fd(&h->ready[1]);
  if (h->ready[0] < 0) return;
  char c;
  ssize_t r;
  while ((r = read(h->ready[0], &c, 1)) < 0 && errno == EINTR) {
  }
  if (r != 1) _exit(EXIT_CANNOT_INVOKE); /* the monitor reported the failure (podman: an OCI runtime error, 126) */
  close_fd(&h->ready[0]);
}
