/*
 * sig_restart: every blocking call of signal(7)'s two lists that ipcsim
 * implements, interrupted by a SIGUSR1 handler installed with SA_RESTART and
 * then without it.
 *
 * signal(7) "Interruption of system calls and library functions by signal
 *   handlers": "If a blocked call to one of the following interfaces is
 *   interrupted by a signal handler, then the call is automatically restarted
 *   after the signal handler returns if the SA_RESTART flag was used;
 *   otherwise the call fails with the error EINTR:
 *   * read(2), readv(2), write(2), writev(2), and ioctl(2) calls on "slow"
 *     devices ... (a pipe);
 *   * open(2), if it can block (e.g., when opening a FIFO; see fifo(7));
 *   * wait(2), wait3(2), wait4(2), waitid(2), and waitpid(2);
 *   * ... POSIX message queue interfaces: mq_receive(3), mq_timedreceive(3),
 *     mq_send(3), and mq_timedsend(3);
 *   * futex(2) FUTEX_WAIT (since Linux 2.6.22; beforehand, always failed with
 *     EINTR)."
 *   "The following interfaces are never restarted after being interrupted by
 *   a signal handler, regardless of the use of SA_RESTART; they always fail
 *   with the error EINTR when interrupted by a signal handler:
 *   * ... poll(2), ppoll(2), select(2), and pselect(2);
 *   * System V IPC interfaces: msgrcv(2), msgsnd(2), semop(2), and
 *     semtimedop(2);
 *   * Sleep interfaces: clock_nanosleep(2), nanosleep(2), and usleep(3);
 *   * ... sigtimedwait(2), and sigwaitinfo(2);
 *   * ... sigsuspend(2) ..."
 * nanosleep(2): "If the call is interrupted by a signal handler, nanosleep()
 *   returns -1, sets errno to EINTR, and writes the remaining time into the
 *   structure pointed to by rem".
 * A FUTEX_WAIT with a timeout is not restarted either (kernel/futex/waitwake.c
 *   futex_wait: -ERESTART_RESTARTBLOCK, which a handler turns into EINTR
 *   whatever SA_RESTART says; without a timeout it is -ERESTARTSYS).
 *
 * Left out (ipcsim has no such call, or riscv64 has no such system call):
 * sockets (none yet), flock/F_SETLKW/F_OFD_SETLKW (no file locks: fcntl
 * EINVAL), getrandom, epoll_*, clock_nanosleep, io_getevents, inotify (ENOSYS
 * in ipcsim); ioctl on a slow device (a pipe's ioctls never block, and the
 * recording has no terminal); pause, wait, wait3, waitpid, select, poll,
 * sigwaitinfo (riscv64 has only ppoll, pselect6, wait4, waitid,
 * rt_sigtimedwait, rt_sigsuspend, which the C library builds them on);
 * pthread_mutex_lock, pthread_cond_wait and sem_wait, which are FUTEX_WAIT.
 *
 * Each case forks a helper that sleeps 100 ms (the parent is long blocked by
 * then), sends SIGUSR1 to the parent, sleeps 100 ms more and then makes the
 * call able to complete (writes to the pipe, exits, sends a message, wakes
 * the futex ...). The parent prints what the call returned and how many
 * times the handler ran, waits for the helper and cleans up. Only the parent
 * prints, and nothing that depends on pids.
 */
#include "rt/rt.h"

#define MSG_KEY 0x1c5e1601
#define SEM_KEY 0x1c5e1602
#define DIR  "/tmp/ipcsim-sig-restart"
#define FIFO DIR "/fifo"
static const char MQ_NAME[] = "/ipcsim-sig-restart";

static volatile int hits;
static void on_usr1(int sig) { (void)sig; hits++; }

