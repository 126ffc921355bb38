/* Root filesystem of `run`: vfs (bind), native overlay, or a FUSE overlay
 * served by a mount program (fuse-server.c); then pivot_root like runc/crun
 * (pivot_root(".", ".") and a lazy unmount of the old root, so no path of
 * the host stays reachable). */
#include "rootfs.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int open_in_root(int rootfd, const char *rel, int flags) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;
  do fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* Append s to the option string; overlay reserves `,` `:` and `\` in paths. */
static void opt_append(char **buf, size_t *len, const char *s, bool escape) {
  *buf = xrealloc(*buf, *len + 2 * strlen(s) + 1);
  for (; *s; s++) {
    if (escape && (*s == ',' || *s == ':' || *s == '\\')) (*buf)[(*len)++] = '\\';
    (*buf)[(*len)++] = *s;
  }
  (*buf)[*len] = '\0';
}

/* The directory all layers sit in (the store's l/ of short links), or NULL. */
static char *common_lower_dir(const struct rootfs_spec *s) {
  char *first = xstrdup(s->lower[0]);
  char *dir = xstrdup(dirname(first));
  free(first);
  size_t n = strlen(dir);
  for (size_t i = 0; i < s->n_lower; i++) {
    const char *l = s->lower[i];
    if (dir[0] != '/' || strncmp(l, dir, n) || l[n] != '/' || !l[n + 1] || strchr(l + n + 1, '/')) {
      free(dir);
      return NULL;
    }
  }
  return dir;
}

/* Layer i as given, or relative to dir (the part after "<dir>/"). */
static const char *lower_name(const struct rootfs_spec *s, const char *dir, size_t i) {
  return dir ? s->lower[i] + strlen(dir) + 1 : s->lower[i];
}

/* Legacy mount(2): one option string, at most a page long. Layers are given
 * relative to their common directory (cwd while mounting), as containers/
 * storage does, so about 140 short links fit. */
static void mount_overlay_legacy(const struct rootfs_spec *s, const char *target) {
  char *dir = common_lower_dir(s);
  char *o = NULL;
  size_t len = 0;
  opt_append(&o, &len, "lowerdir=", false);
  for (size_t i = 0; i < s->n_lower; i++) {
    if (i) opt_append(&o, &len, ":", false);
    opt_append(&o, &len, lower_name(s, dir, i), true);
  }
  opt_append(&o, &len, ",upperdir=", false);
  opt_append(&o, &len, s->upper, true);
  opt_append(&o, &len, ",workdir=", false);
  opt_append(&o, &len, s->work, true);
  opt_append(&o, &len, ",userxattr", false);
  /* The kernel copies one page of options and silently drops the rest. */
  long page = sysconf(_SC_PAGESIZE);
  if (page > 0 && len >= (size_t)page)
    die("mount overlay of %zu layers: the options take %zu bytes, more than one page (%ld) on a kernel without lowerdir+", s->n_lower,
        len + 1, page);
  if (dir && chdir(dir) < 0) die_errno("chdir %s", dir);
  if (mount("overlay", target, "overlay", 0, o) < 0) die_errno("mount overlay on %s", target);
  if (dir && chdir("/") < 0) die_errno("chdir /");
  free(dir);
  free(o);
}

/* New mount API: one fsconfig per layer, so any number of layers fits. */
static bool mount_overlay_fsconfig(const struct rootfs_spec *s, const char *target) {
  int fs = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fs < 0) {
    if (errno == ENOSYS) return false;
    die_errno("fsopen overlay");
  }
  if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0) die_errno("overlay source");
  for (size_t i = 0; i < s->n_lower; i++) {
    if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", s->lower[i], 0) < 0) {
      if (errno == EINVAL && i == 0) { /* kernel < 6.8: no lowerdir+ */
        close(fs);
        return false;
      }
      die_errno("overlay lowerdir %s", s->lower[i]);
    }
  }
  if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", s->upper, 0) < 0) die_errno("overlay upperdir %s", s->upper);
  if (fsconfig(fs, FSCONFIG_SET_STRING, "workdir", s->work, 0) < 0) die_errno("overlay workdir %s", s->work);
  if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) die_errno("overlay option userxattr");
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) die_errno("mount overlay (lower %s, upper %s)", s->lower[0], s->upper);
  int mfd = fsmount(fs, FSMOUNT_CLOEXEC, 0);
  if (mfd < 0) die_errno("fsmount overlay");
  if (move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) die_errno("move overlay mount to %s", target);
  close(mfd);
  close(fs);
  return true;
}

void rootfs_prepare(struct rootfs_spec *s) {
  if (!s->mount_program) return;
  char *dir = common_lower_dir(s);
  char **names = xmalloc(sizeof(char *) * s->n_lower);
  for (size_t i = 0; i < s->n_lower; i++) names[i] = (char *)lower_name(s, dir, i);
  fuse_server_start(&s->fuse, s->mount_program, dir, names, s->n_lower, s->upper, s->work, s->id_mapping);
  free(names);
  free(dir);
}

int mount_rootfs(struct rootfs_spec *s) {
  char *target;
  if (s->dir) {
    target = xstrdup(s->dir);
    /* pivot_root wants a mount point. */
    if (mount(s->dir, s->dir, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("bind mount rootfs %s", s->dir);
  } else {
    /* The directory that holds upper/ is ours and exists. */
    char *u = xstrdup(s->upper);
    char *parent = dirname(u);
    if (s->mount_program) {
      /* The server resolves upper/ and work/ by path: not under its own mount. */
      target = xasprintf("%s/merged", parent);
      fuse_server_mount(&s->fuse, target);
    } else {
      /* Any directory can carry a native mount: the layers are resolved
       * before it is attached, and after pivot_root the host tree is gone. */
      target = xstrdup(s->target ? s->target : parent);
      if (s->legacy_mount || !mount_overlay_fsconfig(s, target)) mount_overlay_legacy(s, target);
    }
    free(u);
  }
  int fd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) die_errno("open rootfs %s", target);
  free(target);
  return fd;
}

void enter_rootfs(int rootfd) {
  if (fchdir(rootfd) < 0) die_errno("chdir to rootfs");
  if (syscall(SYS_pivot_root, ".", ".") < 0) die_errno("pivot_root");
  /* The old root now sits on top of the new one at "." */
  if (umount2(".", MNT_DETACH) < 0) die_errno("detach old root");
  if (chdir("/") < 0) die_errno("chdir /");
}
