package kernel

import "testing"

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
