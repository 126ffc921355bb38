/* Container log writer. Lines are staged in one small buffer and written
 * with few write()s; a chunk without a final newline is logged as a partial
 * line (`P` in k8s-file, no trailing \n in json-file), as conmon does. With
 * a max size the file is truncated before a write would exceed it (conmon's
 * log-size-max: the old content is dropped). */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static char out[4096];
static size_t out_len;

bool parse_log_driver(const char *s, enum log_driver *d) {
  if (!strcmp(s, "k8s-file")) *d = LOG_K8S_FILE;
  else if (!strcmp(s, "json-file")) *d = LOG_JSON_FILE;
  else if (!strcmp(s, "none")) *d = LOG_NONE;
  else return false;
  return true;
}

void format_time(char buf[TIME_BUF], const struct timespec *ts) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  size_t n = strftime(buf, TIME_BUF, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, TIME_BUF - n, ".%09ldZ", ts->tv_nsec);
}

void logfile_open(struct logfile *l) {
  l->fd = -1;
  if (l->driver == LOG_NONE || !l->path) return;
  l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (l->fd < 0) die_errno("open log file %s", l->path);
  struct stat st;
  if (fstat(l->fd, &st) < 0) die_errno("stat log file %s", l->path);
  l->size = (unsigned long long)st.st_size;
}

static void stop_logging(struct logfile *l, const char *what) {
  report("%s log file %s: %s (logging stops)", what, l->path, strerror(errno));
  close(l->fd);
  l->fd = -1;
}

static void flush(struct logfile *l) {
  if (l->fd >= 0 && out_len && write_all(l->fd, out, out_len) < 0) stop_logging(l, "write");
  l->size += out_len;
  out_len = 0;
}

static void emit(struct logfile *l, const char *s, size_t n) {
  while (n) {
    size_t k = sizeof out - out_len < n ? sizeof out - out_len : n;
    memcpy(out + out_len, s, k);
    out_len += k;
    s += k;
    n -= k;
    if (out_len == sizeof out) flush(l);
  }
}

/* Make room for `need` more bytes under the size limit. */
static void rotate_if_needed(struct logfile *l, size_t need) {
  if (!l->max_size || l->size + out_len + need <= l->max_size) return;
  flush(l);
  if (l->fd >= 0 && ftruncate(l->fd, 0) < 0) stop_logging(l, "truncate");
  l->size = 0;
}

static void emit_json_string(struct logfile *l, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      emit(l, esc, 2);
    } else if (c == '\n') {
      emit(l, "\\n", 2);
    } else if (c == '\r') {
      emit(l, "\\r", 2);
    } else if (c == '\t') {
      emit(l, "\\t", 2);
    } else if (c < 0x20 || c == 0x7f) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      emit(l, esc, 6);
    } else {
      emit(l, (const char *)&c, 1);
    }
  }
}

void logfile_write(struct logfile *l, int stream, const char *data, size_t len) {
  if (l->fd < 0 || !len) return;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  char ts[TIME_BUF];
  format_time(ts, &now);
  const char *name = stream == 2 ? "stderr" : "stdout";
  while (len) {
    const char *nl = memchr(data, '\n', len);
    size_t seg = nl ? (size_t)(nl - data) : len; /* without the newline */
    bool full = nl != NULL;
    if (l->driver == LOG_K8S_FILE) {
      char prefix[TIME_BUF + 16];
      int p = snprintf(prefix, sizeof prefix, "%s %s %c ", ts, name, full ? 'F' : 'P');
      rotate_if_needed(l, (size_t)p + seg + 1);
      emit(l, prefix, (size_t)p);
      emit(l, data, seg);
      emit(l, "\n", 1);
    } else {
      rotate_if_needed(l, seg + 2 * 32 + strlen(ts)); /* an estimate: escapes may add more */
      emit(l, "{\"log\":\"", 8);
      emit_json_string(l, data, seg + (full ? 1 : 0));
      emit(l, "\",\"stream\":\"", 12);
      emit(l, name, 6);
      emit(l, "\",\"time\":\"", 10);
      emit(l, ts, strlen(ts));
      emit(l, "\"}\n", 3);
    }
    data += seg + (full ? 1 : 0);
    len -= seg + (full ? 1 : 0);
  }
  flush(l);
}
