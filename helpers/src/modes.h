/* Entry points of the helper's modes. argv holds what follows MODE. Each
 * returns the helper's exit code. */
#pragma once

#include "userns.h"

int mode_unshare(const struct ns_config *ns, int argc, char **argv);
int mode_fixup(const struct ns_config *ns, int argc, char **argv);
int mode_unpack(const struct ns_config *ns, int argc, char **argv);
int mode_rmtree(const struct ns_config *ns, int argc, char **argv);
int mode_probe_overlay(const struct ns_config *ns, int argc, char **argv);
int mode_run(const struct ns_config *ns, int argc, char **argv);
int mode_vfs_apply(const struct ns_config *ns, int argc, char **argv);
int mode_fs(const struct ns_config *ns, int argc, char **argv);
int mode_mount_rootfs(const struct ns_config *ns, int argc, char **argv);
int mode_umount_rootfs(const struct ns_config *ns, int argc, char **argv);
int mode_exec(const struct ns_config *ns, int argc, char **argv);
int mode_netns_hold(const struct ns_config *ns, int argc, char **argv);
int mode_port_bind(const struct ns_config *ns, int argc, char **argv);
int mode_dns_serve(const struct ns_config *ns, int argc, char **argv);
int mode_port_forward(const struct ns_config *ns, int argc, char **argv);
