/*
 * sys17_calls: the calls a C library makes at startup (issue 17).
 *
 * mprotect(2): a store to a page made read-only is SIGSEGV with si_code
 * SEGV_ACCERR and si_addr the address; the handler makes it writable again
 * and the store completes. PROT_NONE stops a load; a page without PROT_EXEC
 * cannot be run (the code copied there runs once it is R|X); the middle of
 * three pages alone; unaligned EINVAL, a hole ENOMEM.
 * clone(2) with CLONE_PARENT_SETTID|CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID:
 * the tid in the parent's word and (a MAP_SHARED word) the child's; the
 * CLEARTID word is not cleared at exit of a process with its own memory.
 * clock_nanosleep: relative 20 ms, TIMER_ABSTIME now + 20 ms, an absolute
 * time past, CLOCK_THREAD_CPUTIME_ID EINVAL, bad tv_nsec EINVAL.
 * getrandom: lengths and flags (the bytes differ between runs and hosts:
 * only "not all zero"). prlimit64/getrlimit/setrlimit: NOFILE soft 1024,
 * lowering it gives EMFILE, soft above hard EINVAL, a non-root raise of the
 * hard limit EPERM. prctl PR_SET_NAME/PR_GET_NAME (truncated to 15).
 * readlinkat /proc/self/exe ends in the program's name. rseq: ENOSYS (a
 * kernel without CONFIG_RSEQ, and qemu). set_robust_list, riscv_hwprobe:
 * see README.md (qemu 7.2 lacks both).
 */
#include "rt/rt.h"

static volatile char *ro_page;
static volatile long segv_code, segv_addr_ok, segv_count;

static void on_segv(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig; (void)uc;
	segv_count++;
	segv_code = info->si_code;
	unsigned long addr = *(unsigned long *)((char *)info + 16);
	segv_addr_ok = addr >= (unsigned long)ro_page && addr < (unsigned long)ro_page + PAGE_SIZE;
	sys_mprotect((void *)ro_page, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
}

static void test_mprotect(void)
{
	char *p = (char *)sys_mmap(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ipc_sigaction(SIGSEGV, on_segv, SA_SIGINFO);
	p[PAGE_SIZE] = 'a';
	ro_page = p + PAGE_SIZE;
	say_dec("mprotect middle page PROT_READ", sys_mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_READ));
	p[0] = 'x'; p[2 * PAGE_SIZE] = 'y'; /* the neighbours stay writable */
	say_dec("read of the read-only page", ro_page[0]);
	ro_page[8] = 'b';
	say_dec("store: SIGSEGV count", segv_count);
	say_dec("si_code (SEGV_ACCERR 2)", segv_code);
	say_dec("si_addr in the page", segv_addr_ok);
	say_dec("the store completed after the handler", ro_page[8]);

	segv_count = 0;
	sys_mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_NONE);
	long v = ro_page[16];
	say_dec("PROT_NONE load: SIGSEGV count", segv_count);
	say_dec("si_code", segv_code);
	say_dec("value read after", v);

	/* li a0, 42; ret */
	unsigned int code[2] = { 0x02a00513, 0x00008067 };
	unsigned int *cp = (unsigned int *)ro_page;
	cp[0] = code[0]; cp[1] = code[1];
	segv_count = 0;
	sys_mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_READ);
	__asm__ volatile(".word 0x0000100f" ::: "memory"); /* fence.i */
	long (*fn)(void) = (long (*)(void))cp;
	long r = fn();	/* faults (no X); the handler adds R|W|X, then it runs */
	say_dec("call into a page without PROT_EXEC: SIGSEGV count", segv_count);
	say_dec("si_code", segv_code);
	say_dec("si_addr in the page", segv_addr_ok);
	say_dec("the code ran after the handler", r);

	say_dec("mprotect unaligned", sys_mprotect(p + 1, PAGE_SIZE, PROT_READ));
	sys_munmap(p + 2 * PAGE_SIZE, PAGE_SIZE);
	say_dec("mprotect over a hole", sys_mprotect(p, 3 * PAGE_SIZE, PROT_READ));
	say_dec("mprotect length 0", sys_mprotect(p, 0, PROT_READ));
	say_dec("mprotect bad prot", sys_mprotect(p, PAGE_SIZE, 0x40));
	ipc_sigaction(SIGSEGV, 0, 0);
}

static void test_clone(void)
{
	int *shared = (int *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int ptid = 0;
	shared[0] = 0;
	long pid = sys_clone(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, &ptid, 0, shared);
	if (pid == 0) {
		shared[1] = shared[0] == sys_getpid();
		sys_exit_group(0);
	}
	int st;
	sys_wait4(pid, &st, 0, 0);
	say_dec("clone with the tid flags created a child", pid > 0);
	say_dec("parent_tid == pid", ptid == pid);
	say_dec("child_tid (in the child) == its pid", shared[1]);
	say_dec("child_tid left at exit (own memory)", shared[0] == pid);
	say_dec("set_tid_address returns the tid", sys_set_tid_address(&ptid) == sys_gettid());
}

static long ns_of(struct timespec *t) { return t->tv_sec * 1000000000L + t->tv_nsec; }

static void test_clock_nanosleep(void)
{
	struct timespec a, b, req = { 0, 20000000 }, rem = { 7, 7 };
	sys_clock_gettime(CLOCK_MONOTONIC, &a);
	say_dec("clock_nanosleep relative 20 ms", sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem));
	sys_clock_gettime(CLOCK_MONOTONIC, &b);
	say_dec("slept >= 20 ms", ns_of(&b) - ns_of(&a) >= 20000000);
	struct timespec until = b;
	until.tv_nsec += 20000000;
	if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
	say_dec("TIMER_ABSTIME now + 20 ms", sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0));
	sys_clock_gettime(CLOCK_MONOTONIC, &a);
	say_dec("woke at or after it", ns_of(&a) >= ns_of(&until));
	struct timespec past = { 0, 1 };
	say_dec("TIMER_ABSTIME in the past", sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &past, 0));
	say_dec("CLOCK_THREAD_CPUTIME_ID", sys_clock_nanosleep(3, 0, &req, 0));
	struct timespec bad = { 0, 1000000000 };
	say_dec("tv_nsec 1e9", sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, 0));
}

