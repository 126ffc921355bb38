/* --privileged: the host's device nodes in the container's /dev. */
#pragma once

/* Bind every character and block device under the host's /dev (sub-dirs
 * too, two levels) that the container's /dev does not have yet, like
 * podman's --privileged: not the consoles and terminals (console, tty0..,
 * ttyS0..), not pts, shm, mqueue. Before pivot_root: the host's /dev is still reachable. */
void bind_host_devices(int rootfd);
