package kernel

import (
	"path/filepath"
	"testing"
)

// The ping-pongs of issue 13 beyond pipes and sockets: one op is one round
// trip between two processes (testdata/bench/musl/*.c), with the same two
// blocks, two wakeups and two context switches as BenchmarkPipePingPong.

// BenchmarkMsgqPingPong: a message each way through SysV message queues
// (msgsnd, msgrcv; musl/msgqpingpong).
func BenchmarkMsgqPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "msgqpingpong", b.N)
}

// BenchmarkMqPingPong: a message each way through POSIX message queues
// (mq_timedsend, mq_timedreceive; musl/mqpingpong).
func BenchmarkMqPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "mqpingpong", b.N)
}

// BenchmarkSigwaitPingPong: a signal each way, taken by sigwaitinfo
// (rt_sigtimedwait; musl/sigwaitpingpong).
func BenchmarkSigwaitPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "sigwaitpingpong", b.N)
}

// BenchmarkSigsuspendPingPong: a signal each way, run by a handler while
// the receiver sleeps in sigsuspend (musl/sigsuspendpingpong).
func BenchmarkSigsuspendPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "sigsuspendpingpong", b.N)
}

// BenchmarkThreadPingPong: two threads of one process, each waking the
// other with a POSIX semaphore: futex wait and wake (musl/threadpingpong;
// musl's sem_wait spins a hundred times before it sleeps, which the
// round trip's simulated instructions show).
func BenchmarkThreadPingPong(b *testing.B) {
	b.ReportAllocs()
	runMuslBench(b, "threadpingpong", b.N)
}

// TestPingPongsDoNotAllocate: a round trip of every ping-pong of issue 13
// allocates nothing on the host (the blocking calls sleep in records and
// blocks their task reuses, taskWaits; a futex's list is kept for the
// next wait): the allocations of a run of 1,100 round trips are those of
// a run of 100, but for a few per thousand round trips (a table that
// grows, the rare event).
func TestPingPongsDoNotAllocate(t *testing.T) {
	for _, prog := range []string{"pipepingpong", "sockpingpong", "msgqpingpong", "mqpingpong",
		"sigwaitpingpong", "sigsuspendpingpong", "tcppingpong", "threadpingpong"} {
		dir, build := filepath.Join("..", "testdata", "bench", "musl", "bin"), "testdata/bench/musl/build.sh"
		if prog == "pipepingpong" {
			dir, build = filepath.Join("..", "testdata", "bench", "bin"), "testdata/bench/build.sh"
		}
		allocs := func(n int) float64 {
			return testing.AllocsPerRun(1, func() { runBenchIn(t, dir, build, prog, n) })
		}
		few, many := allocs(100), allocs(1100)
		if per := (many - few) / 1000; per > 0.01 {
			t.Errorf("%s: %.3f allocations a round trip (%.0f for 100 round trips, %.0f for 1,100)", prog, per, few, many)
		}
	}
}
