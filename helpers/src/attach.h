/* The attach socket a monitor serves: a unix stream socket; frames both
 * ways are [type u8][length u16 big-endian][payload] (see
 * docs/helper-protocol.md, "Attach protocol"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define ATTACH_MAX_CLIENTS 8

enum attach_frame {
  FRAME_STDIN = 0,     /* client -> monitor: bytes for the container's stdin */
  FRAME_STDOUT = 1,    /* monitor -> client (everything, with a tty) */
  FRAME_STDERR = 2,    /* monitor -> client */
  FRAME_EXIT = 3,      /* monitor -> client: the exit record (JSON), then the monitor closes */
  FRAME_STDIN_EOF = 4, /* client -> monitor: close the container's stdin */
  FRAME_RESIZE = 5,    /* client -> monitor: "ROWS COLS" */
};

struct attach_client {
  int fd;                 /* -1 = free slot */
  unsigned char hdr[3];   /* the frame header being read */
  size_t hdr_len;
  size_t remaining;       /* payload bytes of the current frame still to read */
  char small[24];         /* a resize payload */
  size_t small_len;
};

struct attach_server {
  int listen_fd; /* -1 when not serving */
  struct attach_client clients[ATTACH_MAX_CLIENTS];
};

/* What the monitor does with client input. */
struct attach_events {
  void *ctx;
  size_t (*stdin_room)(void *ctx); /* bytes of stdin it can take now */
  void (*stdin_data)(void *ctx, const char *p, size_t n);
  void (*stdin_eof)(void *ctx);
  void (*resize)(void *ctx, unsigned short rows, unsigned short cols);
};

/* Listen on `name` in the directory dirfd (bound through /proc/self/fd, so a
 * long runtime path does not hit the 108-byte socket path limit). */
void attach_listen(struct attach_server *s, int dirfd, const char *name);
void attach_accept(struct attach_server *s);

/* Whether client i should be polled for input now (a stdin payload waits for room). */
bool attach_wants_input(const struct attach_server *s, size_t i, size_t room);
void attach_client_readable(struct attach_server *s, size_t i, const struct attach_events *ev);

/* Send one frame to every client; a client that cannot take it is dropped. */
void attach_broadcast(struct attach_server *s, enum attach_frame type, const void *data, size_t len);
void attach_close_clients(struct attach_server *s);
