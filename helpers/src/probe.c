/* Mode `probe-overlay SCRATCHDIR`: can this kernel + filesystem give us a
 * native overlay mount inside a user namespace (`userxattr`, Linux >= 5.11)?
 * Answers on stdout: `ok` (exit 0) or the reason (exit 1). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modes.h"
#include "rmtree.h"
#include "util.h"

static const char *const subdirs[] = {"lower", "upper", "work", "merged"};

static int answer(int code, const char *fmt, const char *arg, int err) {
  char line[1024];
  int n = snprintf(line, sizeof line, fmt, arg);
  if (err) n += snprintf(line + n, sizeof line - (size_t)n, ": %s", strerror(err));
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  (void)write_all(1, line, (size_t)n);
  return code;
}

static int probe_payload(void *arg) {
  const char *dir = arg;
  char *p[4];
  for (int i = 0; i < 4; i++) {
    p[i] = xasprintf("%s/%s", dir, subdirs[i]);
    remove_tree(p[i]); /* leftovers of an interrupted probe */
    if (mkdir(p[i], 0700) < 0) die_errno("mkdir %s", p[i]);
  }
  char *marker = xasprintf("%s/probe", p[0]);
  int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) die_errno("create %s", marker);
  close(fd);

  char *opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", p[0], p[1], p[2]);
  int code;
  if (mount("overlay", p[3], "overlay", 0, opts) < 0) {
    code = answer(1, "mount overlay with userxattr on %s", p[3], errno);
  } else {
    /* Copy-up is where a half-working overlay fails: write through the mount. */
    char *merged_file = xasprintf("%s/probe", p[3]);
    fd = open(merged_file, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 || write(fd, "x", 1) != 1)
      code = answer(1, "write through overlay %s", merged_file, errno);
    else
      code = answer(0, "ok", NULL, 0);
    if (fd >= 0) close(fd);
    if (umount2(p[3], MNT_DETACH) < 0) die_errno("umount %s", p[3]);
  }
  for (int i = 0; i < 4; i++) remove_tree(p[i]);
  return code;
}

int mode_probe_overlay(const struct ns_config *ns, int argc, char **argv) {
  if (argc != 1) die("usage: probe-overlay SCRATCHDIR");
  struct child_setup setup = {.clone_flags = CLONE_NEWNS};
  return run_in_namespaces(ns, &setup, probe_payload, argv[0]);
}
