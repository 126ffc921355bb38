/* Setting up a fresh network namespace (--net none). */
#pragma once

/* Bring the loopback interface up (SIOCSIFFLAGS). Dies on error. */
void loopback_up(void);

#include <sys/types.h>

/* Field 22 of /proc/PID/stat (start time in ticks); 0 if the process is gone (network.c). */
unsigned long long start_time(pid_t pid);
