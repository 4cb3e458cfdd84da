package kernel

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ipcsim/abi"
	"ipcsim/proc"
)

// The syscall fuzzer's generator (issue 12): random system calls with
// random arguments, made by random processes, as syzkaller makes them.
// FuzzSyscalls and FuzzInvariants (the Go fuzz targets) and ipcsim fuzz
// (package fuzz) share it, so that an input means the same call for each.
//
// An input is a sequence of records of FuzzRecordBytes bytes; record r
// makes one call:
//
//	r[0]      which process: r[0] mod the number of those that can make a call
//	r[1]      which call: fuzzSysnos[r[1] mod len(fuzzSysnos)]
//	r[2..7]   the arguments a0..a5: fuzzArg of each byte
//	r[1..8]   little-endian, the "extra" value fuzzArg may pick
//	r[8]      r[8] mod 4 == 0: the machine runs FuzzRunCycles after the call
//
// The encoding is the corpora's (testdata/fuzz): changing what a byte
// means changes every saved input.

// FuzzRecordBytes is the size of one record of a fuzzer's input.
const FuzzRecordBytes = 9

// FuzzRunCycles is how long the machine runs after a call whose record
// asks for it.
const FuzzRunCycles = 20_000

// fuzzSysnos are the numbers the syscall fuzzer draws from: every
// implemented call, a few unimplemented ones, and numbers out of range.
// New numbers go at the end, so that saved inputs keep their meaning.
var fuzzSysnos = []uint64{
	uint64(abi.SysRead), uint64(abi.SysWrite), uint64(abi.SysReadv), uint64(abi.SysWritev),
	uint64(abi.SysClose), uint64(abi.SysExit), uint64(abi.SysExitGroup), uint64(abi.SysGetpid),
	uint64(abi.SysGetppid), uint64(abi.SysGettid), uint64(abi.SysClone), uint64(abi.SysExecve),
	uint64(abi.SysWait4), uint64(abi.SysBrk), uint64(abi.SysMmap), uint64(abi.SysMunmap),
	uint64(abi.SysNanosleep), uint64(abi.SysClockGettime), uint64(abi.SysSchedYield),
	uint64(abi.SysUname), uint64(abi.SysSetTidAddress), uint64(abi.SysPipe2), uint64(abi.SysKill),
	uint64(abi.SysDup), uint64(abi.SysDup3), uint64(abi.SysFcntl), uint64(abi.SysIoctl), uint64(abi.SysLseek),
	uint64(abi.SysOpenat), uint64(abi.SysMknodat), uint64(abi.SysMkdirat), uint64(abi.SysUnlinkat),
	uint64(abi.SysChdir), uint64(abi.SysGetcwd), uint64(abi.SysPpoll), uint64(abi.SysPselect6),
	uint64(abi.SysFutex), uint64(abi.SysShmget), uint64(abi.SysShmat), uint64(abi.SysShmdt), uint64(abi.SysShmctl),
	uint64(abi.SysSetresuid), uint64(abi.SysSetuid), uint64(abi.SysWaitid), uint64(abi.SysTgkill),
	uint64(abi.SysRtSigaction), uint64(abi.SysRtSigprocmask), uint64(abi.SysRtSigpending), uint64(abi.SysRtSigreturn),
	uint64(abi.SysMsgget), uint64(abi.SysMsgsnd), uint64(abi.SysMsgrcv), uint64(abi.SysMsgctl),
	uint64(abi.SysSemget), uint64(abi.SysSemctl), uint64(abi.SysSemop), uint64(abi.SysSemtimedop),
	uint64(abi.SysMqOpen), uint64(abi.SysMqUnlink), uint64(abi.SysMqTimedsend), uint64(abi.SysMqTimedreceive),
	uint64(abi.SysMqNotify), uint64(abi.SysMqGetsetattr),
	999, 1 << 40, ^uint64(0),
	// The file system's calls, after the others so that the seeds keep
	// the numbers they had.
	uint64(abi.SysPread64), uint64(abi.SysPwrite64), uint64(abi.SysFstat), uint64(abi.SysNewfstatat), uint64(abi.SysStatx),
	uint64(abi.SysGetdents64), uint64(abi.SysTruncate), uint64(abi.SysFtruncate), uint64(abi.SysFaccessat),
	uint64(abi.SysFaccessat2), uint64(abi.SysFchmod), uint64(abi.SysFchmodat), uint64(abi.SysFchown),
	uint64(abi.SysFchownat), uint64(abi.SysUmask),
	// Unix sockets, epoll, and the calls of glibc's startup and issue 17,
	// after the others for the same reason.
	uint64(abi.SysSocket), uint64(abi.SysSocketpair), uint64(abi.SysBind), uint64(abi.SysListen),
	uint64(abi.SysAccept), uint64(abi.SysAccept4), uint64(abi.SysConnect), uint64(abi.SysGetsockname),
	uint64(abi.SysGetpeername), uint64(abi.SysSendto), uint64(abi.SysRecvfrom), uint64(abi.SysShutdown),
	uint64(abi.SysSendmsg), uint64(abi.SysRecvmsg), uint64(abi.SysGetsockopt), uint64(abi.SysSetsockopt),
	uint64(abi.SysEpollCreate1), uint64(abi.SysEpollCtl), uint64(abi.SysEpollPwait), uint64(abi.SysEpollPwait2),
	uint64(abi.SysMprotect), uint64(abi.SysGetrlimit), uint64(abi.SysSetrlimit), uint64(abi.SysPrlimit64),
	uint64(abi.SysSendfile), uint64(abi.SysPrctl), uint64(abi.SysGetrandom), uint64(abi.SysRiscvHwprobe),
	uint64(abi.SysSetRobustList), uint64(abi.SysGetRobustList), uint64(abi.SysRseq), uint64(abi.SysRenameat2),
	uint64(abi.SysReadlinkat), uint64(abi.SysClockNanosleep), uint64(abi.SysRtSigsuspend),
	uint64(abi.SysRtSigtimedwait), uint64(abi.SysSetitimer), uint64(abi.SysGetitimer), uint64(abi.SysSetpgid),
	uint64(abi.SysSetsid), uint64(abi.SysTkill),
	// Credentials and sigqueue (2026-12-04), last for the same reason.
	uint64(abi.SysGetgroups), uint64(abi.SysSetgroups), uint64(abi.SysSetreuid), uint64(abi.SysSetregid),
	uint64(abi.SysSetresgid), uint64(abi.SysSetgid), uint64(abi.SysRtSigqueueinfo), uint64(abi.SysRtTgsigqueueinfo),
	uint64(abi.SysSigaltstack),
}

