/*
 * jobs.h: what minishell and looper need beyond ../linux/rt/rt.h: the job
 * control numbers (asm-generic/ioctls.h, asm-generic/signal.h, linux/wait.h)
 * and the calls, under names of their own (rt.h may or may not have
 * sys_setpgid, depending on its version). Guarded: rt.h may define some
 * of the numbers.
 */
#ifndef JOBS_H
#define JOBS_H
#include "rt/rt.h"

#ifndef SYS_setpgid
#define SYS_setpgid 154
#endif
#ifndef SYS_getpgid
#define SYS_getpgid 155
#endif
#ifndef SIGINT
#define SIGINT 2
#endif
#ifndef SIGQUIT
#define SIGQUIT 3
#endif
#ifndef SIGCONT
#define SIGCONT 18
#endif
#ifndef SIGTSTP
#define SIGTSTP 20
#endif
#ifndef SIGTTIN
#define SIGTTIN 21
#endif
#ifndef SIGTTOU
#define SIGTTOU 22
#endif
#ifndef WUNTRACED
#define WUNTRACED 2
#endif
#ifndef TIOCGPGRP
#define TIOCGPGRP 0x540F
#endif
#ifndef TIOCSPGRP
#define TIOCSPGRP 0x5410
#endif

/* wait(2): stopped = sig << 8 | 0x7f */
#define W_STOPPED(s) (((s) & 0xff) == 0x7f)
#define W_STOPSIG(s) (((s) >> 8) & 0xff)

static inline long job_setpgid(long pid, long pgid) { return syscall2(SYS_setpgid, pid, pgid); }
static inline long job_getpgid(long pid) { return syscall1(SYS_getpgid, pid); }
/* tcgetpgrp(3) and tcsetpgrp(3) are these ioctls on the terminal. */
static inline long tcsetpgrp(int fd, int pgrp) { return sys_ioctl(fd, TIOCSPGRP, &pgrp); }
static inline long tcgetpgrp(int fd)
{
	int pgrp = -1;
	long r = sys_ioctl(fd, TIOCGPGRP, &pgrp);
	return r < 0 ? r : pgrp;
}
#endif
