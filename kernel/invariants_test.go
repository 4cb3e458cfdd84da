package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ipcsim/hw"
	"ipcsim/proc"
)

// SetCheckAllInvariants makes every kernel check its invariants
// (Config.CheckInvariants), for the scenario test of package kernel_test,
// which runs kernels that package sim makes. It returns the old setting.
func SetCheckAllInvariants(on bool) bool {
	old := checkAll
	checkAll = on
	return old
}

// SetCorruptBeforeCheck makes Run call corrupt on a kernel before each
// check of its invariants (nil: no more), for the tests of package
// kernel_test. It returns the old setting.
func SetCorruptBeforeCheck(corrupt func(k *Kernel)) func(k *Kernel) {
	old := corruptBeforeCheck
	corruptBeforeCheck = corrupt
	return old
}

// LeakFrame allocates a frame that nothing holds: the "frames"
// invariant's leak.
func LeakFrame(k *Kernel) { k.mem.Phys.Alloc() }

// invariantHolder makes a pipe with 3 bytes in it, a message queue with a
// message, touches a data page, forks, and then parent and child sleep for
// ever: frames shared copy-on-write, a pipe with two readers and two
// writers, a queued message.
const invariantHolder = `
	.data
	.align 12
page:	.dword 1
fds:	.word 0, 0
msg:	.dword 7
	.ascii "hello"
nap:	.dword 1, 0
	.text
	.globl _start
_start:
	la a0, fds
	li a1, 0
	li a7, SYS_pipe2
	ecall
	la t0, fds
	lw a0, 4(t0)
	la a1, msg
	li a2, 3
	li a7, SYS_write
	ecall
	li a0, 0
	li a1, 0600
	li a7, SYS_msgget
	ecall
	la a1, msg
	li a2, 5
	li a3, 0
	li a7, SYS_msgsnd
	ecall
	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall
1:	la a0, nap
	li a1, 0
	li a7, SYS_nanosleep
	ecall
	j 1b
`

// holderKernel runs invariantHolder until both processes sleep, with
// invariant checking on.
func holderKernel(t *testing.T) *Kernel {
	t.Helper()
	k := New(Config{CheckInvariants: true, CycleLimit: 50_000_000,
		Files: []File{clusterProgram(t, "holder", invariantHolder, nil)}})
	spawn(t, k, "holder")
	r := k.RunUntil(1_000_000)
	require.Equal(t, StopPaused, r.Reason, "invariant: %v", r.Invariant)
	require.Nil(t, r.Invariant)
	require.Len(t, k.sortedProcs(), 3, "init, the holder and its child")
	require.Len(t, k.pipes, 1)
	return k
}

