package hw

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// A prototype of a compiled tier, kept for measurement only (see
// docs/compiled-tier.md): each basic block is translated once into a slice
// of Go closures, each bound to its instruction's registers and immediate
// ("closure-threaded code"), and run without the interpreter's switch and
// without its per-instruction budget and page checks. It runs the integer
// subset the compute benchmarks need; every other instruction, and every
// load or store that misses its fast path, goes to the interpreter (Run
// with a budget of 1), which keeps traps precise.
//
// Preemption between any two instructions and determinism: a block runs
// only when the budget left covers all of its instructions; otherwise the
// interpreter runs them one by one, so a Run of the tier retires exactly the
// instructions a Run of the interpreter would, and stops at the same pc.

// A threadedOp executes one instruction of a block. It reports false when it
// cannot complete on its fast path (a TLB miss, a page-crossing access, a
// fault); it has then changed nothing.
type threadedOp func(c *CPU, x *[64]uint64) bool

// A threadedBlock is a translated basic block: the instructions from its
// first up to and including a branch or jump, or up to (not including) the
// first instruction the tier does not translate, or to the end of the page.
type threadedBlock struct {
	page *decodedPage // the frame's decoded page when translated; the block is stale once it is gone
	body []threadedOp // every instruction but a final branch or jump
	offs []uint64     // offs[i]: body[i]'s offset from the block's pc
	// exit returns the pc after the block: a branch's or jump's target or
	// fall-through, or the pc of the first instruction not translated.
	exit func(x *[64]uint64) uint64
	n    uint64 // instructions the block retires: len(body), plus 1 for a branch or jump
}

// threadedTier holds the translated blocks: blocks[f][i] is the block
// that starts at parcel i of frame f, or nil.
type threadedTier struct {
	blocks      []*[parcelsPerPage]*threadedBlock
	interpreted uint64 // instructions the interpreter ran (a test checks the tier did the work)
}

func newThreadedTier() *threadedTier { return &threadedTier{} }

// run is Run through the tier: same contract, same results.
func (tt *threadedTier) run(c *CPU, budget uint64) (retired uint64, t Trap) {
	c.syncTLB()
	var x [64]uint64
	for i := 1; i < 32; i++ {
		x[i] = c.X[i]
	}
	pc, left := c.PC, budget
	for left != 0 {
		b := tt.block(c, pc)
		if b == nil || b.n == 0 || b.n > left {
			// Not translatable here, or the budget ends inside the block:
			// one instruction through the interpreter.
			n, tr := tt.interpret(c, &x, &pc)
			left -= n
			if tr.Cause != CauseNone {
				t = tr
				break
			}
			continue
		}
		i := 0
		for ; i < len(b.body); i++ {
			if !b.body[i](c, &x) {
				break
			}
		}
		if i < len(b.body) {
			// body[i] needs the slow path: retire what ran, then let the
			// interpreter run body[i].
			left -= uint64(i)
			pc += b.offs[i]
			n, tr := tt.interpret(c, &x, &pc)
			left -= n
			if tr.Cause != CauseNone {
				t = tr
				break
			}
			continue
		}
		pc = b.exit(&x)
		left -= b.n
	}
	c.PC = pc
	for i := 1; i < 32; i++ {
		c.X[i] = x[i]
	}
	return budget - left, t
}

// interpret runs the one instruction at *pc with the interpreter.
func (tt *threadedTier) interpret(c *CPU, x *[64]uint64, pc *uint64) (uint64, Trap) {
	for i := 1; i < 32; i++ {
		c.X[i] = x[i]
	}
	c.PC = *pc
	n, tr := c.Run(1)
	tt.interpreted += n
	for i := 1; i < 32; i++ {
		x[i] = c.X[i]
	}
	*pc = c.PC
	return n, tr
}

