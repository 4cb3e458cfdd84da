/* files: a FIFO and a regular file through stdio, poll, and a
 * process-shared POSIX semaphore, in ordinary C: mkdir, mkfifo,
 * fopen/fprintf/fgets/fscanf/rewind/fclose, unlink, rmdir, poll,
 * mmap(MAP_SHARED|MAP_ANONYMOUS), sem_init(pshared)/sem_wait/sem_post,
 * nanosleep and usleep.
 *
 * It works in /tmp/ipcsim-libc-files, removing a crashed run's leftovers
 * first and everything it made at the end. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIR "/tmp/ipcsim-libc-files"

int main(void)
{
	unlink(DIR "/fifo");
	unlink(DIR "/file");
	rmdir(DIR);
	printf("mkdir %d, mkfifo %d\n", mkdir(DIR, 0700), mkfifo(DIR "/fifo", 0600));
	struct stat st;
	stat(DIR "/fifo", &st);
	printf("S_ISFIFO %d, mode %o\n", S_ISFIFO(st.st_mode) != 0, (unsigned)(st.st_mode & 0777));

	/* The child writes lines into the FIFO, the parent reads them. */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		FILE *w = fopen(DIR "/fifo", "w");
		if (w == NULL)
			exit(1);
		for (int i = 1; i <= 3; i++)
			fprintf(w, "line %d: %d/7 = %.4f\n", i, i, i / 7.0);
		fclose(w);
		exit(0);
	}
	FILE *r = fopen(DIR "/fifo", "r");
	char line[64];
	while (r != NULL && fgets(line, sizeof line, r) != NULL)
		printf("fifo: %s", line);
	if (r != NULL)
		fclose(r);
	int status;
	waitpid(c, &status, 0);
	printf("writer exited with %d\n", WEXITSTATUS(status));
	printf("unlink fifo %d\n", unlink(DIR "/fifo"));

	/* A regular file: write, rewind, read back with fscanf. */
	FILE *f = fopen(DIR "/file", "w+");
	if (f == NULL) {
		printf("fopen: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < 5; i++)
		fprintf(f, "%d %f\n", i * i, i * 0.25);
	long size = ftell(f);
	rewind(f);
	int a, n = 0;
	double d, sum = 0;
	while (fscanf(f, "%d %lf", &a, &d) == 2) {
		sum += a + d;
		n++;
	}
	printf("file: %ld bytes, %d records, sum %f\n", size, n, sum);
	fclose(f);
	stat(DIR "/file", &st);
	printf("stat: regular %d, size %lld\n", S_ISREG(st.st_mode) != 0, (long long)st.st_size);
	errno = 0;
	int rc = rmdir(DIR);
	printf("rmdir of a non-empty directory: %d, ENOTEMPTY: %s\n", rc,
	       errno == ENOTEMPTY ? "yes" : "no");
	printf("unlink file %d, rmdir %d\n", unlink(DIR "/file"), rmdir(DIR));
	errno = 0;
	printf("fopen of the removed file: %s\n",
	       fopen(DIR "/file", "r") == NULL && errno == ENOENT ? "ENOENT" : "?");

	/* poll on a pipe. */
	int p[2];
	pipe(p);
	struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	printf("poll, empty pipe: %d, revents 0x%x 0x%x\n", poll(pf, 2, 50), pf[0].revents,
	       pf[1].revents);
	write(p[1], "x", 1);
	printf("poll, one byte: %d, revents 0x%x 0x%x\n", poll(pf, 2, 50), pf[0].revents,
	       pf[1].revents);
	close(p[1]);
	printf("poll, writer closed: %d, revents 0x%x\n", poll(pf, 1, 50), pf[0].revents);

	/* A process-shared semaphore in shared anonymous memory. */
	struct shared {
		sem_t ready, done;
		double value;
	} *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	sem_init(&sh->ready, 1, 0);
	sem_init(&sh->done, 1, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		sem_wait(&sh->ready);
		sh->value *= 3;
		sem_post(&sh->done);
		exit(0);
	}
	sh->value = 1.25;
	struct timespec ts = {0, 20 * 1000 * 1000};
	printf("nanosleep %d, usleep %d\n", nanosleep(&ts, NULL), usleep(1000));
	sem_post(&sh->ready);
	sem_wait(&sh->done);
	waitpid(c, NULL, 0);
	int v;
	sem_getvalue(&sh->done, &v);
	printf("value after the child: %f, semaphore %d\n", sh->value, v);
	errno = 0;
	rc = sem_trywait(&sh->done);
	printf("sem_trywait on 0: %d, EAGAIN: %s\n", rc,
	       errno == EAGAIN ? "yes" : "no");
	return 0;
}
