package kernel

// The trace of System V IPC, POSIX message queues and rt_sigaction, as
// strace writes it, with the structures named field by field:
//
//	semget(IPC_PRIVATE, 1, IPC_CREAT|0600) = 0
//	semop(0, [{sem_num=0, sem_op=-1 /* P */, sem_flg=SEM_UNDO}], 1) = 0
//	semctl(0, 0, SETVAL, 1) = 0
//	msgsnd(0, {mtype=1, mtext="hello"}, 5, 0) = 0
//	msgrcv(0, {mtype=1, mtext="hello"}, 32, 1, 0) = 5
//	mq_open("jobs", O_RDONLY|O_CREAT, 0600, {mq_flags=0, mq_maxmsg=10, mq_msgsize=64, mq_curmsgs=0}) = 3
//	mq_timedreceive(3, "hello", 32, [1], NULL) = 5
//	rt_sigaction(SIGINT, {sa_handler=0x10230, sa_mask=[SIGUSR1], sa_flags=SA_RESTART}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0
//
// What a call writes (msgrcv's message, mq_timedreceive's priority,
// mq_getsetattr's old attributes, rt_sigaction's old action) is shown
// once it has returned; while it sleeps, its address. Everything is read
// through the peeker, like the rest of the trace.

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ipcsim/abi"
)

// formatIPCArg decodes the letters of System V IPC, POSIX queues and
// rt_sigaction:
//
//	K IPC key (IPC_PRIVATE)   Q IPC command of semctl, msgctl or shmctl
//	i IPC flags: a *get's IPC_CREAT|IPC_EXCL|0600, shmat's SHM_RDONLY|...
//	g msgsnd and msgrcv flags (IPC_NOWAIT|MSG_NOERROR...)
//	J sembuf array (its length is the next argument), with P or V
//	# semctl's fourth argument, by the command (SETVAL's value)
//	< struct msgbuf sent (the length of mtext is the next argument)
//	> struct msgbuf received (shown after the call, ret bytes of mtext)
//	* unsigned int the call writes (shown after the call): [1]
//	{ struct sigaction read   } struct sigaction written (after the call)
//	$ struct mq_attr read     ! struct mq_attr written (after the call)
func (k *Kernel) formatIPCArg(c *call, i int, kind byte, ret int64, done bool) (string, bool) {
	v := c.a[i]
	as := c.peek()
	switch kind {
	default:
		return "", false
	case 'K':
		if int32(v) == abi.IPC_PRIVATE {
			return "IPC_PRIVATE", true
		}
		return fmt.Sprintf("%#x", uint32(v)), true
	case 'Q':
		return ipcCmdName(c.no, int32(v)), true
	case 'i':
		return ipcFlagNames(c.no, v), true
	case 'g':
		return flagNames(uint64(uint32(v)), msgqFlags), true
	case 'J':
		if s, ok := formatSembufs(as, v, c.a[i+1]); ok {
			return s, true
		}
	case '#':
		if int32(c.a[2])&^ipc64 == abi.SETVAL {
			return fmt.Sprint(int32(v)), true // the value, an int
		}
	case '<':
		if s, ok := formatMsgbuf(as, v, c.a[i+1]); ok {
			return s, true
		}
	case '>':
		if done && ret >= 0 {
			if s, ok := formatMsgbuf(as, v, uint64(ret)); ok {
				return s, true
			}
		}
	case '*':
		var b [4]byte
		if done && ret >= 0 && v != 0 && as.ReadBytes(v, b[:]) == nil {
			return fmt.Sprintf("[%d]", binary.LittleEndian.Uint32(b[:])), true
		}
	case '{', '}':
		if kind == '}' && !(done && ret == 0) {
			break // nothing written yet, or nothing at all
		}
		if s, ok := formatSigaction(as, v); ok {
			return s, true
		}
	case '$', '!':
		if kind == '!' && !(done && ret == 0) {
			break
		}
		if s, ok := formatMqAttr(as, v); ok {
			return s, true
		}
	}
	return pointerArg(v), true
}