static void test_getrandom(void)
{
	unsigned char buf[300];
	for (int i = 0; i < 300; i++) buf[i] = 0;
	say_dec("getrandom 300", sys_getrandom(buf, 300, 0));
	int nonzero = 0;
	for (int i = 0; i < 300; i++) nonzero |= buf[i];
	say_dec("not all zero", nonzero != 0);
	say_dec("GRND_NONBLOCK 16", sys_getrandom(buf, 16, GRND_NONBLOCK));
	say_dec("GRND_RANDOM 16", sys_getrandom(buf, 16, GRND_RANDOM));
	say_dec("GRND_INSECURE 16", sys_getrandom(buf, 16, GRND_INSECURE));
	say_dec("GRND_INSECURE|GRND_RANDOM", sys_getrandom(buf, 16, GRND_INSECURE | GRND_RANDOM));
	say_dec("flags 8", sys_getrandom(buf, 16, 8));
	say_dec("length 0", sys_getrandom(buf, 0, 0));
}

static void test_rlimit(void)
{
	struct rlimit64 r, old;
	say_dec("getrlimit NOFILE", sys_getrlimit(RLIMIT_NOFILE, &r));
	say_dec("soft", r.cur);
	say_dec("prlimit64 AS infinite", sys_prlimit64(0, RLIMIT_AS, 0, &old) == 0 && old.cur == RLIM_INFINITY);
	say_dec("resource 16", sys_getrlimit(16, &r));
	long pid = sys_fork();
	if (pid == 0) {
		struct rlimit64 n = { 5, 5 };
		say_dec("child: setrlimit NOFILE 5/5", sys_setrlimit(RLIMIT_NOFILE, &n));
		say_dec("child: dup -> 3", sys_dup(0));
		say_dec("child: dup -> 4", sys_dup(0));
		say_dec("child: dup -> EMFILE", sys_dup(0));
		n.cur = 6;
		say_dec("child: soft above hard", sys_setrlimit(RLIMIT_NOFILE, &n));
		sys_setresuid(65534, 65534, 65534);
		n.cur = 5; n.max = 6;
		say_dec("child: non-root raises the hard limit", sys_setrlimit(RLIMIT_NOFILE, &n));
		n.cur = 4; n.max = 4;
		say_dec("child: non-root lowers it", sys_prlimit64(0, RLIMIT_NOFILE, &n, &old));
		say_dec("child: old soft", old.cur);
		sys_exit_group(0);
	}
	int st;
	sys_wait4(pid, &st, 0, 0);
}

static void test_misc(void)
{
	char name[16];
	say_dec("PR_SET_NAME", sys_prctl(PR_SET_NAME, (long)"sys17-long-name-here"));
	say_dec("PR_GET_NAME", sys_prctl(PR_GET_NAME, (long)name));
	print("name: "); print(name); print("\n");

	char buf[256];
	long n = sys_readlinkat(AT_FDCWD, "/proc/self/exe", buf, sizeof buf);
	const char *want = "/sys17_calls";
	int wl = 12, ends = n >= wl;
	for (int i = 0; ends && i < wl; i++)
		ends = buf[n - wl + i] == want[i];
	say_dec("readlink /proc/self/exe ends in /sys17_calls", ends);
	say_dec("readlink bufsiz 0", sys_readlinkat(AT_FDCWD, "/proc/self/exe", buf, 0));
	say_dec("readlink of a directory", sys_readlinkat(AT_FDCWD, "/", buf, sizeof buf));

	say_dec("rseq", sys_rseq(0, 32, 0, 0));
	long head[3] = { 0, 0, 0 };
	head[0] = (long)head;
	say_dec("set_robust_list len 24", sys_set_robust_list(head, 24));
	say_dec("set_robust_list len 16", sys_set_robust_list(head, 16));

	struct riscv_hwprobe pairs[4] = { { 3, 0 }, { 4, 0 }, { 99, 7 }, { 0, 9 } };
	say_dec("riscv_hwprobe", sys_riscv_hwprobe(pairs, 4, 0, 0, 0));
	say_dec("base behavior key", pairs[0].key);
	say_dec("base behavior IMA", pairs[0].value & 1);
	say_dec("IMA_EXT_0 FD bit", pairs[1].value & 1);
	say_dec("unknown key -> -1", pairs[2].key);
	say_dec("unknown key value", pairs[2].value);
	say_dec("riscv_hwprobe flags 2", sys_riscv_hwprobe(pairs, 1, 0, 0, 2));

	int fds[2];
	sys_pipe2(fds, 0);
	say_dec("sendfile from a pipe", sys_sendfile(fds[1], fds[0], 0, 5));
	say_dec("sendfile to a read end", sys_sendfile(fds[0], 0, 0, 5));
	say_dec("sendfile from a closed fd", sys_sendfile(fds[1], 99, 0, 5));
}

int main(void)
{
	test_mprotect();
	test_clone();
	test_clock_nanosleep();
	test_getrandom();
	test_rlimit();
	test_misc();
	return 0;
}
