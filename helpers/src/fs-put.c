/* Entries written into a container root. An entry's parent directory is
 * resolved inside the root as the container sees it (openat2
 * RESOLVE_IN_ROOT: a symlink, even one planted by an earlier entry, can
 * only lead somewhere else in the same root, as in a chroot); the entry
 * itself is made with *at() calls that never follow it: an existing leaf is
 * removed first, new files are O_EXCL|O_NOFOLLOW. Directory times are set
 * last, deepest first, once nothing is created in them any more. */
#include "fs-put.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rmtree.h"
#include "rootfs.h"
#include "util.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define N_FIELDS 10

struct xattr {
  char *name;
  unsigned char *value;
  size_t len;
};

struct entry {
  char type;
  char *path, *link;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  uint64_t size;
  struct timespec mtime;
  struct xattr *x;
  size_t nx;
};

struct dir_time {
  char *path;
  struct timespec mtime;
};

static unsigned long long num(const char *s, int base, unsigned long long max, const char *what) {
  unsigned long long v;
  if (!parse_uint(s, base, max, &v)) die("fs: put: bad %s %s in a record", what, s);
  return v;
}

/* A relative path of plain components (no `.`, `..` or empty ones). */
static void check_path(const char *p) {
  if (!*p || *p == '/') die("fs: put: bad entry path %s", p);
  char *copy = xstrdup(p);
  for (char *c = copy, *next; c; c = next) {
    next = strchr(c, '/');
    if (next) *next++ = '\0';
    if (!*c || !strcmp(c, ".") || !strcmp(c, "..")) die("fs: put: bad entry path %s", p);
  }
  free(copy);
}

static void read_entry(struct fs_in *in, struct entry *e) {
  char *line = fs_in_line(in);
  if (!line) die("fs: put: input ended before the end record");
  if (!strcmp(line, "E")) {
    e->type = 'E';
    return;
  }
  char *copy = xstrdup(line), *f[N_FIELDS + 1];
  if (fs_split(copy, f, N_FIELDS + 1) != N_FIELDS || strlen(f[0]) != 1 || !strchr("fdlhcbp", f[0][0]))
    die("fs: put: malformed record");
  e->type = f[0][0];
  e->path = xstrdup(f[1]);
  if (!fs_pct_decode(e->path)) die("fs: put: malformed path %s", f[1]);
  check_path(e->path);
  e->mode = (mode_t)num(f[2], 8, 07777, "mode");
  e->uid = (uid_t)num(f[3], 10, 0xfffffffeULL, "uid");
  e->gid = (gid_t)num(f[4], 10, 0xfffffffeULL, "gid");
  e->size = num(f[5], 10, 1ULL << 62, "size");
  char *end;
  errno = 0;
  long long sec = strtoll(f[6], &end, 10);
  if (errno || end == f[6] || *end) die("fs: put: bad mtime %s in a record", f[6]);
  e->mtime = (struct timespec){.tv_sec = (time_t)sec, .tv_nsec = (long)num(f[7], 10, 999999999, "nsec")};
  e->link = NULL;
  if (f[8][0] == '=') {
    e->link = xstrdup(f[8] + 1);
    if (!fs_pct_decode(e->link)) die("fs: put: malformed link of %s", e->path);
  } else if (strcmp(f[8], "-")) {
    die("fs: put: malformed link field of %s", e->path);
  }
  if (strchr("lhcb", e->type) && !e->link) die("fs: put: %s needs a link field", e->path);
  if (e->type != 'f' && e->size) die("fs: put: %s: only files have data", e->path);
  e->nx = (size_t)num(f[9], 10, 4096, "xattr count");
  free(copy);
  e->x = xmalloc(sizeof *e->x * (e->nx + 1));
  for (size_t i = 0; i < e->nx; i++) {
    char *xl = fs_in_line(in), *xf[4];
    if (!xl) die("fs: put: input ended inside the xattrs of %s", e->path);
    char *xc = xstrdup(xl);
    if (fs_split(xc, xf, 4) != 3 || strcmp(xf[0], "x")) die("fs: put: malformed xattr line of %s", e->path);
    e->x[i].name = xstrdup(xf[1]);
    if (!fs_pct_decode(e->x[i].name) || !fs_hex_decode(xf[2], &e->x[i].value, &e->x[i].len))
      die("fs: put: malformed xattr of %s", e->path);
    free(xc);
  }
}