// ipc64 is the IPC_64 bit of a ctl command (include/uapi/linux/ipc.h),
// which the old ipc(2) multiplexer took; riscv64's glibc does not set it.
const ipc64 = 0x100

var (
	msgqFlags = []flagName{{abi.IPC_NOWAIT, "IPC_NOWAIT"}, {abi.MSG_NOERROR, "MSG_NOERROR"}, {abi.MSG_EXCEPT, "MSG_EXCEPT"}, {abi.MSG_COPY, "MSG_COPY"}}
	semFlags  = []flagName{{abi.IPC_NOWAIT, "IPC_NOWAIT"}, {abi.SEM_UNDO, "SEM_UNDO"}}
	getFlags  = []flagName{{abi.IPC_CREAT, "IPC_CREAT"}, {abi.IPC_EXCL, "IPC_EXCL"}}
	// shmget's also (include/uapi/linux/shm.h): SHM_HUGETLB, SHM_NORESERVE.
	shmgetFlags = append(getFlags[:len(getFlags):len(getFlags)], flagName{04000, "SHM_HUGETLB"}, flagName{010000, "SHM_NORESERVE"})
	shmatFlags  = []flagName{{abi.SHM_RDONLY, "SHM_RDONLY"}, {abi.SHM_RND, "SHM_RND"}, {shmRemap, "SHM_REMAP"}, {shmExec, "SHM_EXEC"}}
	saFlags     = []flagName{{abi.SA_ONSTACK, "SA_ONSTACK"}, {abi.SA_RESTART, "SA_RESTART"}, {abi.SA_NODEFER, "SA_NODEFER"}, {abi.SA_RESETHAND, "SA_RESETHAND"},
		{abi.SA_SIGINFO, "SA_SIGINFO"}, {abi.SA_NOCLDSTOP, "SA_NOCLDSTOP"}, {abi.SA_NOCLDWAIT, "SA_NOCLDWAIT"}, {0x04000000, "SA_RESTORER"}}

	// The ctl commands: IPC_* for all three, then each call's own, which
	// share numbers (GETPID, MSG_STAT and SHM_LOCK are all 11).
	ipcCmds  = map[int32]string{abi.IPC_RMID: "IPC_RMID", abi.IPC_SET: "IPC_SET", abi.IPC_STAT: "IPC_STAT", abi.IPC_INFO: "IPC_INFO"}
	ctlNames = map[abi.Sysno]map[int32]string{
		abi.SysSemctl: {abi.GETPID: "GETPID", abi.GETVAL: "GETVAL", abi.GETALL: "GETALL", abi.GETNCNT: "GETNCNT", abi.GETZCNT: "GETZCNT",
			abi.SETVAL: "SETVAL", abi.SETALL: "SETALL", semStat: "SEM_STAT", semInfo: "SEM_INFO", semStatAny: "SEM_STAT_ANY"},
		abi.SysMsgctl: {abi.MSG_STAT: "MSG_STAT", abi.MSG_INFO: "MSG_INFO", abi.MSG_STAT_ANY: "MSG_STAT_ANY"},
		abi.SysShmctl: {shmLock: "SHM_LOCK", shmUnlck: "SHM_UNLOCK", 13: "SHM_STAT", 14: "SHM_INFO", 15: "SHM_STAT_ANY"},
	}
)

// ipcCmdName renders a ctl command of call no: "IPC_RMID", "SETVAL",
// "IPC_64|IPC_STAT", or the number.
func ipcCmdName(no abi.Sysno, cmd int32) string {
	prefix, c := "", cmd
	if c&ipc64 != 0 {
		prefix, c = "IPC_64|", c&^ipc64
	}
	if name, ok := ipcCmds[c]; ok {
		return prefix + name
	}
	if name, ok := ctlNames[no][c]; ok {
		return prefix + name
	}
	return fmt.Sprint(cmd)
}

