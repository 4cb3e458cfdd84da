package abi

// Signal is a Linux signal number (signal(7); include/uapi/asm-generic/signal.h).
type Signal int

// Standard signals. 32..64 are real-time signals (SIGRTMIN..SIGRTMAX).
const (
	SIGHUP    Signal = 1
	SIGINT    Signal = 2
	SIGQUIT   Signal = 3
	SIGILL    Signal = 4
	SIGTRAP   Signal = 5
	SIGABRT   Signal = 6
	SIGBUS    Signal = 7
	SIGFPE    Signal = 8
	SIGKILL   Signal = 9
	SIGUSR1   Signal = 10
	SIGSEGV   Signal = 11
	SIGUSR2   Signal = 12
	SIGPIPE   Signal = 13
	SIGALRM   Signal = 14
	SIGTERM   Signal = 15
	SIGSTKFLT Signal = 16
	SIGCHLD   Signal = 17
	SIGCONT   Signal = 18
	SIGSTOP   Signal = 19
	SIGTSTP   Signal = 20
	SIGTTIN   Signal = 21
	SIGTTOU   Signal = 22
	SIGURG    Signal = 23
	SIGXCPU   Signal = 24
	SIGXFSZ   Signal = 25
	SIGVTALRM Signal = 26
	SIGPROF   Signal = 27
	SIGWINCH  Signal = 28
	SIGIO     Signal = 29
	SIGPWR    Signal = 30
	SIGSYS    Signal = 31
	SIGRTMIN  Signal = 32
	SIGRTMAX  Signal = 64
	NSIG             = 64 // highest signal number
)

var signalNames = [...]string{
	SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
	SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
	SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
	SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGSTKFLT: "SIGSTKFLT",
	SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP",
	SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU",
	SIGXFSZ: "SIGXFSZ", SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH",
	SIGIO: "SIGIO", SIGPWR: "SIGPWR", SIGSYS: "SIGSYS",
}

// String returns "SIGINT", "SIGRTMIN+3", or "signal N" for a bad number.
func (s Signal) String() string {
	switch {
	case s >= 1 && int(s) < len(signalNames):
		return signalNames[s]
	case s == SIGRTMIN:
		return "SIGRTMIN"
	case s > SIGRTMIN && s <= SIGRTMAX:
		return "SIGRTMIN+" + itoa(uint64(s-SIGRTMIN))
	}
	return "signal " + itoa(uint64(s))
}

// Valid reports whether s is a signal number kill(2) accepts other than 0.
func (s Signal) Valid() bool { return s >= 1 && s <= SIGRTMAX }

// SignalByName returns the signal named name ("SIGINT" or "INT").
func SignalByName(name string) (Signal, bool) {
	for s := SIGHUP; s <= SIGSYS; s++ {
		if signalNames[s] == name || signalNames[s][3:] == name {
			return s, true
		}
	}
	return 0, false
}

// DefaultAction is what SIG_DFL does with a signal (signal(7), "Signal dispositions").
type DefaultAction uint8

const (
	ActTerm DefaultAction = iota // terminate the process
	ActCore                      // terminate and dump core (the wait status has 0x80)
	ActIgn                       // ignore
	ActStop                      // stop the process
	ActCont                      // continue the process if it is stopped
)

// Default returns the default action of s (signal(7)). Real-time signals
// terminate.
func (s Signal) Default() DefaultAction {
	switch s {
	case SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGSEGV, SIGBUS, SIGSYS, SIGTRAP, SIGXCPU, SIGXFSZ:
		return ActCore
	case SIGCHLD, SIGURG, SIGWINCH:
		return ActIgn
	case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU:
		return ActStop
	case SIGCONT:
		return ActCont
	}
	return ActTerm
}

// SigSet is a signal mask: bit s-1 stands for signal s (the kernel's sigset_t;
// all rt_sig* calls on riscv64 take a sigset size of 8).
type SigSet uint64

// SigSetOf returns the set holding the given signals.
func SigSetOf(sigs ...Signal) SigSet {
	var m SigSet
	for _, s := range sigs {
		m |= 1 << (s - 1)
	}
	return m
}

// Has reports whether s is in the set.
func (m SigSet) Has(s Signal) bool { return m&(1<<(s-1)) != 0 }

// Unblockable holds the signals that can be neither caught, blocked nor
// ignored (sigaction(2), sigprocmask(2)).
const Unblockable SigSet = 1<<(SIGKILL-1) | 1<<(SIGSTOP-1)

// Signal-related flags and values (include/uapi/asm-generic/signal*.h, siginfo.h).
const (
	SIG_DFL = 0
	SIG_IGN = 1

	SIG_BLOCK   = 0
	SIG_UNBLOCK = 1
	SIG_SETMASK = 2

	SA_NOCLDSTOP = 0x00000001
	SA_NOCLDWAIT = 0x00000002
	SA_SIGINFO   = 0x00000004
	SA_ONSTACK   = 0x08000000
	SA_RESTART   = 0x10000000
	SA_NODEFER   = 0x40000000
	SA_RESETHAND = 0x80000000

	SI_USER   = 0
	SI_KERNEL = 0x80
	SI_QUEUE  = -1 // sigqueue(3): rt_sigqueueinfo with a value
	SI_TKILL  = -6

	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6

	ILL_ILLOPC  = 1
	SEGV_MAPERR = 1
	SEGV_ACCERR = 2
	BUS_ADRALN  = 1
	TRAP_BRKPT  = 1
)
