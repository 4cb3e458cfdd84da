/*
 * mq_notify: asynchronous notification of a POSIX message queue.
 *
 * mq_notify(3): "mq_notify() allows the calling process to register or
 *   unregister for delivery of an asynchronous notification when a new message
 *   arrives on the empty message queue referred to by the message queue
 *   descriptor mqdes." "SIGEV_SIGNAL: Notify the process by sending the signal
 *   specified in sev->sigev_signo. ... If the signal is caught with a signal
 *   handler that was registered using the sigaction(2) SA_SIGINFO flag, then
 *   the following fields are set in the siginfo_t structure ...: si_code is
 *   set to SI_MESGQ; si_signo is set to the signal number; si_value is set to
 *   the value specified in notification->sigev_value; si_pid is set to the PID
 *   of the process that sent the message". "Only one process can be registered
 *   to receive notification from a message queue." "If notification is NULL,
 *   and the calling process is currently registered to receive notifications
 *   for this message queue, then the registration is removed". "Message
 *   notification occurs only when a new message arrives and the queue was
 *   previously empty." "If ... some other process is blocked in a call to
 *   mq_receive(3), then that process will read the message, and the
 *   registered process will remain registered." "Once a message notification
 *   has been delivered, the notification registration is removed".
 *   EBUSY "Another process has already registered to receive notification for
 *   this message queue." EINVAL "sevp->sigev_notify is not one of the
 *   permitted values; or sevp->sigev_notify is SIGEV_SIGNAL and sevp->sigev_signo
 *   is not a valid signal number." EBADF "The message queue descriptor
 *   specified in mqdes is invalid."
 *
 * qemu-user 7.2 does not implement mq_notify (ENOSYS): the lines it changes
 * are kernel fixups, recorded natively on x86-64 (README.md).
 */
#include "rt/rt.h"

static const char NAME[] = "/ipcsim-mq-notify";
static char buf[16];
static volatile int notes, last_signo, last_code, last_pid;
static volatile long last_value;

/* siginfo: si_signo at 0, si_code at 8, si_pid at 16, si_value at 24 */
static void on_usr1(int sig, void *si, void *uc)
{
	(void)sig;
	(void)uc;
	notes++;
	last_signo = *(int *)si;
	last_code = *(int *)((char *)si + 8);
	last_pid = *(int *)((char *)si + 16);
	last_value = *(long *)((char *)si + 24);
}

static long reg(int fd, int signo)
{
	struct k_sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.notify = SIGEV_SIGNAL;
	ev.signo = signo;
	ev.value = 0x1234;
	return sys_mq_notify(fd, &ev);
}

/* fork a child that sends one message and exits; wait for it */
static long child_sends(int fd, const char *s)
{
	long c = sys_fork();
	if (c == 0) {
		sys_mq_timedsend(fd, s, strlen(s), 0, 0);
		sys_exit_group(0);
	}
	int st;
	while (sys_wait4(c, &st, 0, 0) == -EINTR)
		;
	sleep_ms(20);
	return c;
}

static long curmsgs(int fd)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	sys_mq_getsetattr(fd, 0, &a);
	return a.mq_curmsgs;
}

int main(void)
{
	sys_mq_unlink(mq_name(NAME));
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 4;
	a.mq_msgsize = 16;
	long fd = sys_mq_open(mq_name(NAME), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	say_yes("mq_open", fd >= 0);
	ipc_sigaction(SIGUSR1, (void *)on_usr1, SA_SIGINFO | SA_RESTART);

	say_dec("mq_notify SIGEV_SIGNAL SIGUSR1", reg(fd, SIGUSR1));
	say_dec("mq_notify again, same process", reg(fd, SIGUSR1));
	long c = sys_fork();
	if (c == 0) {
		say_dec("child: mq_notify while the parent is registered", reg(fd, SIGUSR1));
		say_dec("child: mq_notify(NULL) (not registered)", sys_mq_notify(fd, 0));
		sys_exit_group(0);
	}
	int st;
	sys_wait4(c, &st, 0, 0);
	say_dec("notifications so far", notes);

	/* empty -> non-empty: one signal, from the sender */
	c = child_sends(fd, "one");
	say_dec("after a child sent to the empty queue: notifications", notes);
	say_dec("si_signo", last_signo);
	say_dec("si_code (SI_MESGQ)", last_code);
	say_yes("si_pid == the sending child", last_pid == c);
	say_hex("si_value", last_value);

	/* the registration is gone: no more signals, another process may register */
	sys_mq_timedreceive(fd, buf, 16, 0, 0);
	child_sends(fd, "two");
	say_dec("after a second send to the empty queue: notifications", notes);
	sys_mq_timedreceive(fd, buf, 16, 0, 0);
	c = sys_fork();
	if (c == 0) {
		say_dec("child: mq_notify after the registration was used", reg(fd, SIGUSR1));
		sys_exit_group(0);
	}
	sys_wait4(c, &st, 0, 0);
	say_dec("parent: mq_notify after the child exited (its registration went with it)", reg(fd, SIGUSR1));

	/* only empty -> non-empty notifies */
	sys_mq_notify(fd, 0);
	sys_mq_timedsend(fd, "x", 1, 0, 0);
	say_dec("register on a non-empty queue", reg(fd, SIGUSR1));
	child_sends(fd, "y");
	say_dec("after a send to the non-empty queue: notifications", notes);
	say_dec("curmsgs", curmsgs(fd));
	sys_mq_timedreceive(fd, buf, 16, 0, 0);
	sys_mq_timedreceive(fd, buf, 16, 0, 0);
	child_sends(fd, "z");
	say_dec("then a send to the empty queue: notifications", notes);
	sys_mq_timedreceive(fd, buf, 16, 0, 0);

	/* a receiver waiting in mq_receive takes the message: no signal, and the
	 * registration stays */
	say_dec("register", reg(fd, SIGUSR1));
	long rc = sys_fork();
	if (rc == 0) {
		long r = sys_mq_timedreceive(fd, buf, 16, 0, 0);
		sys_exit_group(r == 3 ? 0 : 1);
	}
	sleep_ms(200);
	child_sends(fd, "abc");
	while (sys_wait4(rc, &st, 0, 0) == -EINTR)
		;
	say_status("receiver child", st);
	say_dec("after a send to a waiting receiver: notifications", notes);
	child_sends(fd, "again");
	say_dec("then a send with nobody waiting: notifications", notes);
	sys_mq_timedreceive(fd, buf, 16, 0, 0);

	/* mq_notify(NULL) unregisters */
	say_dec("register", reg(fd, SIGUSR1));
	say_dec("mq_notify(NULL)", sys_mq_notify(fd, 0));
	child_sends(fd, "n");
	say_dec("after a send: notifications", notes);
	sys_mq_timedreceive(fd, buf, 16, 0, 0);

	/* errors */
	say_dec("sigev_signo 0", reg(fd, 0));
	say_dec("sigev_signo 65", reg(fd, 65));
	struct k_sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.notify = 99;
	say_dec("sigev_notify 99", sys_mq_notify(fd, &ev));
	say_dec("mq_notify on stdout (not a queue)", reg(1, SIGUSR1));
	say_dec("mq_notify on a closed fd", reg(50, SIGUSR1));

	sys_close(fd);
	say_dec("mq_unlink", sys_mq_unlink(mq_name(NAME)));
	return 0;
}
