/* Mode `vfs-apply DEST LAYER...`: the vfs driver's container root, a full
 * copy of the image's layers (bottom-most first) applied in order, inside
 * the user namespace (layer files belong to sub-ids). Layers are in overlay
 * form (see docs/storage.md): a 0:0 character device deletes what the
 * layers below put at its path; an opaque directory (user.overlay.opaque=y)
 * hides everything below it. Files keep owner, mode, xattrs, times, and hard
 * links within a layer. Every step is relative to directory fds opened with
 * O_NOFOLLOW, so a symlink in a layer or in DEST is never followed, and
 * mount points are never entered (rmtree.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "beneath.h"
#include "modes.h"
#include "rmtree.h"
#include "util.h"

struct link_seen {
  dev_t dev;
  ino_t ino;
  char *rel; /* where its first copy is, relative to DEST */
};

struct vfs_ctx {
  const char *dest;
  int destfd;
  struct link_seen *links; /* hard links of the current layer */
  size_t n_links, cap_links;
};

/* One node of the copy: parent dir fd + name, or an fd of the node itself. */
struct node {
  int dirfd;
  const char *name;
  int fd; /* -1: reach it as /proc/self/fd/<dirfd>/<name> */
};

static const char *const opaque_xattrs[] = {"user.overlay.opaque", "trusted.overlay.opaque", "user.fuseoverlayfs.opaque"};

/* Overlay bookkeeping xattrs stay in the layers: a plain copy must not carry them. */
static bool overlay_private(const char *name) {
  return !strncmp(name, "user.overlay.", 13) || !strncmp(name, "trusted.overlay.", 16) || !strncmp(name, "user.fuseoverlayfs.", 19);
}

static bool is_opaque(int dirfd) {
  for (size_t i = 0; i < sizeof opaque_xattrs / sizeof *opaque_xattrs; i++) {
    char v;
    if (fgetxattr(dirfd, opaque_xattrs[i], &v, 1) == 1 && v == 'y') return true;
  }
  return false;
}

static char *proc_path(const struct node *n) { return xasprintf("/proc/self/fd/%d/%s", n->dirfd, n->name); }

static ssize_t x_list(const struct node *n, char *buf, size_t size) {
  if (n->fd >= 0) return flistxattr(n->fd, buf, size);
  char *p = proc_path(n);
  ssize_t r = llistxattr(p, buf, size);
  free(p);
  return r;
}

static ssize_t x_get(const struct node *n, const char *name, void *buf, size_t size) {
  if (n->fd >= 0) return fgetxattr(n->fd, name, buf, size);
  char *p = proc_path(n);
  ssize_t r = lgetxattr(p, name, buf, size);
  free(p);
  return r;
}

static int x_set(const struct node *n, const char *name, const void *val, size_t size) {
  if (n->fd >= 0) return fsetxattr(n->fd, name, val, size, 0);
  char *p = proc_path(n);
  int r = lsetxattr(p, name, val, size, 0);
  free(p);
  return r;
}

static void copy_xattrs(const struct node *src, const struct node *dst, const char *shown) {
  ssize_t len = x_list(src, NULL, 0);
  if (len < 0) {
    if (errno == ENOTSUP) return;
    die_errno("vfs-apply: list xattrs of %s", shown);
  }
  if (len == 0) return;
  char *names = xmalloc((size_t)len);
  len = x_list(src, names, (size_t)len);
  if (len < 0) die_errno("vfs-apply: list xattrs of %s", shown);
  for (char *name = names; name < names + len; name += strlen(name) + 1) {
    if (overlay_private(name)) continue;
    ssize_t vlen = x_get(src, name, NULL, 0);
    if (vlen < 0) die_errno("vfs-apply: read xattr %s of %s", name, shown);
    char *val = xmalloc((size_t)vlen + 1);
    vlen = x_get(src, name, val, (size_t)vlen);
    if (vlen < 0) die_errno("vfs-apply: read xattr %s of %s", name, shown);
    if (x_set(dst, name, val, (size_t)vlen) < 0) die_errno("vfs-apply: set xattr %s on %s", name, shown);
    free(val);
  }
  free(names);
}

