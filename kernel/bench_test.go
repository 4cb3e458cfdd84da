package kernel

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// runBench runs testdata/bench/bin/NAME with one argument and returns the
// result; it fails the benchmark unless the program exits 0.
func runBench(b *testing.B, name string, arg int) Result {
	b.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", name))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/build.sh)", err)
	}
	k := New(Config{
		Stdout: io.Discard,
		Files:  []File{{Path: "/" + name, Data: elf, Mode: 0755}},
	})
	if _, err := k.Spawn(name, []string{name, strconv.Itoa(arg)}, nil); err != nil {
		b.Fatal(err)
	}
	res := k.Run()
	if res.Reason != StopAllExited || res.Exits[len(res.Exits)-1].Status != 0 {
		b.Fatalf("%s ended badly: %v %v", name, res.Reason, res.Exits)
	}
	return res
}

// BenchmarkForkExitWait: one op is a fork(2) of a child that exits at once,
// and the parent's wait4(2) for it, run by testdata/bench/forkbench.
func BenchmarkForkExitWait(b *testing.B) {
	b.ReportAllocs()
	runBench(b, "forkbench", b.N)
}

// BenchmarkComputeInstructions measures simulated instructions per second
// on testdata/bench/computebench, a compute loop of loads, stores, ALU
// operations and branches. One op is one round of 2048 loop iterations.
func BenchmarkComputeInstructions(b *testing.B) {
	start := time.Now()
	res := runBench(b, "computebench", b.N)
	b.ReportMetric(float64(res.Instructions)/time.Since(start).Seconds(), "inst/s")
}

// BenchmarkPipePingPong: one op is one round trip of a byte between two
// processes over two pipes (testdata/bench/pipepingpong): two writes, two
// reads, two blocks, two wakeups and two context switches.
func BenchmarkPipePingPong(b *testing.B) {
	b.ReportAllocs()
	runBench(b, "pipepingpong", b.N)
}

// BenchmarkIdleProcessMemory measures the host memory of a forked process
// that sleeps: testdata/bench/forkidle forks 1000 children that block on a
// pipe; the machine is paused once they all sleep, and the heap growth is
// divided among them. Reported as B/process (the design target is a few
// KiB, thanks to copy-on-write).
func BenchmarkIdleProcessMemory(b *testing.B) {
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", "forkidle"))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/build.sh)", err)
	}
	const n = 1000
	const memBytes = 512 << 20
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		k := New(Config{
			// Every process commits its 128 KiB stack (strict accounting):
			// 1000 of them need a bigger machine than the default.
			MemBytes: memBytes,
			MaxProcs: n + 10,
			Files:    []File{{Path: "/forkidle", Data: elf, Mode: 0755}},
		})
		if _, err := k.Spawn("forkidle", []string{"forkidle", strconv.Itoa(n)}, nil); err != nil {
			b.Fatal(err)
		}
		res := k.Run() // ends in deadlock: every process sleeps on the pipe
		if res.Reason != StopDeadlock || len(k.tasks) != n+2 {
			b.Fatalf("expected %d sleeping processes, got %d (%v)", n+1, len(k.tasks)-1, res.Reason)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		// The machine's physical memory is one allocation made up front;
		// what grows with the processes is the rest.
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc) - memBytes
		b.ReportMetric(float64(heap)/n, "B/process")
		runtime.KeepAlive(k)
	}
}
