/* Mode `unpack [--devices] ROOT`: unpack the layer tar on stdin into the
 * empty directory ROOT in one pass, from inside the user namespace, so each
 * entry is created once with its final owner, mode, xattrs and mtime.
 * The layer is untrusted input; the rules (docs/storage.md):
 * - names are cleaned (`./a//b` is `a/b`); absolute names, `..` components
 *   and NUL bytes are refused;
 * - nothing is created through a symlink: every directory on the way is
 *   opened relative to its parent with O_NOFOLLOW (or openat2 beneath ROOT
 *   without symlinks), so an entry planted earlier cannot redirect a later one;
 * - a hard link names an earlier entry of this layer (not a directory);
 * - `.wh.NAME` becomes a 0:0 character device NAME, `.wh..wh..opq` the
 *   xattr user.overlay.opaque=y on its directory; overlay's own xattrs are
 *   never taken from the archive, only user.* (files, dirs) and
 *   security.capability (files);
 * - character and block devices are made only with --devices (real root);
 * - an entry replaces what an earlier entry put at its name, except that a
 *   directory over a directory keeps its children and a whiteout never
 *   replaces an entry of the same layer.
 * Directories get their set-id/sticky bits and times after everything
 * inside them is written (a set-gid directory would pass its group on).
 * Any failure stops the unpack with one line; the caller removes ROOT. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "beneath.h"
#include "modes.h"
#include "rmtree.h"
#include "unpack-tar.h"
#include "util.h"

#define OPAQUE_MARKER ".wh..wh..opq"
#define WHITEOUT_PREFIX ".wh."
#define WRITE_CHUNK (1u << 20)

/* A directory's final touch, applied once the whole archive is in. */
struct dir_final {
  char *path;
  unsigned mode;
  bool chmod, has_time;
  struct timespec time;
};

struct unpack_ctx {
  const char *root;
  bool devices;
  int rootfd; /* O_RDONLY directory */
  /* The last parent directory used (entries come in tree order). */
  char *cached_path;
  int cached_fd;
  struct dir_final *dirs;
  size_t n_dirs, cap_dirs;
  const char *raw; /* the entry being unpacked, as the archive names it */
};

/* `refusing layer entry "NAME": REASON`, NAME quoted as JSON.stringify does
 * (Node shows the line as it is). */
static _Noreturn void refuse(const char *raw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void refuse(const char *raw, const char *fmt, ...) {
  size_t cap = strlen(raw) * 6 + 3, n = 0;
  char *q = xmalloc(cap);
  q[n++] = '"';
  for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
    const char *esc = *p == '\b' ? "\\b" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : *p == '\f' ? "\\f" : *p == '\r' ? "\\r" : NULL;
    if (*p == '"' || *p == '\\') {
      q[n++] = '\\';
      q[n++] = (char)*p;
    } else if (esc) {
      memcpy(q + n, esc, 2);
      n += 2;
    } else if (*p < 0x20) {
      n += (size_t)snprintf(q + n, cap - n, "\\u%04x", *p);
    } else {
      q[n++] = (char)*p;
    }
  }
  q[n++] = '"';
  q[n] = '\0';
  char *reason;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&reason, fmt, ap) < 0) reason = "(no memory for the reason)";
  va_end(ap);
  die("refusing layer entry %s: %s", q, reason);
}

/* The name cleaned: `./a//b/` -> `a/b`, `./` -> `` (the root). Refusals name `entry`. */
static char *clean_path(const char *entry, const char *raw, size_t raw_len) {
  if (strlen(raw) != raw_len) refuse(entry, "%s contains a NUL byte", raw == entry ? "name" : "hardlink target");
  if (raw[0] == '/') refuse(entry, "absolute path");
  char *out = xmalloc(raw_len + 1);
  size_t n = 0;
  const char *p = raw;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (len == 2 && p[0] == '.' && p[1] == '.') refuse(entry, "path contains a \"..\" component");
    if (len > 0 && !(len == 1 && p[0] == '.')) {
      if (n) out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
    }
    p += len + (slash ? 1 : 0);
  }
  out[n] = '\0';
  return out;
}

static bool is_whiteout(const struct stat *st) { return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0); }

static void forget_cached(struct unpack_ctx *c) {
  if (c->cached_fd >= 0) close(c->cached_fd);
  free(c->cached_path);
  c->cached_path = NULL;
  c->cached_fd = -1;
}

