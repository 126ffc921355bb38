/* The parent/child dance around a new user namespace (bubblewrap-style):
 * clone() with the namespace flags, the parent writes the id maps, then a
 * byte on a pipe releases the child. Then the parent only forwards signals
 * and waits, so the caller sees the payload's exit status. */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include "util.h"

const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
const size_t n_forwarded_signals = sizeof forwarded_signals / sizeof *forwarded_signals;

bool parse_id_map(const char *s, struct id_map *m) {
  char buf[96];
  if (strlen(s) >= sizeof buf) return false;
  strcpy(buf, s);
  char *c = buf, *h = strchr(c, ':');
  if (!h) return false;
  *h++ = '\0';
  char *n = strchr(h, ':');
  if (!n) return false;
  *n++ = '\0';
  unsigned long long vc, vh, vn;
  const unsigned long long max = 0xffffffffULL;
  if (!parse_uint(c, 10, max, &vc) || !parse_uint(h, 10, max, &vh) || !parse_uint(n, 10, max, &vn)) return false;
  if (vn == 0 || vc + vn > max + 1 || vh + vn > max + 1) return false;
  m->container = (unsigned long)vc;
  m->host = (unsigned long)vh;
  m->count = (unsigned long)vn;
  return true;
}

/* fork()-like clone: the child runs on a copy of our stack. */
static pid_t raw_clone(int flags) { return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, NULL); }

static char *format_map_lines(const struct id_map *maps, size_t n) {
  size_t cap = n * 36 + 1, len = 0;
  char *s = xmalloc(cap);
  s[0] = '\0';
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(s + len, cap - len, "%lu %lu %lu\n", maps[i].container, maps[i].host, maps[i].count);
  return s;
}

/* Root writes the maps itself: one write() per file, as the kernel requires. */
static void write_map_file(pid_t pid, const char *file, const struct id_map *maps, size_t n) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  char *content = format_map_lines(maps, n);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die_errno("open %s", path);
  ssize_t w = write(fd, content, strlen(content));
  if (w < 0 || (size_t)w != strlen(content)) die_errno("write %s", path);
  close(fd);
  free(content);
}

/* Run newuidmap/newgidmap PID C H N...; its stderr becomes part of our one-line error. */
static void run_map_tool(const char *tool, pid_t pid, const struct id_map *maps, size_t n) {
  char **argv = xmalloc(sizeof(char *) * (2 + 3 * n + 1));
  size_t a = 0;
  argv[a++] = (char *)tool;
  argv[a++] = xasprintf("%d", (int)pid);
  for (size_t i = 0; i < n; i++) {
    argv[a++] = xasprintf("%lu", maps[i].container);
    argv[a++] = xasprintf("%lu", maps[i].host);
    argv[a++] = xasprintf("%lu", maps[i].count);
  }
  argv[a] = NULL;

  if (access(tool, X_OK) < 0) die_errno("%s", tool);
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) < 0) die_errno("pipe");
  pid_t t = fork();
  if (t < 0) die_errno("fork %s", tool);
  if (t == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(errpipe[1], 2) < 0) _exit(EXIT_ENGINE);
    execv(tool, argv);
    char msg[512];
    int len = snprintf(msg, sizeof msg, "exec %s: %s\n", tool, strerror(errno));
    (void)write_all(2, msg, (size_t)len);
    _exit(EXIT_ENGINE);
  }
  close(errpipe[1]);
  char out[1024];
  size_t len = 0;
  for (;;) {
    ssize_t r = read(errpipe[0], out + len, sizeof out - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
    if (len == sizeof out - 1) {
      /* Drain the rest so the tool cannot block on a full pipe. */
      char sink[256];
      while (read(errpipe[0], sink, sizeof sink) > 0) {
      }
      break;
    }
  }
  close(errpipe[0]);
  out[len] = '\0';
  char *nl = strchr(out, '\n');
  if (nl) *nl = '\0';
  int status;
  while (waitpid(t, &status, 0) < 0)
    if (errno != EINTR) die_errno("wait for %s", tool);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    die("%s %d failed (exit status %d)%s%s", tool, (int)pid, code, out[0] ? ": " : "", out);
  }
  for (size_t i = 1; i < a; i++) free(argv[i]);
  free(argv);
}

