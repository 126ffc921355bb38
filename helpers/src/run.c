/* Mode `run`: a container. The cloned child is PID 1 of a new pid namespace
 * (and owns new user, mount, uts, ipc and optionally net namespaces); it
 * mounts the rootfs and kernel filesystems, pivots into the rootfs and execs
 * CMD. The helper's parent stays outside as the waiter.
 * Security (paths, caps, ids, seccomp): security.c; /etc files, tmpfs and a
 * read-only root: mount_extra() in mounts.c (see docs/helper-protocol.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "hooks.h"
#include "modes.h"
#include "monitor.h"
#include "mounts.h"
#include "network.h"
#include "ns-join.h"
#include "process-opts.h"
#include "rootfs.h"
#include "security.h"
#include "shm-join.h"
#include "util.h"

struct run_opts {
  struct rootfs_spec rootfs;
  const char *hostname, *domainname, *cwd;
  bool cwd_must_exist;     /* --cwd-must-exist: a --workdir (podman creates only the image's WORKDIR) */
  bool userns_nested;      /* --userns-nested: the maps are the bridge holder's ids (userns.h) */
  const char *id; /* --container-id: named in errors, as podman does */
  int preserve_base, preserve_n; /* --preserve-fds BASE:N: our fds BASE.. become the container's 3.. */
  bool has_user;
  uid_t uid;
  gid_t gid;
  char **env;
  size_t n_env;
  struct net_opts net;     /* network.c: --net and the network program */
  struct ns_joins joins;   /* ns-join.c: --ns-join pid|ipc|uts|cgroup|user=... */
  struct child_setup setup;
  struct extra_mounts extra;
  struct security_opts sec;
  char **cmd;
  mode_t umask;            /* --umask (default 022, podman's) */
  bool host_pid, host_ipc, host_uts; /* --pidns/--ipcns/--utsns host: the helper's own, not new ones */
  bool cgroupns;           /* --cgroupns private: a cgroup namespace of its own */
  bool no_shm;             /* --no-shm: no /dev/shm (podman's --ipc none) */
  struct shm_join shm;     /* shm-join.c: --shm-join container:PID:STARTTIME */
  struct process_opts proc; /* process-opts.c: --rlimit, --personality, --sysctl, --shm-size */
  bool has_oom_score_adj;  /* --oom-score-adj N */
  int oom_score_adj;
  struct monitor_opts mon; /* monitor.c: stdio, logs, attach, restart, detach */
  struct oci_hooks hooks;  /* hooks.c: --hook, --hook-state-head/-tail, --hook-cwd */
  struct container_io io;  /* filled in by the monitor before each start */
};

/* mkdir -p for the working directory (podman creates a missing WorkingDir). */
static void make_dirs(const char *path) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0755) < 0 && errno != EEXIST) die_errno("mkdir %s", p);
    *s = '/';
  }
  if (mkdir(p, 0755) < 0 && errno != EEXIST) die_errno("mkdir %s", p);
  free(p);
}

static const char *env_path(char **env) {
  for (char **e = env; *e; e++)
    if (!strncmp(*e, "PATH=", 5)) return *e + 5;
  return DEFAULT_PATH;
}

/* --oom-score-adj: as runc/crun, written before the ids change; lowering it needs CAP_SYS_RESOURCE on the host. */
static void write_oom_score_adj(int v) {
  int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) die_errno("open /proc/self/oom_score_adj");
  char buf[16];
  int n = snprintf(buf, sizeof buf, "%d", v);
  if (write(fd, buf, (size_t)n) != n) die_code(EXIT_CANNOT_INVOKE, "write to /proc/self/oom_score_adj: %s", strerror(errno));
  close(fd);
}

/* Our pid as the monitor sees it (the host's /proc is still mounted here): the state's pid for startContainer. */
static pid_t outer_pid(void) {
  char buf[32];
  ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
  if (n <= 0) return 0;
  buf[n] = '\0';
  return (pid_t)atoi(buf);
}

/* createContainer and startContainer: in the container, as its root; a failure stops the start. */
static void run_container_hooks(struct run_opts *o, enum hook_stage s, pid_t pid) {
  char err[1024];
  if (!hooks_run(&o->hooks, s, "created", pid, err, sizeof err)) die_code(EXIT_CANNOT_INVOKE, "%s", err);
}

