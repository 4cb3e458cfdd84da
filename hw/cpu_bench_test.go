package hw

import (
	"syscall"
	"testing"
	"time"
)

// computeLoop is the benchmark's program: a few ALU ops, a load, a store
// and a branch, with x10 pointing at data. It never ends (x11 would have to
// wrap around 2^64).
//
//	loop: ld   x5, 0(x10)
//	      addi x5, x5, 1
//	      xor  x6, x5, x11
//	      add  x7, x7, x6
//	      slli x8, x7, 1
//	      sd   x5, 0(x10)
//	      addi x11, x11, 1
//	      bne  x11, x0, loop
func computeLoop() []uint32 {
	return []uint32{
		encI("ld", 5, 10, 0),
		encI("addi", 5, 5, 1),
		encR("xor", 6, 5, 11),
		encR("add", 7, 7, 6),
		encI("slli", 8, 7, 1),
		encS("sd", 5, 10, 0),
		encI("addi", 11, 11, 1),
		encB("bne", 11, 0, -28),
	}
}

// BenchmarkCPUCompute measures simulated instructions per second of
// computeLoop, run in slices of 10000 instructions as a scheduler quantum
// would.
func BenchmarkCPUCompute(b *testing.B) {
	m := newTestMachine(b, computeLoop()...)
	m.cpu.X[10] = dataVA
	const slice = 10000
	var total uint64
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		n, _ := m.cpu.Run(slice)
		total += n
	}
	if m.read64(dataVA) != total/8 || total == 0 {
		b.Fatalf("the loop ran %d iterations, %d instructions", m.read64(dataVA), total)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "inst/s")
	// On a shared machine wall time counts other processes' turns too; the
	// process's own CPU time gives a steadier figure for comparisons.
	b.ReportMetric(float64(total)/(cpuTime(b)-cpu0).Seconds(), "inst/cpu-s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/inst")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCPURunEntry measures the fixed cost of a Run call: a program
// that traps with ECALL after 10 instructions, resumed as the kernel would
// after a system call (PC += 4 and Run again), with no page-table change.
func BenchmarkCPURunEntry(b *testing.B) {
	code := append(computeLoop()[:7], wordECALL, encJAL(0, -32))
	m := newTestMachine(b, code...)
	m.cpu.X[10] = dataVA
	b.ReportAllocs()
	for b.Loop() {
		if _, tr := m.cpu.Run(1000); tr.Cause != CauseEcall {
			b.Fatalf("trap %v", tr)
		}
		m.cpu.PC += 4
	}
}

// BenchmarkCPUComputeC is BenchmarkCPUCompute's loop in compressed
// instructions only (GNU as, -march=rv64gc), with a4 for x8, a3 for x7:
//
//	loop: c.ld a5,0(a0); c.addi a5,1; c.mv a2,a5; c.xor a2,a1; c.add a3,a2
//	      c.mv a4,a3; c.slli a4,1; c.sd a5,0(a0); c.addi a1,1; c.bnez a1,loop
func BenchmarkCPUComputeC(b *testing.B) {
	m := newTestMachine(b)
	m.loadParcels(codeVA, 0x611c, 0x0785, 0x863e, 0x8e2d, 0x96b2, 0x8736, 0x0706, 0xe11c, 0x0585, 0xf5fd)
	m.cpu.X[10] = dataVA
	const slice = 10000
	var total uint64
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		n, _ := m.cpu.Run(slice)
		total += n
	}
	if m.read64(dataVA) != total/10 || total == 0 {
		b.Fatalf("the loop ran %d iterations, %d instructions", m.read64(dataVA), total)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "inst/s")
	b.ReportMetric(float64(total)/(cpuTime(b)-cpu0).Seconds(), "inst/cpu-s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/inst")
}

// BenchmarkDispatchFloor measures what a switch interpreter pays per
// instruction for the dispatch alone on this host: a loop that switches on
// the instructions of computeLoop, in their order, with cases that do
// almost nothing (one ALU operation on a local). Its ns/dispatch is the
// floor under BenchmarkCPUCompute's ns/inst: an interpreter that
// dispatches once per simulated instruction, as Run does, cannot run
// faster than this, whatever its cases do. (BENCHMARKS.md, "The floor of
// a switch".)
func BenchmarkDispatchFloor(b *testing.B) {
	// Each distinct op of the loop gets a small number of its own, so that
	// the switch below is dense and Go compiles it, as it does Run's, to a
	// jump table (a sparse switch becomes a tree of comparisons instead).
	var kinds []uint8
	seen := map[op]uint8{}
	for _, w := range computeLoop() {
		o := decode(w).op
		if _, ok := seen[o]; !ok {
			seen[o] = uint8(len(seen))
		}
		kinds = append(kinds, seen[o])
	}
	const n = 10000
	var sum uint64
	for b.Loop() {
		sum += dispatchOnly(kinds, n)
	}
	if sum == 0 {
		b.Fatal("the cases did nothing")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/dispatch")
}

// dispatchOnly switches n times on kinds[0], kinds[1], ... cyclically.
//
//go:noinline
func dispatchOnly(kinds []uint8, n int) uint64 {
	var s uint64
	i := 0
	for left := n; left != 0; left-- {
		switch kinds[i] {
		case 0:
			s += 3
		case 1:
			s ^= 5
		case 2:
			s += 7
		case 3:
			s ^= 11
		case 4:
			s += 13
		case 5:
			s ^= 17
		case 6:
			s += 19
		case 7:
			s ^= 23
		default:
			s--
		}
		if i++; i == len(kinds) {
			i = 0
		}
	}
	return s
}
