/* The overlay options of a root filesystem (--lower, --upper, --work,
 * --mount-program, --legacy-mount), for the modes that mount a container's
 * root outside `run` (fs, mount-rootfs). Same syntax as `run`'s. */
#pragma once

#include <stdbool.h>

#include "rootfs.h"

/* If argv[*i] is one of the options, store it (advancing *i past a separate
 * value) and return true. `mode` names the mode in errors. */
bool rootfs_args_option(struct rootfs_spec *spec, int argc, char **argv, int *i, const char *mode);

/* Whether any overlay option was given; dies unless --lower, --upper and --work all were. */
bool rootfs_args_overlay(const struct rootfs_spec *spec, const char *mode);