/* Remove what an earlier entry put at dirfd/leaf (`st` describes it). */
static void remove_existing(struct unpack_ctx *c, int dirfd, const char *leaf, const struct stat *st, const char *shown) {
  if (S_ISDIR(st->st_mode)) {
    forget_cached(c); /* it may be, or hold, the cached directory */
    remove_tree_at(dirfd, leaf, shown);
  } else if (unlinkat(dirfd, leaf, 0) < 0) {
    die_errno("unpack: replace %s", shown);
  }
}

/* The directory `name` in dirfd, made (0755, ours) when missing or where a
 * whiteout of this layer stands; a symlink or non-directory is refused.
 * Returns an O_PATH fd of it. */
static int step_dir(struct unpack_ctx *c, int dirfd, const char *name, const char *shown) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno != ENOENT) die_errno("unpack: stat %s", shown);
    if (mkdirat(dirfd, name, 0755) < 0) die_errno("unpack: mkdir %s", shown);
  } else if (S_ISLNK(st.st_mode)) {
    refuse(c->raw, "would be written through the symlink \"%s\" of an earlier entry", shown);
  } else if (is_whiteout(&st)) {
    if (unlinkat(dirfd, name, 0) < 0) die_errno("unpack: replace the whiteout %s", shown);
    if (mkdirat(dirfd, name, 0755) < 0) die_errno("unpack: mkdir %s", shown);
  } else if (!S_ISDIR(st.st_mode)) {
    refuse(c->raw, "parent \"%s\" is not a directory", shown);
  }
  int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die_errno("unpack: open %s", shown);
  return fd;
}

/* The directory `dir` (cleaned, not ""), walked one component at a time
 * from the root: missing ancestors are made, none is followed. */
static int walk_dir(struct unpack_ctx *c, const char *dir) {
  char *shown = xstrdup(dir);
  int cur = c->rootfd;
  for (char *p = shown;;) {
    char *slash = strchr(p, '/');
    if (slash) *slash = '\0';
    int next = step_dir(c, cur, p, shown);
    if (cur != c->rootfd) close(cur);
    cur = next;
    if (!slash) break;
    *slash = '/';
    p = slash + 1;
  }
  free(shown);
  return cur;
}

/* An fd of directory `dir` ("" is the root) to create entries in; cached. */
static int parent_fd(struct unpack_ctx *c, const char *dir) {
  if (!*dir) return c->rootfd;
  if (c->cached_path && strcmp(c->cached_path, dir) == 0) return c->cached_fd;
  /* The fast path: one openat2 beneath the root, no symlinks. Any failure
   * (missing, a symlink, a whiteout on the way) takes the careful walk. */
  int fd = open_beneath(c->rootfd, dir, O_PATH | O_DIRECTORY);
  if (fd < 0) fd = walk_dir(c, dir);
  forget_cached(c);
  c->cached_path = xstrdup(dir);
  c->cached_fd = fd;
  return fd;
}

/* Split a cleaned path into its parent and last component (in place). */
static const char *split_leaf(char *p, const char **parent) {
  char *slash = strrchr(p, '/');
  if (!slash) {
    *parent = "";
    return p;
  }
  *slash = '\0';
  *parent = p;
  return slash + 1;
}

static _Noreturn void owner_failed(const struct tar_entry *e) {
  if (errno == EINVAL)
    die("unpack: cannot give layer entry %s to %llu:%llu: the id is not mapped in the user namespace (too few ids in /etc/subuid "
        "and /etc/subgid?)",
        e->name, e->uid, e->gid);
  die_errno("unpack: chown %s to %llu:%llu", e->name, e->uid, e->gid);
}

/* Which xattrs of the archive are applied: never overlay's own (a layer
 * could plant opaque dirs or redirects); trusted.* cannot be set in a user
 * namespace and other security.* labels belong to the host's LSM; user.*
 * only exists on files and directories. */
static bool keep_xattr(const char *name, bool is_file) {
  if (strncmp(name, "user.", 5) == 0)
    return strncmp(name, "user.overlay.", 13) != 0 && strncmp(name, "user.fuseoverlayfs.", 19) != 0;
  return is_file && strcmp(name, "security.capability") == 0;
}

/* Owner, then set-id bits (chown clears them), then xattrs (chown clears
 * security.capability). A directory's set-id bits wait for finish_dirs. */
