/* Mode `rmtree PATH...`: delete trees whose files belong to subordinate ids
 * (the user cannot), from inside the user namespace. Every step is relative
 * to an open directory fd with O_NOFOLLOW, so a symlink planted in the tree
 * can never redirect the removal; mount points are never entered. */
#include "rmtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modes.h"
#include "util.h"

static bool is_dir_at(int dirfd, const char *name, const char *shown, bool *exists) {
  struct statx stx;
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &stx) < 0) {
    if (errno == ENOENT) {
      *exists = false;
      return false;
    }
    die_errno("rmtree: stat %s", shown);
  }
  *exists = true;
  if (!S_ISDIR(stx.stx_mode)) return false;
  if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
    die("rmtree: refusing to remove mount point %s", shown);
  return true;
}

static int open_dir_at(int dirfd, const char *name, const char *shown) {
  int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(dirfd, name, flags);
  if (fd < 0 && errno == EACCES) {
    /* A dir without r/x for us (mode 000 in an image): make it usable. */
    if (fchmodat(dirfd, name, 0700, 0) == 0) fd = openat(dirfd, name, flags);
  }
  if (fd < 0 && errno != ENOENT) die_errno("rmtree: open %s", shown);
  return fd;
}

static void unlink_entry(int dirfd, const char *name, int flags, const char *shown) {
  if (unlinkat(dirfd, name, flags) == 0 || errno == ENOENT) return;
  if (errno == EACCES || errno == EPERM) {
    /* The parent is not writable for us: make it so and retry once. */
    struct stat st;
    if (fstat(dirfd, &st) == 0 && fchmod(dirfd, (st.st_mode & 07777) | 0700) == 0 &&
        (unlinkat(dirfd, name, flags) == 0 || errno == ENOENT))
      return;
  }
  die_errno("rmtree: remove %s", shown);
}

static void remove_at(int dirfd, const char *name, const char *shown);

static void empty_dir(int fd, const char *shown) {
  for (int pass = 0; pass < 2; pass++) {
    int dfd = dup(fd);
    if (dfd < 0) die_errno("rmtree: dup");
    (void)fcntl(dfd, F_SETFD, FD_CLOEXEC);
    DIR *d = fdopendir(dfd);
    if (!d) die_errno("rmtree: read %s", shown);
    bool removed_any = false;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char *child = xasprintf("%s/%s", shown, e->d_name);
      remove_at(fd, e->d_name, child);
      free(child);
      removed_any = true;
      errno = 0;
    }
    if (errno) die_errno("rmtree: read %s", shown);
    closedir(d);
    /* Entries removed while reading may hide others from readdir: look again once. */
    if (!removed_any) break;
  }
}

static void remove_at(int dirfd, const char *name, const char *shown) {
  bool exists;
  if (!is_dir_at(dirfd, name, shown, &exists)) {
    if (exists) unlink_entry(dirfd, name, 0, shown);
    return;
  }
  int fd = open_dir_at(dirfd, name, shown);
  if (fd < 0) return; /* vanished */
  empty_dir(fd, shown);
  close(fd);
  unlink_entry(dirfd, name, AT_REMOVEDIR, shown);
}

void remove_tree(const char *path) {
  char *a = xstrdup(path), *b = xstrdup(path);
  size_t n = strlen(a);
  while (n > 1 && a[n - 1] == '/') {
    n--;
    a[n] = b[n] = '\0';
  }
  char *base = basename(a), *dir = dirname(b);
  if (!*path || !strcmp(base, "/") || !strcmp(base, ".") || !strcmp(base, ".."))
    die("rmtree: refusing to remove %s", path);
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    if (errno == ENOENT) goto out;
    die_errno("rmtree: open %s", dir);
  }
  remove_at(dfd, base, path);
  close(dfd);
out:
  free(a);
  free(b);
}

void remove_tree_at(int dirfd, const char *name, const char *shown) { remove_at(dirfd, name, shown); }

void empty_tree(int fd, const char *shown) { empty_dir(fd, shown); }

struct rmtree_args {
  int n;
  char **paths;
};

static int rmtree_payload(void *arg) {
  struct rmtree_args *r = arg;
  for (int i = 0; i < r->n; i++) remove_tree(r->paths[i]);
  return 0;
}

int mode_rmtree(const struct ns_config *ns, int argc, char **argv) {
  if (argc > 0 && !strcmp(argv[0], "--")) {
    argc--;
    argv++;
  }
  if (argc == 0) die("usage: rmtree PATH...");
  static struct rmtree_args args;
  args.n = argc;
  args.paths = argv;
  struct child_setup setup = {.clone_flags = CLONE_NEWNS};
  return run_in_namespaces(ns, &setup, rmtree_payload, &args);
}
