/* Parsing the overlay options shared by `fs` and `mount-rootfs`. */
#include "rootfs-args.h"

#include <string.h>

#include "util.h"

static const char *value_of(int argc, char **argv, int *i, const char *name, const char *mode) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n)) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n]) return NULL;
  if (*i + 1 >= argc) die("%s: option %s needs a value", mode, name);
  return argv[++*i];
}

/* D1:D2:... top-most first; `\:` and `\\` stand for `:` and `\` in a path. */
static void parse_lower(struct rootfs_spec *r, const char *v, const char *mode) {
  char *buf = xmalloc(strlen(v) + 1), *out = buf, *start = buf;
  r->lower = xmalloc(sizeof(char *) * (strlen(v) / 2 + 2));
  r->n_lower = 0;
  for (const char *p = v;; p++) {
    if (*p == '\\' && (p[1] == ':' || p[1] == '\\')) {
      *out++ = *++p;
      continue;
    }
    if (*p && *p != ':') {
      *out++ = *p;
      continue;
    }
    *out++ = '\0';
    if (!*start) die("%s: empty directory in --lower %s", mode, v);
    r->lower[r->n_lower++] = start;
    start = out;
    if (!*p) break;
  }
}

bool rootfs_args_option(struct rootfs_spec *spec, int argc, char **argv, int *i, const char *mode) {
  const char *v;
  if ((v = value_of(argc, argv, i, "--lower", mode)))
    parse_lower(spec, v, mode);
  else if ((v = value_of(argc, argv, i, "--upper", mode)))
    spec->upper = v;
  else if ((v = value_of(argc, argv, i, "--work", mode)))
    spec->work = v;
  else if ((v = value_of(argc, argv, i, "--mount-program", mode))) {
    if (v[0] != '/') die("%s: --mount-program %s is not absolute", mode, v);
    spec->mount_program = v;
  } else if (!strcmp(argv[*i], "--legacy-mount"))
    spec->legacy_mount = true;
  else
    return false;
  return true;
}

bool rootfs_args_overlay(const struct rootfs_spec *spec, const char *mode) {
  bool any = spec->n_lower || spec->upper || spec->work || spec->mount_program || spec->legacy_mount;
  if (any && (!spec->n_lower || !spec->upper || !spec->work)) die("%s: an overlay needs --lower, --upper and --work", mode);
  if (spec->mount_program && spec->legacy_mount) die("%s: --legacy-mount is for native overlay, not with --mount-program", mode);
  return any;
}
