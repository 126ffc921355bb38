/* Entry records of a tree, top first, directories in name order. Only the
 * top path is resolved (inside the root, as the container sees it); below
 * it every step is an *at() call on a directory fd with O_NOFOLLOW, so a
 * symlink in the tree is recorded, never followed. A file's data is its
 * size at the time of its record: a file that shrinks meanwhile is padded
 * with zeros, one that grows is cut (a running container may write). */
#include "fs-walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

struct seen {
  dev_t dev;
  ino_t ino;
  char *rel;
};

struct walker {
  struct fs_out *out;
  const struct fs_walk_opts *o;
  struct seen *links;
  size_t n_links, cap_links;
};

static char type_of(mode_t m) {
  if (S_ISREG(m)) return 'f';
  if (S_ISDIR(m)) return 'd';
  if (S_ISLNK(m)) return 'l';
  if (S_ISCHR(m)) return 'c';
  if (S_ISBLK(m)) return 'b';
  if (S_ISFIFO(m)) return 'p';
  return 's';
}

/* An earlier record of the same file (hard link), or NULL after noting this one. */
static const char *first_link(struct walker *w, const struct stat *st, const char *rel) {
  for (size_t i = 0; i < w->n_links; i++)
    if (w->links[i].dev == st->st_dev && w->links[i].ino == st->st_ino) return w->links[i].rel;
  if (w->n_links == w->cap_links) {
    w->cap_links = w->cap_links ? 2 * w->cap_links : 64;
    w->links = xrealloc(w->links, w->cap_links * sizeof *w->links);
  }
  w->links[w->n_links++] = (struct seen){.dev = st->st_dev, .ino = st->st_ino, .rel = xstrdup(rel)};
  return NULL;
}

/* The `x NAME HEX` lines of fd's xattrs (none for a node we hold no fd of). */
static void xattr_lines(struct fs_out *out, int fd, const char *rel, size_t *count, bool write) {
  *count = 0;
  if (fd < 0) return;
  ssize_t len = flistxattr(fd, NULL, 0);
  if (len < 0 && (errno == ENOTSUP || errno == EBADF)) return;
  if (len < 0) die_errno("fs: list xattrs of %s", rel);
  if (len == 0) return;
  char *names = xmalloc((size_t)len);
  len = flistxattr(fd, names, (size_t)len);
  if (len < 0) die_errno("fs: list xattrs of %s", rel);
  for (char *name = names; name < names + len; name += strlen(name) + 1) {
    (*count)++;
    if (!write) continue;
    ssize_t vlen = fgetxattr(fd, name, NULL, 0);
    if (vlen < 0) die_errno("fs: read xattr %s of %s", name, rel);
    unsigned char *val = xmalloc((size_t)vlen + 1);
    vlen = fgetxattr(fd, name, val, (size_t)vlen);
    if (vlen < 0) die_errno("fs: read xattr %s of %s", name, rel);
    fs_out_write(out, "x ", 2);
    fs_out_field(out, name);
    fs_out_write(out, " ", 1);
    fs_out_hex(out, val, (size_t)vlen);
    fs_out_write(out, "\n", 1);
    free(val);
  }
  free(names);
}