static int run_payload(void *arg) {
  struct run_opts *o = arg;
  pid_t hook_pid = o->hooks.n ? outer_pid() : 0;
  /* Then: it enters another mount namespace and back, before anything is mounted here. */
  int shm_tree = shm_join_take(&o->shm);
  container_io_join_cgroup(&o->io);
  if (o->hostname && !o->host_uts && sethostname(o->hostname, strlen(o->hostname)) < 0) die_errno("sethostname %s", o->hostname);
  if (o->domainname && setdomainname(o->domainname, strlen(o->domainname)) < 0) die_errno("setdomainname %s", o->domainname);
  net_child_enter(&o->net);

  /* In the child, not the monitor: the compiled filter (~800 KB of heap)
   * must not stay in a long-lived monitor; and before the overlay covers
   * the container dir, where the rules file lives. */
  security_prepare(&o->sec);
  extra_mounts_open(&o->extra); /* before the overlay covers the container dir */
  int rootfd = mount_rootfs(&o->rootfs);
  struct kernel_fs_opts kfs = {
      .shm_size = o->proc.shm_size, .host_pid = o->host_pid, .host_ipc = o->host_ipc, .no_shm = o->no_shm, .shm_tree = shm_tree};
  mount_container_filesystems(rootfd, &kfs);
  if (shm_tree >= 0) close(shm_tree);
  mount_extra(rootfd, &o->extra);
  hooks_child_wait(&o->hooks);
  /* pid 0, as crun gives it at this stage. */
  run_container_hooks(o, HOOK_CREATE_CONTAINER, 0);
  enter_rootfs(rootfd);
  process_apply_sysctls(&o->proc);

  const char *cwd = o->cwd ? o->cwd : "/";
  if (chdir(cwd) < 0) {
    /* podman's words and its 126 for a working directory that is a file. */
    if (errno == ENOTDIR) die_code(EXIT_CANNOT_INVOKE, "workdir \"%s\" exists on container %s, but is not a directory", cwd, o->id ? o->id : "");
    if (errno != ENOENT) die_errno("chdir %s", cwd);
    if (o->cwd_must_exist) die_code(EXIT_CANNOT_INVOKE, "workdir \"%s\" does not exist on container %s", cwd, o->id ? o->id : "");
    make_dirs(cwd);
    /* As podman: the directory it made belongs to the container's user. */
    if (o->has_user && lchown(cwd, o->uid, o->gid) < 0) die_errno("chown %s to %u:%u", cwd, (unsigned)o->uid, (unsigned)o->gid);
    if (chdir(cwd) < 0) die_errno("chdir %s", cwd);
  }
  /* Not before the network is up: CMD may use it at once. */
  net_child_wait(&o->net);
  run_container_hooks(o, HOOK_START_CONTAINER, hook_pid);
  /* Still root here: the pty slave can be given to --user. */
  container_io_setup(&o->io, o->has_user ? o->uid : 0);

  if (o->has_oom_score_adj) write_oom_score_adj(o->oom_score_adj);
  process_apply(&o->proc);
  if (o->preserve_n) exec_preserve_fds(o->preserve_base, o->preserve_n);
  security_apply(&o->sec, o->has_user, o->uid, o->gid);
  umask(o->umask); /* podman's default 022 unless --umask, whatever ours was */
  container_exec(&o->io, o->cmd, o->env, env_path(o->env));
}

static void parse_user(struct run_opts *o, const char *v) {
  char *s = xstrdup(v), *colon = strchr(s, ':');
  unsigned long long uid, gid;
  if (!colon) die("invalid --user %s: want UID:GID", v);
  *colon = '\0';
  if (!parse_uint(s, 10, 0xfffffffeULL, &uid) || !parse_uint(colon + 1, 10, 0xfffffffeULL, &gid))
    die("invalid --user %s: want UID:GID", v);
  o->has_user = true;
  o->uid = (uid_t)uid;
  o->gid = (gid_t)gid;
  free(s);
}

/* D1:D2:... top-most first; `\:` and `\\` stand for `:` and `\` in a path. */
static void parse_lower(struct rootfs_spec *r, const char *v) {
  char *buf = xmalloc(strlen(v) + 1), *out = buf, *start = buf;
  r->lower = xmalloc(sizeof(char *) * (strlen(v) / 2 + 2));
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
    if (!*start) die("run: empty directory in --lower %s", v);
    r->lower[r->n_lower++] = start;
    start = out;
    if (!*p) break;
  }
}

/* `--name VALUE` or `--name=VALUE` */
static const char *value_of(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n)) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n]) return NULL;
  if (*i + 1 >= argc) die("run: option %s needs a value", name);
  return argv[++*i];
}

