#include "beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int open_beneath(int dirfd, const char *path, int flags) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  int fd;
  do fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

void beneath_init(struct beneath_resolver *r, int rootfd) {
  r->rootfd = rootfd;
  r->cached_parent = NULL;
  r->cached_fd = -1;
  r->buf = NULL;
}

void beneath_free(struct beneath_resolver *r) {
  if (r->cached_fd >= 0) close(r->cached_fd);
  free(r->cached_parent);
  free(r->buf);
  r->cached_parent = NULL;
  r->cached_fd = -1;
  r->buf = NULL;
}

int beneath_resolve(struct beneath_resolver *r, const char *path, struct beneath_target *t) {
  if (path[0] == '/') {
    errno = EINVAL;
    return -1;
  }
  free(r->buf);
  r->buf = xstrdup(path);
  char *p = r->buf;
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
  if (n == 0 || strcmp(p, ".") == 0) {
    t->dirfd = r->rootfd;
    t->leaf = "";
    return 0;
  }
  char *slash = strrchr(p, '/');
  const char *parent = ".";
  char *leaf = p;
  if (slash) {
    *slash = '\0';
    parent = p;
    leaf = slash + 1;
  }
  if (!*leaf || strcmp(leaf, ".") == 0 || strcmp(leaf, "..") == 0) {
    errno = EINVAL;
    return -1;
  }
  if (strcmp(parent, ".") == 0 || !*parent) {
    t->dirfd = r->rootfd;
  } else if (r->cached_parent && strcmp(r->cached_parent, parent) == 0) {
    t->dirfd = r->cached_fd;
  } else {
    int fd = open_beneath(r->rootfd, parent, O_PATH | O_DIRECTORY);
    if (fd < 0) return -1;
    if (r->cached_fd >= 0) close(r->cached_fd);
    free(r->cached_parent);
    r->cached_parent = xstrdup(parent);
    r->cached_fd = fd;
    t->dirfd = fd;
  }
  t->leaf = leaf;
  return 0;
}
