/* Mode `fixup ROOT`: apply the ownership/mode/device/xattr/link/time fixups
 * that Node could not apply as the unprivileged user, from inside the user
 * namespace. Format: docs/helper-protocol.md. Any failure stops at that record. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "beneath.h"
#include "modes.h"
#include "util.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define MAX_FIELDS 7
#define MALFORMED (-2)
#define REFUSED_SYMLINK (-3) /* chmod on a symlink */
#define UNRESOLVED (-4)      /* path lookup refused or failed; errno set */

struct fixup_ctx {
  const char *root;
  int rootfd;
  struct beneath_resolver path, target;
};

/* %XX-decode in place; rejects bad escapes and NUL bytes. */
static bool percent_decode(char *s) {
  char *out = s;
  for (char *p = s; *p; p++) {
    if (*p != '%') {
      *out++ = *p;
      continue;
    }
    char hex[3] = {p[1], p[1] ? p[2] : 0, 0};
    char *end;
    if (!hex[0] || !hex[1] || !strchr("0123456789abcdefABCDEF", hex[0]) || !strchr("0123456789abcdefABCDEF", hex[1])) return false;
    long v = strtol(hex, &end, 16);
    if (v == 0) return false;
    *out++ = (char)v;
    p += 2;
  }
  *out = '\0';
  return true;
}

static bool hex_decode(const char *s, unsigned char **out, size_t *len) {
  size_t n = strlen(s);
  if (n % 2) return false;
  unsigned char *b = xmalloc(n / 2);
  for (size_t i = 0; i < n / 2; i++) {
    char hex[3] = {s[2 * i], s[2 * i + 1], 0};
    if (!strchr("0123456789abcdefABCDEF", hex[0]) || !strchr("0123456789abcdefABCDEF", hex[1])) {
      free(b);
      return false;
    }
    b[i] = (unsigned char)strtoul(hex, NULL, 16);
  }
  *out = b;
  *len = n / 2;
  return true;
}

/* Path of the target for the *xattr()/chmod() calls that have no *at() form. */
static char *proc_path(const struct beneath_target *t) {
  return *t->leaf ? xasprintf("/proc/self/fd/%d/%s", t->dirfd, t->leaf) : xasprintf("/proc/self/fd/%d", t->dirfd);
}

static int at_flags(const struct beneath_target *t) { return AT_SYMLINK_NOFOLLOW | (*t->leaf ? 0 : AT_EMPTY_PATH); }

