/* Running the helper from a sealed memfd copy of itself (CVE-2019-5736). */
#pragma once

/* Unless /proc/self/exe already is a write-sealed memfd: copy it into one,
 * seal it and fexecve it with the same argv and environment. Call first
 * thing in main (before fds are marked close-on-exec). Returns only if
 * already sealed, or if the kernel refuses executable memfds
 * (vm.memfd_noexec=2): then the helper runs from its file. */
void reexec_sealed(char **argv);