// block returns the translated block at pc, translating it on first use,
// or nil if pc cannot be fetched.
func (tt *threadedTier) block(c *CPU, pc uint64) *threadedBlock {
	base, ok := c.translate(pc, accExec)
	if !ok {
		return nil
	}
	f := base >> PageShift
	for uint64(len(tt.blocks)) <= f {
		tt.blocks = append(tt.blocks, nil)
	}
	if tt.blocks[f] == nil {
		tt.blocks[f] = new([parcelsPerPage]*threadedBlock)
	}
	slot := &tt.blocks[f][pc>>1&(parcelsPerPage-1)]
	page := c.codePage(base)
	if *slot == nil || (*slot).page != page {
		*slot = translateBlock(c, page, base, pc)
	}
	return *slot
}

// translateBlock translates the block that starts at pc, in the frame at
// base whose decoded page is page.
func translateBlock(c *CPU, page *decodedPage, base, pc uint64) *threadedBlock {
	b := &threadedBlock{page: page}
	off := uint64(0)
	for a := pc; a>>PageShift == pc>>PageShift; {
		d := &page.inst[a>>1&(parcelsPerPage-1)]
		if d.op == opUndecoded {
			*d = c.decodeAt(base + a&pageMask)
		}
		o, size := d.op, uint64(4)
		if b32, ok := uncompressed[o]; ok {
			o, size = b32, 2
		}
		if exit := threadedBranch(o, *d, a, size); exit != nil {
			b.exit, b.n = exit, uint64(len(b.body))+1
			return b
		}
		f := threadedInst(o, *d)
		if f == nil {
			break // the interpreter runs it
		}
		b.body = append(b.body, f)
		b.offs = append(b.offs, off)
		a += size
		off += size
	}
	next := pc + off
	b.exit, b.n = func(*[64]uint64) uint64 { return next }, uint64(len(b.body))
	return b
}

// uncompressed maps each compressed twin to its 32-bit op (decode_c.go).
var uncompressed = func() map[op]op {
	m := make(map[op]op)
	for o := op(0); o < numOps; o++ {
		if t := cTwin(o); t != opIllegal {
			m[t] = o
		}
	}
	return m
}()

// threadedInst returns the closure for a straight-line instruction, or nil
// if the tier leaves it to the interpreter.
func threadedInst(o op, d decodedInst) threadedOp {
	rd, rs1, rs2, imm := d.rd&63, d.rs1&63, d.rs2&63, d.imm
	switch o {
	case opADDI:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] + uint64(imm); return true }
	case opANDI:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] & uint64(imm); return true }
	case opSLLI:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] << uint64(imm); return true }
	case opSRLI:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] >> uint64(imm); return true }
	case opLUI:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = uint64(imm); return true }
	case opADD:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] + x[rs2]; return true }
	case opSUB:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] - x[rs2]; return true }
	case opXOR:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] ^ x[rs2]; return true }
	case opOR:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] | x[rs2]; return true }
	case opAND:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = x[rs1] & x[rs2]; return true }
	case opADDIW:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = sext32(x[rs1] + uint64(imm)); return true }
	case opADDW:
		return func(_ *CPU, x *[64]uint64) bool { x[rd] = sext32(x[rs1] + x[rs2]); return true }
	case opLD:
		return func(c *CPU, x *[64]uint64) bool {
			va := x[rs1] + uint64(imm)
			e := c.tlbEntry(va)
			if e.tag[accRead] != va>>PageShift || !inPage(va, 8) {
				return false
			}
			x[rd] = binary.LittleEndian.Uint64(e.page[va&pageMask:])
			return true
		}
	case opSD:
		return func(c *CPU, x *[64]uint64) bool {
			va := x[rs1] + uint64(imm)
			e := c.tlbEntry(va)
			pa := e.base + va&pageMask
			if e.tag[accWrite] != va>>PageShift || !inPage(va, 8) || c.Mem.decoded[pa>>PageShift] != nil {
				return false // (a store to a code frame: the interpreter forgets what it overwrites)
			}
			binary.LittleEndian.PutUint64(e.page[pa&pageMask:], x[rs2])
			return true
		}
	}
	return nil
}

