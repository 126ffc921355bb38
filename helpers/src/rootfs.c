/* Root filesystem of `run`: vfs (bind) or native overlay, then pivot_root
 * like runc/crun (pivot_root(".", ".") and a lazy unmount of the old root,
 * so no path of the host stays reachable). */
#include "rootfs.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
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

/* Legacy mount(2): one option string, at most a page long. */
static void mount_overlay_legacy(const struct rootfs_spec *s, const char *target) {
  char *o = NULL;
  size_t len = 0;
  opt_append(&o, &len, "lowerdir=", false);
  for (size_t i = 0; i < s->n_lower; i++) {
    if (i) opt_append(&o, &len, ":", false);
    opt_append(&o, &len, s->lower[i], true);
  }
  opt_append(&o, &len, ",upperdir=", false);
  opt_append(&o, &len, s->upper, true);
  opt_append(&o, &len, ",workdir=", false);
  opt_append(&o, &len, s->work, true);
  opt_append(&o, &len, ",userxattr", false);
  if (mount("overlay", target, "overlay", 0, o) < 0) die_errno("mount overlay on %s", target);
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

int mount_rootfs(const struct rootfs_spec *s) {
  char *target;
  if (s->dir) {
    target = xstrdup(s->dir);
    /* pivot_root wants a mount point. */
    if (mount(s->dir, s->dir, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("bind mount rootfs %s", s->dir);
  } else {
    /* Any directory can carry the mount: the layers are resolved before it
     * is attached, and after pivot_root the host tree is gone. The one that
     * holds upper/ is ours and exists. */
    char *u = xstrdup(s->upper);
    target = xstrdup(dirname(u));
    free(u);
    if (!mount_overlay_fsconfig(s, target)) mount_overlay_legacy(s, target);
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
