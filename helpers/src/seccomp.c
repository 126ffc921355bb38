/* Seccomp rules file → libseccomp filter. Node did all the JSON logic (which
 * rules apply, errno defaults, architectures); this only maps the words of
 * each line to libseccomp calls:
 *   default ACTION | arch NAME | rule ACTION SYSCALL [INDEX:OP:VALUE:VALUE2]...
 * ACTION: allow, errno:N, kill-thread, kill-process, trap, log. */
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp-cache.h"
#include "util.h"

#define MAX_RULES_FILE (4 << 20)
#define MAX_FIELDS 12

struct parse_pos {
  const char *file;
  unsigned line;
};

static _Noreturn void bad_line(const struct parse_pos *p, const char *why) { die("seccomp %s line %u: %s", p->file, p->line, why); }

static bool parse_action(const char *w, uint32_t *out) {
  unsigned long long n;
  if (!strcmp(w, "allow"))
    *out = SCMP_ACT_ALLOW;
  else if (!strncmp(w, "errno:", 6) && parse_uint(w + 6, 10, 4095, &n))
    *out = SCMP_ACT_ERRNO((uint32_t)n);
  else if (!strcmp(w, "kill-thread"))
    *out = SCMP_ACT_KILL_THREAD;
  else if (!strcmp(w, "kill-process"))
    *out = SCMP_ACT_KILL_PROCESS;
  else if (!strcmp(w, "trap"))
    *out = SCMP_ACT_TRAP;
  else if (!strcmp(w, "log"))
    *out = SCMP_ACT_LOG;
  else
    return false;
  return true;
}

static bool parse_op(const char *w, enum scmp_compare *op) {
  static const struct {
    const char *name;
    enum scmp_compare op;
  } ops[] = {{"ne", SCMP_CMP_NE}, {"lt", SCMP_CMP_LT}, {"le", SCMP_CMP_LE}, {"eq", SCMP_CMP_EQ},
             {"ge", SCMP_CMP_GE}, {"gt", SCMP_CMP_GT}, {"masked_eq", SCMP_CMP_MASKED_EQ}};
  for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
    if (!strcmp(w, ops[i].name)) {
      *op = ops[i].op;
      return true;
    }
  return false;
}

/* INDEX:OP:VALUE:VALUE2 */
static bool parse_arg(char *w, struct scmp_arg_cmp *a) {
  char *f[4];
  for (int i = 0; i < 4; i++) {
    f[i] = w;
    char *colon = strchr(w, ':');
    if (i < 3) {
      if (!colon) return false;
      *colon = '\0';
      w = colon + 1;
    } else if (colon)
      return false;
  }
  unsigned long long idx, v1, v2;
  if (!parse_uint(f[0], 10, 5, &idx) || !parse_op(f[1], &a->op) || !parse_uint(f[2], 10, ~0ULL, &v1) ||
      !parse_uint(f[3], 10, ~0ULL, &v2))
    return false;
  a->arg = (unsigned)idx;
  a->datum_a = v1;
  a->datum_b = v2;
  return true;
}

