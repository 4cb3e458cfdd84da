/* sysv: System V shared memory, semaphores and message queues between
 * forked processes, in ordinary C: shmget/shmat/shmdt/shmctl,
 * semget/semop/semctl, msgget/msgsnd/msgrcv/msgctl.
 *
 * Everything is IPC_PRIVATE (no key a second run could meet) and removed
 * at the end. */
#define _GNU_SOURCE /* MSG_EXCEPT */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIDS 4
#define ROUNDS 500

struct shared {
	long counter;
	double results[KIDS];
	char note[64];
};

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct msg {
	long mtype;
	char text[32];
};

static void die(const char *what)
{
	perror(what);
	exit(100);
}

static void sem_change(int semid, int delta)
{
	struct sembuf op = {0, delta, 0};
	while (semop(semid, &op, 1) < 0)
		if (errno != EINTR)
			die("semop");
}

int main(void)
{
	int shmid = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
	if (shmid < 0)
		die("shmget");
	struct shared *sh = shmat(shmid, NULL, 0);
	if (sh == (void *)-1)
		die("shmat");
	printf("segment attached, zeroed: %s\n", sh->counter == 0 && sh->note[0] == 0 ? "yes" : "no");

	int semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (semid < 0)
		die("semget");
	union semun arg = {.val = 1};
	semctl(semid, 0, SETVAL, arg);
	printf("semaphore value %d\n", semctl(semid, 0, GETVAL));

	/* KIDS children increment one counter under the semaphore, and each
	 * leaves a floating-point result in its slot. */
	fflush(stdout);
	pid_t pids[KIDS];
	for (int k = 0; k < KIDS; k++) {
		pids[k] = fork();
		if (pids[k] < 0)
			die("fork");
		if (pids[k] == 0) {
			for (int i = 0; i < ROUNDS; i++) {
				sem_change(semid, -1);
				long c = sh->counter;
				sh->counter = c + 1;
				sem_change(semid, +1);
			}
			double x = 1;
			for (int i = 0; i <= k; i++)
				x = x / 2 + 1.0 / (k + 1);
			sh->results[k] = x;
			shmdt(sh);
			exit(0);
		}
	}
	for (int k = 0; k < KIDS; k++) {
		int status;
		waitpid(pids[k], &status, 0);
	}
	printf("counter %ld (want %d)\n", sh->counter, KIDS * ROUNDS);
	for (int k = 0; k < KIDS; k++)
		printf("result[%d] = %f\n", k, sh->results[k]);
	struct shmid_ds ds;
	shmctl(shmid, IPC_STAT, &ds);
	printf("shm_segsz %zu, nattch %lu\n", (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch);

	/* A second attachment in this process sees the same bytes. */
	char *again = shmat(shmid, NULL, SHM_RDONLY);
	strcpy(sh->note, "written through the first mapping");
	printf("second mapping reads \"%s\"\n", again + offsetof(struct shared, note));
	shmctl(shmid, IPC_STAT, &ds);
	printf("nattch with two attachments %lu\n", (unsigned long)ds.shm_nattch);
	shmdt(again);

	/* A child waits on a semaphore the parent posts. */
	semctl(semid, 0, SETVAL, (union semun){.val = 0});
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		sem_change(semid, -1);
		printf("child: past the semaphore, note is \"%s\"\n", sh->note);
		exit(0);
	}
	strcpy(sh->note, "set before the post");
	sem_change(semid, +1);
	waitpid(c, NULL, 0);
	struct sembuf nowait = {0, -1, IPC_NOWAIT};
	errno = 0;
	int rc = semop(semid, &nowait, 1);
	printf("semop IPC_NOWAIT on 0: %d, EAGAIN: %s\n", rc,
	       errno == EAGAIN ? "yes" : "no");

	/* Message queue: a child sends typed messages, the parent picks. */
	int mq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (mq < 0)
		die("msgget");
	fflush(stdout);
	c = fork();
	if (c == 0) {
		const char *words[] = {"alpha", "beta", "gamma", "delta", "epsilon"};
		long types[] = {3, 1, 2, 1, 5};
		for (int i = 0; i < 5; i++) {
			struct msg m = {.mtype = types[i]};
			snprintf(m.text, sizeof m.text, "%s %.2f", words[i], i * 1.5);
			if (msgsnd(mq, &m, strlen(m.text) + 1, 0) < 0)
				die("msgsnd");
		}
		exit(0);
	}
	waitpid(c, NULL, 0);
	struct msqid_ds qs;
	msgctl(mq, IPC_STAT, &qs);
	printf("queue: %lu messages\n", (unsigned long)qs.msg_qnum);
	struct msg m;
	ssize_t n = msgrcv(mq, &m, sizeof m.text, 2, 0);
	printf("type 2: %zd bytes, \"%s\"\n", n, m.text);
	n = msgrcv(mq, &m, sizeof m.text, -2, 0);
	printf("type <= 2: type %ld, \"%s\"\n", m.mtype, m.text);
	n = msgrcv(mq, &m, sizeof m.text, 1, MSG_EXCEPT);
	printf("type != 1: type %ld, \"%s\"\n", m.mtype, m.text);
	while ((n = msgrcv(mq, &m, sizeof m.text, 0, IPC_NOWAIT)) >= 0)
		printf("next: type %ld, \"%s\"\n", m.mtype, m.text);
	printf("empty queue with IPC_NOWAIT: ENOMSG: %s\n", errno == ENOMSG ? "yes" : "no");
	m.mtype = 1;
	strcpy(m.text, "this text is too long");
	msgsnd(mq, &m, strlen(m.text) + 1, 0);
	errno = 0;
	n = msgrcv(mq, &m, 4, 0, IPC_NOWAIT);
	printf("4-byte buffer: %zd, E2BIG: %s\n", n, errno == E2BIG ? "yes" : "no");
	n = msgrcv(mq, &m, 4, 0, IPC_NOWAIT | MSG_NOERROR);
	printf("with MSG_NOERROR: %zd bytes, \"%.4s\"\n", n, m.text);

	/* A receiver blocked on an empty queue is woken by a message. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		struct msg r;
		n = msgrcv(mq, &r, sizeof r.text, 7, 0);
		printf("child: received type %ld \"%s\"\n", r.mtype, r.text);
		exit(0);
	}
	m.mtype = 7;
	strcpy(m.text, "wake up");
	msgsnd(mq, &m, strlen(m.text) + 1, 0);
	waitpid(c, NULL, 0);

	/* Remove everything; the ids are then invalid. */
	shmdt(sh);
	printf("IPC_RMID: shm %d, sem %d, msg %d\n", shmctl(shmid, IPC_RMID, NULL),
	       semctl(semid, 0, IPC_RMID), msgctl(mq, IPC_RMID, NULL));
	errno = 0;
	rc = msgsnd(mq, &m, 1, 0);
	printf("msgsnd after IPC_RMID: %d, EINVAL: %s\n", rc,
	       errno == EINVAL ? "yes" : "no");
	errno = 0;
	printf("shmat after IPC_RMID: EINVAL: %s\n",
	       shmat(shmid, NULL, 0) == (void *)-1 && errno == EINVAL ? "yes" : "no");
	return 0;
}