static void free_entry(struct entry *e) {
  for (size_t i = 0; i < e->nx; i++) {
    free(e->x[i].name);
    free(e->x[i].value);
  }
  free(e->x);
  free(e->path);
  free(e->link);
}

/* Make the missing directories on the way to `rel` (tar streams need not
 * carry them), owned like the entry, as podman's copier does. */
static void make_parents(int rootfd, const char *dir, const char *rel, uid_t uid, gid_t gid) {
  char *path = xstrdup(rel);
  for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    char *full = xasprintf("%s/%s", dir, path);
    int fd = open_in_root(rootfd, full, O_PATH | O_DIRECTORY);
    if (fd < 0 && errno == ENOENT) {
      char *leaf = strrchr(path, '/');
      char *pfull = leaf ? xasprintf("%s/%.*s", dir, (int)(leaf - path), path) : xstrdup(dir);
      const char *name = leaf ? leaf + 1 : path;
      int pfd = open_in_root(rootfd, pfull, O_PATH | O_DIRECTORY);
      if (pfd < 0) die_errno("fs: put: open directory %s", pfull);
      if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST) die_errno("fs: put: mkdir %s", full);
      if (fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) die_errno("fs: put: chown %s", full);
      close(pfd);
      free(pfull);
    } else if (fd < 0) {
      die_errno("fs: put: open directory %s", full);
    } else {
      close(fd);
    }
    free(full);
    *slash = '/';
  }
  free(path);
}

/* The directory holding `rel` (relative to dir), resolved in the root; *leaf
 * points into rel. With `owner`, missing directories on the way are made. */
static int open_parent(int rootfd, const char *dir, const char *rel, const char **leaf, const struct entry *owner) {
  const char *slash = strrchr(rel, '/');
  *leaf = slash ? slash + 1 : rel;
  char *full = slash ? xasprintf("%s/%.*s", dir, (int)(slash - rel), rel) : xstrdup(dir);
  int fd = open_in_root(rootfd, full, O_PATH | O_DIRECTORY);
  if (fd < 0 && errno == ENOENT && owner) {
    make_parents(rootfd, dir, rel, owner->uid, owner->gid);
    fd = open_in_root(rootfd, full, O_PATH | O_DIRECTORY);
  }
  if (fd < 0) die_errno("fs: put: open directory %s", full);
  free(full);
  return fd;
}

static void write_sink(void *ctx, const char *data, size_t len) {
  const struct entry *e = ((void **)ctx)[1];
  if (write_all(*(int *)((void **)ctx)[0], data, len) < 0) die_errno("fs: put: write %s", e->path);
}

/* The user's error, not ours: one line on stdout for Node, exit 1. The
 * words are podman's (buildah's copier): what it tried and `file exists`. */
static _Noreturn void refuse(struct fs_out *out, const char *dir, const char *rel, bool new_is_dir) {
  const char *shown = strcmp(dir, "/") ? dir : "";
  char *msg = xasprintf("error creating \"%s/%s\": %s %s/%s: file exists", shown, rel, new_is_dir ? "mkdir" : "open", shown, rel);
  fs_out_write(out, "error ", 6);
  fs_out_field(out, msg);
  fs_out_write(out, "\n", 1);
  fs_out_flush(out);
  _exit(1);
}

static void set_meta(int pfd, const char *leaf, int fd, const struct entry *e) {
  int r = fd >= 0 ? fchown(fd, e->uid, e->gid) : fchownat(pfd, leaf, e->uid, e->gid, AT_SYMLINK_NOFOLLOW);
  if (r < 0) die_errno("fs: put: chown %s", e->path);
  if (e->type != 'l') {
    /* After chown, which clears setuid bits. */
    if (fd >= 0)
      r = fchmod(fd, e->mode);
    else if ((r = (int)syscall(SYS_fchmodat2, pfd, leaf, e->mode, AT_SYMLINK_NOFOLLOW)) < 0 && errno == ENOSYS)
      r = fchmodat(pfd, leaf, e->mode, 0); /* a node we just made; nothing else writes in a stopped root */
    if (r < 0) die_errno("fs: put: chmod %s", e->path);
  }
  for (size_t i = 0; i < e->nx && fd >= 0; i++) {
    /* trusted.* and other privileged names cannot be set in a user namespace: skipped, like podman. */
    if (fsetxattr(fd, e->x[i].name, e->x[i].value, e->x[i].len, 0) < 0 && errno != EPERM && errno != ENOTSUP)
      die_errno("fs: put: set xattr %s on %s", e->x[i].name, e->path);
  }
  if (e->type != 'd') {
    struct timespec ts[2] = {e->mtime, e->mtime};
    if (utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0) die_errno("fs: put: set times of %s", e->path);
  }
}

