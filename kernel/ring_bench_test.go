package kernel

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
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

// runPasses runs the committed benchmark program name (ring or pairidle)
// with n processes and s passes of the token and returns the wall time of
// the whole run.
func runPasses(b *testing.B, name string, n, s int) time.Duration {
	b.Helper()
	k := benchMachine(b, name, n)
	start := time.Now()
	if _, err := k.Spawn(name, []string{name, strconv.Itoa(n), strconv.Itoa(s)}, nil); err != nil {
		b.Fatal(err)
	}
	res := k.Run()
	d := time.Since(start)
	if res.Reason != StopAllExited || res.Exits[len(res.Exits)-1].Status != 0 {
		b.Fatalf("%s %d %d ended badly: %v %v", name, n, s, res.Reason, res.Exits[len(res.Exits)-1])
	}
	return d
}

// benchPasses reports the cost of one pass of the token of program name
// among n processes: the program runs once with no pass and once with
// b.N passes, and ns/switch is the difference divided by b.N, so that
// forking the processes and their exits do not count.
func benchPasses(b *testing.B, name string, n int) {
	b.StopTimer()
	base := runPasses(b, name, n, 0)
	b.StartTimer()
	d := runPasses(b, name, n, b.N)
	b.ReportMetric(float64((d-base).Nanoseconds())/float64(b.N), "ns/switch")
	b.ReportMetric(float64(base.Nanoseconds())/1e6, "ms/run0") // the run with no pass
}

// BenchmarkRing measures the context switch with 2, 100, 1,000 and 10,000
// processes in a ring (testdata/bench/ring): one op is one pass of the
// token from a process to the next (a pipe write, the wakeup of the
// reader, a switch to it, its read). The target: within 1.5x from
// 2 to 10,000 processes. Run with a fixed count, since each op count
// builds a new ring: -benchtime 2000000x, 200 laps of the ring of 10,000
// (with 200000x, 20 laps, the first lap and the noise of the difference
// of two wall times still show).
func BenchmarkRing(b *testing.B) {
	for _, n := range []int{2, 100, 1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchPasses(b, "ring", n) })
	}
}

// BenchmarkSwitchAmongIdle measures the same switch between two processes
// that pass the token back and forth while the others, up to 10,000 in
// all, sleep (testdata/bench/pairidle). The two stay in the host's
// caches, so against BenchmarkRing it tells what the number of processes
// costs a switch through the kernel's own structures (its scheduler, wait
// queues and tables) from what it costs through the host's caches.
func BenchmarkSwitchAmongIdle(b *testing.B) {
	for _, n := range []int{2, 100, 1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchPasses(b, "pairidle", n) })
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

// BenchmarkLapFootprint is the yardstick for BenchmarkRing/10000: not the
// kernel, only the host's memory. It models a lap of a ring whose every
// process has some cache lines of state that a switch to it reads (26 is
// what scripts/ring-misses.sh counts for the kernel's ring) and that does
// nothing else: one op visits the next process and loads one word of each
// of its lines. The lines of a process are read in a number of chains:
// within a chain each load needs the one before it (as the kernel reaches
// a pipe through the task, its descriptor table, the open file and the
// pipe's end); the chains need nothing of each other, so the host may
// overlap their misses; and a visit begins only when the one before it
// has ended (as a switch goes where the one before it decided).
// chains=26 is every line on its own, chains=1 one line after another.
// With layout=record a process's lines are one after another, as the
// first eleven of a Task are; with layout=line each line is at a random
// place of its own, as the kernel's other structures are (a descriptor
// table, an open file, a pipe). The ring of 2 (BenchmarkRing/2, about 340
// ns a switch here) leaves a switch at 10,000 processes some 170 ns for
// its misses if it is to be within 1.5x: ns/op at procs=10000 less
// procs=2 is what the host charges for the state alone, read that way.
func BenchmarkLapFootprint(b *testing.B) {
	for _, m := range []struct {
		layout        string
		lines, chains int
	}{
		{"record", 26, 26}, // today's volume, read in the best way there is
		{"record", 13, 13}, // half of it, the same way
		{"line", 26, 26},   // today's volume scattered, every miss free to overlap
		{"line", 26, 6},    // scattered and in chains, as the kernel reaches it
		{"line", 26, 1},    // one miss after another: the host's memory latency
	} {
		for _, procs := range []int{2, 1000, 10000} {
			name := fmt.Sprintf("layout=%s/lines=%d/chains=%d/procs=%d", m.layout, m.lines, m.chains, procs)
			b.Run(name, func(b *testing.B) { lapFootprint(b, m.layout == "line", m.lines, m.chains, procs) })
		}
	}
}

// lapFootprint runs BenchmarkLapFootprint's model: procs processes of
// lines cache lines each, where line l of process p is at at[p*lines+l]
// (an index into state, a multiple of 8) and is in chain l%chains; the
// first word of a line holds the index of its chain's next line, or its
// own index at the chain's end.
func lapFootprint(b *testing.B, scatterLines bool, lines, chains, procs int) {
	const words = 8 // uint64s in a 64-byte line
	state := make([]uint64, (lines*procs+1)*words)
	// Lines start at a multiple of 64 bytes: the slice's first element
	// may not.
	skip := int((64 - uintptr(unsafe.Pointer(&state[0]))%64) % 64 / 8)
	r := rand.New(rand.NewPCG(1, 2))
	at := make([]int, lines*procs)
	if scatterLines {
		for i := range at {
			at[i] = skip + i*words
		}
		r.Shuffle(len(at), func(i, j int) { at[i], at[j] = at[j], at[i] })
	} else {
		order := r.Perm(procs) // each process's record at a random place
		for p := range procs {
			for l := range lines {
				at[p*lines+l] = skip + (order[p]*lines+l)*words
			}
		}
	}
	for p := range procs {
		for l := range lines {
			next := l + chains
			if next >= lines {
				next = l
			}
			state[at[p*lines+l]] = uint64(at[p*lines+next])
		}
	}
	var carry uint64 // 0, but only once the last visit's loads are done
	p := 0
	b.ResetTimer()
	for range b.N {
		first := at[p*lines : p*lines+lines]
		var c uint64
		for ch := range chains {
			i := uint64(first[ch]) + carry
			for l := ch; l < lines; l += chains {
				i = state[i]
			}
			c += state[i] - i // 0: i is its chain's last line
		}
		carry = c
		if p++; p == procs {
			p = 0
		}
	}
	footprintSink = carry
}

// footprintSink keeps the loads of lapFootprint from being optimized away.
var footprintSink uint64
