/* --bind and --tmpfs of `run`: volumes, host directories and tmpfs mounts
 * put into the container before pivot_root. A destination is resolved and
 * created inside the container's root (openat2 RESOLVE_IN_ROOT), so a
 * symlink in the image (/data -> /etc, or -> ../../..) can only ever lead
 * to a place inside the root. Binds are cloned detached trees (open_tree)
 * whose flags are set before they are attached (move_mount): a read-only
 * bind is never writable, not even for an instant. A volume's first-use
 * work (chown, copy-up) and :U happen here, inside the user namespace that
 * owns the container's ids. */
#include "volumes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "options.h"
#include "rootfs.h"
#include "tree.h"
#include "util.h"

/* Split the next `:` field of *p (`\:` and `\\` escaped) into a new string; NULL when none is left. */
static char *next_field(const char **p) {
  if (!*p) return NULL;
  const char *s = *p;
  char *out = xmalloc(strlen(s) + 1), *o = out;
  for (; *s && *s != ':'; s++) {
    if (*s == '\\' && (s[1] == ':' || s[1] == '\\')) s++;
    *o++ = *s;
  }
  *o = '\0';
  *p = *s ? s + 1 : NULL;
  return out;
}

static unsigned long long id_value(const char *opt, const char *v, const char *spec) {
  unsigned long long n;
  if (!parse_uint(v, 10, 0xfffffffeULL, &n)) die("run: invalid %s in %s", opt, spec);
  return n;
}

static void parse_opts(struct volume_mount *vm, char *opts, const char *spec) {
  bool has_uid = false, has_gid = false;
  for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
    if (!strcmp(o, "ro")) vm->attr |= MOUNT_ATTR_RDONLY;
    else if (!strcmp(o, "nosuid")) vm->attr |= MOUNT_ATTR_NOSUID;
    else if (!strcmp(o, "nodev")) vm->attr |= MOUNT_ATTR_NODEV;
    else if (!strcmp(o, "noexec")) vm->attr |= MOUNT_ATTR_NOEXEC;
    else if (!strcmp(o, "bind") && !vm->tmpfs) vm->nonrecursive = true;
    else if (!strcmp(o, "shared") || !strcmp(o, "rshared")) vm->propagation = MS_SHARED, vm->recursive_propagation = o[0] == 'r';
    else if (!strcmp(o, "slave") || !strcmp(o, "rslave")) vm->propagation = MS_SLAVE, vm->recursive_propagation = o[0] == 'r';
    else if (!strcmp(o, "unbindable") || !strcmp(o, "runbindable")) vm->propagation = MS_UNBINDABLE, vm->recursive_propagation = o[0] == 'r';
    else if (!strcmp(o, vm->tmpfs ? "tmpcopyup" : "copyup")) vm->copyup = true;
    else if (!strcmp(o, "chown") && !vm->tmpfs) vm->chown_top = true;
    else if (!strcmp(o, "U")) vm->chown_all = true;
    else if (!strcmp(o, "Uchanged")) vm->chown_all = vm->chown_if_changed = true;
    else if (!strncmp(o, "uid=", 4)) vm->uid = (uid_t)id_value("uid", o + 4, spec), has_uid = true;
    else if (!strncmp(o, "gid=", 4)) vm->gid = (gid_t)id_value("gid", o + 4, spec), has_gid = true;
    else if (!strncmp(o, "size=", 5) && vm->tmpfs) vm->size = xstrdup(o + 5);
    else if (!strncmp(o, "mode=", 5) && vm->tmpfs) vm->mode = xstrdup(o + 5);
    else die("run: unknown mount option %s in %s", o, spec);
  }
  vm->has_user = has_uid && has_gid;
  if ((vm->chown_top || vm->chown_all) && !vm->has_user) die("run: %s needs uid= and gid= for chown and U", spec);
}

static struct volume_mount *add(struct volume_mounts *m) {
  m->v = xrealloc(m->v, sizeof *m->v * (m->n + 1));
  struct volume_mount *vm = &m->v[m->n++];
  memset(vm, 0, sizeof *vm);
  vm->srcfd = -1;
  return vm;
}

static void check_dest(const char *dest, const char *opt, const char *spec) {
  if (!dest || dest[0] != '/' || !dest[1]) die("run: %s %s: the destination is not an absolute path below /", opt, spec);
}

bool volume_mounts_option(int argc, char **argv, int *i, struct volume_mounts *m) {
  const char *v;
  if ((v = option_value(argc, argv, i, "--bind"))) {
    const char *p = v;
    struct volume_mount *vm = add(m);
    vm->src = next_field(&p);
    vm->dest = next_field(&p);
    char *opts = next_field(&p);
    if (!vm->src || vm->src[0] != '/') die("run: --bind %s: the source is not an absolute path", v);
    check_dest(vm->dest, "--bind", v);
    if (p) die("run: --bind %s: want SRC:DEST:OPTS", v);
    if (opts) parse_opts(vm, opts, v);
    free(opts);
    return true;
  }
  if ((v = option_value(argc, argv, i, "--tmpfs"))) {
    const char *p = v;
    struct volume_mount *vm = add(m);
    vm->tmpfs = true;
    vm->dest = next_field(&p);
    check_dest(vm->dest, "--tmpfs", v);
    if (!p) {
      /* Plain --tmpfs PATH (--read-only-tmpfs): rw,nosuid,nodev, mode 1777. */
      vm->attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
      vm->mode = xstrdup("1777");
      return true;
    }
    char *opts = next_field(&p);
    if (p) die("run: --tmpfs %s: want DEST[:OPTS]", v);
    parse_opts(vm, opts, v);
    free(opts);
    return true;
  }
  return false;
}

