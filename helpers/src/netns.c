/* Fresh network namespaces: lo up (--net none), and mode `netns-hold`, the
 * rootless network namespace holder of bridge networks (docs/networking.md):
 *
 *   tsc-run-helper --uid-map ... --gid-map ... netns-hold --busy FILE --idle SECONDS
 *       --pasta PATH [--pasta-arg ARG]... --pasta-pid FILE [--userns-of PID:START]
 *
 * A child in a new user (mapped as containers are) and net namespace, with
 * lo up, that only waits. The waiter outside starts pasta against it (our
 * child, PDEATHSIG: it never outlives the namespace's holder), waits until
 * pasta wrote its pid file (it is configured then), and prints the child's
 * pid on stdout (then closes stdout), so Node can wire bridges and
 * containers into it. The child exits once no container veth (`tsv*`) has
 * been in it and FILE has not been touched for SECONDS: Node touches FILE
 * before it uses the holder. Then the waiter exits and pasta with it.
 *
 * --userns-of: instead of a new user namespace (no --uid-map then), the
 * child joins that of PID (which must have started at START): a running
 * container of a holder that was killed, so the new holder can wire veths
 * into the namespaces of the containers still running (recovery). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "modes.h"
#include "util.h"

void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) die_errno("socket for lo");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) die_errno("get flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) die_errno("bring lo up");
  close(s);
}

struct hold_opts {
  const char *busy;
  unsigned long long idle;
  const char *pasta;
  const char *pasta_pid;
  pid_t userns_pid;
  unsigned long long userns_start;
  char *argv[64]; /* pasta's argv: PATH, the --pasta-args, then ours */
  size_t argc;
};

/* Is a container attached (a veth of ours), or was the holder used lately? */
static bool in_use(const struct hold_opts *o) {
  struct if_nameindex *ifs = if_nameindex();
  if (!ifs) die_errno("list the interfaces of the rootless network namespace");
  bool used = false;
  for (struct if_nameindex *i = ifs; i->if_index != 0; i++)
    if (strncmp(i->if_name, "tsv", 3) == 0) used = true;
  if_freenameindex(ifs);
  if (used) return true;
  struct stat st;
  if (stat(o->busy, &st) < 0) {
    if (errno == ENOENT) return false;
    die_errno("stat %s", o->busy);
  }
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) < 0) die_errno("clock_gettime");
  return now.tv_sec - st.st_mtim.tv_sec < (time_t)o->idle;
}

/* Our stdout is Node's pipe: only the waiter's pid line goes there. */
static void stdout_to_devnull(void) {
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull < 0) die_errno("open /dev/null");
  if (dup2(devnull, 1) < 0) die_errno("dup2 /dev/null on stdout");
  close(devnull);
}

static int hold_payload(void *arg) {
  const struct hold_opts *o = arg;
  stdout_to_devnull();
  loopback_up();
  for (;;) {
    sleep(1);
    if (!in_use(o)) return 0;
  }
}

static void add_arg(struct hold_opts *o, const char *a) {
  if (o->argc + 1 >= sizeof o->argv / sizeof *o->argv) die("netns-hold: too many pasta arguments");
  o->argv[o->argc++] = (char *)a;
  o->argv[o->argc] = NULL;
}

/* pasta against the child's namespaces, in the foreground, as our child. */
static void start_pasta(struct hold_opts *o, pid_t pid) {
  static char user[48], net[48], bound[4096];
  snprintf(user, sizeof user, "/proc/%d/ns/user", (int)pid);
  snprintf(net, sizeof net, "/proc/%d/ns/net", (int)pid);
  bool root = geteuid() == 0;
  if (root) {
    /* Root without a user namespace: pasta (even --runas 0:0) cannot open
     * /proc/PID/ns/net once it dropped its capabilities, so the namespace is
     * bound on <dir of the pid file>/netns in a mount namespace of its own. */
    const char *slash = strrchr(o->pasta_pid, '/');
    if (snprintf(bound, sizeof bound, "%.*s/netns", (int)(slash - o->pasta_pid), o->pasta_pid) >= (int)sizeof bound) die("netns-hold: path too long");
    int fd = open(bound, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) die_errno("create %s", bound);
    close(fd);
  }
  add_arg(o, "-f");
  add_arg(o, "--pid");
  add_arg(o, o->pasta_pid);
  if (geteuid() != 0) {
    add_arg(o, "--userns");
    add_arg(o, user);
  } else {
    add_arg(o, "--runas"); /* as root pasta would become nobody, who cannot open the namespace */
    add_arg(o, "0:0");
  }
  add_arg(o, "--netns");
  add_arg(o, root ? bound : net);
  if (unlink(o->pasta_pid) < 0 && errno != ENOENT) die_errno("unlink %s", o->pasta_pid);
  pid_t c = fork();
  if (c < 0) die_errno("fork pasta");
  if (c == 0) {
    forked_child_defaults();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(2, 1) < 0) die_errno("stdio for pasta");
    if (root) {
      if (unshare(CLONE_NEWNS) < 0) die_errno("unshare(CLONE_NEWNS) for pasta");
      if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die_errno("make / rprivate");
      if (mount(net, bound, NULL, MS_BIND, NULL) < 0) die_errno("bind %s on %s", net, bound);
    }
    execv(o->pasta, o->argv);
    die_errno("exec %s", o->pasta);
  }
  /* Configured once its pid file is written; gone = failed (its reason is in our log). */
  for (int i = 0; i < 1000; i++) {
    struct stat st;
    if (stat(o->pasta_pid, &st) == 0 && st.st_size > 0) return;
    int status;
    pid_t w = waitpid(c, &status, WNOHANG);
    if (w < 0) die_errno("waitpid pasta");
    if (w == c) die("pasta exited (status %d) before the rootless network namespace was configured", exit_code_of(status));
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  die("pasta did not configure the rootless network namespace within 10 s");
}