static void set_meta_fd(const struct tar_entry *e, int fd, bool is_file, bool chmod_perms) {
  if ((e->uid || e->gid) && fchown(fd, (uid_t)e->uid, (gid_t)e->gid) < 0) owner_failed(e);
  unsigned mode = is_file ? e->mode : (e->mode & 0777);
  if ((chmod_perms || (is_file && (e->mode & 07000))) && fchmod(fd, mode) < 0) die_errno("unpack: chmod %s", e->name);
  for (size_t i = 0; i < e->n_xattrs; i++) {
    const struct tar_xattr *x = &e->xattrs[i];
    if (!keep_xattr(x->name, is_file)) continue;
    if (fsetxattr(fd, x->name, x->value, x->len, 0) < 0) die_errno("unpack: set xattr %s on %s", x->name, e->name);
  }
}

static struct timespec entry_time(const struct tar_entry *e) {
  struct timespec t = {.tv_sec = (time_t)e->mtime_sec, .tv_nsec = e->mtime_nsec};
  return t;
}

static void remember_dir(struct unpack_ctx *c, const char *path, const struct tar_entry *e, bool chmod) {
  if (!chmod && !e->has_mtime) return;
  if (c->n_dirs == c->cap_dirs) {
    c->cap_dirs = c->cap_dirs ? 2 * c->cap_dirs : 64;
    c->dirs = xrealloc(c->dirs, c->cap_dirs * sizeof *c->dirs);
  }
  struct dir_final *d = &c->dirs[c->n_dirs++];
  d->path = xstrdup(path);
  d->mode = e->mode;
  d->chmod = chmod;
  d->has_time = e->has_mtime;
  d->time = entry_time(e);
}

/* Create dirfd/leaf with `make`; what an earlier entry left there is replaced. */
static void replace_and_retry(struct unpack_ctx *c, int dirfd, const char *leaf, const char *shown) {
  struct stat st;
  if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno("unpack: stat %s", shown);
  remove_existing(c, dirfd, leaf, &st, shown);
}