static int do_chmod(const struct beneath_target *t, mode_t mode) {
  int fd = openat(t->dirfd, *t->leaf ? t->leaf : ".", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  int r = fstat(fd, &st);
  if (r == 0 && S_ISLNK(st.st_mode)) r = REFUSED_SYMLINK; /* never follow, and a link's own mode means nothing */
  if (r == 0) {
    r = (int)syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH);
    if (r < 0 && (errno == ENOSYS || errno == EINVAL)) {
      char *p = xasprintf("/proc/self/fd/%d", fd);
      r = chmod(p, mode);
      free(p);
    }
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return r;
}

static int do_utimes(const struct beneath_target *t, const struct timespec ts[2]) {
  int r = utimensat(t->dirfd, t->leaf, ts, at_flags(t));
  if (r < 0 && !*t->leaf && errno == EINVAL) {
    char *p = proc_path(t);
    r = utimensat(AT_FDCWD, p, ts, 0);
    free(p);
  }
  return r;
}

static bool parse_id(const char *s, unsigned long long *v) { return parse_uint(s, 10, 0xfffffffeULL, v); }

/* Applies one record: 0, -1 with errno set, or one of the codes above. */
static int apply(struct fixup_ctx *c, char **f, int nf) {
  const char *op = f[0];
  struct beneath_target t;
#define NEED(n)              \
  do {                       \
    if (nf != (n)) {         \
      return MALFORMED;      \
    }                        \
  } while (0)
  if (nf < 2 || !percent_decode(f[1])) return MALFORMED;
  bool known = !strcmp(op, "chown") || !strcmp(op, "chmod") || !strcmp(op, "mknod") || !strcmp(op, "xattr") ||
               !strcmp(op, "link") || !strcmp(op, "mtime");
  if (!known) return MALFORMED;
  if (beneath_resolve(&c->path, f[1], &t) < 0) return errno == EINVAL ? MALFORMED : UNRESOLVED;

  if (!strcmp(op, "chown")) {
    NEED(4);
    unsigned long long uid, gid;
    if (!parse_id(f[2], &uid) || !parse_id(f[3], &gid)) return MALFORMED;
    return fchownat(t.dirfd, t.leaf, (uid_t)uid, (gid_t)gid, at_flags(&t));
  }
  if (!strcmp(op, "chmod")) {
    NEED(3);
    unsigned long long mode;
    if (!parse_uint(f[2], 8, 07777, &mode)) return MALFORMED;
    return do_chmod(&t, (mode_t)mode);
  }
  if (!strcmp(op, "mknod")) {
    NEED(6);
    unsigned long long maj, min, mode;
    mode_t type;
    if (!strcmp(f[2], "c"))
      type = S_IFCHR;
    else if (!strcmp(f[2], "b"))
      type = S_IFBLK;
    else if (!strcmp(f[2], "p"))
      type = S_IFIFO;
    else
      return MALFORMED;
    if (!parse_uint(f[3], 10, 0xfffffffULL, &maj) || !parse_uint(f[4], 10, 0xfffffffULL, &min) ||
        !parse_uint(f[5], 8, 07777, &mode) || !*t.leaf)
      return MALFORMED;
    return mknodat(t.dirfd, t.leaf, type | (mode_t)mode, makedev(maj, min));
  }
  if (!strcmp(op, "xattr")) {
    NEED(4);
    unsigned char *val;
    size_t len;
    if (!*f[2] || !hex_decode(f[3], &val, &len)) return MALFORMED;
    char *p = proc_path(&t);
    int r = lsetxattr(p, f[2], val, len, 0);
    int saved = errno;
    free(p);
    free(val);
    errno = saved;
    return r;
  }
  if (!strcmp(op, "link")) {
    NEED(3);
    struct beneath_target target;
    if (!percent_decode(f[2])) return MALFORMED;
    if (beneath_resolve(&c->target, f[2], &target) < 0) return errno == EINVAL ? MALFORMED : UNRESOLVED;
    if (!*t.leaf || !*target.leaf) return MALFORMED;
    return linkat(target.dirfd, target.leaf, t.dirfd, t.leaf, 0);
  }
  /* mtime */
  NEED(4);
  unsigned long long sec, nsec;
  bool neg = f[2][0] == '-';
  if (!parse_uint(f[2] + neg, 10, 0x7fffffffffffffffULL, &sec) || !parse_uint(f[3], 10, 999999999ULL, &nsec))
    return MALFORMED;
  struct timespec ts[2];
  ts[0].tv_sec = neg ? -(time_t)sec : (time_t)sec;
  ts[0].tv_nsec = (long)nsec;
  ts[1] = ts[0];
  return do_utimes(&t, ts);
#undef NEED
}

static int fixup_payload(void *arg) {
  struct fixup_ctx *c = arg;
  umask(0); /* modes in the list are exact */
  c->rootfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0) die_errno("open %s", c->root);
  beneath_init(&c->path, c->rootfd);
  beneath_init(&c->target, c->rootfd);

  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') die("fixup line %zu: %s: record not newline-terminated (truncated input?)", lineno, line);
    line[--n] = '\0';
    if (n == 0) continue;
    char *raw = xstrdup(line);
    char *fields[MAX_FIELDS + 1];
    int nf = 0;
    char *rest = line;
    while (rest && nf <= MAX_FIELDS) fields[nf++] = strsep(&rest, " ");
    int r = (rest || nf > MAX_FIELDS) ? MALFORMED : apply(c, fields, nf);
    if (r == MALFORMED) die("fixup line %zu: %s: malformed record", lineno, raw);
    if (r == REFUSED_SYMLINK) die("fixup line %zu: %s: refusing to chmod a symlink", lineno, raw);
    /* What the kernel says when resolution was refused is cryptic; say it plainly. */
    if (r == UNRESOLVED && errno == EXDEV) die("fixup line %zu: %s: path escapes %s", lineno, raw, c->root);
    if (r == UNRESOLVED && errno == ELOOP) die("fixup line %zu: %s: a directory in the path is a symlink", lineno, raw);
    if (r < 0) die_errno("fixup line %zu: %s", lineno, raw);
    free(raw);
  }
  if (ferror(stdin)) die_errno("read fixup list");
  free(line);
  beneath_free(&c->path);
  beneath_free(&c->target);
  return 0;
}

int mode_fixup(const struct ns_config *ns, int argc, char **argv) {
  if (argc != 1) die("usage: fixup ROOT (records on stdin)");
  static struct fixup_ctx ctx;
  ctx.root = argv[0];
  struct child_setup setup = {.clone_flags = CLONE_NEWNS};
  return run_in_namespaces(ns, &setup, fixup_payload, &ctx);
}