/* the cases, in the order of signal(7)'s two lists */
enum {
	C_READ, C_READV, C_WRITE, C_WRITEV, C_OPEN_FIFO, C_WAIT4, C_WAITID,
	C_MQ_RECEIVE, C_MQ_SEND, C_FUTEX_WAIT,
	C_PPOLL, C_PSELECT6, C_MSGRCV, C_MSGSND, C_SEMOP, C_SEMTIMEDOP,
	C_NANOSLEEP, C_FUTEX_WAIT_TIMEOUT, C_SIGTIMEDWAIT, C_SIGSUSPEND,
	C_COUNT
};
static const char *const names[C_COUNT] = {
	"read", "readv", "write", "writev", "openat FIFO O_RDONLY", "wait4", "waitid",
	"mq_timedreceive", "mq_timedsend", "futex FUTEX_WAIT",
	"ppoll", "pselect6", "msgrcv", "msgsnd", "semop", "semtimedop 5 s",
	"nanosleep 5 s", "futex FUTEX_WAIT 5 s timeout", "rt_sigtimedwait SIGUSR2",
	"rt_sigsuspend",
};

static int pipefd[2];
static int mq, msqid, semid;
static volatile int *word; /* futex word in a MAP_SHARED page */
static struct { long mtype; char text[8192]; } msgbuf;
static char buf[8192];

/* what the helper does 200 ms after it started, to let the call complete */
static void unblock(int c)
{
	switch (c) {
	case C_READ: case C_READV: case C_PPOLL: case C_PSELECT6:
		sys_write(pipefd[1], "data", 4);
		break;
	case C_WRITE: case C_WRITEV:
		sys_read(pipefd[0], buf, 4096); /* frees one page of the full pipe */
		break;
	case C_OPEN_FIFO: {
		long fd = sys_openat(AT_FDCWD, FIFO, O_WRONLY, 0);
		sys_close(fd);
		break;
	}
	case C_WAIT4: case C_WAITID:
		sys_exit_group(7);
	case C_MQ_RECEIVE:
		sys_mq_timedsend(mq, "mq", 2, 0, 0);
		break;
	case C_MQ_SEND:
		sys_mq_timedreceive(mq, buf, 8, 0, 0);
		break;
	case C_FUTEX_WAIT: case C_FUTEX_WAIT_TIMEOUT:
		*word = 1;
		sys_futex((int *)word, FUTEX_WAKE, 1, 0);
		break;
	case C_MSGRCV:
		msgbuf.mtype = 1;
		sys_msgsnd(msqid, &msgbuf, 3, 0);
		break;
	case C_MSGSND:
		sys_msgrcv(msqid, &msgbuf, 8192, 0, 0);
		break;
	case C_SEMOP: case C_SEMTIMEDOP:
		sem_op1(semid, 0, 1, 0);
		break;
	case C_SIGTIMEDWAIT:
		sys_kill(sys_getppid(), SIGUSR2);
		break;
	}
	sys_exit_group(0);
}

static long helper(int c)
{
	long pid = sys_fork();
	if (pid == 0) {
		sleep_ms(100);
		sys_kill(sys_getppid(), SIGUSR1);
		sleep_ms(100);
		unblock(c);
	}
	return pid;
}

/* the state each call blocks on */
static void setup(int c)
{
	switch (c) {
	case C_READ: case C_READV: case C_PPOLL: case C_PSELECT6:
		sys_pipe2(pipefd, 0);
		break;
	case C_WRITE: case C_WRITEV: {
		static char page[4096];
		sys_pipe2(pipefd, O_NONBLOCK);
		while (sys_write(pipefd[1], page, sizeof page) > 0)
			;
		sys_fcntl(pipefd[1], F_SETFL, 0);
		break;
	}
	case C_MQ_SEND:
		sys_mq_timedsend(mq, "full", 4, 0, 0);
		break;
	case C_FUTEX_WAIT: case C_FUTEX_WAIT_TIMEOUT:
		*word = 0;
		break;
	case C_MSGSND:
		msgbuf.mtype = 1;
		sys_msgsnd(msqid, &msgbuf, 8192, IPC_NOWAIT);
		sys_msgsnd(msqid, &msgbuf, 8192, IPC_NOWAIT);
		break;
	case C_SEMOP: case C_SEMTIMEDOP:
		sys_semctl(semid, 0, SETVAL, 0);
		break;
	case C_SIGTIMEDWAIT:
		block_sigs(SIGBIT(SIGUSR2));
		break;
	}
}

