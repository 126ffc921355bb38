/* Buffered I/O of the `fs` session: Node's requests and records on stdin,
 * our answers and records on stdout. Failures to read or write die: the
 * session has no way to go on once its stream is broken. */
#include "fs-io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define MAX_LINE (1u << 20)
#define OUT_CAP (1u << 16)

void fs_in_init(struct fs_in *in, int fd) {
  in->fd = fd;
  in->cap = 1u << 16;
  in->buf = xmalloc(in->cap);
  in->start = in->end = 0;
}

void fs_out_init(struct fs_out *out, int fd) {
  out->fd = fd;
  out->cap = OUT_CAP;
  out->buf = xmalloc(out->cap);
  out->len = 0;
}

/* Read more input after what is buffered; 0 at EOF. */
static size_t fill(struct fs_in *in) {
  if (in->start > 0) {
    memmove(in->buf, in->buf + in->start, in->end - in->start);
    in->end -= in->start;
    in->start = 0;
  }
  if (in->end == in->cap) {
    if (in->cap >= MAX_LINE + 1) die("fs: request line longer than %u bytes", MAX_LINE);
    in->cap *= 2;
    in->buf = xrealloc(in->buf, in->cap);
  }
  for (;;) {
    ssize_t n = read(in->fd, in->buf + in->end, in->cap - in->end);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die_errno("fs: read requests");
    in->end += (size_t)n;
    return (size_t)n;
  }
}

char *fs_in_line(struct fs_in *in) {
  size_t scanned = 0;
  for (;;) {
    char *nl = memchr(in->buf + in->start + scanned, '\n', in->end - in->start - scanned);
    if (nl) {
      *nl = '\0';
      char *line = in->buf + in->start;
      in->start = (size_t)(nl - in->buf) + 1;
      if (memchr(line, '\0', (size_t)(nl - line))) die("fs: NUL byte in a request line");
      return line;
    }
    scanned = in->end - in->start;
    if (fill(in) == 0) {
      if (in->end == in->start) return NULL;
      die("fs: truncated input (a last line without \\n)");
    }
  }
}

void fs_in_bytes(struct fs_in *in, uint64_t n, void (*sink)(void *ctx, const char *data, size_t len), void *ctx) {
  while (n > 0) {
    if (in->end == in->start && fill(in) == 0) die("fs: input ended inside file data");
    size_t avail = in->end - in->start;
    size_t take = avail < n ? avail : (size_t)n;
    sink(ctx, in->buf + in->start, take);
    in->start += take;
    n -= take;
  }
}

void fs_out_flush(struct fs_out *out) {
  if (out->len && write_all(out->fd, out->buf, out->len) < 0) die_errno("fs: write answers");
  out->len = 0;
}

void fs_out_write(struct fs_out *out, const void *data, size_t len) {
  if (out->len + len > out->cap) fs_out_flush(out);
  if (len > out->cap) {
    if (write_all(out->fd, data, len) < 0) die_errno("fs: write answers");
    return;
  }
  memcpy(out->buf + out->len, data, len);
  out->len += len;
}

void fs_out_printf(struct fs_out *out, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof tmp) die("fs: answer field too long");
  fs_out_write(out, tmp, (size_t)n);
}

void fs_out_field(struct fs_out *out, const char *s) {
  if (!*s) {
    fs_out_write(out, ".", 1);
    return;
  }
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p <= 0x20 || *p >= 0x7f || *p == '%') {
      char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      fs_out_write(out, e, 3);
    } else {
      fs_out_write(out, p, 1);
    }
  }
}

void fs_out_hex(struct fs_out *out, const unsigned char *data, size_t len) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    char e[2] = {hex[data[i] >> 4], hex[data[i] & 15]};
    fs_out_write(out, e, 2);
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool fs_pct_decode(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (*p != '%') {
      *o++ = *p;
      continue;
    }
    int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
    *o++ = (char)(hi * 16 + lo);
    p += 2;
  }
  *o = '\0';
  return true;
}

bool fs_hex_decode(const char *s, unsigned char **out, size_t *len) {
  size_t n = strlen(s);
  if (n % 2) return false;
  unsigned char *b = xmalloc(n / 2 + 1);
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(b);
      return false;
    }
    b[i] = (unsigned char)(hi * 16 + lo);
  }
  *out = b;
  *len = n / 2;
  return true;
}

size_t fs_split(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *sp = strchr(p, ' ');
    if (!sp) break;
    *sp = '\0';
    p = sp + 1;
  }
  return n;
}
