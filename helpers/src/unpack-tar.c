/* A tar stream reader for layer archives (see unpack-tar.h). Formats: ustar
 * (name + prefix), GNU (long name 'L' / long link 'K' headers, base-256
 * numbers) and PAX ('x' records; 'g' global headers are ignored, as
 * containers/storage does). Every number and length is checked before use. */
#include "unpack-tar.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define BLOCK 512
#define BUF_SIZE (1u << 20)
/* A PAX header or GNU long name/link bigger than this is not a real archive. */
#define MAX_META (1u << 20)
/* Sizes past this are absurd (and would overflow offsets). */
#define MAX_SIZE (1ULL << 62)
#define MAX_ID 0xfffffffeULL

/* What PAX / GNU long headers say about the entry that follows them. */
struct pending {
  char *path, *linkpath;
  size_t path_len, linkpath_len;
  bool has_size, has_uid, has_gid, has_mtime, sparse;
  unsigned long long size, uid, gid;
  long long mtime_sec;
  long mtime_nsec;
  struct tar_xattr *xattrs;
  size_t n_xattrs;
};

void tar_init(struct tar_reader *r, int fd) {
  memset(r, 0, sizeof *r);
  r->fd = fd;
  r->cap = BUF_SIZE;
  r->buf = xmalloc(r->cap);
}

static void free_xattrs(struct tar_xattr *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(x[i].name);
    free(x[i].value);
  }
  free(x);
}

static void clear_entry(struct tar_entry *e) {
  free(e->name);
  free(e->linkname);
  free_xattrs(e->xattrs, e->n_xattrs);
  memset(e, 0, sizeof *e);
}

void tar_free(struct tar_reader *r) {
  clear_entry(&r->e);
  free(r->buf);
  r->buf = NULL;
}

/* Make `want` (<= cap) bytes available if the input has them; returns how many are. */
static size_t fill(struct tar_reader *r, size_t want) {
  while (r->len - r->pos < want) {
    if (r->pos == r->len) {
      r->pos = r->len = 0;
    } else if (r->cap - r->pos < want) {
      memmove(r->buf, r->buf + r->pos, r->len - r->pos);
      r->len -= r->pos;
      r->pos = 0;
    }
    ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("unpack: read the layer archive");
    }
    if (n == 0) break;
    r->len += (size_t)n;
  }
  return r->len - r->pos;
}

/* Skip `n` bytes of the input; false if it ends first. */
static bool skip(struct tar_reader *r, unsigned long long n) {
  while (n > 0) {
    size_t have = fill(r, 1);
    if (have == 0) return false;
    size_t take = have < n ? have : (size_t)n;
    r->pos += take;
    n -= take;
  }
  return true;
}

static _Noreturn void truncated(const struct tar_reader *r) {
  die("unpack: the layer archive is truncated (in entry %s)", r->e.name ? r->e.name : "?");
}

/* A numeric header field: octal digits padded with spaces/NULs, or GNU
 * base-256 (first byte 0x80 positive, 0xff negative). */
static bool parse_number(const unsigned char *f, size_t n, long long *out) {
  if (n > 0 && (f[0] & 0x80)) {
    unsigned char inv = (f[0] & 0x40) ? 0xff : 0;
    unsigned long long x = 0;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = f[i] ^ inv;
      if (i == 0) c &= 0x7f;
      if (x >> 55) return false;
      x = (x << 8) | c;
    }
    if (x >> 63) return false;
    *out = inv ? ~(long long)x : (long long)x;
    return true;
  }
  size_t i = 0;
  while (i < n && (f[i] == ' ' || f[i] == '\0')) i++;
  unsigned long long x = 0;
  for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
    if (x >> 60) return false;
    x = x * 8 + (unsigned)(f[i] - '0');
  }
  for (; i < n; i++)
    if (f[i] != ' ' && f[i] != '\0') return false;
  *out = (long long)x;
  return true;
}

static bool is_zero_block(const unsigned char *b) {
  for (size_t i = 0; i < BLOCK; i++)
    if (b[i]) return false;
  return true;
}

/* The stored checksum matches the header's bytes summed unsigned (POSIX) or signed (old tars). */
static bool checksum_ok(const unsigned char *h) {
  long long stored;
  if (!parse_number(h + 148, 8, &stored)) return false;
  long long u = 0, s = 0;
  for (size_t i = 0; i < BLOCK; i++) {
    unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
    u += c;
    s += (signed char)c;
  }
  return stored == u || stored == s;
}

/* A header text field as a C string (it need not be NUL-terminated). */
static char *field(const unsigned char *f, size_t n) {
  size_t len = strnlen((const char *)f, n);
  char *s = xmalloc(len + 1);
  memcpy(s, f, len);
  s[len] = '\0';
  return s;
}