/* Owner, then mode (chown clears setuid bits), then xattrs (security.capability after chown). */
static void copy_meta(const struct stat *st, const struct node *src, const struct node *dst, const char *shown) {
  int r = dst->fd >= 0 ? fchown(dst->fd, st->st_uid, st->st_gid)
                       : fchownat(dst->dirfd, dst->name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
  if (r < 0) die_errno("vfs-apply: chown %s", shown);
  if (!S_ISLNK(st->st_mode)) {
    mode_t mode = st->st_mode & 07777;
    r = dst->fd >= 0 ? fchmod(dst->fd, mode) : fchmodat(dst->dirfd, dst->name, mode, 0);
    if (r < 0) die_errno("vfs-apply: chmod %s", shown);
  }
  copy_xattrs(src, dst, shown);
}

static void copy_times(const struct stat *st, int dirfd, const char *name, const char *shown) {
  struct timespec ts[2] = {st->st_atim, st->st_mtim};
  int r = *name ? utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) : futimens(dirfd, ts);
  if (r < 0) die_errno("vfs-apply: set times of %s", shown);
}

static void copy_data(int in, int out, const char *shown) {
  for (;;) {
    ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
    if (n == 0) return;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) die_errno("vfs-apply: copy %s", shown);
    break;
  }
  char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die_errno("vfs-apply: read %s", shown);
    if (n == 0) return;
    if (write_all(out, buf, (size_t)n) < 0) die_errno("vfs-apply: write %s", shown);
  }
}

/* A second name of a file already copied from this layer: link to that copy. */
static bool link_to_first(struct vfs_ctx *c, const struct stat *st, int ddir, const char *name, const char *rel, const char *shown) {
  for (size_t i = 0; i < c->n_links; i++) {
    if (c->links[i].dev != st->st_dev || c->links[i].ino != st->st_ino) continue;
    char *parent = xstrdup(c->links[i].rel), *slash = strrchr(parent, '/');
    const char *leaf = slash ? slash + 1 : parent;
    int pfd = slash ? (*slash = '\0', open_beneath(c->destfd, parent, O_PATH | O_DIRECTORY)) : dup(c->destfd);
    if (pfd < 0) die_errno("vfs-apply: open the directory of %s", c->links[i].rel);
    if (linkat(pfd, leaf, ddir, name, 0) < 0) die_errno("vfs-apply: link %s to %s", shown, c->links[i].rel);
    close(pfd);
    free(parent);
    return true;
  }
  if (c->n_links == c->cap_links) {
    c->cap_links = c->cap_links ? 2 * c->cap_links : 64;
    c->links = xrealloc(c->links, c->cap_links * sizeof *c->links);
  }
  c->links[c->n_links++] = (struct link_seen){.dev = st->st_dev, .ino = st->st_ino, .rel = xstrdup(rel)};
  return false;
}

static void apply_dir(struct vfs_ctx *c, int sdir, int ddir, const char *rel, const char *shown);