/* the blocking call; *extra gets a fact about its result worth printing */
static long call(int c, long pid, const char **extra)
{
	static const struct timespec five = { 5, 0 };
	*extra = 0;
	switch (c) {
	case C_READ:
		return sys_read(pipefd[0], buf, 16);
	case C_READV: {
		struct iovec v[2] = { { buf, 2 }, { buf + 2, 14 } };
		return sys_readv(pipefd[0], v, 2);
	}
	case C_WRITE:
		return sys_write(pipefd[1], "abcd", 4);
	case C_WRITEV: {
		struct iovec v[2] = { { "ab", 2 }, { "cd", 2 } };
		return sys_writev(pipefd[1], v, 2);
	}
	case C_OPEN_FIFO: {
		long fd = sys_openat(AT_FDCWD, FIFO, O_RDONLY, 0);
		if (fd >= 0) {
			sys_close(fd);
			*extra = "a descriptor";
			return 0;
		}
		return fd;
	}
	case C_WAIT4: {
		int st = 0;
		long r = sys_wait4(pid, &st, 0, 0);
		if (r == pid) {
			*extra = st == 0x700 ? "the child pid, status 0x700" : "the child pid, another status";
			return 0;
		}
		return r;
	}
	case C_WAITID: {
		struct k_siginfo si;
		memset(&si, 0, sizeof si);
		long r = sys_waitid(P_PID, pid, &si, WEXITED, 0);
		if (r == 0)
			*extra = si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 7 ?
				"0, si_pid the child, CLD_EXITED 7" : "0, another siginfo";
		return r;
	}
	case C_MQ_RECEIVE:
		return sys_mq_timedreceive(mq, buf, 8, 0, 0);
	case C_MQ_SEND:
		return sys_mq_timedsend(mq, "mine", 4, 0, 0);
	case C_FUTEX_WAIT:
		return sys_futex((int *)word, FUTEX_WAIT, 0, 0);
	case C_FUTEX_WAIT_TIMEOUT:
		return sys_futex((int *)word, FUTEX_WAIT, 0, &five);
	case C_PPOLL: {
		struct pollfd pf = { pipefd[0], POLLIN, 0 };
		return sys_ppoll(&pf, 1, 0, 0);
	}
	case C_PSELECT6: {
		fd_set r;
		fdset_zero(&r);
		fdset_set(pipefd[0], &r);
		return sys_pselect6(pipefd[0] + 1, &r, 0, 0, 0, 0);
	}
	case C_MSGRCV:
		return sys_msgrcv(msqid, &msgbuf, 16, 0, 0);
	case C_MSGSND:
		msgbuf.mtype = 2;
		return sys_msgsnd(msqid, &msgbuf, 1, 0);
	case C_SEMOP:
		return sem_op1(semid, 0, -1, 0);
	case C_SEMTIMEDOP: {
		struct sembuf b = { 0, -1, 0 };
		return sys_semtimedop(semid, &b, 1, &five);
	}
	case C_NANOSLEEP: {
		struct timespec rem = { -1, -1 };
		long r = sys_nanosleep(&five, &rem);
		if (r == -EINTR)
			*extra = rem.tv_sec == 4 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 ?
				"rem between 4 s and 5 s" : "rem out of range";
		return r;
	}
	case C_SIGTIMEDWAIT: {
		unsigned long set = SIGBIT(SIGUSR2);
		return sys_rt_sigtimedwait(&set, 0, 0);
	}
	case C_SIGSUSPEND:
		return suspend_with(0);
	}
	return -ENOSYS;
}

