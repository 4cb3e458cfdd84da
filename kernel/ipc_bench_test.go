package kernel

import "testing"

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
