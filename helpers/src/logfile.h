/* The container log, written by the monitor: podman's k8s-file format
 * (`<time> stdout|stderr F|P <text>`), json-file lines, or nothing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum log_driver { LOG_K8S_FILE, LOG_JSON_FILE, LOG_NONE };

struct logfile {
  enum log_driver driver;
  const char *path;
  unsigned long long max_size; /* --log-max-size: truncate before exceeding it; 0 = unlimited */
  int fd;                      /* -1 until opened, or with LOG_NONE */
  unsigned long long size;     /* bytes in the file */
};

/* `k8s-file`, `json-file` or `none`. */
bool parse_log_driver(const char *s, enum log_driver *out);

/* Open (append, create 0600) the log; dies naming the path on failure. */
void logfile_open(struct logfile *l);

/* Log one chunk read from a stream (1 = stdout, 2 = stderr). A failing
 * write is reported once and logging stops: the container keeps running. */
void logfile_write(struct logfile *l, int stream, const char *data, size_t len);

/* RFC 3339 in UTC with nanoseconds: 2024-01-02T03:04:05.123456789Z */
#define TIME_BUF 40
void format_time(char buf[TIME_BUF], const struct timespec *ts);
