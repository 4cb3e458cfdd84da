/*
 * big_write: one write(2) of 70000 bytes.
 *
 * write(2): "writes up to count bytes from the buffer ... to the file"; to a
 * regular file (or a pipe or terminal in blocking mode, which wait for room) the
 * whole buffer is written and the return value is the count.
 */
#include "rt/rt.h"

#define N 70000
static char buf[N];

int main(void)
{
	/* 70000 bytes of lines "line NNNNN: abc...xyz\n", the last line cut short */
	int pos = 0;
	for (int line = 0; pos < N; line++) {
		char tmp[64];
		int k = 0;
		const char *pre = "line ";
		while (*pre)
			tmp[k++] = *pre++;
		for (int d = 10000; d; d /= 10)
			tmp[k++] = '0' + (line / d) % 10;
		tmp[k++] = ':';
		tmp[k++] = ' ';
		for (int c = 0; c < 26; c++)
			tmp[k++] = 'a' + (c + line) % 26;
		tmp[k++] = '\n';
		for (int i = 0; i < k && pos < N; i++)
			buf[pos++] = tmp[i];
	}
	buf[N - 1] = '\n';
	long r = sys_write(1, buf, N);
	say_dec("wrote", r);
	return 0;
}
