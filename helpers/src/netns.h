/* Setting up a fresh network namespace (--net none). */
#pragma once

/* Bring the loopback interface up (SIOCSIFFLAGS). Dies on error. */
void loopback_up(void);

#include <sys/types.h>

/* Field 22 of /proc/PID/stat (start time in ticks); 0 if the process is gone (network.c). */
unsigned long long start_time(pid_t pid);

/* Whether the process a file names (`PID START\n`, the network set-up
 * writes one per bridge container) still runs: 1 yes, 0 gone, -1 unknown
 * (no such file, or not whole; errors other than ENOENT are reported with
 * `who`). network.c */
int pid_file_alive(const char *path, const char *who);