/* One entry of a layer directory onto the same place in DEST. */
static void apply_entry(struct vfs_ctx *c, int sdir, int ddir, const char *name, const char *rel, const char *shown) {
  struct stat st;
  if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno("vfs-apply: stat %s", shown);
  struct stat dst;
  bool exists = fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0;
  if (!exists && errno != ENOENT) die_errno("vfs-apply: stat %s in %s", rel, c->dest);

  if (S_ISCHR(st.st_mode) && st.st_rdev == 0) { /* whiteout */
    if (exists) remove_tree_at(ddir, name, shown);
    return;
  }

  if (S_ISDIR(st.st_mode)) {
    int sd = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sd < 0) die_errno("vfs-apply: open %s", shown);
    if (exists && !S_ISDIR(dst.st_mode)) {
      remove_tree_at(ddir, name, shown);
      exists = false;
    }
    if (!exists && mkdirat(ddir, name, 0700) < 0) die_errno("vfs-apply: mkdir %s in %s", rel, c->dest);
    int dd = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dd < 0) die_errno("vfs-apply: open %s in %s", rel, c->dest);
    if (exists && is_opaque(sd)) empty_tree(dd, shown);
    copy_meta(&st, &(struct node){sdir, name, sd}, &(struct node){ddir, name, dd}, shown);
    apply_dir(c, sd, dd, rel, shown);
    close(sd);
    close(dd);
    copy_times(&st, ddir, name, shown); /* after its entries changed it */
    return;
  }

  if (exists) remove_tree_at(ddir, name, shown);
  if (st.st_nlink > 1 && link_to_first(c, &st, ddir, name, rel, shown)) return;

  struct node src = {sdir, name, -1}, dstn = {ddir, name, -1};
  int in = -1, out = -1;
  if (S_ISREG(st.st_mode)) {
    in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) die_errno("vfs-apply: open %s", shown);
    out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) die_errno("vfs-apply: create %s in %s", rel, c->dest);
    copy_data(in, out, shown);
    src.fd = in;
    dstn.fd = out;
  } else if (S_ISLNK(st.st_mode)) {
    char *target = xmalloc((size_t)st.st_size + 1);
    ssize_t n = readlinkat(sdir, name, target, (size_t)st.st_size + 1);
    if (n < 0 || n > st.st_size) die_errno("vfs-apply: readlink %s", shown);
    target[n] = '\0';
    if (symlinkat(target, ddir, name) < 0) die_errno("vfs-apply: symlink %s in %s", rel, c->dest);
    free(target);
  } else if (mknodat(ddir, name, st.st_mode & S_IFMT, st.st_rdev) < 0) { /* fifo, socket, device */
    die_errno("vfs-apply: mknod %s in %s", rel, c->dest);
  }
  copy_meta(&st, &src, &dstn, shown);
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  copy_times(&st, ddir, name, shown);
}

static void apply_dir(struct vfs_ctx *c, int sdir, int ddir, const char *rel, const char *shown) {
  int fd = dup(sdir);
  if (fd < 0) die_errno("vfs-apply: dup");
  DIR *d = fdopendir(fd);
  if (!d) die_errno("vfs-apply: read %s", shown);
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *crel = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
    char *cshown = xasprintf("%s/%s", shown, e->d_name);
    apply_entry(c, sdir, ddir, e->d_name, crel, cshown);
    free(crel);
    free(cshown);
    errno = 0;
  }
  if (errno) die_errno("vfs-apply: read %s", shown);
  closedir(d);
}

struct vfs_args {
  const char *dest;
  char **layers;
  int n;
};

static int vfs_payload(void *arg) {
  struct vfs_args *a = arg;
  static struct vfs_ctx c;
  c.dest = a->dest;
  if (mkdir(a->dest, 0700) < 0 && errno != EEXIST) die_errno("vfs-apply: mkdir %s", a->dest);
  c.destfd = open(a->dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c.destfd < 0) die_errno("vfs-apply: open %s", a->dest);
  for (int i = 0; i < a->n; i++) {
    int sd = open(a->layers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sd < 0) die_errno("vfs-apply: open layer %s", a->layers[i]);
    struct stat st;
    if (fstat(sd, &st) < 0) die_errno("vfs-apply: stat %s", a->layers[i]);
    /* The layer's root is DEST's root (overlay shows the top-most one's). */
    copy_meta(&st, &(struct node){sd, "", sd}, &(struct node){c.destfd, "", c.destfd}, a->layers[i]);
    apply_dir(&c, sd, c.destfd, "", a->layers[i]);
    copy_times(&st, c.destfd, "", a->layers[i]);
    close(sd);
    for (size_t l = 0; l < c.n_links; l++) free(c.links[l].rel);
    c.n_links = 0; /* hard links never span layers */
  }
  return 0;
}

int mode_vfs_apply(const struct ns_config *ns, int argc, char **argv) {
  if (argc > 0 && !strcmp(argv[0], "--")) {
    argc--;
    argv++;
  }
  if (argc < 2) die("usage: vfs-apply DEST LAYER... (bottom-most layer first)");
  static struct vfs_args args;
  args.dest = argv[0];
  args.layers = argv + 1;
  args.n = argc - 1;
  struct child_setup setup = {.clone_flags = CLONE_NEWNS};
  return run_in_namespaces(ns, &setup, vfs_payload, &args);
}
