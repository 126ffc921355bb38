/* The kernel filesystems a container sees: /proc, /dev, /sys... */
#pragma once

/* Mount proc, /dev (+pts, shm, mqueue) and a read-only /sys under rootfd. */
void mount_container_filesystems(int rootfd);
