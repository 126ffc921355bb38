/* A process of ours that a container can see (the container's PID 1 before
 * its exec, a later `exec` joining it) exposes /proc/<pid>/exe; through it a
 * container root that owns the binary's file (rootless: the user does) could
 * overwrite the helper on the host. Running from a sealed memfd copy makes
 * that link point at an unwritable, anonymous file instead (runc's fix). */
#include "sealed.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

void reexec_sealed(char **argv) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) die_errno("open /proc/self/exe");
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS) {
    close(self);
    return;
  }
  /* MFD_EXEC (6.3+) says we mean to execute it; older kernels reject the flag. */
  int mfd = memfd_create(HELPER_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL) mfd = memfd_create(HELPER_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0) {
    if (errno == EACCES || errno == EPERM) { /* vm.memfd_noexec=2 */
      close(self);
      return;
    }
    die_errno("memfd_create");
  }
  struct stat st;
  if (fstat(self, &st) < 0) die_errno("stat /proc/self/exe");
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die_errno("copy the helper into a memfd");
    if (n == 0) die("copy the helper into a memfd: %s shrank while copying", "/proc/self/exe");
  }
  close(self);
  if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0) die_errno("seal the helper's memfd");
  fexecve(mfd, argv, environ);
  die_errno("execute the helper's sealed copy");
}
