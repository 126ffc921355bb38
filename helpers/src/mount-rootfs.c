/* Modes `mount-rootfs TARGET OVERLAY-OPTIONS` and `umount-rootfs TARGET`:
 * `tsc-run mount`/`unmount` inside `tsc-run unshare`. Unlike every other
 * mode they create no namespace: the mount is made in the caller's own
 * mount namespace (the unshare session's), where it stays after we exit,
 * as `podman mount` does inside `podman unshare`. Native overlay only: a
 * FUSE overlay needs its server to outlive us, which Node starts itself. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "modes.h"
#include "rootfs-args.h"
#include "util.h"

int mode_mount_rootfs(const struct ns_config *ns, int argc, char **argv) {
  static struct rootfs_spec spec;
  if (ns_wants_userns(ns)) die("mount-rootfs: mounts in the current namespaces; give no --uid-map/--gid-map");
  if (argc < 1 || argv[0][0] != '/') die("usage: mount-rootfs TARGET --lower L1:L2... --upper U --work W [--legacy-mount] [--read-only]");
  bool read_only = false;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--read-only"))
      read_only = true;
    else if (!rootfs_args_option(&spec, argc, argv, &i, "mount-rootfs"))
      die("mount-rootfs: unknown option %s", argv[i]);
  }
  if (!rootfs_args_overlay(&spec, "mount-rootfs")) die("mount-rootfs: an overlay needs --lower, --upper and --work");
  if (spec.mount_program) die("mount-rootfs: --mount-program is not supported here (run the program itself)");
  spec.target = argv[0];
  int fd = mount_rootfs(&spec);
  close(fd);
  /* `image mount`: the image's layers are not to be changed through it. */
  if (read_only && mount(NULL, spec.target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
    int err = errno;
    (void)umount2(spec.target, MNT_DETACH); /* best effort: the remount failure is what we report */
    errno = err;
    die_errno("remount %s read-only", spec.target);
  }
  return 0;
}

int mode_umount_rootfs(const struct ns_config *ns, int argc, char **argv) {
  if (ns_wants_userns(ns)) die("umount-rootfs: unmounts in the current namespaces; give no --uid-map/--gid-map");
  if (argc != 1 || argv[0][0] != '/') die("usage: umount-rootfs TARGET");
  if (umount2(argv[0], UMOUNT_NOFOLLOW) < 0) die_errno("unmount %s", argv[0]);
  return 0;
}
