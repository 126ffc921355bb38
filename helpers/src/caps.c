/* Capabilities through the raw syscalls (no libcap): capget/capset with the
 * 64-bit version 3 structures, prctl for the bounding and ambient sets.
 * Numbers above the kernel's cap_last_cap, and caps our own bounding set
 * lacks (a host root may run without some), are ignored: "all" means all
 * that we can hand on, as podman takes its current bounding set for ALL. */
#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static const char *const set_names[CAP_SET_COUNT] = {"bounding", "permitted", "effective", "inheritable", "ambient"};

void caps_parse(struct cap_config *c, enum cap_set which, const char *list, const char *option) {
  c->given[which] = true;
  c->mask[which] = 0;
  if (!*list) return;
  char *copy = xstrdup(list), *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    unsigned long long n;
    if (!parse_uint(tok, 10, 63, &n)) die("run: invalid %s %s: want capability numbers like 0,1,3", option, list);
    c->mask[which] |= 1ULL << n;
  }
  /* strtok_r skips empty fields: refuse `1,,2` and a trailing comma too. */
  if (strstr(list, ",,") || list[0] == ',' || list[strlen(list) - 1] == ',')
    die("run: invalid %s %s: want capability numbers like 0,1,3", option, list);
  free(copy);
}

/* The highest capability this kernel knows (from the container's /proc). */
static unsigned last_cap(void) {
  static int cached = -1;
  if (cached >= 0) return (unsigned)cached;
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) die_errno("open /proc/sys/kernel/cap_last_cap");
  char buf[16];
  ssize_t r = read(fd, buf, sizeof buf - 1);
  if (r < 0) die_errno("read /proc/sys/kernel/cap_last_cap");
  close(fd);
  buf[r] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  unsigned long long n;
  if (!parse_uint(buf, 10, 63, &n)) die("read /proc/sys/kernel/cap_last_cap: unexpected content");
  cached = (int)n;
  return (unsigned)n;
}

/* Caps we can still give: those in our bounding set, up to cap_last_cap. Read before any drop. */
static uint64_t available(void) {
  static bool done;
  static uint64_t mask;
  if (done) return mask;
  for (unsigned cap = 0; cap <= last_cap(); cap++) {
    int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (r < 0) die_errno("read capability %u of the bounding set", cap);
    if (r) mask |= 1ULL << cap;
  }
  done = true;
  return mask;
}

void caps_drop_bounding(const struct cap_config *c) {
  (void)available();
  if (!c->given[CAP_SET_BOUNDING]) return;
  for (unsigned cap = 0; cap <= last_cap(); cap++) {
    if (c->mask[CAP_SET_BOUNDING] & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) die_errno("drop capability %u from the bounding set", cap);
  }
}

static void get_caps(struct __user_cap_data_struct data[2]) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  if (syscall(SYS_capget, &hdr, data) < 0) die_errno("capget");
}

static void set_caps(struct __user_cap_data_struct data[2]) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  if (syscall(SYS_capset, &hdr, data) < 0) die_errno("capset");
}

void caps_raise_effective(void) {
  struct __user_cap_data_struct data[2];
  get_caps(data);
  data[0].effective = data[0].permitted;
  data[1].effective = data[1].permitted;
  set_caps(data);
}

void caps_apply(const struct cap_config *c) {
  uint64_t valid = available();
  struct __user_cap_data_struct data[2];
  get_caps(data);
  if (c->given[CAP_SET_PERMITTED] || c->given[CAP_SET_EFFECTIVE] || c->given[CAP_SET_INHERITABLE]) {
    uint64_t cur[3] = {
        data[0].permitted | (uint64_t)data[1].permitted << 32,
        data[0].effective | (uint64_t)data[1].effective << 32,
        data[0].inheritable | (uint64_t)data[1].inheritable << 32,
    };
    const enum cap_set which[3] = {CAP_SET_PERMITTED, CAP_SET_EFFECTIVE, CAP_SET_INHERITABLE};
    for (int i = 0; i < 3; i++)
      if (c->given[which[i]]) cur[i] = c->mask[which[i]] & valid;
    data[0].permitted = (uint32_t)cur[0];
    data[1].permitted = (uint32_t)(cur[0] >> 32);
    data[0].effective = (uint32_t)cur[1];
    data[1].effective = (uint32_t)(cur[1] >> 32);
    data[0].inheritable = (uint32_t)cur[2];
    data[1].inheritable = (uint32_t)(cur[2] >> 32);
    set_caps(data);
  }
  if (c->given[CAP_SET_AMBIENT]) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) die_errno("clear the ambient capabilities");
    for (unsigned cap = 0; cap <= last_cap(); cap++) {
      if (!(c->mask[CAP_SET_AMBIENT] & valid & (1ULL << cap))) continue;
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
        die_errno("raise ambient capability %u (it must be in the %s and %s sets)", cap, set_names[CAP_SET_PERMITTED],
                  set_names[CAP_SET_INHERITABLE]);
    }
  }
}
