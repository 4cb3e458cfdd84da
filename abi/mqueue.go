package abi

// POSIX message queue notification (include/uapi/asm-generic/siginfo.h,
// include/uapi/linux/mqueue.h) and the msgctl commands of
// include/uapi/linux/msg.h that abi/flags.go does not list.
const (
	SIGEV_SIGNAL = 0 // notify with a signal
	SIGEV_NONE   = 1 // register, but notify nobody
	SIGEV_THREAD = 2 // glibc: a thread, through a netlink socket

	SI_MESGQ = -3 // si_code of a message queue notification

	MSG_STAT     = 11
	MSG_INFO     = 12
	MSG_STAT_ANY = 13
)