static void map_ids(const struct ns_config *ns, pid_t pid) {
  if (geteuid() == 0) {
    write_map_file(pid, "uid_map", ns->uid, ns->n_uid);
    write_map_file(pid, "gid_map", ns->gid, ns->n_gid);
  } else {
    run_map_tool(ns->newuidmap, pid, ns->uid, ns->n_uid);
    run_map_tool(ns->newgidmap, pid, ns->gid, ns->n_gid);
  }
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return EXIT_ENGINE;
}

static void child_side(const struct ns_config *ns, const struct child_setup *setup, int sync_fd) {
  /* Our failures are the container's start failures now; a copy of the
   * waiter's state must not act for the waiter (status byte, its child). */
  set_exit_status_fd(-1);
  set_cleanup_child(0);
  if (setup->error_fd > 0) set_error_fd(setup->error_fd);
  /* The parent blocked these for its signalfd; the payload must not inherit that. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");

  if (sync_fd >= 0) {
    char go = 0;
    ssize_t r;
    while ((r = read(sync_fd, &go, 1)) < 0 && errno == EINTR) {
    }
    /* No byte: the parent failed (and reported) or died. */
    if (r != 1 || go != 'G') _exit(EXIT_ENGINE);
    close(sync_fd);
  }

  if (ns_wants_userns(ns) || (setup->join && setup->join_user_fd >= 0)) {
    if (!setup->keep_groups && setgroups(0, NULL) < 0) die_errno("setgroups");
    if (setresgid(0, 0, 0) < 0) die_errno("setresgid(0)");
    if (setresuid(0, 0, 0) < 0) die_errno("setresuid(0)");
    /* A change of credentials clears the death signal: arm it again. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die_errno("prctl(PR_SET_PDEATHSIG)");
    /* Nested: the bridge's set-up opens our namespaces from outside (nsenter -t)
     * while we wait; as root of our own namespace we are another user to it,
     * and the change made us undumpable. Our exec resets this. */
    if (setup->nested_userns && prctl(PR_SET_DUMPABLE, 1) < 0) die_errno("prctl(PR_SET_DUMPABLE)");
  }

  if (setup->clone_flags & CLONE_NEWNS) {
    /* Nothing we mount may propagate back to the host's namespace. */
    unsigned long prop = setup->slave_mounts ? MS_SLAVE : MS_PRIVATE;
    if (mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0) die_errno("make / %s", setup->slave_mounts ? "rslave" : "rprivate");
  }
}

/*
 * Clone into another container's user and net namespaces (run --net
 * container:...). setns() needs a single-threaded caller and changes its
 * credentials, so a short-lived process joins them and clones the child as
 * OUR child (CLONE_PARENT), hands us its pid and exits. Returns 0 in the
 * child; if joining fails, the joiner's own pid (it reported why, and its
 * exit status is the start's).
 */
static bool join_failed; /* clone_joined returned the joiner, which reported why */

static pid_t clone_joined(const struct ns_config *ns, const struct child_setup *setup, int flags) {
  join_failed = false;
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) die_errno("pipe");
  pid_t j = fork();
  if (j < 0) die_errno("fork");
  if (j == 0) {
    close(p[0]);
    set_exit_status_fd(-1);
    set_cleanup_child(0);
    if (setup->error_fd > 0) set_error_fd(setup->error_fd);
    if (setup->join_user_fd >= 0 && setns(setup->join_user_fd, CLONE_NEWUSER) < 0) {
      if (setup->join_user_what) die_errno("join the user namespace of %s", setup->join_user_what);
      die_errno("join the user namespace of the container whose network is shared");
    }
    /* -1: a user namespace only (a bridge network's holder); the net namespace is new. */
    if (setup->join_net_fd >= 0 && setns(setup->join_net_fd, CLONE_NEWNET) < 0)
      die_errno("join the network namespace of the container whose network is shared");
    if (setup->join_ipc_fd >= 0 && setns(setup->join_ipc_fd, CLONE_NEWIPC) < 0) die_errno("join the ipc namespace of the pod's infra");
    if (setup->join_uts_fd >= 0 && setns(setup->join_uts_fd, CLONE_NEWUTS) < 0) die_errno("join the uts namespace of the pod's infra");
    /* For our children only: the cloned child below is in it. */
    if (setup->join_pid_fd >= 0 && setns(setup->join_pid_fd, CLONE_NEWPID) < 0) die_errno("join the pid namespace of the pod's infra");
    if (setup->join_more) setup->join_more(setup->join_more_arg);
    pid_t c = raw_clone(flags | CLONE_PARENT);
    if (c < 0) die_errno("clone");
    if (c == 0) {
      close(p[1]);
      return 0;
    }
    if (setup->nested_userns) {
      /* Root of the joined namespace, its parent: the only one who may map the
       * child's ids (newuidmap outside is its grandparent). A failure kills it. */
      set_cleanup_child(c);
      write_map_file(c, "uid_map", ns->uid, ns->n_uid);
      write_map_file(c, "gid_map", ns->gid, ns->n_gid);
    }
    _exit(write_all(p[1], &c, sizeof c) < 0 ? EXIT_ENGINE : 0);
  }
  close(p[1]);
  pid_t c;
  ssize_t r;
  while ((r = read(p[0], &c, sizeof c)) < 0 && errno == EINTR) {
  }
  close(p[0]);
  if (r != sizeof c) {
    join_failed = true;
    return j;
  }
  while (waitpid(j, NULL, 0) < 0 && errno == EINTR) {
  }
  return c;
}