static void copy_data(struct fs_out *out, int fd, off_t size, const char *rel) {
  char buf[65536];
  off_t left = size;
  while (left > 0) {
    ssize_t n = read(fd, buf, left < (off_t)sizeof buf ? (size_t)left : sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die_errno("fs: read %s", rel);
    if (n == 0) break; /* shrunk meanwhile: zeros below */
    fs_out_write(out, buf, (size_t)n);
    left -= n;
  }
  memset(buf, 0, sizeof buf);
  while (left > 0) {
    size_t k = left < (off_t)sizeof buf ? (size_t)left : sizeof buf;
    fs_out_write(out, buf, k);
    left -= (off_t)k;
  }
}

/* One record. fd: the node opened for reading (file, dir) or -1; lfd/lname: where to readlink. */
static void record(struct walker *w, const struct stat *st, int fd, int lfd, const char *lname, const char *rel) {
  struct fs_out *out = w->out;
  char t = type_of(st->st_mode);
  const char *hard = (t != 'd' && st->st_nlink > 1) ? first_link(w, st, rel) : NULL;
  if (hard) t = 'h';
  off_t size = t == 'f' ? st->st_size : 0;
  fs_out_printf(out, "%c ", t);
  fs_out_field(out, rel);
  fs_out_printf(out, " %o %u %u %lld %lld %ld ", (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid, (unsigned)st->st_gid,
                (long long)size, (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
  if (hard) {
    fs_out_write(out, "=", 1);
    fs_out_field(out, hard);
  } else if (t == 'l') {
    char target[PATH_MAX];
    ssize_t n = readlinkat(lfd, lname, target, sizeof target - 1);
    if (n < 0) die_errno("fs: readlink %s", rel);
    target[n] = '\0';
    fs_out_write(out, "=", 1);
    fs_out_field(out, target);
  } else if (t == 'c' || t == 'b') {
    fs_out_printf(out, "=%u:%u", major(st->st_rdev), minor(st->st_rdev));
  } else {
    fs_out_write(out, "-", 1);
  }
  size_t nx;
  xattr_lines(out, hard ? -1 : fd, rel, &nx, false);
  fs_out_printf(out, " %zu\n", nx);
  xattr_lines(out, hard ? -1 : fd, rel, &nx, true);
  if (t == 'f' && w->o->data) copy_data(out, fd, size, rel);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk_dir(struct walker *w, int dirfd, const char *rel);

/* A /proc or /sys met below the top (a running container's root seen with
 * its mounts, for cp): its record is written, its contents are not walked
 * (podman's cp excludes them; reading them is neither a copy nor safe). */
static bool pseudo_fs(int fd, const char *rel) {
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0) die_errno("fs: statfs %s", rel);
  return sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC;
}

static void walk_child(struct walker *w, int dirfd, const char *name, const char *rel) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno("fs: stat %s", rel);
  if (S_ISSOCK(st.st_mode)) return; /* no record type can carry it */
  int fd = -1;
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    /* O_NONBLOCK: if a fifo replaced the file meanwhile, open must not hang. */
    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
    struct stat again;
    if (fd < 0 || fstat(fd, &again) < 0) die_errno("fs: open %s", rel);
    if (again.st_ino != st.st_ino || again.st_dev != st.st_dev) die("fs: %s changed while being read", rel);
    st = again;
  }
  record(w, &st, fd, dirfd, name, rel);
  if (S_ISDIR(st.st_mode) && w->o->recurse && !pseudo_fs(fd, rel)) walk_dir(w, fd, rel);
  if (fd >= 0) close(fd);
}

static void walk_dir(struct walker *w, int dirfd, const char *rel) {
  int dup_fd = dup(dirfd);
  if (dup_fd < 0) die_errno("fs: dup");
  DIR *d = fdopendir(dup_fd);
  if (!d) die_errno("fs: read directory %s", rel);
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == cap) names = xrealloc(names, (cap = cap ? 2 * cap : 32) * sizeof *names);
    names[n++] = xstrdup(e->d_name);
    errno = 0;
  }
  if (errno) die_errno("fs: read directory %s", rel);
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    char *crel = strcmp(rel, ".") ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
    walk_child(w, dirfd, names[i], crel);
    free(crel);
    free(names[i]);
  }
  free(names);
}

void fs_walk(int rootfd, const char *path, const struct fs_walk_opts *o, struct fs_out *out) {
  struct walker w = {.out = out, .o = o};
  int nofollow = o->follow ? 0 : O_NOFOLLOW;
  int pfd = open_in_root(rootfd, path, O_PATH | nofollow);
  struct stat st;
  if (pfd < 0 || fstat(pfd, &st) < 0) die_errno("fs: open %s", path);
  int fd = -1;
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    fd = open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK | nofollow | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
    struct stat again;
    if (fd < 0 || fstat(fd, &again) < 0) die_errno("fs: open %s", path);
    if (again.st_ino != st.st_ino || again.st_dev != st.st_dev) die("fs: %s changed while being read", path);
    st = again;
  }
  if (!S_ISSOCK(st.st_mode)) record(&w, &st, fd, pfd, "", ".");
  if (S_ISDIR(st.st_mode) && o->recurse) walk_dir(&w, fd, ".");
  if (fd >= 0) close(fd);
  close(pfd);
  for (size_t i = 0; i < w.n_links; i++) free(w.links[i].rel);
  free(w.links);
  fs_out_write(out, "E\n", 2);
}