/* The whole data of a meta entry (PAX header, long name), NUL-terminated. */
static char *read_meta(struct tar_reader *r, unsigned long long size, const char *what) {
  if (size > MAX_META) die("unpack: refusing the layer archive: a %s of %llu bytes (at most %u)", what, size, MAX_META);
  char *out = xmalloc((size_t)size + 1);
  size_t got = 0;
  while (got < size) {
    size_t have = fill(r, 1);
    if (have == 0) die("unpack: the layer archive is truncated (in a %s)", what);
    size_t take = have < size - got ? have : (size_t)size - got;
    memcpy(out + got, r->buf + r->pos, take);
    r->pos += take;
    got += take;
  }
  out[size] = '\0';
  if (!skip(r, (BLOCK - size % BLOCK) % BLOCK)) die("unpack: the layer archive is truncated (in a %s)", what);
  return out;
}

static bool parse_decimal(const char *s, size_t n, unsigned long long max, unsigned long long *out) {
  if (n == 0 || n > 20) return false;
  unsigned long long x = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    unsigned d = (unsigned)(s[i] - '0');
    if (x > (max - d) / 10) return false;
    x = x * 10 + d;
  }
  *out = x;
  return true;
}

/* PAX time: "SECONDS[.FRACTION]", SECONDS possibly negative; fraction digits past 9 dropped. */
static bool parse_pax_time(const char *s, size_t n, long long *sec, long *nsec) {
  bool neg = n > 0 && s[0] == '-';
  const char *dot = memchr(s, '.', n);
  size_t int_len = (dot ? (size_t)(dot - s) : n) - neg;
  unsigned long long v;
  if (!parse_decimal(s + neg, int_len, (unsigned long long)INT64_MAX, &v)) return false;
  long frac = 0;
  if (dot) {
    size_t fl = n - (size_t)(dot - s) - 1;
    if (fl == 0) return false;
    for (size_t i = 0; i < fl; i++) {
      char c = dot[1 + i];
      if (c < '0' || c > '9') return false;
      if (i < 9) frac = frac * 10 + (c - '0');
    }
    for (size_t i = fl; i < 9; i++) frac *= 10;
  }
  *sec = neg ? -(long long)v : (long long)v;
  *nsec = frac;
  return true;
}

static char *dup_bytes(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* Records "LEN KEY=VALUE\n" (LEN counts the whole record). */
static void parse_pax(struct pending *pd, const char *data, size_t size) {
  size_t off = 0;
  while (off < size) {
    const char *rec = data + off;
    size_t left = size - off;
    const char *sp = memchr(rec, ' ', left < 21 ? left : 21);
    unsigned long long len;
    if (!sp || !parse_decimal(rec, (size_t)(sp - rec), left, &len) || len < (size_t)(sp - rec) + 3 || rec[len - 1] != '\n')
      die("unpack: refusing the layer archive: malformed PAX header record at byte %zu", off);
    const char *key = sp + 1;
    const char *end = rec + len - 1; /* the '\n' */
    const char *eq = memchr(key, '=', (size_t)(end - key));
    if (!eq || eq == key) die("unpack: refusing the layer archive: malformed PAX header record at byte %zu", off);
    size_t klen = (size_t)(eq - key);
    const char *val = eq + 1;
    size_t vlen = (size_t)(end - val);
#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    if (KEY_IS("path")) {
      free(pd->path);
      pd->path = dup_bytes(val, vlen);
      pd->path_len = vlen;
    } else if (KEY_IS("linkpath")) {
      free(pd->linkpath);
      pd->linkpath = dup_bytes(val, vlen);
      pd->linkpath_len = vlen;
    } else if (KEY_IS("size")) {
      if (!parse_decimal(val, vlen, MAX_SIZE, &pd->size)) die("unpack: refusing the layer archive: PAX size %.*s", (int)vlen, val);
      pd->has_size = true;
    } else if (KEY_IS("uid")) {
      if (!parse_decimal(val, vlen, MAX_ID, &pd->uid)) die("unpack: refusing the layer archive: PAX uid %.*s", (int)vlen, val);
      pd->has_uid = true;
    } else if (KEY_IS("gid")) {
      if (!parse_decimal(val, vlen, MAX_ID, &pd->gid)) die("unpack: refusing the layer archive: PAX gid %.*s", (int)vlen, val);
      pd->has_gid = true;
    } else if (KEY_IS("mtime")) {
      /* A time we cannot read is dropped (the header's own is used), as before. */
      pd->has_mtime = parse_pax_time(val, vlen, &pd->mtime_sec, &pd->mtime_nsec);
    } else if (klen > 13 && memcmp(key, "SCHILY.xattr.", 13) == 0) {
      if (memchr(key + 13, '\0', klen - 13)) die("unpack: refusing the layer archive: an xattr name with a NUL byte");
      pd->xattrs = xrealloc(pd->xattrs, (pd->n_xattrs + 1) * sizeof *pd->xattrs);
      struct tar_xattr *x = &pd->xattrs[pd->n_xattrs++];
      x->name = dup_bytes(key + 13, klen - 13);
      x->value = xmalloc(vlen ? vlen : 1);
      memcpy(x->value, val, vlen);
      x->len = vlen;
    } else if (klen > 11 && memcmp(key, "GNU.sparse.", 11) == 0) {
      pd->sparse = true;
    }
#undef KEY_IS
    off += len;
  }
}