/* Once the child runs: pasta, then its pid to Node, and stdout closed so Node's read ends. */
static void print_pid(pid_t pid, int error_fd, void *arg) {
  (void)error_fd;
  start_pasta(arg, pid);
  char line[24];
  int len = snprintf(line, sizeof line, "%d\n", (int)pid);
  if (write_all(1, line, (size_t)len) < 0) die_errno("write the holder's pid");
  stdout_to_devnull();
}

int mode_netns_hold(const struct ns_config *ns, int argc, char **argv) {
  static struct hold_opts o;
  for (int i = 0; i < argc; i++) {
    unsigned long long v;
    if (!strcmp(argv[i], "--busy") && i + 1 < argc)
      o.busy = argv[++i];
    else if (!strcmp(argv[i], "--idle") && i + 1 < argc) {
      if (!parse_uint(argv[++i], 10, 86400, &v) || v == 0) die("netns-hold: invalid --idle %s", argv[i]);
      o.idle = v;
    } else if (!strcmp(argv[i], "--pasta") && i + 1 < argc) {
      o.pasta = argv[++i];
      if (o.pasta[0] != '/') die("netns-hold: --pasta %s is not absolute", o.pasta);
    } else if (!strcmp(argv[i], "--pasta-arg") && i + 1 < argc) {
      if (!o.argc) add_arg(&o, "pasta");
      add_arg(&o, argv[++i]);
    } else if (!strcmp(argv[i], "--pasta-pid") && i + 1 < argc)
      o.pasta_pid = argv[++i];
    else if (!strcmp(argv[i], "--userns-of") && i + 1 < argc) {
      char *colon = strchr(argv[++i], ':');
      unsigned long long pid;
      if (!colon) die("netns-hold: --userns-of wants PID:START, got %s", argv[i]);
      *colon = '\0';
      if (!parse_uint(argv[i], 10, 1 << 22, &pid) || pid == 0 || !parse_uint(colon + 1, 10, ~0ULL, &o.userns_start)) die("netns-hold: invalid --userns-of %s", argv[i]);
      o.userns_pid = (pid_t)pid;
    } else
      die("netns-hold: unknown option %s", argv[i]);
  }
  if (!o.busy || o.busy[0] != '/' || !o.idle) die("netns-hold: needs --busy ABSOLUTE-FILE and --idle SECONDS");
  if (!o.pasta || !o.pasta_pid || o.pasta_pid[0] != '/') die("netns-hold: needs --pasta PATH and --pasta-pid ABSOLUTE-FILE");
  if (!o.argc) add_arg(&o, "pasta");
  struct child_setup setup = {.clone_flags = CLONE_NEWNET, .join_user_fd = -1, .join_net_fd = -1, .join_ipc_fd = -1, .join_uts_fd = -1, .join_pid_fd = -1, .released = print_pid, .hook_arg = &o};
  if (o.userns_pid) {
    if (ns_wants_userns(ns)) die("netns-hold: --userns-of and --uid-map exclude each other");
    char path[48];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int)o.userns_pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die_errno("open %s (a running container of the rootless network namespace)", path);
    /* Checked after opening: the namespace is the one of the process Node saw. */
    if (start_time(o.userns_pid) != o.userns_start) die("netns-hold: the container whose user namespace was to be joined (pid %d) is gone", (int)o.userns_pid);
    /* A container nested in its holder's user namespace (--userns on a bridge): that holder's. */
    setup.join = true;
    setup.join_user_fd = top_child_userns(fd, "a running container of the rootless network namespace");
  }
  return run_in_namespaces(ns, &setup, hold_payload, &o);
}
