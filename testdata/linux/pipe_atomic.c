/*
 * pipe_atomic: writes of PIPE_BUF bytes are never interleaved.
 *
 * pipe(7): "POSIX.1 says that writes of less than PIPE_BUF bytes must be
 *   atomic: the output data is written to the pipe as a contiguous sequence.
 *   ... (On Linux, PIPE_BUF is 4096 bytes.)" "O_NONBLOCK disabled, n <=
 *   PIPE_BUF: All n bytes are written atomically; write(2) may block if there
 *   is not room for n bytes to be written immediately".
 *
 * Four children each write 16 records of 4096 bytes of their own letter into
 * one pipe at once (256 KiB, four times the capacity, so writers block and
 * wake many times). The parent reads 4096-byte chunks (looping: a pipe read
 * may return less) and checks that each is a single letter.
 */
#include "rt/rt.h"

#define KIDS 4
#define RECS 16

int main(void)
{
	int p[2], st;
	long pids[KIDS];
	sys_pipe2(p, 0);
	for (int k = 0; k < KIDS; k++) {
		pids[k] = sys_fork();
		if (pids[k] == 0) {
			static char rec[4096];
			sys_close(p[0]);
			memset(rec, 'A' + k, sizeof rec);
			for (int i = 0; i < RECS; i++)
				if (sys_write(p[1], rec, sizeof rec) != sizeof rec)
					sys_exit_group(1);
			sys_exit_group(0);
		}
	}
	sys_close(p[1]);
	static char chunk[4096];
	int count[KIDS] = { 0 };
	int chunks = 0, mixed = 0, other = 0;
	long r;
	while ((r = read_full(p[0], chunk, sizeof chunk)) == sizeof chunk) {
		chunks++;
		char c = chunk[0];
		for (int i = 1; i < 4096; i++)
			if (chunk[i] != c)
				mixed++;
		if (c >= 'A' && c < 'A' + KIDS)
			count[c - 'A']++;
		else
			other++;
	}
	int codes_ok = 1;
	for (int k = 0; k < KIDS; k++) {
		sys_wait4(pids[k], &st, 0, 0);
		codes_ok &= st == 0;
	}
	say_dec("last read_full", r);
	say_dec("4096-byte chunks", chunks);
	say_yes("no interleaving", mixed == 0 && other == 0);
	for (int k = 0; k < KIDS; k++) {
		print("records of ");
		char l[2] = { 'A' + k, 0 };
		print(l);
		print(": ");
		print_dec(count[k]);
		print("\n");
	}
	say_yes("every writer exited 0 (each write returned 4096)", codes_ok);
	return 0;
}