/* after the helper is gone: finish what an interrupted call left, and undo */
static void cleanup(int c, long r)
{
	switch (c) {
	case C_READ: case C_READV: case C_PPOLL: case C_PSELECT6:
	case C_WRITE: case C_WRITEV:
		sys_close(pipefd[0]);
		sys_close(pipefd[1]);
		break;
	case C_MQ_RECEIVE: case C_MQ_SEND: {
		struct mq_attr a = { O_NONBLOCK, 0, 0, 0, { 0 } };
		sys_mq_getsetattr(mq, &a, 0);
		while (sys_mq_timedreceive(mq, buf, 8, 0, 0) >= 0)
			;
		a.mq_flags = 0;
		sys_mq_getsetattr(mq, &a, 0);
		break;
	}
	case C_MSGRCV: case C_MSGSND:
		while (sys_msgrcv(msqid, &msgbuf, 8192, 0, IPC_NOWAIT) >= 0)
			;
		break;
	case C_SIGTIMEDWAIT: {
		/* take the SIGUSR2 the helper sent, if the call did not */
		unsigned long set = SIGBIT(SIGUSR2);
		struct timespec zero = { 0, 0 };
		if (r != SIGUSR2)
			sys_rt_sigtimedwait(&set, 0, &zero);
		unblock_sigs(SIGBIT(SIGUSR2));
		break;
	}
	}
}

static void run(int c, unsigned long flags)
{
	int st;
	const char *extra;
	set_action(SIGUSR1, (void *)on_usr1, flags, 0);
	hits = 0;
	setup(c);
	long pid = helper(c);
	long r = call(c, pid, &extra);
	print(names[c]);
	print(flags & SA_RESTART ? " SA_RESTART: " : " no-SA_RESTART: ");
	if (r == -EINTR)
		print("-4 EINTR");
	else if (extra && r == 0)
		print(extra);
	else
		print_dec(r);
	if (r == -EINTR && extra) {
		print(", ");
		print(extra);
	}
	print(", handler ran ");
	print_dec(hits);
	print("\n");
	if (c == C_OPEN_FIFO && r < 0) {
		/* meet the helper's writer open, which is still to come */
		long fd = sys_openat(AT_FDCWD, FIFO, O_RDONLY, 0);
		sys_close(fd);
	}
	sys_wait4(pid, &st, 0, 0); /* ECHILD if wait4/waitid reaped it */
	cleanup(c, r);
}

int main(void)
{
	/* leftovers of a crashed run */
	sys_unlinkat(AT_FDCWD, FIFO, 0);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
	sys_mq_unlink(mq_name(MQ_NAME));
	long old = sys_msgget(MSG_KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	old = sys_semget(SEM_KEY, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);

	int ok = sys_mkdirat(AT_FDCWD, DIR, 0700) == 0 &&
		 sys_mknodat(AT_FDCWD, FIFO, S_IFIFO | 0600, 0) == 0;
	struct mq_attr a = { 0, 1, 8, 0, { 0 } };
	mq = sys_mq_open(mq_name(MQ_NAME), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	msqid = sys_msgget(MSG_KEY, IPC_CREAT | IPC_EXCL | 0600);
	semid = sys_semget(SEM_KEY, 1, IPC_CREAT | IPC_EXCL | 0600);
	word = (volatile int *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	say_yes("setup (FIFO, mq, msg queue, semaphore, shared page)",
		ok && mq >= 0 && msqid >= 0 && semid >= 0 && (long)word > 0);

	print("-- restarted under SA_RESTART, EINTR without --\n");
	for (int c = 0; c < C_COUNT; c++) {
		if (c == C_PPOLL)
			print("-- never restarted after a handler: EINTR --\n");
		run(c, SA_RESTART);
		run(c, 0);
	}

	sys_close(mq);
	sys_mq_unlink(mq_name(MQ_NAME));
	sys_msgctl(msqid, IPC_RMID, 0);
	sys_semctl(semid, 0, IPC_RMID, 0);
	sys_unlinkat(AT_FDCWD, FIFO, 0);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
	return 0;
}
