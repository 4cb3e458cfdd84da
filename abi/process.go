package abi

// Constants of the process calls of issue 17 that are not file flags:
// clock_nanosleep, resource limits, prctl, getrandom and riscv_hwprobe.

// clock_nanosleep(2) (include/uapi/linux/time.h).
const TIMER_ABSTIME = 0x01

// Resource limits (asm-generic/resource.h). riscv64 uses the generic
// numbers and struct rlimit of two 8-byte fields.
const (
	RLIMIT_CPU        = 0
	RLIMIT_FSIZE      = 1
	RLIMIT_DATA       = 2
	RLIMIT_STACK      = 3
	RLIMIT_CORE       = 4
	RLIMIT_RSS        = 5
	RLIMIT_NPROC      = 6
	RLIMIT_NOFILE     = 7
	RLIMIT_MEMLOCK    = 8
	RLIMIT_AS         = 9
	RLIMIT_LOCKS      = 10
	RLIMIT_SIGPENDING = 11
	RLIMIT_MSGQUEUE   = 12
	RLIMIT_NICE       = 13
	RLIMIT_RTPRIO     = 14
	RLIMIT_RTTIME     = 15
	RLIM_NLIMITS      = 16

	RLIM_INFINITY = ^uint64(0)
)

// prctl(2) options (include/uapi/linux/prctl.h).
const (
	PR_SET_PDEATHSIG = 1
	PR_GET_PDEATHSIG = 2
	PR_GET_DUMPABLE  = 3
	PR_SET_DUMPABLE  = 4
	PR_SET_NAME      = 15
	PR_GET_NAME      = 16

	// Options ipcsim does not implement (EINVAL), named in the trace.
	PR_GET_KEEPCAPS        = 7
	PR_SET_KEEPCAPS        = 8
	PR_GET_SECCOMP         = 21
	PR_SET_SECCOMP         = 22
	PR_SET_TIMERSLACK      = 29
	PR_GET_TIMERSLACK      = 30
	PR_SET_CHILD_SUBREAPER = 36
	PR_GET_CHILD_SUBREAPER = 37
	PR_SET_NO_NEW_PRIVS    = 38
	PR_GET_NO_NEW_PRIVS    = 39
	PR_SET_VMA             = 0x53564d41

	// PR_SET_DUMPABLE's values (include/linux/sched/coredump.h).
	SUID_DUMP_DISABLE = 0
	SUID_DUMP_USER    = 1
)

// getrandom(2) flags (include/uapi/linux/random.h).
const (
	GRND_NONBLOCK = 0x0001
	GRND_RANDOM   = 0x0002
	GRND_INSECURE = 0x0004
)

// riscv_hwprobe(2) keys and values (arch/riscv/include/uapi/asm/hwprobe.h).
const (
	RISCV_HWPROBE_KEY_MVENDORID          = 0
	RISCV_HWPROBE_KEY_MARCHID            = 1
	RISCV_HWPROBE_KEY_MIMPID             = 2
	RISCV_HWPROBE_KEY_BASE_BEHAVIOR      = 3
	RISCV_HWPROBE_BASE_BEHAVIOR_IMA      = 1 << 0
	RISCV_HWPROBE_KEY_IMA_EXT_0          = 4
	RISCV_HWPROBE_IMA_FD                 = 1 << 0
	RISCV_HWPROBE_IMA_C                  = 1 << 1
	RISCV_HWPROBE_KEY_CPUPERF_0          = 5
	RISCV_HWPROBE_MISALIGNED_UNKNOWN     = 0
	RISCV_HWPROBE_MISALIGNED_EMULATED    = 1
	RISCV_HWPROBE_MISALIGNED_SLOW        = 2
	RISCV_HWPROBE_MISALIGNED_FAST        = 3
	RISCV_HWPROBE_MISALIGNED_UNSUPPORTED = 4
	RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE  = 6
)
