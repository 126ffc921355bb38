/* The container's seccomp filter: a rules file (docs/helper-protocol.md,
 * "Seccomp rules file") compiled with libseccomp, loaded right before exec. */
#pragma once

/* Read and compile FILE; dies naming the line on any error. Returns the
 * filter (opaque), to be loaded later by seccomp_rules_load(). With a
 * cache_dir, a program compiled earlier from the same text is used instead
 * of compiling (seccomp-cache.h), and a new compile is stored there. */
void *seccomp_rules_read(const char *file, const char *cache_dir);

/* Load the filter into the calling thread. Needs no_new_privs or
 * CAP_SYS_ADMIN in the current user namespace. */
void seccomp_rules_load(void *filter);