void volume_mounts_open(struct volume_mounts *m) {
  for (size_t i = 0; i < m->n; i++) {
    struct volume_mount *vm = &m->v[i];
    if (vm->tmpfs) continue;
    vm->srcfd = open(vm->src, O_PATH | O_CLOEXEC);
    if (vm->srcfd < 0) die_errno("open bind source %s", vm->src);
  }
}

/* The destination beneath the root, created like the source: a directory, or an empty file. */
static int make_dest(int rootfd, const char *dest, bool dir) {
  const char *rel = dest + 1;
  if (dir) return mkdirs_in_root(rootfd, rel, dest);
  int fd = open_in_root(rootfd, rel, O_PATH);
  if (fd >= 0 || errno != ENOENT) {
    if (fd < 0) die_errno("open %s in the container", dest);
    return fd;
  }
  char *parent = xstrdup(rel), *slash = strrchr(parent, '/');
  const char *leaf = rel;
  int pfd = rootfd;
  if (slash) {
    *slash = '\0';
    leaf = rel + (slash - parent) + 1;
    pfd = mkdirs_in_root(rootfd, parent, dest);
  }
  int c = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (c < 0) die_errno("create %s in the container", dest);
  close(c);
  if (pfd != rootfd) close(pfd);
  free(parent);
  fd = open_in_root(rootfd, rel, O_PATH);
  if (fd < 0) die_errno("open %s in the container", dest);
  return fd;
}

static bool is_dir(int fd, const char *shown) {
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("stat %s", shown);
  return S_ISDIR(st.st_mode);
}

/* The image's directory at dest, readable, or -1 when there is none. */
static int open_image_dir(int rootfd, const char *dest) {
  int fd = open_in_root(rootfd, dest + 1, O_RDONLY | O_DIRECTORY);
  if (fd < 0 && errno != ENOENT && errno != ENOTDIR) die_errno("open %s in the container", dest);
  return fd;
}

/* A volume's first use (podman's fixVolumePermissions): its data gets the
 * container's user, then the owner and mode of the image's directory there. */
static void chown_volume_top(int rootfd, const struct volume_mount *vm, int srcdir) {
  if (fchown(srcdir, vm->uid, vm->gid) < 0) die_errno("chown volume %s", vm->src);
  int img = open_in_root(rootfd, vm->dest + 1, O_PATH);
  if (img < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    die_errno("open %s in the container", vm->dest);
  }
  struct stat st;
  if (fstat(img, &st) < 0) die_errno("stat %s in the container", vm->dest);
  if (fchown(srcdir, st.st_uid, st.st_gid) < 0) die_errno("chown volume %s", vm->src);
  if (fchmod(srcdir, st.st_mode & 07777) < 0) die_errno("chmod volume %s", vm->src);
  close(img);
}

/* A destination that resolves to the root itself (/data -> ../..) would hide the whole root. */
static void refuse_root(int rootfd, int destfd, const char *dest) {
  struct stat r, d;
  if (fstat(rootfd, &r) < 0 || fstat(destfd, &d) < 0) die_errno("stat %s in the container", dest);
  if (r.st_dev == d.st_dev && r.st_ino == d.st_ino) die("mount on %s: it resolves to the container's root directory", dest);
}

static void set_propagation(int mntfd, const struct volume_mount *vm) {
  if (!vm->propagation) return;
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", mntfd);
  if (mount(NULL, path, NULL, vm->propagation | (vm->recursive_propagation ? MS_REC : 0), NULL) < 0)
    die_errno("set the propagation of %s", vm->dest);
}