static char *read_file(const char *file, size_t *len) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die_errno("open seccomp rules %s", file);
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("stat seccomp rules %s", file);
  if (!S_ISREG(st.st_mode) || st.st_size > MAX_RULES_FILE) die("seccomp rules %s: not a regular file of at most 4 MiB", file);
  char *buf = xmalloc((size_t)st.st_size + 1);
  size_t n = 0;
  while (n < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die_errno("read seccomp rules %s", file);
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void add_rule(scmp_filter_ctx ctx, const struct parse_pos *p, char **w, int n) {
  uint32_t action;
  if (n < 3 || n - 3 > 6) bad_line(p, "malformed rule");
  if (!parse_action(w[1], &action)) bad_line(p, "unknown action");
  int nr = seccomp_syscall_resolve_name(w[2]);
  if (nr == __NR_SCMP_ERROR) return; /* not a syscall of this architecture */
  struct scmp_arg_cmp args[6];
  for (int i = 3; i < n; i++)
    if (!parse_arg(w[i], &args[i - 3])) bad_line(p, "malformed argument condition");
  int r = seccomp_rule_add_array(ctx, action, nr, (unsigned)(n - 3), args);
  /* -EACCES: the action is the default one, the rule changes nothing. */
  if (r < 0 && r != -EACCES) {
    errno = -r;
    die_errno("seccomp %s line %u: add rule for %s", p->file, p->line, w[2]);
  }
}

/* What seccomp_rules_read returns: a compiled program from the cache, or a libseccomp filter. */
struct seccomp_filter {
  struct seccomp_bpf bpf;
  scmp_filter_ctx ctx;
};

static void *compile_rules(const char *file, char *buf, size_t len);

void *seccomp_rules_read(const char *file, const char *cache_dir) {
  size_t len;
  char *buf = read_file(file, &len);
  if (memchr(buf, '\0', len)) die("seccomp rules %s: contains a NUL byte", file);
  struct seccomp_filter *f = xmalloc(sizeof *f);
  memset(f, 0, sizeof *f);
  if (cache_dir && seccomp_cache_get(cache_dir, buf, len, &f->bpf)) {
    free(buf);
    return f;
  }
  /* Parsing cuts the text up: the cache needs it whole. */
  char *text = cache_dir ? xmalloc(len + 1) : NULL;
  if (text) memcpy(text, buf, len + 1);
  f->ctx = compile_rules(file, buf, len);
  if (text) {
    seccomp_cache_put(cache_dir, text, len, f->ctx);
    free(text);
  }
  return f;
}

static void *compile_rules(const char *file, char *buf, size_t len) {
  (void)len;
  scmp_filter_ctx ctx = NULL;
  struct parse_pos p = {.file = file, .line = 0};
  char *save_line = NULL;
  for (char *line = buf, *next; line && *line; line = next) {
    p.line++;
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    else bad_line(&p, "truncated (no newline at the end)");
    if (!*line || *line == '#') continue;
    char *w[MAX_FIELDS + 1];
    int n = 0;
    for (char *tok = strtok_r(line, " ", &save_line); tok; tok = strtok_r(NULL, " ", &save_line)) {
      if (n == MAX_FIELDS) bad_line(&p, "too many fields");
      w[n++] = tok;
    }
    if (n == 0) continue;
    if (!strcmp(w[0], "default")) {
      uint32_t action;
      if (ctx) bad_line(&p, "a second default");
      if (n != 2 || !parse_action(w[1], &action)) bad_line(&p, "malformed default");
      ctx = seccomp_init(action);
      if (!ctx) die("seccomp_init failed");
      /* We set no_new_privs ourselves when asked; libseccomp must not. */
      if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0) die("seccomp: cannot turn off no_new_privs");
    } else if (!ctx) {
      bad_line(&p, "the first directive must be `default ACTION`");
    } else if (!strcmp(w[0], "arch")) {
      if (n != 2) bad_line(&p, "malformed arch");
      uint32_t arch = seccomp_arch_resolve_name(w[1]);
      if (!arch) bad_line(&p, "unknown architecture");
      int r = seccomp_arch_add(ctx, arch);
      if (r < 0 && r != -EEXIST) {
        errno = -r;
        die_errno("seccomp %s line %u: add architecture %s", file, p.line, w[1]);
      }
    } else if (!strcmp(w[0], "rule")) {
      add_rule(ctx, &p, w, n);
    } else {
      bad_line(&p, "unknown directive");
    }
  }
  if (!ctx) die("seccomp rules %s: empty", file);
  free(buf);
  return ctx;
}

void seccomp_rules_load(void *filter) {
  struct seccomp_filter *f = filter;
  if (!f->ctx) {
    seccomp_bpf_load(&f->bpf);
    free(f->bpf.insns);
    free(f);
    return;
  }
  int r = seccomp_load(f->ctx);
  if (r < 0) {
    errno = -r;
    die_errno("load the seccomp filter");
  }
  seccomp_release(f->ctx);
  free(f);
}
