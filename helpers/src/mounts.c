/* /proc, /dev and /sys of a container, mounted beneath the new root before
 * pivot_root. Targets are opened with RESOLVE_IN_ROOT and mounted through
 * /proc/self/fd/N, so a symlink in the image (say /dev -> /home) can never
 * put a mount outside the rootfs. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "devices.h"
#include "options.h"
#include "rootfs.h"
#include "util.h"
#include "volumes.h"

/* Host devices bound into the container's /dev (podman's default set). */
static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};

static const struct {
  const char *name, *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},   {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

/* Make a missing directory `name` in dirfd and open it. In the image (top
 * level) symlinks resolve inside the root; in our own tmpfs (/dev) there are
 * none but ours, and we never follow them. */
static int dir_at(int dirfd, const char *name, mode_t mode, bool in_image, const char *shown) {
  if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST) die_errno("mkdir %s in rootfs", shown);
  int fd = in_image ? open_in_root(dirfd, name, O_PATH | O_DIRECTORY)
                    : openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die_errno("open %s in rootfs", shown);
  return fd;
}

static void mount_at(const char *src, int targetfd, const char *shown, const char *type, unsigned long flags,
                     const char *data) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", targetfd);
  if (mount(src, path, type, flags, data) < 0) die_errno("mount %s on %s", type ? type : src, shown);
}

static void mount_fs(int dirfd, const char *name, bool in_image, const char *shown, mode_t mode, const char *type,
                     unsigned long flags, const char *data) {
  int fd = dir_at(dirfd, name, mode, in_image, shown);
  mount_at(type, fd, shown, type, flags, data);
  close(fd);
}

static void bind_device(int devfd, const char *name) {
  char *shown = xasprintf("/dev/%s", name);
  int fd = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) die_errno("create %s", shown);
  close(fd);
  fd = openat(devfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die_errno("open %s", shown);
  /* The host path: we have not left the host's root yet. */
  mount_at(shown, fd, shown, NULL, MS_BIND, NULL);
  close(fd);
  free(shown);
}

void make_readonly(int rootfd, const char *rel, bool recursive) {
  int fd = open_in_root(rootfd, *rel ? rel : ".", O_PATH);
  if (fd < 0) die_errno("open /%s", rel);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
  if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
    if (errno != ENOSYS) die_errno("make /%s read-only", rel);
    /* Before 5.12: the top mount only, keeping the flags the kernel locked. */
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0) die_errno("statvfs /%s", rel);
    unsigned long keep = sv.f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0) die_errno("make /%s read-only", rel);
  }
  close(fd);
}

int mkdirs_in_root(int rootfd, const char *rel, const char *shown) {
  char *p = xstrdup(rel);
  for (char *s = p;; s++) {
    if (*s != '/' && *s) continue;
    char saved = *s;
    *s = '\0';
    if (*p) {
      char *slash = strrchr(p, '/');
      int parent = rootfd;
      if (slash) {
        *slash = '\0';
        parent = open_in_root(rootfd, p, O_PATH | O_DIRECTORY);
        if (parent < 0) die_errno("open the parent of %s", shown);
      }
      if (mkdirat(parent, slash ? slash + 1 : p, 0755) < 0 && errno != EEXIST) die_errno("mkdir %s", shown);
      if (slash) {
        close(parent);
        *slash = '/';
      }
    }
    if (!saved) break;
    *s = saved;
  }
  int fd = open_in_root(rootfd, rel, O_PATH | O_DIRECTORY);
  if (fd < 0) die_errno("open %s", shown);
  free(p);
  return fd;
}

