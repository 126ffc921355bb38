/* Reading a layer tar stream (ustar, GNU long names, PAX) from a pipe, one
 * entry at a time, with no allocation per data byte. Knows nothing of the
 * disk: unpack.c decides what an entry does. Dies with a one-line message on
 * a malformed, absurd or truncated archive. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One SCHILY.xattr.NAME record of a PAX header (the value is binary). */
struct tar_xattr {
  char *name;
  unsigned char *value;
  size_t len;
};

struct tar_entry {
  /* As the archive spells them: NUL-terminated; *_len differs from strlen
   * when a PAX value carried a NUL byte (the caller refuses that). */
  char *name, *linkname;
  size_t name_len, linkname_len;
  /* '0' file ('7' and a bare '\0' read as '0'; '\0'/'0' ending in '/' as
   * '5'), '1' hard link, '2' symlink, '3' char, '4' block, '5' dir,
   * '6' fifo; anything else as read. */
  char type;
  unsigned mode; /* permission bits, 07777 */
  unsigned long long uid, gid, devmajor, devminor;
  long long mtime_sec;
  long mtime_nsec;
  bool has_mtime;
  /* Bytes of data that follow in the archive. */
  unsigned long long size;
  /* GNU.sparse.* in a PAX header, or a GNU 'S' entry: refused by the caller. */
  bool sparse;
  struct tar_xattr *xattrs;
  size_t n_xattrs;
};

struct tar_reader {
  int fd;
  unsigned char *buf;
  size_t pos, len, cap;
  /* Data bytes of the current entry not read yet, and its padding. */
  unsigned long long remaining, padding;
  struct tar_entry e;
};

void tar_init(struct tar_reader *r, int fd);
void tar_free(struct tar_reader *r);

/* Move to the next entry (skipping what is left of the current one's data):
 * true with r->e filled in, false at the end of the archive. */
bool tar_next(struct tar_reader *r);

/* Some of the current entry's data (at most `max` bytes): its length, with
 * *p pointing at it; 0 once it is all read. Dies if the archive ends first. */
size_t tar_data(struct tar_reader *r, const unsigned char **p, size_t max);

/* Read and discard the rest of the input (what follows the end-of-archive
 * blocks), so the writer on the other end of the pipe finishes cleanly. */
void tar_drain(struct tar_reader *r);
