/* Path resolution inside a container root, one component at a time, like
 * filepath-securejoin: each prefix is opened beneath the root without
 * following anything, and a symlink's target is spliced into the rest of
 * the path (from the root when it is absolute). Nothing can lead outside
 * the root: `..` at the root stays there. */
#include "fs-resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beneath.h"
#include "util.h"

#define MAX_LINKS 40

/* Drop the last component of an absolute clean path ("" is the root). */
static void pop(char *cur) {
  char *slash = strrchr(cur, '/');
  if (slash) *slash = '\0';
}

/* cur + "/" + each component of rest, `.` and `..` applied lexically. */
static char *join_lexically(const char *cur, const char *rest) {
  char *out = xmalloc(strlen(cur) + strlen(rest) + 2);
  strcpy(out, cur);
  char *copy = xstrdup(rest);
  for (char *c = strtok(copy, "/"); c; c = strtok(NULL, "/")) {
    if (!strcmp(c, ".")) continue;
    if (!strcmp(c, "..")) {
      pop(out);
      continue;
    }
    strcat(out, "/");
    strcat(out, c);
  }
  free(copy);
  return out;
}

void fs_resolve(int rootfd, const char *path, struct fs_resolved *out) {
  char *cur = xstrdup("");
  char *rest = xstrdup(path);
  int links = 0;
  out->exists = true;
  out->parent_ok = true;
  for (;;) {
    char *p = rest;
    while (*p == '/') p++;
    if (!*p) break;
    char *slash = strchr(p, '/');
    size_t clen = slash ? (size_t)(slash - p) : strlen(p);
    char *comp = xmalloc(clen + 1);
    memcpy(comp, p, clen);
    comp[clen] = '\0';
    char *next = xstrdup(slash ? slash : "");
    free(rest);
    rest = next;
    if (!strcmp(comp, ".")) {
      free(comp);
      continue;
    }
    if (!strcmp(comp, "..")) {
      pop(cur);
      free(comp);
      continue;
    }
    char *cand = xasprintf("%s/%s", cur, comp);
    free(comp);
    int fd = open_beneath(rootfd, cand + 1, O_PATH | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
      if (errno != ENOENT && errno != ENOTDIR) die_errno("fs: resolve %s", cand);
      /* Nothing there: where it would be, and whether its parent exists. */
      out->exists = false;
      out->parent_ok = errno == ENOENT && strspn(rest, "/") == strlen(rest);
      out->path = join_lexically(cand, rest);
      free(cand);
      free(cur);
      free(rest);
      if (fd >= 0) close(fd);
      return;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > MAX_LINKS) {
        errno = ELOOP;
        die_errno("fs: resolve %s", path);
      }
      char target[PATH_MAX];
      ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
      if (n < 0) die_errno("fs: readlink %s", cand);
      target[n] = '\0';
      char *spliced = xasprintf("%s/%s", target, rest);
      free(rest);
      rest = spliced;
      if (target[0] == '/') cur[0] = '\0';
      close(fd);
      free(cand);
      continue;
    }
    close(fd);
    if (!S_ISDIR(st.st_mode) && strspn(rest, "/") != strlen(rest)) {
      /* A file where a directory is needed. */
      out->exists = false;
      out->parent_ok = false;
      out->path = join_lexically(cand, rest);
      free(cand);
      free(cur);
      free(rest);
      return;
    }
    free(cur);
    cur = cand;
  }
  free(rest);
  out->path = *cur ? cur : (free(cur), xstrdup("/"));
  int fd = *out->path == '/' && out->path[1] ? open_beneath(rootfd, out->path + 1, O_PATH | O_NOFOLLOW) : dup(rootfd);
  if (fd < 0 || fstat(fd, &out->st) < 0) die_errno("fs: stat %s", out->path);
  close(fd);
}
