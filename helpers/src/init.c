#include "init.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "userns.h"
#include "util.h"

extern char **environ;

bool is_init_argv(int argc, char **argv) {
  return argc >= 3 && !strcmp(argv[0], INIT_ARGV0) && !strcmp(argv[1], "--");
}

static const char *env_path(void) {
  for (char **e = environ; *e; e++)
    if (!strncmp(*e, "PATH=", 5)) return *e + 5;
  return DEFAULT_PATH;
}

_Noreturn void init_main(int argc, char **argv) {
  (void)argc;
  set_error_fd(INIT_EXEC_FD);
  /* Executed from the sealed memfd, our name would read "memfd:tsc-run-h" in
   * ps: take the name podman's catatonit has at /run/podman-init. */
  if (prctl(PR_SET_NAME, "podman-init", 0, 0, 0) < 0) die_errno("prctl(PR_SET_NAME, podman-init)");
  /* Not PID 1 in the host's pid namespace (--pid host): orphans still come to us. */
  if (getpid() != 1) (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sigset_t all;
  sigfillset(&all);
  if (sigprocmask(SIG_BLOCK, &all, NULL) < 0) die_errno("init: sigprocmask");
  int sfd = signalfd(-1, &all, SFD_CLOEXEC);
  if (sfd < 0) die_errno("init: signalfd");
  pid_t child = fork();
  if (child < 0) die_errno("init: fork");
  if (child == 0) {
    /* Its own process group, in the terminal's foreground: ^C reaches it once. */
    (void)setpgid(0, 0);
    if (isatty(0)) (void)tcsetpgrp(0, getpid());
    exec_command(argv + 2, environ, env_path());
  }
  close(INIT_EXEC_FD);
  for (;;) {
    struct signalfd_siginfo si;
    ssize_t r = read(sfd, &si, sizeof si);
    if (r != sizeof si) {
      if (r < 0 && errno != EINTR) _exit(EXIT_ENGINE);
      continue;
    }
    if (si.ssi_signo != SIGCHLD) {
      (void)kill(child, (int)si.ssi_signo);
      continue;
    }
    int st;
    pid_t w;
    while ((w = waitpid(-1, &st, WNOHANG)) > 0)
      if (w == child) _exit(exit_code_of(st));
  }
}
