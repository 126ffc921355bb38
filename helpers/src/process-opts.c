#include "process-opts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

#include "options.h"
#include "util.h"

static const struct {
  const char *name;
  int resource;
} resources[] = {
    {"core", RLIMIT_CORE},       {"cpu", RLIMIT_CPU},         {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},
    {"locks", RLIMIT_LOCKS},     {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},     {"rss", RLIMIT_RSS},         {"rtprio", RLIMIT_RTPRIO},
    {"rttime", RLIMIT_RTTIME},   {"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK}, {"as", RLIMIT_AS},
};

/* A limit: digits, or -1 / unlimited for RLIM_INFINITY. */
static bool limit_value(const char *s, unsigned long long *out) {
  if (!strcmp(s, "-1") || !strcmp(s, "unlimited")) {
    *out = RLIM_INFINITY;
    return true;
  }
  return parse_uint(s, 10, ~0ULL, out);
}

static void parse_rlimit(struct process_opts *p, const char *v) {
  char *s = xstrdup(v), *eq = strchr(s, '=');
  if (!eq) die("run: invalid --rlimit %s: want NAME=SOFT:HARD", v);
  *eq = '\0';
  char *colon = strchr(eq + 1, ':');
  if (!colon) die("run: invalid --rlimit %s: want NAME=SOFT:HARD", v);
  *colon = '\0';
  struct rlimit_opt r = {.resource = -1};
  for (size_t k = 0; k < sizeof resources / sizeof *resources; k++)
    if (!strcmp(s, resources[k].name)) r.resource = resources[k].resource;
  if (r.resource < 0 || !limit_value(eq + 1, &r.soft) || !limit_value(colon + 1, &r.hard))
    die("run: invalid --rlimit %s: want NAME=SOFT:HARD", v);
  p->rlimits = xrealloc(p->rlimits, sizeof *p->rlimits * (p->n_rlimits + 1));
  p->rlimits[p->n_rlimits++] = r;
  free(s);
}

bool process_option(int argc, char **argv, int *i, struct process_opts *p) {
  const char *v;
  if ((v = option_value(argc, argv, i, "--rlimit"))) {
    parse_rlimit(p, v);
  } else if ((v = option_value(argc, argv, i, "--personality"))) {
    unsigned long long n;
    if (!parse_uint(v, 10, 0xffffffffULL, &n)) die("run: invalid --personality %s: want a number", v);
    p->has_personality = true;
    p->personality = (unsigned long)n;
  } else if ((v = option_value(argc, argv, i, "--sysctl"))) {
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || strstr(v, "..") || v[0] == '.' || strchr(v, '/')) die("run: invalid --sysctl %s: want KEY=VALUE", v);
    p->sysctls = xrealloc(p->sysctls, sizeof(char *) * (p->n_sysctls + 1));
    p->sysctls[p->n_sysctls++] = (char *)v;
  } else if ((v = option_value(argc, argv, i, "--shm-size"))) {
    for (const char *c = v; *c; c++)
      if (!strchr("0123456789kmgKMG", *c)) die("run: invalid --shm-size %s", v);
    p->shm_size = v;
  } else {
    return false;
  }
  return true;
}

void process_apply_sysctls(const struct process_opts *p) {
  for (size_t k = 0; k < p->n_sysctls; k++) {
    const char *kv = p->sysctls[k], *eq = strchr(kv, '=');
    char *path = xasprintf("/proc/sys/%.*s", (int)(eq - kv), kv);
    for (char *c = path + strlen("/proc/sys/"); *c; c++)
      if (*c == '.') *c = '/';
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) die_code(EXIT_CANNOT_INVOKE, "open %s: %s", path, strerror(errno));
    size_t len = strlen(eq + 1);
    if (write(fd, eq + 1, len) != (ssize_t)len) die_code(EXIT_CANNOT_INVOKE, "write to %s: %s", path, strerror(errno));
    close(fd);
    free(path);
  }
}

void process_apply(const struct process_opts *p) {
  for (size_t k = 0; k < p->n_rlimits; k++) {
    struct rlimit rl = {.rlim_cur = p->rlimits[k].soft, .rlim_max = p->rlimits[k].hard};
    if (setrlimit(p->rlimits[k].resource, &rl) < 0) die_code(EXIT_CANNOT_INVOKE, "setrlimit: %s", strerror(errno));
  }
  if (p->has_personality && personality(p->personality) < 0) die_code(EXIT_CANNOT_INVOKE, "personality: %s", strerror(errno));
}
