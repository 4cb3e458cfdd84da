/*
 * cloexec_helper: run by cloexec_exec after execve(2); also run alone.
 *
 * Prints, for fds 3..10, whether the descriptor is open (fcntl(2) F_GETFD
 * returns its flags) or not (EBADF), and the close-on-exec flag of each open
 * one: after execve every open descriptor has it clear (the flagged ones are
 * gone). If fd 4 is open it writes "from helper" into it (the pipe the parent
 * reads). Run alone (argv[1] absent) only 0, 1, 2 are open.
 */
#include "rt/rt.h"

int main(int argc, char **argv)
{
	say_dec("helper argc", argc);
	if (argc > 1)
		say_str("helper argv[1]", argv[1]);
	for (int fd = 3; fd <= 10; fd++) {
		long r = sys_fcntl(fd, F_GETFD, 0);
		print("fd ");
		print_dec(fd);
		if (r == -EBADF) {
			print(": closed\n");
		} else {
			print(": open, F_GETFD ");
			print_dec(r);
			print("\n");
		}
	}
	if (sys_fcntl(4, F_GETFD, 0) >= 0)
		say_dec("helper wrote to fd 4", sys_write(4, "from helper", 11));
	return 0;
}