// Every way of corrupting the books is caught, by name, with the object in
// the message; and Run stops with StopInvariant rather than crash.
func TestInvariantsCatchCorruption(t *testing.T) {
	holder := func(k *Kernel) *Task { return k.tasks[2] }
	for _, tc := range []struct {
		name, invariant, detail string
		corrupt                 func(k *Kernel)
	}{
		{"frame refcount", "frames", "reference count 3, but 2 holders", func(k *Kernel) {
			// The data page, shared copy-on-write by parent and child.
			pte, ok := holder(k).AS.PT().Lookup(cowPage(t, holder(k)))
			require.True(t, ok)
			k.mem.Phys.Ref(pte.Frame())
		}},
		{"leaked frame", "frames", "no page table or shared object holds it", func(k *Kernel) {
			k.mem.Phys.Alloc()
		}},
		{"lost pte", "frames", "reference count 2, but 1 holders", func(k *Kernel) {
			holder(k).AS.PT().Unmap(cowPage(t, holder(k)))
		}},
		{"writable cow page", "cow", "private and writable", func(k *Kernel) {
			as := holder(k).AS
			va := cowPage(t, holder(k))
			pte, _ := as.PT().Lookup(va)
			as.PT().Map(va, pte|hw.PTEWrite)
		}},
		{"file refcount", "files", "pipe#1", func(k *Kernel) {
			f, _ := holder(k).Files.Get(3)
			f.IncRef()
		}},
		{"pipe readers", "pipes", "pipe#1 counts 2 readers, but 1 open descriptions", func(k *Kernel) {
			k.pipes[0].OpenReader()
		}},
		{"message count", "msgq", "msg_qnum 2 and msg_cbytes 5, but the list holds 1 messages of 5 bytes", func(k *Kernel) {
			k.msgIDs.All()[0].QNum++
		}},
		{"runnable unscheduled", "sched", "neither running nor in the ready set", func(k *Kernel) {
			c := k.tasks[3]
			c.State = proc.Runnable
			c.queued = false
		}},
		{"thread table", "threads", "not in the task table", func(k *Kernel) {
			delete(k.tasks, 3)
		}},
		{"commit", "commit", "pages committed", func(k *Kernel) {
			_, err := k.mem.NewShared(1) // charged, but held by nobody
			require.NoError(t, err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := holderKernel(t)
			tc.corrupt(k)
			err := k.CheckInvariants()
			var ie *InvariantError
			require.True(t, errors.As(err, &ie), "the corruption went unseen: %v", err)
			require.Equal(t, tc.invariant, ie.Invariant, "%v", ie)
			require.Contains(t, ie.Error(), tc.detail)
			r := k.Run()
			require.Equal(t, StopInvariant, r.Reason)
			require.Equal(t, tc.invariant, r.Invariant.Invariant)
			require.Equal(t, "kernel invariant broken", r.Reason.String())
		})
	}
}

// cowPage returns the address of a page t shares copy-on-write with
// another process (its frame counts two references).
func cowPage(t *testing.T, tk *Task) uint64 {
	t.Helper()
	for _, m := range tk.AS.PT().Pages() {
		if m.PTE&hw.PTECOW != 0 && tk.k.mem.Phys.Refs(m.PTE.Frame()) == 2 {
			return m.VA
		}
	}
	t.Fatal("no page shared copy-on-write")
	return 0
}

// FuzzInvariants is FuzzSyscalls with the invariants checked: random
// system calls with random arguments from random processes, the machine
// running between them, and every invariant checked after each call the
// fuzzer makes and before every step of the run (Config.CheckInvariants).
// A broken invariant, like a panic, is a failure.
func FuzzInvariants(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte("\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"))
	f.Add([]byte{10, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 5, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{14, 0, 9, 3, 1, 0, 0, 0, 0, 15, 20, 9, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{11, 0, 16, 15, 15, 0, 0, 0, 0, 11, 1, 16, 17, 18, 0, 0, 0, 0})
	// fork, pipe2, write, shmget/shmat, msgget/msgsnd, socketpair.
	f.Add([]byte{0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 21, 8, 0, 0, 0, 0, 0, 0, 0, 1, 7, 8, 1, 0, 0, 0, 0,
		0, 36, 0, 9, 33, 0, 0, 0, 0, 0, 37, 1, 0, 0, 0, 0, 0, 0, 0, 49, 0, 33, 0, 0, 0, 0, 0,
		0, 50, 1, 7, 3, 0, 0, 0, 0, 0, 78, 1, 1, 0, 7, 0, 0, 0})
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	if err != nil {
		f.Fatalf("committed ELF missing: %v", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(60*time.Second, func() { panic("FuzzInvariants: input ran over 60s") })
		defer watchdog.Stop()
		k := New(Config{
			MemBytes:        2 << 20,
			MaxProcs:        6,
			Quantum:         500,
			CycleLimit:      500_000,
			CheckInvariants: true,
			Files:           []File{{Path: "/bin/argv", Data: elf, Mode: 0755}},
		})
		if _, err := k.Spawn("/bin/argv", []string{"argv", "x"}, []string{"A=1"}); err != nil {
			t.Fatal(err)
		}
		for _, rec := range fuzzRecords(data) {
			var s FuzzStep
			if !k.FuzzStep(rec, &s) {
				break
			}
			if s.Invariant != nil {
				if s.Ran {
					t.Fatalf("while running after %s: %v", s.Call, s.Invariant)
				}
				t.Fatalf("after %s: %v", s.Call, s.Invariant)
			}
		}
		if r := k.Run(); r.Invariant != nil {
			t.Fatalf("at the end: %v", r.Invariant)
		}
	})
}
