/*
 * bench.h: what the benchmark programs share beside the runtime
 * (../linux/rt/rt.h, which the scenarios' C programs build with too, so
 * that a change to it makes their binaries stale).
 */

/* atol_ reads the decimal number at the start of s (a program's argument):
 * its digits, up to the first other character; 0 if none. */
static long atol_(const char *s)
{
	long v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}