/* In the process that stays outside as the waiter (the monitor), before each start. */
static void run_prepare(void *arg) {
  struct run_opts *o = arg;
  ns_join_release(&o->joins, &o->setup);
  net_prepare(&o->net, &o->setup);
  ns_join_prepare(&o->joins, &o->setup);
  shm_join_prepare(&o->shm);
  rootfs_prepare(&o->rootfs);
}

int mode_run(const struct ns_config *ns, int argc, char **argv) {
  static struct run_opts o;
  o.env = xmalloc(sizeof(char *) * (size_t)(argc + 1));
  o.umask = 022;
  monitor_defaults(&o.mon);
  hooks_defaults(&o.hooks);
  o.mon.hooks = &o.hooks;
  net_defaults(&o.net);
  int i = 0;
  for (; i < argc && strcmp(argv[i], "--"); i++) {
    const char *v;
    if (monitor_option(&o.mon, argc, argv, &i))
      continue;
    if ((v = value_of(argc, argv, &i, "--rootfs")))
      o.rootfs.dir = v;
    else if ((v = value_of(argc, argv, &i, "--lower"))) {
      parse_lower(&o.rootfs, v);
    } else if ((v = value_of(argc, argv, &i, "--upper")))
      o.rootfs.upper = v;
    else if ((v = value_of(argc, argv, &i, "--work")))
      o.rootfs.work = v;
    else if ((v = value_of(argc, argv, &i, "--mount-program"))) {
      if (v[0] != '/') die("run: --mount-program %s is not absolute", v);
      o.rootfs.mount_program = v;
    } else if ((v = value_of(argc, argv, &i, "--mount-program-idmap"))) {
      if (strspn(v, "0123456789:,=uidgmapn") != strlen(v)) die("run: invalid --mount-program-idmap %s", v);
      o.rootfs.id_mapping = v;
    } else if (!strcmp(argv[i], "--legacy-mount"))
      o.rootfs.legacy_mount = true;
    else if ((v = value_of(argc, argv, &i, "--hostname")))
      o.hostname = v;
    else if ((v = value_of(argc, argv, &i, "--domainname")))
      o.domainname = v;
    else if ((v = value_of(argc, argv, &i, "--container-id")))
      o.id = v;
    else if ((v = value_of(argc, argv, &i, "--preserve-fds")))
      parse_preserve_fds(v, &o.preserve_base, &o.preserve_n);
    else if (!strcmp(argv[i], "--pidns=host"))
      o.host_pid = true;
    else if (!strcmp(argv[i], "--ipcns=host"))
      o.host_ipc = true;
    else if (!strcmp(argv[i], "--utsns=host"))
      o.host_uts = true;
    else if (!strcmp(argv[i], "--cgroupns=private"))
      o.cgroupns = true;
    else if (!strcmp(argv[i], "--cwd-must-exist"))
      o.cwd_must_exist = true;
    else if (!strcmp(argv[i], "--userns-nested"))
      o.userns_nested = true;
    else if (!strcmp(argv[i], "--no-shm"))
      o.no_shm = true;
    else if (shm_join_option(&o.shm, argc, argv, &i))
      continue;
    else if ((v = value_of(argc, argv, &i, "--umask"))) {
      unsigned long long m;
      if (!parse_uint(v, 8, 07777, &m)) die("run: invalid --umask %s: want octal", v);
      o.umask = (mode_t)m;
    } else if ((v = value_of(argc, argv, &i, "--oom-score-adj"))) {
      char *end;
      errno = 0;
      long n = strtol(v, &end, 10);
      if (errno || *end || end == v || n < -1000 || n > 1000) die("run: invalid --oom-score-adj %s", v);
      o.has_oom_score_adj = true;
      o.oom_score_adj = (int)n;
    }
    else if ((v = value_of(argc, argv, &i, "--cwd"))) {
      if (v[0] != '/') die("run: --cwd %s is not absolute", v);
      o.cwd = v;
    } else if ((v = value_of(argc, argv, &i, "--user")))
      parse_user(&o, v);
    else if ((v = value_of(argc, argv, &i, "--env"))) {
      if (!strchr(v, '=') || v[0] == '=') die("run: invalid --env %s: want KEY=VALUE", v);
      o.env[o.n_env++] = (char *)v;
    } else if (process_option(argc, argv, &i, &o.proc)) {
      continue;
    } else if (net_option(&o.net, argc, argv, &i)) {
      continue;
    } else if (ns_join_option(&o.joins, argc, argv, &i)) {
      continue;
    } else if (hooks_option(&o.hooks, argc, argv, &i)) {
      continue;
    } else if (!extra_mounts_option(argc, argv, &i, &o.extra) && !security_option(argc, argv, &i, &o.sec))
      die("run: unknown option %s", argv[i]);
  }
  o.env[o.n_env] = NULL;
  if (o.mon.pause) {
    /* A pod's infra: nothing is exec'd. */
    if (i < argc - 1) die("run: --pause takes no CMD");
    o.cmd = argv + argc;
  } else {
    if (i >= argc - 1) die("run: missing -- CMD ARGS");
    o.cmd = argv + i + 1;
  }

  bool overlay = o.rootfs.n_lower || o.rootfs.upper || o.rootfs.work;
  if (!!o.rootfs.dir == overlay) die("run: give either --rootfs DIR or --lower, --upper and --work");
  if (overlay && (!o.rootfs.n_lower || !o.rootfs.upper || !o.rootfs.work))
    die("run: overlay needs --lower, --upper and --work");
  if (o.preserve_n && o.mon.init) die("run: --preserve-fds and --init cannot be used together");
  if ((o.rootfs.mount_program || o.rootfs.legacy_mount) && !overlay) die("run: --mount-program and --legacy-mount need an overlay");
  if (o.rootfs.mount_program && o.rootfs.legacy_mount) die("run: --legacy-mount is for native overlay, not with --mount-program");
  if (o.rootfs.id_mapping && !o.rootfs.mount_program) die("run: --mount-program-idmap needs --mount-program");

  o.net.runtime_dir = o.mon.runtime_dir;
  net_check(&o.net);
  o.setup = (struct child_setup){
      .clone_flags = ((CLONE_NEWNS | (o.host_pid ? 0 : CLONE_NEWPID) | (o.host_uts ? 0 : CLONE_NEWUTS) | (o.host_ipc ? 0 : CLONE_NEWIPC) |
                       (o.cgroupns ? CLONE_NEWCGROUP : 0)) &
                      ~net_joined_flags(&o.net) & ~ns_join_flags(&o.joins)) |
                     net_clone_flags(&o.net),
      .join_user_fd = -1,
      .join_net_fd = -1,
      .join_ipc_fd = -1,
      .join_uts_fd = -1,
      .join_pid_fd = -1,
  };
  if (o.userns_nested && (o.net.mode != NET_BRIDGE || !ns_wants_userns(ns))) die("run: --userns-nested needs --net bridge:PID:STARTTIME and --uid-map");
  o.setup.nested_userns = o.userns_nested;
  if (o.hostname && (net_joined_flags(&o.net) & CLONE_NEWUTS)) die("run: --hostname with --net-join uts: the hostname is the joined container's");
  if (o.hostname && (ns_join_flags(&o.joins) & CLONE_NEWUTS)) die("run: --hostname with --ns-join uts: the hostname is the joined namespace's");
  /* The domain name is the UTS namespace's, as the hostname: only in one of the container's own. */
  if (o.domainname && (o.host_uts || ((net_joined_flags(&o.net) | ns_join_flags(&o.joins)) & CLONE_NEWUTS))) die("run: --domainname needs the container's own UTS namespace");
  if (net_joined_flags(&o.net) & ns_join_flags(&o.joins)) die("run: a namespace is joined by both --net-join and --ns-join");
  if (ns_join_any(&o.joins) && ns_wants_userns(ns)) die("run: --ns-join with --uid-map: the container lives in the joined namespaces' user namespace");
  if ((ns_join_flags(&o.joins) & CLONE_NEWPID) && o.host_pid) die("run: --pidns=host with --ns-join pid");
  if ((ns_join_flags(&o.joins) & CLONE_NEWIPC) && o.host_ipc) die("run: --ipcns=host with --ns-join ipc");
  if ((ns_join_flags(&o.joins) & CLONE_NEWUTS) && o.host_uts) die("run: --utsns=host with --ns-join uts");
  if ((ns_join_flags(&o.joins) & CLONE_NEWCGROUP) && o.cgroupns) die("run: --cgroupns=private with --ns-join cgroup");
  if (o.shm.set && (o.no_shm || o.host_ipc)) die("run: --shm-join with --no-shm or --ipcns=host");
  if (o.no_shm && o.host_ipc) die("run: --no-shm with --ipcns=host");
  if (o.mon.enabled) return monitor_run(ns, &o.setup, &o.mon, &o.io, run_prepare, run_payload, &o);
  run_prepare(&o);
  return run_in_namespaces(ns, &o.setup, run_payload, &o);
}
