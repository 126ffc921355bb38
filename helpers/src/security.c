/* The order matters (crun does the same dance): paths need CAP_SYS_ADMIN, so
 * they come first; the bounding set is dropped while we still have
 * CAP_SETPCAP; ids switch with PR_SET_KEEPCAPS so the permitted set
 * survives; the seccomp filter is loaded while CAP_SYS_ADMIN is effective
 * (or under no_new_privs); the final capability sets come last, so the
 * filter only has to allow capset/prctl and exec. */
#include "security.h"

#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "masks.h"
#include "options.h"
#include "seccomp.h"
#include "util.h"

static const struct {
  const char *option;
  enum cap_set set;
} cap_options[] = {
    {"--cap-bounding", CAP_SET_BOUNDING},   {"--cap-permitted", CAP_SET_PERMITTED}, {"--cap-effective", CAP_SET_EFFECTIVE},
    {"--cap-inheritable", CAP_SET_INHERITABLE}, {"--cap-ambient", CAP_SET_AMBIENT},
};

static void push(char ***list, size_t *n, const char *v, const char *option) {
  if (v[0] != '/') die("run: %s %s is not absolute", option, v);
  *list = xrealloc(*list, sizeof(char *) * (*n + 1));
  (*list)[(*n)++] = (char *)v;
}

static void parse_groups(struct security_opts *s, const char *v) {
  s->has_groups = true;
  s->n_groups = 0;
  if (!*v) return;
  s->groups = xrealloc(s->groups, sizeof(gid_t) * (strlen(v) / 2 + 1));
  char *copy = xstrdup(v), *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    unsigned long long g;
    if (!parse_uint(tok, 10, 0xfffffffeULL, &g)) die("run: invalid --groups %s: want GID,GID,...", v);
    s->groups[s->n_groups++] = (gid_t)g;
  }
  free(copy);
}

bool security_option(int argc, char **argv, int *i, struct security_opts *s) {
  const char *v;
  for (size_t c = 0; c < sizeof cap_options / sizeof *cap_options; c++)
    if ((v = option_value(argc, argv, i, cap_options[c].option))) {
      caps_parse(&s->caps, cap_options[c].set, v, cap_options[c].option);
      return true;
    }
  if (!strcmp(argv[*i], "--no-new-privs"))
    s->no_new_privs = true;
  else if ((v = option_value(argc, argv, i, "--seccomp-cache")))
    s->seccomp_cache = v;
  else if ((v = option_value(argc, argv, i, "--seccomp")))
    s->seccomp_file = v;
  else if ((v = option_value(argc, argv, i, "--mask")))
    push(&s->masks, &s->n_masks, v, "--mask");
  else if ((v = option_value(argc, argv, i, "--readonly-path")))
    push(&s->readonly, &s->n_readonly, v, "--readonly-path");
  else if ((v = option_value(argc, argv, i, "--groups")))
    parse_groups(s, v);
  else if (!strcmp(argv[*i], "--keep-groups"))
    s->keep_groups = true;
  else
    return false;
  return true;
}

void security_prepare(struct security_opts *s) {
  if (s->seccomp_file) s->seccomp = seccomp_rules_read(s->seccomp_file, s->seccomp_cache);
}

void security_apply(struct security_opts *s, bool has_user, uid_t uid, gid_t gid) {
  if (s->n_masks || s->n_readonly) {
    int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) die_errno("open /");
    for (size_t i = 0; i < s->n_masks; i++) mask_path(rootfd, s->masks[i]);
    for (size_t i = 0; i < s->n_readonly; i++) readonly_path(rootfd, s->readonly[i]);
    close(rootfd);
  }

  caps_drop_bounding(&s->caps);

  if (has_user || s->has_groups || s->keep_groups) {
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) die_errno("prctl(PR_SET_KEEPCAPS)");
    if (!s->keep_groups && setgroups(s->has_groups ? s->n_groups : 0, s->groups) < 0) die_errno("setgroups");
    if (has_user) {
      if (setresgid(gid, gid, gid) < 0) die_errno("setresgid(%u)", (unsigned)gid);
      if (setresuid(uid, uid, uid) < 0) die_errno("setresuid(%u)", (unsigned)uid);
    }
  }

  if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
  if (s->seccomp) {
    /* A switch to another uid cleared the effective set; without
     * no_new_privs the kernel wants CAP_SYS_ADMIN for a filter. */
    if (!s->no_new_privs) caps_raise_effective();
    seccomp_rules_load(s->seccomp);
    s->seccomp = NULL;
  }
  caps_apply(&s->caps);
}
