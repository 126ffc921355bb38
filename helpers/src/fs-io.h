/* Buffered stdin/stdout for the `fs` mode's session protocol (requests and
 * entry records, docs/helper-protocol.md): lines, exact byte counts, and the
 * percent-encoding of path fields. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fs_in {
  int fd;
  char *buf;
  size_t start, end, cap;
};

struct fs_out {
  int fd;
  char *buf;
  size_t len, cap;
};

void fs_in_init(struct fs_in *in, int fd);
void fs_out_init(struct fs_out *out, int fd);

/* The next line without its `\n` (valid until the next call), or NULL at a
 * clean end of input. Dies on a truncated last line or a line over 1 MiB. */
char *fs_in_line(struct fs_in *in);

/* Pass exactly n bytes of input to sink(ctx, data, len). Dies on early EOF. */
void fs_in_bytes(struct fs_in *in, uint64_t n, void (*sink)(void *ctx, const char *data, size_t len), void *ctx);

void fs_out_write(struct fs_out *out, const void *data, size_t len);
void fs_out_printf(struct fs_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A path or name field: bytes <= 0x20, >= 0x7f and '%' as %XX; "" as ".". */
void fs_out_field(struct fs_out *out, const char *s);
void fs_out_hex(struct fs_out *out, const unsigned char *data, size_t len);
void fs_out_flush(struct fs_out *out);

/* Decode %XX in place; false on a malformed escape or %00. */
bool fs_pct_decode(char *s);
/* Decode hex into a new buffer; false if malformed. */
bool fs_hex_decode(const char *s, unsigned char **out, size_t *len);

/* Split `line` at single spaces into at most max fields; returns the count. */
size_t fs_split(char *line, char **fields, size_t max);
