/* Compiled seccomp filters cached per user (seccomp-cache.h). Entry
 * `<dir>/<fnv64 of the rules>.bpf`: "TSCBPF1\n", the rules' length (u64),
 * the rules, then the BPF instructions; written to a temp file and renamed,
 * so a reader sees a whole entry or none. */
#include "seccomp-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MAGIC "TSCBPF1\n"
#define MAX_ENTRY (8 << 20)

static uint64_t fnv1a(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

static void entry_path(char *buf, size_t size, const char *dir, const char *rules, size_t len) {
  snprintf(buf, size, "%s/%016llx.bpf", dir, (unsigned long long)fnv1a(rules, len));
}

_Bool seccomp_cache_get(const char *dir, const char *rules, size_t len, struct seccomp_bpf *out) {
  char path[4096];
  entry_path(path, sizeof path, dir, rules, len);
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return 0;
  struct stat st;
  char *buf = NULL;
  _Bool ok = 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= MAX_ENTRY) {
    size_t size = (size_t)st.st_size, n = 0;
    buf = xmalloc(size);
    while (n < size) {
      ssize_t r = read(fd, buf + n, size - n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      n += (size_t)r;
    }
    size_t head = sizeof MAGIC - 1 + sizeof(uint64_t);
    uint64_t stored;
    if (n == size && size >= head && !memcmp(buf, MAGIC, sizeof MAGIC - 1)) {
      memcpy(&stored, buf + sizeof MAGIC - 1, sizeof stored);
      size_t rest = size - head;
      if (stored == len && rest > len && !memcmp(buf + head, rules, len) && (rest - len) % sizeof(struct sock_filter) == 0) {
        size_t bytes = rest - len;
        out->insns = xmalloc(bytes);
        memcpy(out->insns, buf + head + len, bytes);
        out->count = bytes / sizeof(struct sock_filter);
        ok = out->count > 0 && out->count <= BPF_MAXINSNS;
        if (!ok) free(out->insns);
      }
    }
  }
  free(buf);
  close(fd);
  return ok;
}

void seccomp_cache_put(const char *dir, const char *rules, size_t len, void *filter) {
  char path[4096], tmp[4200];
  entry_path(path, sizeof path, dir, rules, len);
  snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  uint64_t n = len;
  int r = -1;
  if (write_all(fd, MAGIC, sizeof MAGIC - 1) == 0 && write_all(fd, &n, sizeof n) == 0 && write_all(fd, rules, len) == 0)
    r = seccomp_export_bpf((scmp_filter_ctx)filter, fd);
  if (close(fd) < 0) r = -1;
  if (r < 0 || rename(tmp, path) < 0) unlink(tmp);
}

void seccomp_bpf_load(const struct seccomp_bpf *p) {
  struct sock_fprog prog = {.len = (unsigned short)p->count, .filter = (struct sock_filter *)p->insns};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) die_errno("load the seccomp filter");
}
