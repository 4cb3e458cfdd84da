package kernel

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// Every letter of the system call table's rows is decoded by exactly one
// decoder, and no two decoders claim the same letter: a new letter that
// collides with one in use, or that nobody decodes, fails here.
func TestTraceLettersHaveOneDecoder(t *testing.T) {
	p := newPollTrace(t)
	c := &call{t: p.tk, no: abi.SysGetpid}
	owners := map[byte][]int{}
	for kind := range 256 {
		for d, dec := range argDecoders {
			if _, ok := dec(p.k, c, 1, byte(kind), 0, true); ok {
				owners[byte(kind)] = append(owners[byte(kind)], d)
			}
		}
	}
	for kind, ds := range owners {
		require.Len(t, ds, 1, "letter %q has decoders %v", kind, ds)
	}
	var unknown []string
	for no, e := range syscalls {
		if e.fn == nil {
			continue
		}
		for _, kind := range []byte(e.args) {
			if len(owners[kind]) != 1 {
				unknown = append(unknown, fmt.Sprintf("%v: %q", abi.Sysno(no), kind))
			}
		}
	}
	sort.Strings(unknown)
	require.Empty(t, unknown, "letters no decoder handles")
}

func sembuf(num uint16, op int16, flg int16) []byte {
	b := binary.LittleEndian.AppendUint16(nil, num)
	b = binary.LittleEndian.AppendUint16(b, uint16(op))
	return binary.LittleEndian.AppendUint16(b, uint16(flg))
}

// System V IPC as strace shows it: the flags by name with the mode in
// octal, IPC_PRIVATE, the operations of semop with P or V, the commands of
// each ctl by its own names, the message sent and, after the call, the
// message received.
func TestTraceSysV(t *testing.T) {
	p := newPollTrace(t)
	id := p.call(abi.SysSemget, abi.IPC_PRIVATE, 2, abi.IPC_CREAT|abi.IPC_EXCL|0600)
	require.Equal(t, fmt.Sprintf("semget(IPC_PRIVATE, 2, IPC_CREAT|IPC_EXCL|0600) = %d", id), p.lines["syscall"])

	require.Zero(t, p.call(abi.SysSemctl, uint64(id), 0, abi.SETVAL, 1))
	require.Equal(t, fmt.Sprintf("semctl(%d, 0, SETVAL, 1) = 0", id), p.lines["syscall"])
	require.Equal(t, int64(1), p.call(abi.SysSemctl, uint64(id), 0, abi.GETVAL, 0))
	require.Equal(t, fmt.Sprintf("semctl(%d, 0, GETVAL, NULL) = 1", id), p.lines["syscall"])

	ops := p.put(0, append(append(sembuf(0, -1, abi.SEM_UNDO), sembuf(1, 2, 0)...), sembuf(1, 0, abi.IPC_NOWAIT)...))
	require.Equal(t, -int64(abi.EAGAIN), p.call(abi.SysSemop, uint64(id), ops, 3))
	require.Equal(t, fmt.Sprintf("semop(%d, [{sem_num=0, sem_op=-1 /* P */, sem_flg=SEM_UNDO}, {sem_num=1, sem_op=2 /* V */, sem_flg=0}, "+
		"{sem_num=1, sem_op=0 /* wait for zero */, sem_flg=IPC_NOWAIT}], 3) = -1 EAGAIN (Resource temporarily unavailable)", id), p.lines["syscall"])

	// A P that sleeps: the block line shows the operations.
	ops = p.put(0, sembuf(1, -1, 0))
	_, blocked := ecall(p.tk, abi.SysSemop, uint64(id), ops, 1)
	require.True(t, blocked)
	require.Contains(t, p.lines["block"], fmt.Sprintf("semop(%d, [{sem_num=1, sem_op=-1 /* P */, sem_flg=0}], 1) blocks: ", id))

	q := p.writerCall(abi.SysMsgget, 0x5eed, abi.IPC_CREAT|0640)
	require.Equal(t, fmt.Sprintf("msgget(0x5eed, IPC_CREAT|0640) = %d", q), p.lines["syscall"])
	require.Equal(t, q, p.writerCall(abi.SysMsgget, 0x5eed, 0))
	require.Equal(t, fmt.Sprintf("msgget(0x5eed, 000) = %d", q), p.lines["syscall"])

	w := epollTest{t, p.writer}
	msg := scratch(p.writer)
	require.NoError(t, p.writer.AS.WriteBytes(msg, append(binary.LittleEndian.AppendUint64(nil, 7), "hello\000"...)))
	require.Zero(t, w.call(abi.SysMsgsnd, uint64(q), msg, 6, abi.IPC_NOWAIT))
	require.Equal(t, fmt.Sprintf(`msgsnd(%d, {mtype=7, mtext="hello\0"}, 6, IPC_NOWAIT) = 0`, q), p.lines["syscall"])
	buf := scratch(p.writer) + 64
	require.Equal(t, int64(5), w.call(abi.SysMsgrcv, uint64(q), buf, 5, uint64(^uint64(0)-9), abi.MSG_NOERROR)) // msgtyp -10
	require.Equal(t, fmt.Sprintf(`msgrcv(%d, {mtype=7, mtext="hello"}, 5, -10, MSG_NOERROR) = 5`, q), p.lines["syscall"])
	// Nothing received: the buffer's address.
	require.Equal(t, -int64(abi.ENOMSG), w.call(abi.SysMsgrcv, uint64(q), buf, 5, 0, abi.IPC_NOWAIT))
	require.Equal(t, fmt.Sprintf(`msgrcv(%d, %#x, 5, 0, IPC_NOWAIT) = -1 ENOMSG (No message of desired type)`, q, buf), p.lines["syscall"])

	// Each ctl's commands by its own names: 11 is MSG_STAT, not GETPID.
	w.call(abi.SysMsgctl, uint64(q), abi.MSG_STAT, 0)
	require.Contains(t, p.lines["syscall"], fmt.Sprintf("msgctl(%d, MSG_STAT, NULL) = ", q))
	w.call(abi.SysMsgctl, uint64(q), abi.IPC_STAT|ipc64, 0)
	require.Contains(t, p.lines["syscall"], fmt.Sprintf("msgctl(%d, IPC_64|IPC_STAT, NULL) = ", q))

	shm := p.writerCall(abi.SysShmget, abi.IPC_PRIVATE, 4096, abi.IPC_CREAT|0600)
	require.Equal(t, fmt.Sprintf("shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600) = %d", shm), p.lines["syscall"])
	at := p.writerCall(abi.SysShmat, uint64(shm), 0, abi.SHM_RDONLY)
	require.Equal(t, fmt.Sprintf("shmat(%d, NULL, SHM_RDONLY) = %#x", shm, at), p.lines["syscall"])
}

