/* The container's terminal (-t): allocated INSIDE the container, on its own
 * devpts instance (so `tty` says /dev/pts/0), made the controlling terminal
 * of the container's session; the master goes to the monitor over a unix
 * socket (SCM_RIGHTS), like crun's console socket. Plus the monitor's own
 * terminal: raw mode and window size. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

/* Container side, after pivot_root: open a pty, size it (rows/cols 0 = leave),
 * give the slave to uid (its group stays tty), start a new session with the
 * slave as controlling terminal on 0, 1 and 2, and send the master on sock. */
void pty_setup_child(int sock, unsigned short rows, unsigned short cols, uid_t uid);

/* Monitor side: the master fd sent on sock, or -1 if the child closed it
 * without sending one (it failed and says why on its error pipe). */
int pty_receive_master(int sock);

void pty_resize(int master, unsigned short rows, unsigned short cols);

/* The window size of the terminal on fd; false if fd is not one. */
bool tty_get_size(int fd, unsigned short *rows, unsigned short *cols);

/* Put the terminal on fd into raw mode, saving its settings; false if it is not a terminal. */
bool tty_make_raw(int fd, struct termios *saved);
void tty_restore(int fd, const struct termios *saved);