int top_child_userns(int fd, const char *what) {
  int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (self < 0) die_errno("open /proc/self/ns/user");
  struct stat me;
  if (fstat(self, &me) < 0) die_errno("stat /proc/self/ns/user");
  close(self);
  for (;;) {
    int parent = ioctl(fd, NS_GET_PARENT);
    if (parent < 0) die_errno("the parent of the user namespace of %s", what);
    struct stat st;
    if (fstat(parent, &st) < 0) die_errno("stat the parent of the user namespace of %s", what);
    if (st.st_dev == me.st_dev && st.st_ino == me.st_ino) {
      close(parent);
      return fd;
    }
    close(fd);
    fd = parent;
  }
}

pid_t spawn_in_namespaces(const struct ns_config *ns, const struct child_setup *setup, int (*payload)(void *), void *arg) {
  int flags = setup->clone_flags | (ns_wants_userns(ns) ? CLONE_NEWUSER : 0);

  int sync[2] = {-1, -1};
  if (ns_wants_userns(ns) && pipe2(sync, O_CLOEXEC) < 0) die_errno("pipe");

  if (setup->nested_userns && (!setup->join || setup->join_user_fd < 0 || !ns_wants_userns(ns)))
    die("--userns-nested needs --uid-map and a joined user namespace (a bridge network's)");
  pid_t pid = setup->join ? clone_joined(ns, setup, flags) : raw_clone(flags);
  if (pid < 0) {
    if (errno == EPERM && !(flags & CLONE_NEWUSER) && geteuid() != 0)
      die("creating namespaces needs root or a user namespace: pass --uid-map and --gid-map");
    die_errno("clone%s", (flags & CLONE_NEWUSER) ? " (new user namespace)" : "");
  }
  if (pid == 0) {
    if (sync[1] >= 0) close(sync[1]);
    child_side(ns, setup, sync[0]);
    _exit(payload(arg));
  }

  set_cleanup_child(pid);
  if (ns_wants_userns(ns)) {
    close(sync[0]);
    if (!setup->nested_userns) map_ids(ns, pid);
  }
  /* A failed join: no child to hook into; its exit status and message are the start's. */
  if (setup->join && join_failed) return pid;
  if (setup->mapped) setup->mapped(pid, setup->hook_arg);
  if (ns_wants_userns(ns)) {
    if (write_all(sync[1], "G", 1) < 0) die_errno("release the child");
    close(sync[1]);
  }
  if (setup->released) setup->released(pid, setup->error_fd, setup->hook_arg);
  return pid;
}

int run_in_namespaces(const struct ns_config *ns, const struct child_setup *setup, int (*payload)(void *), void *arg) {
  sigset_t fwd, old;
  sigemptyset(&fwd);
  for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(&fwd, forwarded_signals[i]);
  sigaddset(&fwd, SIGCHLD);
  /* Blocked before clone so no signal is lost between clone and signalfd. */
  if (sigprocmask(SIG_BLOCK, &fwd, &old) < 0) die_errno("sigprocmask");

  pid_t pid = spawn_in_namespaces(ns, setup, payload, arg);

  int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
  if (sfd < 0) die_errno("signalfd");

  for (;;) {
    int status;
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      close(sfd);
      return exit_code_of(status);
    }
    if (w < 0 && errno != EINTR) die_errno("waitpid");
    struct signalfd_siginfo si;
    ssize_t r = read(sfd, &si, sizeof si);
    if (r < 0) {
      if (errno == EINTR) continue;
      die_errno("read signalfd");
    }
    if (r != sizeof si || si.ssi_signo == SIGCHLD) continue;
    (void)kill(pid, (int)si.ssi_signo);
  }
}
