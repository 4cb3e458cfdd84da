package kernel

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// runMuslBench runs testdata/bench/musl/bin/NAME with one argument, as
// runBench runs the bare-runtime binaries; it fails the benchmark unless
// the program exits 0.
func runMuslBench(b *testing.B, name string, arg int) Result {
	b.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "musl", "bin", name))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/musl/build.sh)", err)
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

// BenchmarkSockPingPong: one op is one round trip of a byte between two
// processes over a Unix stream socket pair (testdata/bench/musl/sockpingpong):
// two writes, two reads, two blocks, two wakeups and two context switches,
// as BenchmarkPipePingPong over pipes.
func BenchmarkSockPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "sockpingpong", b.N)
}

// BenchmarkTCPPingPong: the same over a TCP loopback connection
// (testdata/bench/musl/tcppingpong).
func BenchmarkTCPPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "tcppingpong", b.N)
}