// writerCall makes a call as the second task, which nothing blocks.
func (p *pollTrace) writerCall(no abi.Sysno, args ...uint64) int64 {
	return epollTest{p.t, p.writer}.call(no, args...)
}

// mq_timedreceive's text and priority are shown once received.
func TestTraceMqTimedreceive(t *testing.T) {
	p := newPollTrace(t)
	name := p.put(0, []byte("jobs\000"))
	mq := p.call(abi.SysMqOpen, name, abi.O_RDWR|abi.O_CREAT, 0600, 0)
	text := p.put(16, []byte("rotate logs"))
	require.Zero(t, p.call(abi.SysMqTimedsend, uint64(mq), text, 11, 3, 0))
	require.Equal(t, fmt.Sprintf(`mq_timedsend(%d, "rotate logs", 11, 3, NULL) = 0`, mq), p.lines["syscall"])
	buf, prio := scratch(p.tk)+64, scratch(p.tk)+32
	require.Equal(t, int64(11), p.call(abi.SysMqTimedreceive, uint64(mq), buf, 8192, prio, 0))
	require.Equal(t, fmt.Sprintf(`mq_timedreceive(%d, "rotate logs", 8192, [3], NULL) = 11`, mq), p.lines["syscall"])
}

func sigaction(handler, flags uint64, mask abi.SigSet) []byte {
	b := binary.LittleEndian.AppendUint64(nil, handler)
	b = binary.LittleEndian.AppendUint64(b, flags)
	return binary.LittleEndian.AppendUint64(b, uint64(mask))
}

