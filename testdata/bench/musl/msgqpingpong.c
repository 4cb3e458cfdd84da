/*
 * msgqpingpong N: parent and child bounce a message N times through one
 * SysV message queue (msgsnd/msgrcv, type 1 one way, type 2 the other).
 * Prints "round trips: N". IPC ping-pong benchmark (BENCHMARKS.md).
 */
#include "bench.h"
#include <sys/ipc.h>
#include <sys/msg.h>

struct msg {
	long type;
	char text[8];
};

int main(int argc, char **argv)
{
	long n = count(argc, argv, 1000);
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct msg m = { 1, "ping" };
	if (q < 0)
		fail("msgget");
	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (msgrcv(q, &m, sizeof m.text, 1, 0) < 0)
				fail("msgrcv");
			m.type = 2;
			if (msgsnd(q, &m, sizeof m.text, 0) < 0)
				fail("msgsnd");
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		m.type = 1;
		if (msgsnd(q, &m, sizeof m.text, 0) < 0)
			fail("msgsnd");
		if (msgrcv(q, &m, sizeof m.text, 2, 0) < 0)
			fail("msgrcv");
	}
	reap(pid);
	msgctl(q, IPC_RMID, 0);
	printf("round trips: %ld\n", n);
	return 0;
}
