/* Capability sets of the container's process: parsing `--cap-*` lists and
 * applying them (bounding set, then capset and the ambient set). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum cap_set { CAP_SET_BOUNDING, CAP_SET_PERMITTED, CAP_SET_EFFECTIVE, CAP_SET_INHERITABLE, CAP_SET_AMBIENT, CAP_SET_COUNT };

struct cap_config {
  bool given[CAP_SET_COUNT];
  uint64_t mask[CAP_SET_COUNT];
};

/* `0,1,3` (empty = none) into set `which`; dies on a malformed list. */
void caps_parse(struct cap_config *c, enum cap_set which, const char *list, const char *option);

/* Drop every capability not in the bounding set (when given). */
void caps_drop_bounding(const struct cap_config *c);

/* Raise the effective set to the whole permitted set (seccomp without
 * no_new_privs needs CAP_SYS_ADMIN after a switch to a non-root uid). */
void caps_raise_effective(void);

/* capset() of the given permitted/effective/inheritable sets, then the ambient set. */
void caps_apply(const struct cap_config *c);