// rt_sigaction: the new action as given, the old one as written back, with
// SIG_IGN and SIG_DFL by name.
func TestTraceRtSigaction(t *testing.T) {
	p := newPollTrace(t)
	act := p.put(0, sigaction(0x10230, abi.SA_RESTART|abi.SA_SIGINFO, abi.SigSetOf(abi.SIGUSR1)))
	old := scratch(p.tk) + 32
	require.Zero(t, p.call(abi.SysRtSigaction, uint64(abi.SIGINT), act, old, 8))
	require.Equal(t, fmt.Sprintf("rt_sigaction(SIGINT, {sa_handler=0x10230, sa_mask=[SIGUSR1], sa_flags=SA_RESTART|SA_SIGINFO}, "+
		"{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0"), p.lines["syscall"])
	act = p.put(0, sigaction(abi.SIG_IGN, 0, 0))
	require.Zero(t, p.call(abi.SysRtSigaction, uint64(abi.SIGINT), act, 0, 8))
	require.Equal(t, "rt_sigaction(SIGINT, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, NULL, 8) = 0", p.lines["syscall"])
	// One buffer for both: the action as it was given, not the old one
	// the call wrote over it.
	act = p.put(0, sigaction(abi.SIG_DFL, 0, 0))
	require.Zero(t, p.call(abi.SysRtSigaction, uint64(abi.SIGINT), act, act, 8))
	require.Equal(t, fmt.Sprintf("rt_sigaction(SIGINT, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, %#x, 8) = 0", act), p.lines["syscall"])
	// A failure writes nothing: the old action's address.
	act = p.put(0, sigaction(abi.SIG_DFL, 0, 0))
	require.Equal(t, -int64(abi.EINVAL), p.call(abi.SysRtSigaction, uint64(abi.SIGKILL), act, old, 8))
	require.Equal(t, fmt.Sprintf("rt_sigaction(SIGKILL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, %#x, 8) = -1 EINVAL (Invalid argument)", old),
		p.lines["syscall"])
}

// A call that fails with ENOSYS shows its registers in hex (0 as "0"):
// nothing was read, so nothing is decoded.
func TestTraceENOSYSRaw(t *testing.T) {
	p := newPollTrace(t)
	require.Equal(t, -int64(abi.ENOSYS), p.call(abi.SysIoUringSetup, 8, 0x11019, 0, 0, 0, 0))
	require.Equal(t, "io_uring_setup(0x8, 0x11019, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)", p.lines["syscall"])
	// futex's FUTEX_WAKE_OP, an operation ipcsim lacks: its row's six
	// registers, not a decoding.
	require.Equal(t, -int64(abi.ENOSYS), p.call(abi.SysFutex, 0x12000, 5, 1, 0, 0, 0))
	require.Equal(t, "futex(0x12000, 0x5, 0x1, 0, 0, 0) = -1 ENOSYS (Function not implemented)", p.lines["syscall"])
}

// The trace's strings are C strings: an octal escape followed by a digit
// takes three digits, as strace writes it.
func TestQuoteBytesOctal(t *testing.T) {
	require.Equal(t, `"\0001\1a\0"`, quoteBytes([]byte("\x001\x01a\x00"), 32))
}

// inspect shows a segment's first bytes, in hex and as ints, read through
// its frames; an untouched segment reads as zeros and gets no frame.
func TestSegmentHead(t *testing.T) {
	p := newPollTrace(t)
	touched := p.call(abi.SysShmget, abi.IPC_PRIVATE, 4096, abi.IPC_CREAT|0600)
	untouched := p.call(abi.SysShmget, abi.IPC_PRIVATE, 8, abi.IPC_CREAT|0600)
	at := uint64(p.call(abi.SysShmat, uint64(touched), 0, 0))
	require.NoError(t, p.tk.AS.WriteBytes(at+4, binary.LittleEndian.AppendUint32(nil, 0xfffffffe)))
	segs := map[int]SegmentState{}
	for _, s := range p.k.Snapshot().Segments {
		segs[s.ID] = s
	}
	head := segs[int(touched)]
	require.Equal(t, "00 00 00 00 fe ff ff ff"+strings.Repeat(" 00", 56), head.Head)
	require.Equal(t, append([]int32{0, -2}, make([]int32, 14)...), head.Ints)
	require.Len(t, head.Frames, 1)
	head = segs[int(untouched)]
	require.Equal(t, "00 00 00 00 00 00 00 00", head.Head, "only the segment's 8 bytes")
	require.Equal(t, []int32{0, 0}, head.Ints)
	require.Empty(t, head.Frames)
	for _, s := range p.k.Snapshot().Segments {
		require.Equal(t, segs[s.ID].Frames, s.Frames, "inspecting gave no frame")
	}
}

// futex's value is an unsigned int: a register holding it sign-extended
// (a word with its top bit set, as glibc's mutexes make it) shows as the
// 32-bit value, as strace and the block text show it.
func TestTraceFutexValue(t *testing.T) {
	p := newPollTrace(t)
	addr := p.tk.Regs.X[2] &^ 3
	require.Equal(t, int64(0), p.call(abi.SysFutex, addr, 1|128, 0xffffffff80000004, 0, 0, 0))
	require.Contains(t, p.lines["syscall"], ", FUTEX_WAKE|FUTEX_PRIVATE_FLAG, 2147483652")
}