// fuzzArg turns a byte into an argument worth trying: small numbers,
// negative numbers, addresses on the stack, in the program, at page and
// memory boundaries, and huge values.
func fuzzArg(t *Task, b byte, extra uint64) uint64 {
	sp := t.Regs.X[2]
	vals := []uint64{
		0, 1, 2, 3, 4, 5, 17, 64, 4096, 65536,
		^uint64(0), ^uint64(0) - 9, 1 << 31, 1<<31 - 1, 1 << 63,
		sp, sp + 8, sp - 4096, sp &^ 0xfff, proc.StackTop - 1, proc.StackTop,
		0x10000, 0x10ff8, 0x20000, proc.UserLimit - 8, proc.UserLimit, 1 << 47,
		abi.AT_FDCWD & 0xffffffff, abi.S_IFIFO | 0644, abi.O_NONBLOCK, abi.O_RDWR | abi.O_CREAT, 8, 1025,
		extra, extra & 0xffff, extra % 4096 * 4096,
	}
	return vals[int(b)%len(vals)]
}

// A FuzzCall is one call the fuzzer made.
type FuzzCall struct {
	PID, TID int
	No       uint64    // a7
	Args     [6]uint64 // a0..a5
	Ret      uint64    // a0 after the call (a call still blocked has not written it)
	Returned bool      // the kernel returned from the call (false: it panicked in it)
}