// ipcFlagNames renders the flags of a *get, "IPC_CREAT|IPC_EXCL|0600"
// (the mode as strace prints it, "000" for none), or shmat's.
func ipcFlagNames(no abi.Sysno, v uint64) string {
	v = uint64(uint32(v))
	if no == abi.SysShmat {
		return flagNames(v, shmatFlags)
	}
	names := getFlags
	if no == abi.SysShmget {
		names = shmgetFlags
	}
	mode := fmt.Sprintf("%#03o", v&0777)
	if rest := v &^ 0777; rest != 0 {
		return flagNames(rest, names) + "|" + mode
	}
	return mode
}

// formatSembufs renders semop's operations, n of them: "[{sem_num=0,
// sem_op=-1 /* P */, sem_flg=SEM_UNDO}]". A negative sem_op is a P (wait
// until the value can be lowered), a positive one a V (signal), 0 waits
// for the value to be zero.
func formatSembufs(as userMemory, va, n uint64) (string, bool) {
	return formatArray(as, va, n, sembufSize, func(sb *strings.Builder, b []byte) {
		op := int16(binary.LittleEndian.Uint16(b[2:]))
		what := "wait for zero"
		switch {
		case op < 0:
			what = "P"
		case op > 0:
			what = "V"
		}
		fmt.Fprintf(sb, "{sem_num=%d, sem_op=%d /* %s */, sem_flg=%s}", binary.LittleEndian.Uint16(b[0:]), op, what,
			flagNames(uint64(binary.LittleEndian.Uint16(b[4:])), semFlags))
	})
}

// formatMsgbuf renders a struct msgbuf with n bytes of text: "{mtype=1,
// mtext="hello"}", the text cut as strace -s 32 does.
func formatMsgbuf(as userMemory, va, n uint64) (string, bool) {
	var b [8]byte
	if va == 0 || as.ReadBytes(va, b[:]) != nil {
		return "", false
	}
	text := make([]byte, min(n, traceBytes+1))
	if as.ReadBytes(va+8, text) != nil {
		return "", false
	}
	return fmt.Sprintf("{mtype=%d, mtext=%s}", int64(binary.LittleEndian.Uint64(b[:])), quoteBytes(text, traceBytes)), true
}

// formatSigaction renders the kernel's struct sigaction (riscv64: handler,
// flags, mask): "{sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}", in
// strace's order.
func formatSigaction(as userMemory, va uint64) (string, bool) {
	var b [sigactionSize]byte
	if va == 0 || as.ReadBytes(va, b[:]) != nil {
		return "", false
	}
	handler := fmt.Sprintf("%#x", binary.LittleEndian.Uint64(b[0:]))
	switch binary.LittleEndian.Uint64(b[0:]) {
	case abi.SIG_DFL:
		handler = "SIG_DFL"
	case abi.SIG_IGN:
		handler = "SIG_IGN"
	}
	return fmt.Sprintf("{sa_handler=%s, sa_mask=[%s], sa_flags=%s}", handler,
		sigSetString(abi.SigSet(binary.LittleEndian.Uint64(b[16:]))), flagNames(binary.LittleEndian.Uint64(b[8:]), saFlags)), true
}

// formatMqAttr renders a struct mq_attr: "{mq_flags=O_NONBLOCK,
// mq_maxmsg=10, mq_msgsize=64, mq_curmsgs=0}" (its reserved longs are
// not shown, as strace does not show them).
func formatMqAttr(as userMemory, va uint64) (string, bool) {
	var b [mqAttrSize]byte
	if va == 0 || as.ReadBytes(va, b[:]) != nil {
		return "", false
	}
	le := binary.LittleEndian
	return fmt.Sprintf("{mq_flags=%s, mq_maxmsg=%d, mq_msgsize=%d, mq_curmsgs=%d}", flagNames(le.Uint64(b[0:]), openFlags),
		int64(le.Uint64(b[8:])), int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:]))), true
}
