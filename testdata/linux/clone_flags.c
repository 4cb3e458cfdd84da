/*
 * clone_flags: flag combinations that clone(2) rejects.
 *
 * clone(2), ERRORS:
 *   EINVAL "CLONE_SIGHAND was specified in the flags mask, but CLONE_VM was not."
 *   EINVAL "CLONE_THREAD was specified in the flags mask, but CLONE_SIGHAND was not."
 *   EINVAL "Both CLONE_FS and CLONE_NEWNS were specified in the flags mask."
 * These checks come before any permission check and before anything is created,
 * so the answer is the same on every kernel. If a call unexpectedly succeeds the
 * child exits at once, and the parent reaps it.
 *
 * Not checked (qemu-user departs from the kernel, see README.md): vfork-like
 * CLONE_VM|CLONE_VFORK|SIGCHLD (0x4111), and an exit signal other than SIGCHLD.
 */
#include "rt/rt.h"

#define CLONE_VM      0x00000100
#define CLONE_FS      0x00000200
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK   0x00004000
#define CLONE_THREAD  0x00010000
#define CLONE_NEWNS   0x00020000

static void try(const char *label, long flags)
{
	long r = sys_clone(flags, 0, 0, 0, 0);
	if (r == 0)
		sys_exit_group(0);
	if (r > 0) {
		int st;
		sys_wait4(r, &st, 0, 0);
		r = 1;	/* print "1" for "created a child", never the pid */
	}
	print("clone(");
	print(label);
	print(" = ");
	print_hex(flags);
	print("): ");
	print_dec(r);
	print("\n");
}

int main(void)
{
	try("CLONE_SIGHAND|SIGCHLD", CLONE_SIGHAND | SIGCHLD);
	try("CLONE_THREAD|SIGCHLD", CLONE_THREAD | SIGCHLD);
	try("CLONE_THREAD|CLONE_SIGHAND|SIGCHLD", CLONE_THREAD | CLONE_SIGHAND | SIGCHLD);
	try("CLONE_FS|CLONE_NEWNS|SIGCHLD", CLONE_FS | CLONE_NEWNS | SIGCHLD);
	try("SIGCHLD (plain fork)", SIGCHLD);
	return 0;
}