// String renders the call as "pid 3: write(0x1, 0x3fffffe000, 0x11) = 0x11".
func (c FuzzCall) String() string {
	who := fmt.Sprintf("pid %d", c.PID)
	if c.TID != c.PID {
		who = fmt.Sprintf("pid %d tid %d", c.PID, c.TID)
	}
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = fmt.Sprintf("%#x", a)
	}
	s := fmt.Sprintf("%s: %v(%s)", who, abi.Sysno(c.No), strings.Join(args, ", "))
	if !c.Returned {
		return s + " did not return"
	}
	ret := fmt.Sprintf("%#x", c.Ret)
	if r := int64(c.Ret); r < 0 && r >= -4095 {
		ret = fmt.Sprintf("-%v", abi.Errno(-r))
	}
	return s + " = " + ret
}

// A FuzzStep is what one record did.
type FuzzStep struct {
	Call   FuzzCall
	Ran    bool   // the machine ran FuzzRunCycles after the call
	Result Result // how that run ended (if Ran)
	// Invariant is the invariant broken after the call (checked when
	// Config.CheckInvariants is set) or during the run after it.
	Invariant *InvariantError
}

// FuzzCallers returns the processes and threads that can make a call now,
// in tid order: those that run or wait to, outside any call (init aside).
func (k *Kernel) FuzzCallers() []*Task {
	var live []*Task
	for _, t := range k.sortedTasks() {
		if t != k.init && t.State == proc.Runnable && t.call == nil {
			live = append(live, t)
		}
	}
	return live
}

// FuzzStep makes the call that rec (FuzzRecordBytes bytes) encodes into s,
// as if
// the chosen process had executed ecall where it stands, and then, if rec
// asks for it, runs the machine for FuzzRunCycles cycles (whatever the
// cycle limit; the limit is the Config's again afterwards). With
// Config.CheckInvariants the invariants are checked after the call, and
// Run checks them at every step; the first broken one ends the step.
// s.Call is filled in before the call is made, so that a caller that
// recovers from a panic of the kernel knows which call it was. It returns
// false, and nothing happens, if no process can make a call.
func (k *Kernel) FuzzStep(rec []byte, s *FuzzStep) bool {
	*s = FuzzStep{}
	live := k.FuzzCallers()
	if len(live) == 0 || len(rec) < FuzzRecordBytes {
		return false
	}
	t := live[int(rec[0])%len(live)]
	extra := binary.LittleEndian.Uint64(rec[1:9])
	no := fuzzSysnos[int(rec[1])%len(fuzzSysnos)]
	t.Regs.X[17] = no
	for i := range 6 {
		t.Regs.X[10+i] = fuzzArg(t, rec[2+i], extra)
	}
	s.Call = FuzzCall{PID: t.PID, TID: t.TID, No: no}
	copy(s.Call.Args[:], t.Regs.X[10:16])
	k.syscall(t)
	s.Call.Ret, s.Call.Returned = t.Regs.X[10], true
	if k.cfg.CheckInvariants || checkAll {
		if err := k.check(); err != nil {
			s.Invariant = err
			return true
		}
	}
	if rec[8]%4 == 0 {
		limit := k.cfg.CycleLimit
		k.cfg.CycleLimit = k.Now() + FuzzRunCycles
		s.Ran, s.Result = true, k.Run()
		k.cfg.CycleLimit = limit
		s.Invariant = s.Result.Invariant
	}
	return true
}

// FuzzKillAll sends SIGKILL to every process but init, as the end of a
// fuzzer's case: what follows (Run) must see them all die and be reaped.
func (k *Kernel) FuzzKillAll() {
	for _, t := range k.sortedProcs() {
		if t != k.init && t.Process.State != proc.Zombie {
			k.Kill(t.PID, abi.SIGKILL)
		}
	}
}

// Retired returns the user instructions retired so far.
func (k *Kernel) Retired() uint64 { return k.retired }
