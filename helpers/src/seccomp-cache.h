/* A per-user cache of compiled seccomp filters: compiling ~450 rules with
 * libseccomp costs ~20 ms of CPU on every container start; the BPF program
 * it produces depends only on the rules text (same machine, same helper).
 * An entry stores the rules text it was compiled from and is used only when
 * that text is byte-for-byte the current one. */
#pragma once

#include <stddef.h>

struct seccomp_bpf {
  void *insns;  /* struct sock_filter[] */
  size_t count; /* instructions */
};

/* The cached program for these rules, or false (no entry, or a stale one). */
_Bool seccomp_cache_get(const char *dir, const char *rules, size_t len, struct seccomp_bpf *out);

/* Store the program compiled from these rules (export of a libseccomp
 * filter); failures only cost the next start a compile. */
void seccomp_cache_put(const char *dir, const char *rules, size_t len, void *filter);

/* Load a cached program into the calling thread (as seccomp_load would). */
void seccomp_bpf_load(const struct seccomp_bpf *p);
