package kernel

import (
	"io"
	"os"
	"path/filepath"
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
		b.Fatal(err)
	}
	k := New(Config{
		Stdout: io.Discard,
		Lookup: func(string) ([]byte, error) { return elf, nil },
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
