/* Copy-up and chown -R of volume trees (see tree.h). */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A directory we must not descend into: another filesystem mounted there. */
static bool is_mount_root(int dirfd, const char *name, const char *shown) {
  struct statx stx;
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &stx) < 0) die_errno("stat %s", shown);
  return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static int open_dir(int dirfd, const char *name, const char *shown) {
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die_errno("open %s", shown);
  return fd;
}

/* Each entry of the open directory (but . and ..), with its path for errors. */
static void for_each_entry(int dirfd, const char *shown, void (*fn)(int, const char *, const char *, void *), void *arg) {
  int d = dup(dirfd);
  if (d < 0) die_errno("dup %s", shown);
  DIR *dir = fdopendir(d);
  if (!dir) die_errno("read %s", shown);
  rewinddir(dir);
  struct dirent *e;
  errno = 0;
  while ((e = readdir(dir))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *path = xasprintf("%s/%s", shown, e->d_name);
    fn(dirfd, e->d_name, path, arg);
    free(path);
    errno = 0;
  }
  if (errno) die_errno("read %s", shown);
  closedir(dir);
}

bool dir_is_empty(int dirfd, const char *shown) {
  int d = dup(dirfd);
  if (d < 0) die_errno("dup %s", shown);
  DIR *dir = fdopendir(d);
  if (!dir) die_errno("read %s", shown);
  struct dirent *e;
  bool empty = true;
  errno = 0;
  while ((e = readdir(dir)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      empty = false;
      break;
    }
  if (empty && errno) die_errno("read %s", shown);
  closedir(dir);
  return empty;
}

static void copy_data(int in, int out, const char *shown) {
  for (;;) {
    ssize_t n = sendfile(out, in, NULL, 1 << 30);
    if (n == 0) return;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EINVAL && errno != ENOSYS) die_errno("copy %s", shown);
    break; /* sendfile cannot do this pair: plain reads and writes */
  }
  char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) return;
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("read %s", shown);
    }
    if (write_all(out, buf, (size_t)n) < 0) die_errno("write %s", shown);
  }
}

/* Owner, then mode (a chown clears setuid bits), then times: of dst/name, or of fd when >= 0. */
static void copy_meta(const struct stat *st, int dirfd, const char *name, int fd, const char *shown) {
  if (fd >= 0) {
    if (fchown(fd, st->st_uid, st->st_gid) < 0) die_errno("chown %s", shown);
    if (fchmod(fd, st->st_mode & 07777) < 0) die_errno("chmod %s", shown);
    struct timespec t[2] = {st->st_atim, st->st_mtim};
    if (futimens(fd, t) < 0) die_errno("set times of %s", shown);
    return;
  }
  if (fchownat(dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) die_errno("chown %s", shown);
  if (!S_ISLNK(st->st_mode) && fchmodat(dirfd, name, st->st_mode & 07777, 0) < 0) die_errno("chmod %s", shown);
  struct timespec t[2] = {st->st_atim, st->st_mtim};
  if (utimensat(dirfd, name, t, AT_SYMLINK_NOFOLLOW) < 0) die_errno("set times of %s", shown);
}

static void copy_entry(int from, const char *name, const char *shown, void *arg) {
  int to = *(int *)arg;
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno("stat %s", shown);
  if (S_ISDIR(st.st_mode)) {
    if (is_mount_root(from, name, shown)) return;
    if (mkdirat(to, name, 0700) < 0) die_errno("mkdir %s in the volume", shown);
    int sub_from = open_dir(from, name, shown), sub_to = open_dir(to, name, shown);
    copy_tree(sub_from, sub_to, shown);
    copy_meta(&st, to, name, sub_to, shown);
    close(sub_from);
    close(sub_to);
  } else if (S_ISREG(st.st_mode)) {
    int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) die_errno("open %s", shown);
    int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) die_errno("create %s in the volume", shown);
    copy_data(in, out, shown);
    copy_meta(&st, to, name, out, shown);
    close(in);
    close(out);
  } else if (S_ISLNK(st.st_mode)) {
    char *target = xmalloc((size_t)st.st_size + 1);
    ssize_t n = readlinkat(from, name, target, (size_t)st.st_size + 1);
    if (n < 0) die_errno("readlink %s", shown);
    if (n > st.st_size) die("readlink %s: the link changed while copying", shown);
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0) die_errno("symlink %s in the volume", shown);
    copy_meta(&st, to, name, -1, shown);
    free(target);
  } else {
    /* fifo, socket, device: a user namespace may not make devices; those are left out. */
    if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) {
      if (errno == EPERM && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) return;
      die_errno("mknod %s in the volume", shown);
    }
    copy_meta(&st, to, name, -1, shown);
  }
}

void copy_tree(int from, int to, const char *shown) { for_each_entry(from, shown, copy_entry, &to); }

struct ids {
  uid_t uid;
  gid_t gid;
};

static void chown_entry(int dirfd, const char *name, const char *shown, void *arg) {
  const struct ids *ids = arg;
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno("stat %s", shown);
  if (S_ISDIR(st.st_mode)) {
    if (is_mount_root(dirfd, name, shown)) return;
    int sub = open_dir(dirfd, name, shown);
    chown_tree(sub, ids->uid, ids->gid, shown);
    close(sub);
    return;
  }
  if (fchownat(dirfd, name, ids->uid, ids->gid, AT_SYMLINK_NOFOLLOW) < 0) die_errno("chown %s", shown);
}

void chown_tree(int dirfd, uid_t uid, gid_t gid, const char *shown) {
  struct ids ids = {uid, gid};
  for_each_entry(dirfd, shown, chown_entry, &ids);
  if (fchown(dirfd, uid, gid) < 0) die_errno("chown %s", shown);
}