/* /etc/<name> of the root as an O_PATH fd, created empty if missing (a mount point for bind_etc_file). */
static int etc_target(int rootfd, const char *name) {
  char *rel = xasprintf("etc/%s", name), *shown = xasprintf("/etc/%s", name);
  int etc = mkdirs_in_root(rootfd, "etc", "/etc");
  int fd = open_in_root(rootfd, rel, O_PATH);
  if (fd < 0 && errno == ENOENT) {
    int c = openat(etc, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (c < 0) die_errno("create %s in rootfs", shown);
    close(c);
    fd = open_in_root(rootfd, rel, O_PATH);
  }
  if (fd < 0) die_errno("open %s in rootfs", shown);
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("stat %s", shown);
  if (S_ISDIR(st.st_mode)) die("bind on %s: the image has a directory there", shown);
  close(etc);
  free(rel);
  free(shown);
  return fd;
}

/* Bind the file open as srcfd on /etc/<name> of the root, at the target etc_target() made. */
static void bind_etc_file(int rootfd, const char *name, int srcfd) {
  char src[64], shown[64];
  snprintf(src, sizeof src, "/proc/self/fd/%d", srcfd);
  snprintf(shown, sizeof shown, "/etc/%s", name);
  int fd = etc_target(rootfd, name);
  mount_at(src, fd, shown, NULL, MS_BIND, NULL);
  close(fd);
}

static int open_etc_source(const char *path) {
  if (!path) return -1;
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) die_errno("open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0) die_errno("stat %s", path);
  if (!S_ISREG(st.st_mode)) die("%s is not a regular file", path);
  return fd;
}

void extra_mounts_open(struct extra_mounts *m) {
  m->hosts = open_etc_source(m->hosts_path);
  m->resolv_conf = open_etc_source(m->resolv_conf_path);
  m->hostname = open_etc_source(m->hostname_path);
  volume_mounts_open(&m->volumes);
}

bool extra_mounts_option(int argc, char **argv, int *i, struct extra_mounts *m) {
  const char *v;
  if ((v = option_value(argc, argv, i, "--etc-hosts")))
    m->hosts_path = v;
  else if ((v = option_value(argc, argv, i, "--etc-resolv-conf")))
    m->resolv_conf_path = v;
  else if ((v = option_value(argc, argv, i, "--etc-hostname")))
    m->hostname_path = v;
  else if (volume_mounts_option(argc, argv, i, &m->volumes))
    ;
  else if (!strcmp(argv[*i], "--etc-mtab"))
    m->etc_mtab = true;
  else if (!strcmp(argv[*i], "--read-only"))
    m->read_only = true;
  else if (!strcmp(argv[*i], "--host-devices"))
    m->host_devices = true;
  else
    return false;
  return true;
}

/* As podman 4.3 at every mount of a container's root: `mount` inside works; a file of the image stays. */
static void make_etc_mtab(int rootfd) {
  int etc = mkdirs_in_root(rootfd, "etc", "/etc");
  int dir = openat(etc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) die_errno("open /etc in rootfs");
  if (symlinkat("/proc/mounts", dir, "mtab") < 0 && errno != EEXIST) die_errno("create /etc/mtab in rootfs");
  close(dir);
  close(etc);
}

void mount_extra(int rootfd, const struct extra_mounts *m) {
  if (m->host_devices) bind_host_devices(rootfd);
  /* In the root's own /etc, before a volume covers it (whose copy-up then takes it, as podman's). */
  if (m->etc_mtab) make_etc_mtab(rootfd);
  mount_volumes(rootfd, &m->volumes, VOLUMES_TOP_LEVEL);
  /* The mount points on a read-only volume over /etc, made before it becomes read-only (as crun leaves them there). */
  if (m->hosts >= 0) close(etc_target(rootfd, "hosts"));
  if (m->resolv_conf >= 0) close(etc_target(rootfd, "resolv.conf"));
  if (m->hostname >= 0) close(etc_target(rootfd, "hostname"));
  seal_volumes(rootfd, &m->volumes);
  if (m->hosts >= 0) bind_etc_file(rootfd, "hosts", m->hosts);
  if (m->resolv_conf >= 0) bind_etc_file(rootfd, "resolv.conf", m->resolv_conf);
  if (m->hostname >= 0) bind_etc_file(rootfd, "hostname", m->hostname);
  /* After the /etc files: a user's -v on /etc/hosts wins, as in podman. */
  mount_volumes(rootfd, &m->volumes, VOLUMES_DEEPER);
  /* Last: every mount point above had to be created in the root first. */
  if (m->read_only) make_readonly(rootfd, "", false);
}

/* /dev/shm: another container's (shared, podman's --ipc container: and pods),
 * the host's for its IPC namespace, none for --ipc none, else our own tmpfs. */
static void mount_dev_shm(int devfd, const struct kernel_fs_opts *k) {
  if (k->no_shm) return;
  if (k->shm_tree >= 0) {
    int fd = dir_at(devfd, "shm", 01777, false, "/dev/shm");
    if (move_mount(k->shm_tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      die_errno("mount the shared /dev/shm");
    close(fd);
    return;
  }
  if (k->host_ipc) {
    /* The host's IPC namespace: its POSIX shared memory too, as podman binds it (none on the host: a tmpfs). */
    struct stat st;
    bool host_shm = stat("/dev/shm", &st) == 0;
    if (!host_shm && errno != ENOENT) die_errno("stat /dev/shm");
    if (host_shm && S_ISDIR(st.st_mode)) {
      int fd = dir_at(devfd, "shm", 01777, false, "/dev/shm");
      mount_at("/dev/shm", fd, "/dev/shm", NULL, MS_BIND | MS_REC, NULL);
      close(fd);
      /* podman's options for it: nosuid, nodev, noexec (adding flags is allowed on a mount we did not make). */
      fd = openat(devfd, "shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) die_errno("open /dev/shm");
      struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
      if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0 && errno != ENOSYS) die_errno("make /dev/shm nosuid,nodev,noexec");
      close(fd);
      return;
    }
  }
  char *shm = xasprintf("mode=1777,size=%s", k->shm_size ? k->shm_size : "65536k");
  mount_fs(devfd, "shm", false, "/dev/shm", 01777, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm);
  free(shm);
}

void mount_container_filesystems(int rootfd, const struct kernel_fs_opts *k) {
  if (k->host_pid) {
    /* The host's pid namespace: a user namespace may not mount its procfs, so bind ours (crun does the same). */
    int proc = dir_at(rootfd, "proc", 0555, true, "/proc");
    mount_at("/proc", proc, "/proc", NULL, MS_BIND | MS_REC, NULL);
    close(proc);
  } else {
    mount_fs(rootfd, "proc", true, "/proc", 0555, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  }

  mount_fs(rootfd, "dev", true, "/dev", 0755, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
  int devfd = open_in_root(rootfd, "dev", O_PATH | O_DIRECTORY);
  if (devfd < 0) die_errno("open /dev in rootfs");
  for (size_t i = 0; i < sizeof devices / sizeof *devices; i++) bind_device(devfd, devices[i]);
  for (size_t i = 0; i < sizeof dev_links / sizeof *dev_links; i++)
    if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0) die_errno("symlink /dev/%s", dev_links[i].name);

  /* gid=5 (tty) only exists when the user namespace maps it. */
  int pts = dir_at(devfd, "pts", 0755, false, "/dev/pts");
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", pts);
  unsigned long pts_flags = MS_NOSUID | MS_NOEXEC;
  if (mount("devpts", path, "devpts", pts_flags, "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 &&
      mount("devpts", path, "devpts", pts_flags, "newinstance,ptmxmode=0666,mode=0620") < 0)
    die_errno("mount devpts on /dev/pts");
  close(pts);

  mount_dev_shm(devfd, k);
  struct stat mqst;
  bool host_mq = false;
  if (k->host_ipc) {
    if (stat("/dev/mqueue", &mqst) == 0) host_mq = true;
    else if (errno != ENOENT) die_errno("stat /dev/mqueue");
  }
  if (k->host_ipc && !host_mq) {
    /* The host's IPC namespace without a /dev/mqueue of its own: none here either. */
  } else if (k->host_ipc) {
    /* The host's IPC namespace: its mqueue filesystem is not ours to mount; bind the host's. */
    int mq = dir_at(devfd, "mqueue", 0755, false, "/dev/mqueue");
    mount_at("/dev/mqueue", mq, "/dev/mqueue", NULL, MS_BIND | MS_REC, NULL);
    close(mq);
  } else {
    mount_fs(devfd, "mqueue", false, "/dev/mqueue", 0755, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  }
  close(devfd);

  /* A user namespace may not mount sysfs for the host's network namespace: bind it read-only. */
  int sys = dir_at(rootfd, "sys", 0555, true, "/sys");
  mount_at("/sys", sys, "/sys", NULL, MS_BIND | MS_REC, NULL);
  close(sys);
  make_readonly(rootfd, "sys", true);
}
