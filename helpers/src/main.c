/* tsc-run-helper [NS OPTIONS] MODE [MODE OPTIONS] [-- CMD ARGS...]
 * Parses the options shared by every mode and dispatches. The protocol is
 * documented in docs/helper-protocol.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "init.h"
#include "modes.h"
#include "sealed.h"
#include "util.h"

static const struct {
  const char *name;
  int (*fn)(const struct ns_config *, int, char **);
} modes[] = {
    {"unshare", mode_unshare},
    {"fixup", mode_fixup},
    {"unpack", mode_unpack},
    {"rmtree", mode_rmtree},
    {"probe-overlay", mode_probe_overlay},
    {"run", mode_run},
    {"vfs-apply", mode_vfs_apply},
    {"fs", mode_fs},
    {"mount-rootfs", mode_mount_rootfs},
    {"umount-rootfs", mode_umount_rootfs},
    {"exec", mode_exec},
    {"netns-hold", mode_netns_hold},
    {"port-bind", mode_port_bind},
    {"dns-serve", mode_dns_serve},
    {"port-forward", mode_port_forward},
};

static const char usage[] =
    "usage: " HELPER_NAME " [--uid-map C:H:N]... [--gid-map C:H:N]... [--newuidmap PATH] [--newgidmap PATH]\n"
    "                      [--error-fd N] MODE [MODE OPTIONS] [-- CMD ARGS...]\n"
    "modes: unshare, fixup ROOT, unpack [--devices] ROOT, rmtree PATH..., probe-overlay DIR, run [RUN OPTIONS] -- CMD ARGS...,\n"
    "       vfs-apply DEST LAYER..., exec --pid PID --pid-start-time T [EXEC OPTIONS] -- CMD ARGS...,\n"
    "       fs ROOT-OPTIONS (requests on stdin), mount-rootfs TARGET OVERLAY-OPTIONS, umount-rootfs TARGET,\n"
    "       netns-hold --busy FILE --idle SECONDS, port-bind [--tcp|--udp ADDR PORT]... -- CMD ARGS...,\n"
    "       dns-serve --records FILE --holder PID:START [--pids DIR], port-forward --veth NAME [--watch FILE] SPEC...\n";

/* Accept `--name VALUE` and `--name=VALUE`. Advances *i past the value. */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (a[n] != '\0') return NULL;
  if (*i + 1 >= argc) die("option %s needs a value", name);
  return argv[++*i];
}

static void add_map(struct id_map *maps, size_t *n, const char *opt, const char *v) {
  if (*n >= MAX_ID_MAPS) die("too many %s options (at most %d)", opt, MAX_ID_MAPS);
  if (!parse_id_map(v, &maps[*n])) die("invalid %s %s: want CONTAINER:HOST:COUNT", opt, v);
  (*n)++;
}

int main(int argc, char **argv) {
  /* --init's PID 1, re-executed from our sealed copy inside the container. */
  if (is_init_argv(argc, argv)) init_main(argc, argv);
  /* No container may ever reach our binary's file through /proc/<pid>/exe. */
  reexec_sealed(argv);
  /* Nothing we open may reach the payload, even fds our caller leaked to us. */
  cloexec_from(3);

  /* Deep trees (rmtree) hold one fd per level. */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
  }

  static struct ns_config ns = {.newuidmap = "/usr/bin/newuidmap", .newgidmap = "/usr/bin/newgidmap"};
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i++) {
    const char *v;
    if ((v = opt_value(argc, argv, &i, "--uid-map")))
      add_map(ns.uid, &ns.n_uid, "--uid-map", v);
    else if ((v = opt_value(argc, argv, &i, "--gid-map")))
      add_map(ns.gid, &ns.n_gid, "--gid-map", v);
    else if ((v = opt_value(argc, argv, &i, "--newuidmap")))
      ns.newuidmap = v;
    else if ((v = opt_value(argc, argv, &i, "--newgidmap")))
      ns.newgidmap = v;
    else if ((v = opt_value(argc, argv, &i, "--error-fd"))) {
      unsigned long long fd;
      if (!parse_uint(v, 10, 1u << 20, &fd) || fcntl((int)fd, F_GETFD) < 0) die("invalid --error-fd %s", v);
      set_error_fd((int)fd);
    } else if (strcmp(argv[i], "--help") == 0) {
      (void)write_all(1, usage, sizeof usage - 1);
      return 0;
    } else
      die("unknown option %s", argv[i]);
  }
  if ((ns.n_uid > 0) != (ns.n_gid > 0)) die("--uid-map and --gid-map must be given together");
  if (i >= argc) die("missing MODE (unshare, fixup, unpack, rmtree, probe-overlay, run, vfs-apply, exec, fs, mount-rootfs, umount-rootfs, netns-hold)");

  const char *mode = argv[i];
  for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
    if (strcmp(mode, modes[m].name) == 0) return modes[m].fn(&ns, argc - i - 1, argv + i + 1);
  die("unknown mode %s", mode);
}
