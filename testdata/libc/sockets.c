/* sockets: Unix socketpairs and select between a parent and its children,
 * in ordinary C: socketpair (SOCK_STREAM, SOCK_DGRAM), fdopen/fgets/fprintf
 * over a socket, select on sockets and pipes (with a timeout), shutdown,
 * and a descriptor passed with sendmsg/recvmsg (SCM_RIGHTS). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(100);
}

/* ready_list prints which of the fds are set. */
static void ready_list(const char *what, fd_set *set, const int *fds, const char **names, int n)
{
	printf("%s:", what);
	for (int i = 0; i < n; i++)
		if (FD_ISSET(fds[i], set))
			printf(" %s", names[i]);
	printf("\n");
}

int main(void)
{
	/* A stream pair: the child upper-cases lines (stdio on both ends). */
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		FILE *in = fdopen(sv[1], "r+");
		char line[128];
		int lines = 0;
		while (fgets(line, sizeof line, in) != NULL) {
			for (char *p = line; *p; p++)
				*p = toupper((unsigned char)*p);
			fprintf(in, "%s", line);
			fflush(in);
			lines++;
		}
		printf("child: %d lines, then end of file\n", lines);
		exit(0);
	}
	close(sv[1]);
	FILE *f = fdopen(sv[0], "r+");
	const char *words[] = {"hello, socket\n", "pi is about 3.14159\n", "bye\n"};
	for (int i = 0; i < 3; i++) {
		char line[128];
		fputs(words[i], f);
		fflush(f);
		if (fgets(line, sizeof line, f) == NULL)
			die("fgets");
		printf("sent %zu bytes, got back: %s", strlen(words[i]), line);
		fflush(stdout); /* before the child's line, whatever the buffering */
	}
	shutdown(sv[0], SHUT_WR); /* the child's fgets sees end of file */
	int status;
	waitpid(c, &status, 0);
	printf("child exited with %d\n", WEXITSTATUS(status));
	fclose(f);

	/* A datagram pair keeps message boundaries. */
	int dg[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, dg);
	send(dg[0], "one", 3, 0);
	send(dg[0], "two!", 4, 0);
	send(dg[0], "", 0, 0);
	char buf[64];
	for (int i = 0; i < 3; i++) {
		ssize_t n = recv(dg[1], buf, sizeof buf, 0);
		printf("datagram %d: %zd bytes \"%.*s\"\n", i, n, (int)n, buf);
	}
	ssize_t n = recv(dg[1], buf, 2, MSG_DONTWAIT);
	printf("empty, MSG_DONTWAIT: %zd, EAGAIN: %s\n", n, errno == EAGAIN ? "yes" : "no");
	send(dg[0], "truncated", 9, 0);
	n = recv(dg[1], buf, 5, 0);
	printf("9-byte datagram into 5: %zd \"%.*s\", rest dropped: ", n, (int)n, buf);
	n = recv(dg[1], buf, sizeof buf, MSG_DONTWAIT);
	printf("%s\n", n < 0 ? "yes" : "no");

	/* select over a socket and a pipe, fed by a child in a fixed order. */
	int s2[2], p[2], go[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, s2);
	pipe(p);
	pipe(go);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		char b;
		close(s2[0]);
		close(p[0]);
		close(go[1]);
		read(go[0], &b, 1);
		write(s2[1], "S", 1);
		read(go[0], &b, 1);
		write(p[1], "P", 1);
		read(go[0], &b, 1);
		exit(0); /* closes both: end of file on each */
	}
	close(s2[1]);
	close(p[1]);
	close(go[0]);
	int fds[] = {s2[0], p[0]};
	const char *names[] = {"socket", "pipe"};
	int maxfd = (s2[0] > p[0] ? s2[0] : p[0]) + 1;
	fd_set rd;
	struct timeval tv = {0, 100000};
	FD_ZERO(&rd);
	FD_SET(s2[0], &rd);
	FD_SET(p[0], &rd);
	int r = select(maxfd, &rd, NULL, NULL, &tv);
	printf("select with nothing to read, 100 ms: %d\n", r);
	for (int step = 0; step < 3; step++) {
		write(go[1], "g", 1);
		FD_ZERO(&rd);
		FD_SET(s2[0], &rd);
		FD_SET(p[0], &rd);
		r = select(maxfd, &rd, NULL, NULL, NULL);
		/* The third step: wait for both ends of file. */
		if (step == 2 && r < 2) {
			waitpid(c, NULL, 0);
			FD_ZERO(&rd);
			FD_SET(s2[0], &rd);
			FD_SET(p[0], &rd);
			r = select(maxfd, &rd, NULL, NULL, NULL);
		}
		char line[32];
		snprintf(line, sizeof line, "step %d, %d ready", step, r);
		ready_list(line, &rd, fds, names, 2);
		for (int i = 0; i < 2; i++)
			if (FD_ISSET(fds[i], &rd)) {
				n = read(fds[i], buf, sizeof buf);
				printf("  read %s: %zd\n", names[i], n);
			}
	}
	waitpid(c, NULL, 0);
	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(dg[0], &wr);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	printf("datagram socket writable: %d\n", select(dg[0] + 1, NULL, &wr, NULL, &tv));

	/* SCM_RIGHTS: the child receives the write end of a pipe it did not
	 * inherit and writes into it. */
	int s3[2], q[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, s3);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		close(s3[0]);
		char data;
		struct iovec iov = {&data, 1};
		union {
			struct cmsghdr h;
			char space[CMSG_SPACE(sizeof(int))];
		} ctl;
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
				    .msg_controllen = sizeof ctl.space};
		if (recvmsg(s3[1], &mh, 0) != 1)
			die("recvmsg");
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
			die("no SCM_RIGHTS");
		int fd;
		memcpy(&fd, CMSG_DATA(cm), sizeof fd);
		dprintf(fd, "written by the child through a passed fd, byte '%c'", data);
		exit(0);
	}
	close(s3[1]);
	pipe(q);
	char data = 'Z';
	struct iovec iov = {&data, 1};
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
			    .msg_controllen = sizeof ctl.space};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &q[1], sizeof(int));
	printf("sendmsg: %zd\n", sendmsg(s3[0], &mh, 0));
	close(q[1]);
	waitpid(c, NULL, 0);
	n = read(q[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("pipe says: %s\n", buf);
	printf("then: %zd\n", read(q[0], buf, sizeof buf));
	return 0;
}