static void put_entry(int rootfd, const char *dir, bool overwrite, struct fs_in *in, struct fs_out *out, struct entry *e) {
  const char *leaf;
  int pfd = open_parent(rootfd, dir, e->path, &leaf, e);
  struct stat cur;
  bool exists = fstatat(pfd, leaf, &cur, AT_SYMLINK_NOFOLLOW) == 0;
  if (!exists && errno != ENOENT) die_errno("fs: put: stat %s", e->path);
  bool keep = exists && e->type == 'd' && S_ISDIR(cur.st_mode);
  if (exists && !keep) {
    if (S_ISDIR(cur.st_mode) != (e->type == 'd') && !overwrite) refuse(out, dir, e->path, e->type == 'd');
    remove_tree_at(pfd, leaf, e->path);
  }
  int fd = -1;
  switch (e->type) {
  case 'f': {
    fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) die_errno("fs: put: create %s", e->path);
    void *ctx[2] = {&fd, e};
    fs_in_bytes(in, e->size, write_sink, ctx);
    break;
  }
  case 'd':
    if (!keep && mkdirat(pfd, leaf, 0700) < 0) die_errno("fs: put: mkdir %s", e->path);
    fd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) die_errno("fs: put: open %s", e->path);
    break;
  case 'l':
    if (symlinkat(e->link, pfd, leaf) < 0) die_errno("fs: put: symlink %s", e->path);
    break;
  case 'h': {
    check_path(e->link);
    const char *tleaf;
    int tfd = open_parent(rootfd, dir, e->link, &tleaf, NULL);
    if (linkat(tfd, tleaf, pfd, leaf, 0) < 0) die_errno("fs: put: link %s to %s", e->path, e->link);
    close(tfd);
    close(pfd);
    return; /* a second name: the first one's metadata stands */
  }
  default: { /* c b p */
    unsigned long long ma = 0, mi = 0;
    if (e->type != 'p') {
      char *colon = strchr(e->link, ':');
      if (!colon) die("fs: put: bad device numbers of %s", e->path);
      *colon = '\0';
      ma = num(e->link, 10, 0xfff, "major");
      mi = num(colon + 1, 10, 0xfffff, "minor");
    }
    mode_t t = e->type == 'c' ? S_IFCHR : e->type == 'b' ? S_IFBLK : S_IFIFO;
    if (mknodat(pfd, leaf, t | 0600, makedev(ma, mi)) < 0) die_errno("fs: put: mknod %s", e->path);
  }
  }
  set_meta(pfd, leaf, fd, e);
  if (fd >= 0) close(fd);
  close(pfd);
}

void fs_put(int rootfd, const char *dir, bool overwrite, struct fs_in *in, struct fs_out *out) {
  int dfd = open_in_root(rootfd, dir, O_PATH | O_DIRECTORY);
  if (dfd < 0) die_errno("fs: put: open directory %s", dir);
  close(dfd);
  struct dir_time *times = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    struct entry e = {0};
    read_entry(in, &e);
    if (e.type == 'E') break;
    put_entry(rootfd, dir, overwrite, in, out, &e);
    if (e.type == 'd') {
      if (n == cap) times = xrealloc(times, (cap = cap ? 2 * cap : 32) * sizeof *times);
      times[n++] = (struct dir_time){.path = xasprintf("%s/%s", dir, e.path), .mtime = e.mtime};
    }
    free_entry(&e);
  }
  while (n > 0) {
    struct dir_time *t = &times[--n];
    int fd = open_in_root(rootfd, t->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    struct timespec ts[2] = {t->mtime, t->mtime};
    if (fd < 0 || futimens(fd, ts) < 0) die_errno("fs: put: set times of %s", t->path);
    close(fd);
    free(t->path);
  }
  free(times);
  fs_out_write(out, "ok\n", 3);
  fs_out_flush(out);
}
