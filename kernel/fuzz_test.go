package kernel

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ipcsim/abi"
	"ipcsim/proc"
)

// fuzzSysnos are the numbers the syscall fuzzer draws from: every
// implemented call, a few unimplemented ones, and numbers out of range.
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

// FuzzSyscalls makes random system calls with random arguments from random
// processes, letting the machine run between them. The simulator must never
// crash, and tracing must never change the run: every input runs untraced
// and traced (instruction by instruction too, when the input's last byte is
// odd and does not start a record), and both runs must end in the same
// state, with the same results.
func FuzzSyscalls(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte("\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"))
	f.Add([]byte{10, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 5, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{14, 0, 9, 3, 1, 0, 0, 0, 0, 15, 20, 9, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{11, 0, 16, 15, 15, 0, 0, 0, 0, 11, 1, 16, 17, 18, 0, 0, 0, 0})
	// write(65536, an untouched stack page, 1): EBADF; a7 = -1: ENOSYS;
	// then the same with instructions traced.
	f.Add([]byte{0, 1, 9, 17, 1, 0, 0, 0, 1, 0, 65, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 1, 9, 17, 1, 0, 0, 0, 1, 0, 65, 0, 0, 0, 0, 0, 0, 0, 1})
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	if err != nil {
		f.Fatalf("committed ELF missing: %v (rebuild testdata/linux/bin with scripts/linux-oracle.sh)", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A watchdog in host time: an input that makes the kernel spin
		// without advancing virtual time would otherwise hang the fuzzer
		// silently; a panic makes it save the input as a crasher.
		watchdog := time.AfterFunc(20*time.Second, func() { panic("FuzzSyscalls: input ran over 20s") })
		defer watchdog.Stop()
		insns := len(data)%9 != 0 && data[len(data)-1]&1 == 1
		limit := uint64(2_000_000)
		if insns {
			// An event per instruction costs about a microsecond: two
			// million of them took over the watchdog's time under the
			// fuzzer's instrumentation.
			limit = 200_000
		}
		want := fuzzSyscalls(t, elf, data, limit, false, false)
		got := fuzzSyscalls(t, elf, data, limit, true, insns)
		if got.events == 0 {
			t.Fatal("the traced run emitted no event")
		}
		got.events = 0
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(fuzzEnd{})); diff != "" {
			t.Fatalf("tracing (insns=%v) changed the run (-untraced +traced):\n%s", insns, diff)
		}
	})
}

// fuzzEnd is how a run of FuzzSyscalls ended: what a traced and an untraced
// run must agree on.
type fuzzEnd struct {
	rets      []uint64 // a0 after each call the fuzzer made
	result    Result
	snapshot  Snapshot // every process, its pages and their frames, and every object
	now       uint64
	retired   uint64
	committed int
	frames    int // frames in use
	console   string
	events    int // how many events the trace had (0 untraced)
}

// fuzzSyscalls runs one input of FuzzSyscalls: records of 9 bytes, each a
// call (which process, which number, six arguments, and whether the machine
// runs a while after it). The machine stops at cycle limit.
func fuzzSyscalls(t *testing.T, elf, data []byte, limit uint64, trace, insns bool) fuzzEnd {
	var end fuzzEnd
	var console bytes.Buffer
	cfg := Config{
		MemBytes:          2 << 20,
		MaxProcs:          6,
		Quantum:           500,
		CycleLimit:        limit,
		Stdout:            &console,
		TraceInstructions: insns,
		Files:             []File{{Path: "/bin/argv", Data: elf, Mode: 0755}},
	}
	if trace {
		cfg.Trace = func(e *Event) {
			end.events++
			if e.Text == "" {
				t.Fatalf("an event without text: %+v", e)
			}
		}
	}
	k := New(cfg)
	if _, err := k.Spawn("/bin/argv", []string{"argv", "x"}, []string{"A=1"}); err != nil {
		t.Fatal(err)
	}
	for len(data) >= 9 {
		rec := data[:9]
		data = data[9:]
		var live []*Task
		for _, tk := range k.sortedTasks() {
			if tk != k.init && tk.State == proc.Runnable && tk.call == nil {
				live = append(live, tk)
			}
		}
		if len(live) == 0 {
			break
		}
		tk := live[int(rec[0])%len(live)]
		extra := binary.LittleEndian.Uint64(append(rec[1:], 0)[:8])
		tk.Regs.X[17] = fuzzSysnos[int(rec[1])%len(fuzzSysnos)]
		for i := range 6 {
			tk.Regs.X[10+i] = fuzzArg(tk, rec[2+i], extra)
		}
		k.syscall(tk)
		end.rets = append(end.rets, tk.Regs.X[10])
		if rec[8]%4 == 0 {
			// Let the machine run for a while between calls.
			k.cfg.CycleLimit = k.Now() + 20_000
			k.Run()
			k.cfg.CycleLimit = limit
		}
	}
	end.result = k.Run()
	if k.mem.Committed() < 0 {
		t.Fatalf("negative commitment")
	}
	end.snapshot = k.Snapshot()
	end.now, end.retired = k.Now(), k.retired
	end.committed, end.frames = k.mem.Committed(), k.mem.Phys.UsedFrames()
	end.console = console.String()
	return end
}
