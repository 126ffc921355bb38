/* Masked and read-only paths (/proc/kcore, /proc/sys, ...). Run after
 * pivot_root, so "/" is the container's root and /dev/null its own bound
 * device; paths are opened with RESOLVE_IN_ROOT and mounted on through
 * /proc/self/fd/N like the other container mounts. */
#include "masks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "rootfs.h"
#include "util.h"

/* fd of `path` (absolute, in the container), or -1 if it does not exist. */
static int open_existing(int rootfd, const char *path) {
  int fd = open_in_root(rootfd, path[0] == '/' ? path + 1 : path, O_PATH);
  if (fd < 0 && errno != ENOENT && errno != ENOTDIR) die_errno("open %s", path);
  return fd;
}

static void fd_path(char *buf, size_t size, int fd) { snprintf(buf, size, "/proc/self/fd/%d", fd); }

void mask_path(int rootfd, const char *path) {
  int fd = open_existing(rootfd, path);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("stat %s", path);
  char target[64];
  fd_path(target, sizeof target, fd);
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", target, "tmpfs", MS_RDONLY, "size=0k") < 0) die_errno("mask %s", path);
  } else {
    if (mount("/dev/null", target, NULL, MS_BIND, NULL) < 0) die_errno("mask %s", path);
    make_readonly(rootfd, path[0] == '/' ? path + 1 : path, false);
  }
  close(fd);
}

void readonly_path(int rootfd, const char *path) {
  int fd = open_existing(rootfd, path);
  if (fd < 0) return;
  char target[64];
  fd_path(target, sizeof target, fd);
  if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("bind %s read-only", path);
  close(fd);
  make_readonly(rootfd, path[0] == '/' ? path + 1 : path, true);
}
