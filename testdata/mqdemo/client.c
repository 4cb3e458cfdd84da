/*
 * client NAME: one request to the server of scenario msg_server.
 *
 * It finds the queue by its key, sends {mtype 1, its pid, a number, NAME}
 * and waits for the answer with msgrcv(msgtyp = getpid()): a message of
 * any other type, another client's answer or a request, is not for it.
 */
#include "demo.h"

#define KEY 0x5e7e

struct request { long mtype; int pid; int n; char name[16]; };
struct reply { long mtype; int n; int square; int served; };

int main(int argc, char **argv)
{
	struct line l = { .n = 0 };
	const char *name = argc > 1 ? argv[1] : "anonymous";
	long id = sys_msgget(KEY, 0);
	if (id < 0)
		return 1;
	long pid = sys_getpid();
	struct request req = { 1, pid, 0, { 0 } };
	req.n = name[0] == 'a' ? 7 : name[0] == 'b' ? 12 : 20;	/* what to square */
	memcpy(req.name, name, strlen(name) < 15 ? strlen(name) : 15);
	if (sys_msgsnd(id, &req, sizeof req - sizeof req.mtype, 0) < 0)
		return 1;

	struct reply rep;
	long r = sys_msgrcv(id, &rep, sizeof rep - sizeof rep.mtype, pid, 0);
	l_str(&l, "client ");
	l_str(&l, name);
	l_str(&l, " (pid ");
	l_dec(&l, pid);
	if (r < 0) {
		l_str(&l, "): msgrcv = ");
		l_dec(&l, r);
		l_end(&l);
		return 1;
	}
	l_str(&l, "): got mtype ");
	l_dec(&l, rep.mtype);
	l_str(&l, ": ");
	l_dec(&l, rep.n);
	l_str(&l, " squared is ");
	l_dec(&l, rep.square);
	l_str(&l, " (request ");
	l_dec(&l, rep.served);
	l_str(&l, ")");
	l_end(&l);
	return rep.mtype == pid ? 0 : 1;
}