static void clear_pending(struct pending *pd) {
  free(pd->path);
  free(pd->linkpath);
  free_xattrs(pd->xattrs, pd->n_xattrs);
  memset(pd, 0, sizeof *pd);
}

static unsigned long long header_number(const unsigned char *h, size_t off, size_t n, const char *what, unsigned long long max) {
  long long v;
  if (!parse_number(h + off, n, &v) || v < 0 || (unsigned long long)v > max)
    die("unpack: refusing the layer archive: header field %s is not a valid number", what);
  return (unsigned long long)v;
}

bool tar_next(struct tar_reader *r) {
  if (!skip(r, r->remaining + r->padding)) truncated(r);
  r->remaining = r->padding = 0;
  clear_entry(&r->e);
  struct pending pd = {0};
  for (;;) {
    size_t have = fill(r, BLOCK);
    if (have == 0 && !pd.path && !pd.linkpath && !pd.xattrs) return false; /* EOF at a header: the end, as Go's reader */
    if (have < BLOCK) die("unpack: the layer archive is truncated (in a header)");
    const unsigned char *h = r->buf + r->pos;
    if (is_zero_block(h)) {
      clear_pending(&pd);
      return false;
    }
    if (!checksum_ok(h)) die("unpack: refusing the layer archive: a header with a bad checksum (not a tar archive?)");
    unsigned char raw_type = h[156];
    unsigned long long size = header_number(h, 124, 12, "size", MAX_SIZE);
    r->pos += BLOCK;

    if (raw_type == 'x' || raw_type == 'g' || raw_type == 'L' || raw_type == 'K') {
      const char *what = raw_type == 'L' ? "GNU long name" : raw_type == 'K' ? "GNU long link name" : "PAX header";
      char *data = read_meta(r, size, what);
      if (raw_type == 'x') {
        parse_pax(&pd, data, (size_t)size);
        free(data);
      } else if (raw_type == 'L') {
        free(pd.path);
        pd.path = data;
        pd.path_len = strlen(data);
      } else if (raw_type == 'K') {
        free(pd.linkpath);
        pd.linkpath = data;
        pd.linkpath_len = strlen(data);
      } else {
        free(data); /* global PAX header: ignored */
      }
      continue;
    }

    struct tar_entry *e = &r->e;
    bool posix = memcmp(h + 257, "ustar\0", 6) == 0;
    if (pd.path) {
      e->name = pd.path;
      e->name_len = pd.path_len;
      pd.path = NULL;
    } else {
      char *name = field(h, 100);
      char *prefix = posix ? field(h + 345, 155) : xstrdup("");
      e->name = *prefix ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
      e->name_len = strlen(e->name);
      free(name);
      free(prefix);
    }
    if (pd.linkpath) {
      e->linkname = pd.linkpath;
      e->linkname_len = pd.linkpath_len;
      pd.linkpath = NULL;
    } else {
      e->linkname = field(h + 157, 100);
      e->linkname_len = strlen(e->linkname);
    }
    e->type = (char)raw_type;
    if (raw_type == '7') e->type = '0';
    if (raw_type == '\0' || raw_type == '0') e->type = (e->name_len && e->name[e->name_len - 1] == '/') ? '5' : '0';
    e->mode = (unsigned)header_number(h, 100, 8, "mode", 07777777) & 07777;
    e->uid = pd.has_uid ? pd.uid : header_number(h, 108, 8, "uid", MAX_ID);
    e->gid = pd.has_gid ? pd.gid : header_number(h, 116, 8, "gid", MAX_ID);
    long long mt;
    if (pd.has_mtime) {
      e->mtime_sec = pd.mtime_sec;
      e->mtime_nsec = pd.mtime_nsec;
      e->has_mtime = true;
    } else if (parse_number(h + 136, 12, &mt)) {
      e->mtime_sec = mt;
      e->has_mtime = true;
    }
    if (e->type == '3' || e->type == '4') {
      e->devmajor = header_number(h, 329, 8, "devmajor", 0xfffffff);
      e->devminor = header_number(h, 337, 8, "devminor", 0xfffffff);
    }
    e->size = pd.has_size ? pd.size : size;
    e->sparse = pd.sparse || raw_type == 'S';
    e->xattrs = pd.xattrs;
    e->n_xattrs = pd.n_xattrs;
    pd.xattrs = NULL;
    pd.n_xattrs = 0;
    clear_pending(&pd);
    r->remaining = e->size;
    r->padding = (BLOCK - e->size % BLOCK) % BLOCK;
    return true;
  }
}

size_t tar_data(struct tar_reader *r, const unsigned char **p, size_t max) {
  if (r->remaining == 0) return 0;
  size_t have = fill(r, 1);
  if (have == 0) truncated(r);
  size_t n = have < r->remaining ? have : (size_t)r->remaining;
  if (n > max) n = max;
  *p = r->buf + r->pos;
  r->pos += n;
  r->remaining -= n;
  return n;
}

void tar_drain(struct tar_reader *r) {
  r->pos = r->len = 0;
  for (;;) {
    ssize_t n = read(r->fd, r->buf, r->cap);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die_errno("unpack: read the layer archive");
    if (n == 0) return;
  }
}
