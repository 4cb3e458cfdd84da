package kernel

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchMachine returns a machine with room for n processes (each commits
// a 128 KiB stack under strict accounting, so 160 KiB each) that has the
// committed benchmark binary testdata/bench/bin/NAME at /NAME.
func benchMachine(b *testing.B, name string, n int) *Kernel {
	b.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", name))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/build.sh)", err)
	}
	if n < 64 {
		n = 64
	}
	return New(Config{
		MemBytes: uint64(n+10) * 160 << 10,
		MaxProcs: n + 10,
		Stdout:   io.Discard,
		Files:    []File{{Path: "/" + name, Data: elf, Mode: 0755}},
	})
}

// runRing runs testdata/bench/ring with n processes and s passes of the
// token and returns the wall time of the whole run.
func runRing(b *testing.B, n, s int) time.Duration {
	b.Helper()
	k := benchMachine(b, "ring", n)
	start := time.Now()
	if _, err := k.Spawn("ring", []string{"ring", strconv.Itoa(n), strconv.Itoa(s)}, nil); err != nil {
		b.Fatal(err)
	}
	res := k.Run()
	d := time.Since(start)
	if res.Reason != StopAllExited || res.Exits[len(res.Exits)-1].Status != 0 {
		b.Fatalf("ring %d %d ended badly: %v %v", n, s, res.Reason, res.Exits[len(res.Exits)-1])
	}
	return d
}

// BenchmarkRing measures the context switch with 2, 100, 1,000 and 10,000
// processes in a ring (testdata/bench/ring): one op is one pass of the
// token from a process to the next (a pipe write, the wakeup of the
// reader, a switch to it, its read). The ring is built and torn down once
// with no pass and once with b.N passes; ns/switch is the difference
// divided by b.N, so the fork of the ring does not count. The issue's
// target: within 1.5x from 2 to 10,000 processes. Run with a fixed count,
// since each op count builds a new ring: -benchtime 2000000x, 200 laps of
// the ring of 10,000 (with 200000x, 20 laps, the first lap and the noise
// of the difference of two wall times still show).
func BenchmarkRing(b *testing.B) {
	for _, n := range []int{2, 100, 1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.StopTimer()
			base := runRing(b, n, 0)
			b.StartTimer()
			d := runRing(b, n, b.N)
			b.ReportMetric(float64((d-base).Nanoseconds())/float64(b.N), "ns/switch")
			b.ReportMetric(float64(base.Nanoseconds())/1e6, "ms/ring")
		})
	}
}

// BenchmarkHostProgram runs one committed benchmark binary on a machine
// with room for IPCSIM_BENCH_PROCS processes (default 12,000; ipcsim exec
// stops at 64): IPCSIM_BENCH_PROG names testdata/bench/bin/NAME and
// IPCSIM_BENCH_ARGS its arguments, separated by spaces. It is skipped when
// IPCSIM_BENCH_PROG is unset. scripts/bench-vs-qemu.sh runs it from a
// compiled test binary with -test.benchtime=1x and times the whole process,
// as it times qemu-riscv64 running the same binary with the same arguments;
// inst/run is the number of simulated instructions of one run.
func BenchmarkHostProgram(b *testing.B) {
	name := os.Getenv("IPCSIM_BENCH_PROG")
	if name == "" {
		b.Skip("IPCSIM_BENCH_PROG is not set")
	}
	procs := 12000
	if s := os.Getenv("IPCSIM_BENCH_PROCS"); s != "" {
		var err error
		if procs, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	args := append([]string{name}, strings.Fields(os.Getenv("IPCSIM_BENCH_ARGS"))...)
	var inst uint64
	for range b.N {
		k := benchMachine(b, name, procs)
		if _, err := k.Spawn(name, args, nil); err != nil {
			b.Fatal(err)
		}
		res := k.Run()
		if res.Reason != StopAllExited || res.Exits[len(res.Exits)-1].Status != 0 {
			b.Fatalf("%s ended badly: %v %v", name, res.Reason, res.Exits[len(res.Exits)-1])
		}
		inst = res.Instructions
	}
	b.ReportMetric(float64(inst), "inst/run")
}
