package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ipcsim/abi"
	"ipcsim/proc"
)

// checkInvariants fails if the kernel's process states contradict each
// other: what a signal storm must never cause. The kernel's own checks
// (CheckInvariants: among them, that its count of stopped processes is
// right, a process of several threads counting once) and a few of the
// tasks' states.
func checkInvariants(t *testing.T, k *Kernel) {
	t.Helper()
	if err := k.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if k.cur != nil && k.cur.State != proc.Runnable {
		t.Fatalf("pid %d is on the CPU in state %v", k.cur.PID, k.cur.State)
	}
	for _, tk := range k.sortedTasks() {
		switch tk.State {
		case proc.Sleeping:
			if tk.call == nil {
				t.Fatalf("pid %d sleeps outside a system call", tk.PID)
			}
		case proc.Stopped, proc.Zombie:
			if tk == k.cur {
				t.Fatalf("pid %d is %v but on the CPU", tk.PID, tk.State)
			}
		}
		if tk.State == proc.Zombie && tk.AS.PT().Len() != 0 {
			t.Fatalf("zombie pid %d still has %d pages", tk.PID, tk.AS.PT().Len())
		}
	}
}

// FuzzSignalStorm sends random signals to random processes (running,
// blocked in pipes or futexes, with threads or not, stopped, zombies)
// while they run, checks the process states after each step, then kills
// everything with SIGKILL: the machine must end with every process
// exited, in a state Linux allows.
func FuzzSignalStorm(f *testing.F) {
	f.Add([]byte{2, 10, 0, 3, 19, 1, 3, 18, 0, 4, 15, 2})
	f.Add([]byte{2, 20, 0, 2, 18, 0, 3, 21, 1, 3, 17, 0, 4, 9, 0})
	f.Add([]byte{3, 13, 1, 2, 14, 3, 2, 1, 0, 5, 2, 1, 6, 19, 0, 6, 18, 2})
	dir := filepath.Join("..", "testdata")
	var files []File
	for _, p := range []string{"bench/bin/pipepingpong", "linux/bin/pipe_atomic", "linux/bin/fork_wait", "linux/bin/pipe_block",
		"bench/musl/bin/threadpingpong", "threads/bin/pipethreads"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			f.Fatalf("committed ELF missing: %v (rebuild testdata/bench/bin with testdata/bench/build.sh, testdata/linux/bin with scripts/linux-oracle.sh)", err)
		}
		files = append(files, File{Path: "/" + p, Data: b, Mode: 0755})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(10*time.Second, func() { panic("FuzzSignalStorm: input ran over 10s") })
		defer watchdog.Stop()
		k := New(Config{
			Quantum:    300,
			MaxProcs:   16,
			CycleLimit: 1 << 40,
			Files:      files,
		})
		for _, sp := range [][]string{{"/bench/bin/pipepingpong", "100000"}, {"/linux/bin/pipe_atomic"}, {"/linux/bin/fork_wait"}, {"/linux/bin/pipe_block"},
			{"/bench/musl/bin/threadpingpong", "100000"}, {"/threads/bin/pipethreads", "100000"}} {
			if _, err := k.Spawn(sp[0], sp, nil); err != nil {
				t.Fatal(err)
			}
		}
		for len(data) >= 3 {
			target, sig, run := int(data[0]), abi.Signal(data[1]%65), int(data[2])
			data = data[3:]
			tasks := k.sortedTasks()
			if len(tasks) < 2 {
				break
			}
			if sig != 0 {
				to := tasks[1+target%(len(tasks)-1)] // never init
				k.sendSignal(to, sig, proc.SigInfo{Code: abi.SI_USER}, fmt.Sprintf("storm %v", sig))
			}
			checkInvariants(t, k)
			k.RunUntil(k.Now() + uint64(run%16)*500 + 1)
			checkInvariants(t, k)
		}
		for _, tk := range k.sortedTasks() {
			if tk != k.init {
				k.sendSignal(tk, abi.SIGKILL, proc.SigInfo{Code: abi.SI_USER}, "the end of the storm")
			}
		}
		res := k.Run()
		if res.Reason != StopAllExited {
			t.Fatalf("after SIGKILL to everyone: %v, blocked %v", res.Reason, res.Blocked)
		}
	})
}
