/* Mode `fs ROOT-OPTIONS`: file access to a container's root filesystem for
 * cp, diff, commit and export (docs/helper-protocol.md). The root is
 *   --dir DIR                    a plain directory (vfs copy, upper dir, layer)
 *   --lower.. --upper --work     the container's overlay, mounted in a private
 *                                mount namespace (a stopped container)
 *   --join PID:START_TIME        a running container's own root (fs-join.c);
 *     --with-mounts              with every mount on it (cp)
 * then requests are read from stdin, one line each, and answered on stdout:
 *   stat PATH          ok T RESOLVED | absent RESOLVED PARENT_OK
 *   get PATH           records of PATH (followed) and everything under it
 *   list PATH          the same without file data
 *   entry PATH         the record of PATH itself (not followed), with data
 *   put DIR 0|1        records follow on stdin; created beneath DIR
 * Every path is resolved inside the root as the container sees it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs-io.h"
#include "fs-join.h"
#include "fs-put.h"
#include "fs-resolve.h"
#include "fs-walk.h"
#include "modes.h"
#include "rootfs-args.h"
#include "util.h"

struct fs_opts {
  const char *dir;
  struct rootfs_spec spec;
  bool join;
  bool with_mounts;
  pid_t pid;
  unsigned long long start_time;
};

static char type_letter(mode_t m) {
  if (S_ISREG(m)) return 'f';
  if (S_ISDIR(m)) return 'd';
  if (S_ISLNK(m)) return 'l';
  return 'o';
}

static void answer_stat(int rootfd, const char *path, struct fs_out *out) {
  struct fs_resolved r;
  fs_resolve(rootfd, path, &r);
  if (r.exists) {
    fs_out_printf(out, "ok %c ", type_letter(r.st.st_mode));
    fs_out_field(out, r.path);
    fs_out_write(out, "\n", 1);
  } else {
    fs_out_write(out, "absent ", 7);
    fs_out_field(out, r.path);
    fs_out_printf(out, " %d\n", r.parent_ok ? 1 : 0);
  }
  free(r.path);
}

static int session(int rootfd) {
  struct fs_in in;
  struct fs_out out;
  fs_in_init(&in, 0);
  fs_out_init(&out, 1);
  for (;;) {
    char *line = fs_in_line(&in);
    if (!line || !strcmp(line, "quit")) break;
    char *req = xstrdup(line), *f[4];
    size_t n = fs_split(req, f, 4);
    if (n < 2 || !fs_pct_decode(f[1])) die("fs: malformed request");
    const char *path = f[1];
    if (!strcmp(f[0], "stat") && n == 2) {
      answer_stat(rootfd, path, &out);
    } else if (!strcmp(f[0], "get") && n == 2) {
      fs_walk(rootfd, path, &(struct fs_walk_opts){.data = true, .recurse = true, .follow = true}, &out);
    } else if (!strcmp(f[0], "list") && n == 2) {
      fs_walk(rootfd, path, &(struct fs_walk_opts){.recurse = true}, &out);
    } else if (!strcmp(f[0], "entry") && n == 2) {
      fs_walk(rootfd, path, &(struct fs_walk_opts){.data = true}, &out);
    } else if (!strcmp(f[0], "put") && n == 3 && (!strcmp(f[2], "0") || !strcmp(f[2], "1"))) {
      fs_put(rootfd, path, f[2][0] == '1', &in, &out);
    } else {
      die("fs: unknown request %s", f[0]);
    }
    fs_out_flush(&out);
    free(req);
  }
  return 0;
}

/* In the new mount namespace: the root, mounted if it is an overlay. */
static int fs_payload(void *arg) {
  struct fs_opts *o = arg;
  int rootfd;
  if (o->dir) {
    rootfd = open(o->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) die_errno("fs: open %s", o->dir);
  } else {
    rootfd = mount_rootfs(&o->spec);
  }
  return session(rootfd);
}

static void parse_join(struct fs_opts *o, const char *v) {
  char *s = xstrdup(v), *colon = strchr(s, ':');
  unsigned long long pid;
  if (!colon) die("fs: invalid --join %s: want PID:START_TIME", v);
  *colon = '\0';
  if (!parse_uint(s, 10, 0x3fffffff, &pid) || pid == 0 || !parse_uint(colon + 1, 10, ~0ULL, &o->start_time))
    die("fs: invalid --join %s: want PID:START_TIME", v);
  o->join = true;
  o->pid = (pid_t)pid;
  free(s);
}

int mode_fs(const struct ns_config *ns, int argc, char **argv) {
  static struct fs_opts o;
  for (int i = 0; i < argc; i++) {
    if (rootfs_args_option(&o.spec, argc, argv, &i, "fs")) continue;
    const char *a = argv[i];
    if (!strcmp(a, "--dir") || !strcmp(a, "--join")) {
      if (i + 1 >= argc) die("fs: option %s needs a value", a);
      if (a[2] == 'd')
        o.dir = argv[++i];
      else
        parse_join(&o, argv[++i]);
    } else if (!strcmp(a, "--with-mounts")) {
      o.with_mounts = true;
    } else {
      die("fs: unknown option %s", a);
    }
  }
  bool overlay = rootfs_args_overlay(&o.spec, "fs");
  if ((o.dir != NULL) + overlay + o.join != 1) die("fs: give one of --dir DIR, an overlay (--lower, --upper, --work) or --join PID:START_TIME");
  if (o.with_mounts && !o.join) die("fs: --with-mounts needs --join");
  if (o.join) {
    /* The container's namespaces already map its ids: a new one would not. */
    if (ns_wants_userns(ns)) die("fs: --join takes no --uid-map/--gid-map");
    return session(fs_join_root(o.pid, o.start_time, o.with_mounts));
  }
  rootfs_prepare(&o.spec);
  struct child_setup setup = {.clone_flags = CLONE_NEWNS};
  return run_in_namespaces(ns, &setup, fs_payload, &o);
}