static void attach(int mntfd, int destfd, const struct volume_mount *vm) {
  if (move_mount(mntfd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    die_errno("mount %s on %s", vm->tmpfs ? "tmpfs" : vm->src, vm->dest);
  set_propagation(mntfd, vm);
}

/* Uchanged (a later start, as podman's ChangeHostPathOwnership): a top already the user's means nothing is chowned. */
static bool owned_by(int fd, const struct volume_mount *vm) {
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("stat %s", vm->src);
  return st.st_uid == vm->uid && st.st_gid == vm->gid;
}

static void mount_bind(int rootfd, const struct volume_mount *vm) {
  bool dir = is_dir(vm->srcfd, vm->src);
  if (dir && (vm->chown_top || vm->copyup || vm->chown_all)) {
    int srcdir = openat(vm->srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (srcdir < 0) die_errno("open %s", vm->src);
    if (vm->chown_top) chown_volume_top(rootfd, vm, srcdir);
    if (vm->copyup) {
      int img = open_image_dir(rootfd, vm->dest);
      if (img >= 0 && dir_is_empty(srcdir, vm->src)) copy_tree(img, srcdir, vm->dest);
      if (img >= 0) close(img);
    }
    if (vm->chown_all && !(vm->chown_if_changed && owned_by(srcdir, vm))) chown_tree(srcdir, vm->uid, vm->gid, vm->src);
    close(srcdir);
  } else if (vm->chown_all && !(vm->chown_if_changed && owned_by(vm->srcfd, vm)) &&
             fchownat(vm->srcfd, "", vm->uid, vm->gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
    die_errno("chown %s", vm->src);
  }

  int destfd = make_dest(rootfd, vm->dest, dir);
  refuse_root(rootfd, destfd, vm->dest);
  if (is_dir(destfd, vm->dest) != dir)
    die("mount %s on %s: %s", vm->src, vm->dest, dir ? "the destination is not a directory" : "the destination is a directory");
  unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (vm->nonrecursive ? 0 : AT_RECURSIVE);
  int tree = open_tree(vm->srcfd, "", flags);
  if (tree < 0) die_errno("bind %s", vm->src);
  if (vm->attr) {
    struct mount_attr a = {.attr_set = vm->attr};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (vm->nonrecursive ? 0 : AT_RECURSIVE), &a, sizeof a) < 0)
      die_errno("set the flags of the bind of %s", vm->src);
  }
  attach(tree, destfd, vm);
  close(tree);
  close(destfd);
}

static void tmpfs_config(int fs, const char *key, const char *value, const char *dest) {
  if (value && fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0) < 0) die_errno("tmpfs %s=%s for %s", key, value, dest);
}

static void mount_tmpfs(int rootfd, const struct volume_mount *vm) {
  int destfd = mkdirs_in_root(rootfd, vm->dest + 1, vm->dest);
  refuse_root(rootfd, destfd, vm->dest);
  int img = vm->copyup ? open_image_dir(rootfd, vm->dest) : -1;
  int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) die_errno("fsopen tmpfs");
  /* Named "tmpfs" in mountinfo, as runc/crun mount it (not "none"). */
  tmpfs_config(fs, "source", "tmpfs", vm->dest);
  tmpfs_config(fs, "size", vm->size, vm->dest);
  tmpfs_config(fs, "mode", vm->mode, vm->dest);
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) die_errno("make a tmpfs for %s", vm->dest);
  /* Read-only only once the copy-up and chown are done. */
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned int)(vm->attr & ~(unsigned long long)MOUNT_ATTR_RDONLY));
  if (mnt < 0) die_errno("mount a tmpfs for %s", vm->dest);
  close(fs);
  if (img >= 0 || vm->chown_all) {
    int root = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) die_errno("open the tmpfs for %s", vm->dest);
    if (img >= 0) copy_tree(img, root, vm->dest);
    if (vm->chown_all) chown_tree(root, vm->uid, vm->gid, vm->dest);
    close(root);
  }
  if (img >= 0) close(img);
  if (vm->attr & MOUNT_ATTR_RDONLY) {
    struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(mnt, "", AT_EMPTY_PATH, &a, sizeof a) < 0) die_errno("make the tmpfs on %s read-only", vm->dest);
  }
  attach(mnt, destfd, vm);
  close(mnt);
  close(destfd);
}

/* DEST is one name below the root (/etc, /data, a symlink /etclink -> /etc; trailing slashes aside). */
static bool is_top_level(const char *dest) {
  const char *p = dest;
  while (*p == '/') p++;
  p += strcspn(p, "/");
  while (*p == '/') p++;
  return *p == '\0';
}

void mount_volumes(int rootfd, const struct volume_mounts *m, enum volume_pass pass) {
  for (size_t i = 0; i < m->n; i++) {
    if (is_top_level(m->v[i].dest) != (pass == VOLUMES_TOP_LEVEL)) continue;
    struct volume_mount vm = m->v[i];
    /* Writable until seal_volumes(): the /etc file binds may need their mount points made on it. */
    if (pass == VOLUMES_TOP_LEVEL) vm.attr &= ~(unsigned long long)MOUNT_ATTR_RDONLY;
    if (vm.tmpfs)
      mount_tmpfs(rootfd, &vm);
    else
      mount_bind(rootfd, &vm);
  }
}

void seal_volumes(int rootfd, const struct volume_mounts *m) {
  for (size_t i = 0; i < m->n; i++) {
    const struct volume_mount *vm = &m->v[i];
    if (!is_top_level(vm->dest) || !(vm->attr & MOUNT_ATTR_RDONLY)) continue;
    int fd = open_in_root(rootfd, vm->dest + 1, O_PATH);
    if (fd < 0) die_errno("open %s in the container", vm->dest);
    struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    bool recursive = !vm->tmpfs && !vm->nonrecursive;
    if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
      die_errno("make %s read-only", vm->dest);
    close(fd);
  }
}