static void unpack_dir(struct unpack_ctx *c, const struct tar_entry *e, const char *path, int dirfd, const char *leaf) {
  bool existed = false;
  if (mkdirat(dirfd, leaf, e->mode & 0777) < 0) {
    if (errno != EEXIST) die_errno("unpack: mkdir %s", e->name);
    struct stat st;
    if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno("unpack: stat %s", e->name);
    if (S_ISDIR(st.st_mode)) {
      existed = true; /* the same directory again: new metadata, its children stay */
    } else {
      remove_existing(c, dirfd, leaf, &st, e->name);
      if (mkdirat(dirfd, leaf, e->mode & 0777) < 0) die_errno("unpack: mkdir %s", e->name);
    }
  }
  int fd = openat(dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die_errno("unpack: open %s", e->name);
  set_meta_fd(e, fd, false, existed);
  close(fd);
  remember_dir(c, path, e, (e->mode & 07000) != 0);
}

static void unpack_file(struct unpack_ctx *c, struct tar_reader *r, int dirfd, const char *leaf) {
  const struct tar_entry *e = &r->e;
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(dirfd, leaf, flags, e->mode & 0777);
  if (fd < 0 && errno == EEXIST) {
    replace_and_retry(c, dirfd, leaf, e->name);
    fd = openat(dirfd, leaf, flags, e->mode & 0777);
  }
  if (fd < 0) die_errno("unpack: create %s", e->name);
  const unsigned char *p;
  size_t n;
  while ((n = tar_data(r, &p, WRITE_CHUNK)) > 0)
    if (write_all(fd, p, n) < 0) die_errno("unpack: write %s", e->name);
  set_meta_fd(e, fd, true, false);
  if (e->has_mtime) {
    struct timespec ts[2] = {entry_time(e), entry_time(e)};
    if (futimens(fd, ts) < 0) die_errno("unpack: set the time of %s", e->name);
  }
  if (close(fd) < 0) die_errno("unpack: close %s", e->name);
}

/* Metadata of an entry without an fd of its own (symlink, device, fifo). */
static void set_meta_at(const struct tar_entry *e, int dirfd, const char *leaf, bool is_link) {
  if ((e->uid || e->gid) && fchownat(dirfd, leaf, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW) < 0) owner_failed(e);
  /* A link's own mode means nothing; a node we just made is not a link. */
  if (!is_link && (e->mode & 07000) && fchmodat(dirfd, leaf, e->mode, 0) < 0) die_errno("unpack: chmod %s", e->name);
  if (e->has_mtime) {
    struct timespec ts[2] = {entry_time(e), entry_time(e)};
    if (utimensat(dirfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0) die_errno("unpack: set the time of %s", e->name);
  }
}

static void unpack_symlink(struct unpack_ctx *c, const struct tar_entry *e, int dirfd, const char *leaf) {
  /* The target is data, resolved inside the container: stored as it is. */
  if (!*e->linkname) refuse(e->name, "symlink with an empty target");
  if (strlen(e->linkname) != e->linkname_len) refuse(e->name, "symlink target contains a NUL byte");
  if (symlinkat(e->linkname, dirfd, leaf) < 0) {
    if (errno != EEXIST) die_errno("unpack: symlink %s", e->name);
    replace_and_retry(c, dirfd, leaf, e->name);
    if (symlinkat(e->linkname, dirfd, leaf) < 0) die_errno("unpack: symlink %s", e->name);
  }
  set_meta_at(e, dirfd, leaf, true);
}

static void unpack_hardlink(struct unpack_ctx *c, const struct tar_entry *e, const char *path, int dirfd, const char *leaf) {
  const char *ln = e->linkname;
  if (ln[0] == '/') refuse(e->name, "hardlink target \"%s\" is an absolute path", ln);
  for (const char *p = ln; (p = strstr(p, "..")); p += 2)
    if ((p == ln || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) refuse(e->name, "hardlink target \"%s\" points outside the layer", ln);
  char *target = clean_path(e->name, ln, e->linkname_len);
  if (!*target) refuse(e->name, "hardlink to the layer root");
  if (strcmp(target, path) == 0) refuse(e->name, "hardlink target \"%s\" is not an earlier entry of this layer", ln);
  const char *tparent;
  const char *tleaf = split_leaf(target, &tparent);
  /* Looked up, never made: it must be there already. */
  int tfd = *tparent ? open_beneath(c->rootfd, tparent, O_PATH | O_DIRECTORY) : c->rootfd;
  struct stat st;
  if (tfd < 0 || fstatat(tfd, tleaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || is_whiteout(&st))
    refuse(e->name, "hardlink target \"%s\" is not an earlier entry of this layer", ln);
  if (S_ISDIR(st.st_mode)) refuse(e->name, "hardlink target \"%s\" is a directory", ln);
  if (linkat(tfd, tleaf, dirfd, leaf, 0) < 0) {
    if (errno != EEXIST) die_errno("unpack: link %s to %s", e->name, ln);
    replace_and_retry(c, dirfd, leaf, e->name);
    if (linkat(tfd, tleaf, dirfd, leaf, 0) < 0) die_errno("unpack: link %s to %s", e->name, ln);
  }
  if (tfd != c->rootfd) close(tfd);
  free(target);
}

static void unpack_node(struct unpack_ctx *c, const struct tar_entry *e, int dirfd, const char *leaf) {
  mode_t type = e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK : S_IFIFO;
  /* In a user namespace devices cannot be made; podman skips them there too. */
  if (type != S_IFIFO && !c->devices) return;
  dev_t dev = makedev(e->devmajor, e->devminor);
  if (mknodat(dirfd, leaf, type | (e->mode & 0777), dev) < 0) {
    if (errno != EEXIST) die_errno("unpack: mknod %s", e->name);
    replace_and_retry(c, dirfd, leaf, e->name);
    if (mknodat(dirfd, leaf, type | (e->mode & 0777), dev) < 0) die_errno("unpack: mknod %s", e->name);
  }
  set_meta_at(e, dirfd, leaf, false);
}

/* `.wh.NAME` and `.wh..wh..opq` (base starts with .wh.); true when handled. */
static void unpack_whiteout(struct unpack_ctx *c, const char *dir, const char *base) {
  if (strcmp(base, OPAQUE_MARKER) == 0) {
    int pfd = *dir ? walk_dir(c, dir) : -1;
    int fd = openat(*dir ? pfd : c->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) die_errno("unpack: open %s", *dir ? dir : ".");
    if (fsetxattr(fd, "user.overlay.opaque", "y", 1, 0) < 0) die_errno("unpack: mark %s opaque", *dir ? dir : ".");
    close(fd);
    if (pfd >= 0) close(pfd);
    return;
  }
  const char *name = base + strlen(WHITEOUT_PREFIX);
  /* Other .wh..wh.* names are AUFS bookkeeping. */
  if (strncmp(base, ".wh..wh.", 8) == 0 || !*name || !strcmp(name, ".") || !strcmp(name, "..")) return;
  int dirfd = parent_fd(c, dir);
  /* A whiteout hides the layers below only: an entry of this layer there stays. */
  if (mknodat(dirfd, name, S_IFCHR, makedev(0, 0)) < 0 && errno != EEXIST) die_errno("unpack: whiteout %s/%s", dir, name);
}

static void unpack_entry(struct unpack_ctx *c, struct tar_reader *r) {
  const struct tar_entry *e = &r->e;
  c->raw = e->name;
  char *path = clean_path(e->name, e->name, e->name_len);
  char *split = xstrdup(path);
  const char *dir;
  const char *leaf = split_leaf(split, &dir);
  if (!*path) {
    if (e->type != '5') refuse(e->name, "the layer root must be a directory");
    set_meta_fd(e, c->rootfd, false, true);
    remember_dir(c, "", e, (e->mode & 07000) != 0);
  } else if (strncmp(leaf, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0) {
    unpack_whiteout(c, dir, leaf);
  } else {
    if (e->sparse) refuse(e->name, "sparse files are not supported");
    if (!strchr("0123456", e->type)) refuse(e->name, "unsupported tar entry type '%c'", e->type);
    int dirfd = parent_fd(c, dir);
    switch (e->type) {
      case '0':
        unpack_file(c, r, dirfd, leaf);
        break;
      case '1':
        unpack_hardlink(c, e, path, dirfd, leaf);
        break;
      case '2':
        unpack_symlink(c, e, dirfd, leaf);
        break;
      case '5':
        unpack_dir(c, e, path, dirfd, leaf);
        break;
      default:
        unpack_node(c, e, dirfd, leaf);
        break;
    }
  }
  free(split);
  free(path);
}

/* Directories' set-id bits and times, once nothing more is written into them. */
static void finish_dirs(struct unpack_ctx *c) {
  forget_cached(c);
  for (size_t i = 0; i < c->n_dirs; i++) {
    struct dir_final *d = &c->dirs[i];
    int fd = *d->path ? open_beneath(c->rootfd, d->path, O_RDONLY | O_DIRECTORY) : dup(c->rootfd);
    /* Replaced by a later entry since: that one's metadata stands. */
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) continue;
    if (fd < 0) die_errno("unpack: open %s", d->path);
    if (d->chmod && fchmod(fd, d->mode) < 0) die_errno("unpack: chmod %s", d->path);
    struct timespec ts[2] = {d->time, d->time};
    if (d->has_time && futimens(fd, ts) < 0) die_errno("unpack: set the time of %s", d->path);
    close(fd);
    free(d->path);
  }
  free(c->dirs);
}

static int unpack_payload(void *arg) {
  struct unpack_ctx *c = arg;
  umask(0); /* modes in the archive are exact */
  /* A bigger pipe: fewer wake-ups between Node and us (best effort). */
  (void)fcntl(0, F_SETPIPE_SZ, 1 << 20);
  c->rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c->rootfd < 0) die_errno("unpack: open %s", c->root);
  /* The root's mode when the archive has no `./` entry. */
  if (fchmod(c->rootfd, 0755) < 0) die_errno("unpack: chmod %s", c->root);
  c->cached_fd = -1;
  struct tar_reader r;
  tar_init(&r, 0);
  while (tar_next(&r)) unpack_entry(c, &r);
  tar_drain(&r);
  tar_free(&r);
  finish_dirs(c);
  return 0;
}

int mode_unpack(const struct ns_config *ns, int argc, char **argv) {
  static struct unpack_ctx ctx;
  int i = 0;
  if (i < argc && strcmp(argv[i], "--devices") == 0) {
    ctx.devices = true;
    i++;
  }
  if (argc - i != 1) die("usage: unpack [--devices] ROOT (the layer tar on stdin)");
  ctx.root = argv[i];
  struct child_setup setup = {0};
  return run_in_namespaces(ns, &setup, unpack_payload, &ctx);
}
