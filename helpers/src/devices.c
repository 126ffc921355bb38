/* Rootless, device nodes cannot be created (mknod needs the initial user
 * namespace), so they are bind-mounted from the host, each on an empty file
 * of our own /dev tmpfs; opening one still needs the host permissions. */
#include "devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

#define MAX_DEPTH 2

static bool skipped(const char *rel) {
  static const char *const names[] = {"console", "pts", "shm", "mqueue", "ptmx", "core", "fd", "stdin", "stdout", "stderr"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(rel, names[i])) return true;
  /* Terminals: /dev/tty stays (ours); tty0.., ttyS0.. do not come in (podman's rule). */
  return !strncmp(rel, "tty", 3) && rel[3];
}

static void bind_node(int dirfd, const char *name, const char *host) {
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EEXIST) return; /* already there (ours) */
    die_errno("create %s in the container", host);
  }
  close(fd);
  fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die_errno("open %s in the container", host);
  char target[64];
  snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
  if (mount(host, target, NULL, MS_BIND, NULL) < 0) die_errno("bind %s", host);
  close(fd);
}

/* host: "/dev/<rel>"; dirfd: the matching directory in the container's /dev. */
static void walk(int dirfd, const char *host, int depth) {
  DIR *d = opendir(host);
  if (!d) return; /* a directory we may not read: none of its devices */
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (depth == 0 && skipped(e->d_name)) continue;
    char *path = xasprintf("%s/%s", host, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0) {
      if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        bind_node(dirfd, e->d_name, path);
      } else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
        if (mkdirat(dirfd, e->d_name, 0755) < 0 && errno != EEXIST) die_errno("mkdir %s in the container", path);
        int sub = openat(dirfd, e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) die_errno("open %s in the container", path);
        walk(sub, path, depth + 1);
        close(sub);
      }
    }
    free(path);
  }
  closedir(d);
}

void bind_host_devices(int rootfd) {
  int devfd = open_in_root(rootfd, "dev", O_PATH | O_DIRECTORY);
  if (devfd < 0) die_errno("open /dev in rootfs");
  walk(devfd, "/dev", 0);
  close(devfd);
}