// threadedBranch returns the exit of a block that ends with the branch or
// jump d at pc (size bytes long), or nil if d is neither.
func threadedBranch(o op, d decodedInst, pc, size uint64) func(x *[64]uint64) uint64 {
	rd, rs1, rs2 := d.rd&63, d.rs1&63, d.rs2&63
	taken, next := pc+uint64(d.imm), pc+size
	switch o {
	case opBEQ:
		return func(x *[64]uint64) uint64 {
			if x[rs1] == x[rs2] {
				return taken
			}
			return next
		}
	case opBNE:
		return func(x *[64]uint64) uint64 {
			if x[rs1] != x[rs2] {
				return taken
			}
			return next
		}
	case opJAL:
		return func(x *[64]uint64) uint64 { x[rd] = next; return taken }
	}
	return nil
}

// TestThreadedTierMatchesInterpreter runs the compute loops on two
// machines, one through the interpreter and one through the tier, in
// slices that end inside blocks, and compares every register, pc, retired
// count and the data word.
func TestThreadedTierMatchesInterpreter(t *testing.T) {
	for _, tc := range []struct {
		name string
		load func(m *testMachine)
	}{
		{"rv64i", func(m *testMachine) { m.loadCode(codeVA, computeLoop()...) }},
		{"rv64c", func(m *testMachine) { m.loadParcels(codeVA, computeLoopC...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newTestMachine(t), newTestMachine(t)
			tc.load(a)
			tc.load(b)
			a.cpu.X[10], b.cpu.X[10] = dataVA, dataVA
			tt := newThreadedTier()
			for i, slice := range []uint64{1, 7, 10000, 9999, 3, 100000, 5, 12345} {
				na, ta := a.cpu.Run(slice)
				nb, tb := tt.run(b.cpu, slice)
				require.Equal(t, na, nb, "slice %d: retired", i)
				require.Equal(t, ta, tb, "slice %d: trap", i)
				require.Equal(t, a.cpu.PC, b.cpu.PC, "slice %d: pc", i)
				require.Equal(t, a.cpu.X, b.cpu.X, "slice %d: registers", i)
				require.Equal(t, a.read64(dataVA), b.read64(dataVA), "slice %d: memory", i)
			}
			require.NotZero(t, b.read64(dataVA))
			require.Less(t, tt.interpreted, uint64(100), "instructions left to the interpreter")
		})
	}
}

// TestThreadedTierTraps checks that a fault inside a block stops the tier
// where it stops the interpreter: the load of an unmapped page.
func TestThreadedTierTraps(t *testing.T) {
	a, b := newTestMachine(t, computeLoop()...), newTestMachine(t, computeLoop()...)
	a.cpu.X[10], b.cpu.X[10] = 0x900000, 0x900000 // unmapped
	na, ta := a.cpu.Run(100)
	nb, tb := newThreadedTier().run(b.cpu, 100)
	require.Equal(t, Trap{Cause: CauseLoadFault, Value: 0x900000}, ta)
	require.Equal(t, ta, tb)
	require.Equal(t, na, nb)
	require.Equal(t, a.cpu.PC, b.cpu.PC)
}

// computeLoopC is BenchmarkCPUComputeC's loop (see there).
var computeLoopC = []uint16{0x611c, 0x0785, 0x863e, 0x8e2d, 0x96b2, 0x8736, 0x0706, 0xe11c, 0x0585, 0xf5fd}

// BenchmarkThreadedCompute is BenchmarkCPUCompute through the tier.
func BenchmarkThreadedCompute(b *testing.B) {
	m := newTestMachine(b, computeLoop()...)
	m.cpu.X[10] = dataVA
	benchTier(b, m, 8)
}

// BenchmarkThreadedComputeC is BenchmarkCPUComputeC through the tier.
func BenchmarkThreadedComputeC(b *testing.B) {
	m := newTestMachine(b)
	m.loadParcels(codeVA, computeLoopC...)
	m.cpu.X[10] = dataVA
	benchTier(b, m, 10)
}

func benchTier(b *testing.B, m *testMachine, perIteration uint64) {
	tt := newThreadedTier()
	const slice = 10000
	var total uint64
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		n, _ := tt.run(m.cpu, slice)
		total += n
	}
	if m.read64(dataVA) != total/perIteration || total == 0 {
		b.Fatalf("the loop ran %d iterations, %d instructions", m.read64(dataVA), total)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "inst/s")
	b.ReportMetric(float64(total)/(cpuTime(b)-cpu0).Seconds(), "inst/cpu-s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/inst")
}
