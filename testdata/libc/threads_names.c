/* threads_names: threads named by another thread. pthread_setname_np and
 * pthread_getname_np on a thread other than the caller go through
 * /proc/self/task/TID/comm (glibc and musl alike); on the caller itself
 * through prctl(PR_SET_NAME) and PR_GET_NAME. Also /proc/self/comm (the
 * first thread's name) and a thread's comm file read and written
 * directly, with a newline kept and a long name cut to 15 bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static sem_t go, done, ready;
static pid_t worker_tid;

static void *worker(void *a) {
	(void)a;
	char b[16];
	worker_tid = gettid();
	sem_post(&ready);
	sem_wait(&go);
	pthread_getname_np(pthread_self(), b, sizeof b);
	printf("worker sees its name: %s\n", b);
	prctl(PR_GET_NAME, b);
	printf("worker's PR_GET_NAME: %s\n", b);
	sem_post(&done);
	sem_wait(&go);
	prctl(PR_SET_NAME, "self-named");
	sem_post(&done);
	sem_wait(&go);
	return 0;
}

/* comm prints what the file at path holds, newlines shown as \n. */
static void comm(const char *what, const char *path) {
	char b[64];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s: open: %s\n", what, strerror(errno));
		return;
	}
	ssize_t n = read(fd, b, sizeof b);
	close(fd);
	printf("%s: %zd bytes: ", what, n);
	for (ssize_t i = 0; i < n; i++)
		printf(b[i] == '\n' ? "\\n" : "%c", b[i]);
	printf("\n");
}

int main(void) {
	pthread_t t;
	char path[64], b[32];
	sem_init(&go, 0, 0);
	sem_init(&done, 0, 0);
	sem_init(&ready, 0, 0);
	pthread_setname_np(pthread_self(), "mainthr");
	comm("/proc/self/comm", "/proc/self/comm");
	pthread_create(&t, 0, worker, 0);
	sem_wait(&ready);
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid);

	pthread_getname_np(t, b, sizeof b);
	printf("a new thread's name: %s\n", b);
	int r = pthread_setname_np(t, "renamed");
	printf("setname other: %d\n", r);
	b[0] = 0;
	r = pthread_getname_np(t, b, sizeof b);
	printf("getname other: %d %s\n", r, b);
	r = pthread_setname_np(t, "a-name-of-sixteen");
	printf("setname other, 17 bytes: %s\n", r == ERANGE ? "ERANGE" : strerror(r));
	r = pthread_getname_np(t, b, 8);
	printf("getname other, 8-byte buffer: %s\n", r == ERANGE ? "ERANGE" : strerror(r));
	comm("its comm file", path);
	sem_post(&go);
	sem_wait(&done);

	sem_post(&go);
	sem_wait(&done);
	pthread_getname_np(t, b, sizeof b);
	printf("after its PR_SET_NAME: %s\n", b);

	int fd = open(path, O_WRONLY);
	printf("write \"nl\\n\": %zd\n", write(fd, "nl\n", 3));
	comm("its comm file", path);
	printf("write a 26-byte name: %zd\n", write(fd, "abcdefghijklmnopqrstuvwxyz", 26));
	close(fd);
	comm("its comm file", path);
	comm("/proc/self/comm", "/proc/self/comm");
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", getpid());
	comm("the first thread's comm file", path);

	sem_post(&go);
	pthread_join(t, 0);
	pthread_getname_np(pthread_self(), b, sizeof b);
	printf("main: %s\n", b);
	return 0;
}
