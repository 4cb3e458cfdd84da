/*
 * server: one System V message queue, several clients (scenario msg_server).
 *
 * The server creates the queue under a well-known key and starts three
 * clients, /bin/client alice, bob and carol. A client sends a request with
 * mtype 1 that carries its pid and a number; the server takes requests
 * with msgrcv(msgtyp = 1) and answers each with mtype = the client's pid,
 * the square of the number. Every client waits with msgrcv(msgtyp =
 * getpid()), so it receives its own answer and nobody else's, although all
 * answers travel through the same queue. When it has served three requests
 * the server reaps the clients and removes the queue.
 */
#include "demo.h"

#define KEY 0x5e7e
#define CLIENTS 3

struct request { long mtype; int pid; int n; char name[16]; };
struct reply { long mtype; int n; int square; int served; };

int main(void)
{
	struct line l = { .n = 0 };
	long id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	l_str(&l, "server: msgget(0x5e7e) = ");
	l_dec(&l, id);
	l_end(&l);
	if (id < 0)
		return 1;

	static char *names[CLIENTS] = { "alice", "bob", "carol" };
	for (int i = 0; i < CLIENTS; i++)
		spawn("/bin/client", "client", names[i]);

	for (int served = 1; served <= CLIENTS; served++) {
		struct request req;
		long r = sys_msgrcv(id, &req, sizeof req - sizeof req.mtype, 1, 0);
		if (r < 0) {
			l_str(&l, "server: msgrcv = ");
			l_dec(&l, r);
			l_end(&l);
			return 1;
		}
		struct reply rep = { req.pid, req.n, req.n * req.n, served };
		l_str(&l, "server: request ");
		l_dec(&l, served);
		l_str(&l, " from ");
		l_str(&l, req.name);
		l_str(&l, " (pid ");
		l_dec(&l, req.pid);
		l_str(&l, "): ");
		l_dec(&l, req.n);
		l_str(&l, " squared, answered with mtype ");
		l_dec(&l, rep.mtype);
		l_end(&l);
		sys_msgsnd(id, &rep, sizeof rep - sizeof rep.mtype, 0);
	}

	int failed = 0;
	for (int i = 0; i < CLIENTS; i++) {
		int st = 0;
		sys_wait4(-1, &st, 0, 0);
		failed += st != 0;
	}
	l_str(&l, "server: every client answered; IPC_RMID = ");
	l_dec(&l, sys_msgctl(id, IPC_RMID, 0));
	l_end(&l);
	return failed;
}
