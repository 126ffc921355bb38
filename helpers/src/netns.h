/* Setting up a fresh network namespace (--net none). */
#pragma once

/* Bring the loopback interface up (SIOCSIFFLAGS). Dies on error. */
void loopback_up(void);
