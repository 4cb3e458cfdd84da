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
	return runBenchIn(b, filepath.Join("..", "testdata", "bench", "bin"), "testdata/bench/build.sh", name, arg)
}

// runMuslBench runs testdata/bench/musl/bin/NAME as runBench runs the
// bare-runtime binaries.
func runMuslBench(b *testing.B, name string, arg int) Result {
	b.Helper()
	return runBenchIn(b, filepath.Join("..", "testdata", "bench", "musl", "bin"), "testdata/bench/musl/build.sh", name, arg)
}

// runBenchIn runs the committed program dir/NAME with one argument; build
// is the script that rebuilds it, for the message when it is missing.
func runBenchIn(b testing.TB, dir, build, name string, arg int) Result {
	b.Helper()
	elf, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with %s)", err, build)
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
		// The frames the processes use are simulated memory, not the
		// host's overhead per process: what grows beyond them is counted.
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc) - int64(k.m.Mem.HostBytes())
		b.ReportMetric(float64(heap)/n, "B/process")
		runtime.KeepAlive(k)
	}
}

// BenchmarkTeardown: one op is the teardown of N processes by
// testdata/bench/teardown: N children blocked on a pipe see it close, exit,
// and are reaped by wait4(-1). The time per op divided by N (ns/child)
// must not grow with N: wait4 and exit are linear in the children.
func BenchmarkTeardown(b *testing.B) {
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", "teardown"))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/build.sh)", err)
	}
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for range b.N {
				k := New(Config{
					// Every process commits its 128 KiB stack (strict
					// accounting): 10,000 of them need 1.25 GiB of
					// physical memory, taken only as frames are used.
					MemBytes: uint64(n+10) * 160 << 10,
					MaxProcs: n + 10,
					Files:    []File{{Path: "/teardown", Data: elf, Mode: 0755}},
				})
				if _, err := k.Spawn("teardown", []string{"teardown", strconv.Itoa(n)}, nil); err != nil {
					b.Fatal(err)
				}
				res := k.Run()
				if res.Reason != StopAllExited || res.Exits[len(res.Exits)-1].Status != 0 {
					b.Fatalf("teardown ended badly: %v %v", res.Reason, res.Exits[len(res.Exits)-1])
				}
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*n), "ns/child")
		})
	}
}
