package hw

// What an instruction does to memory, for the instruction trace: the
// kernel asks before the CPU executes one instruction, and reads the
// values after.

// AccessKind says how an instruction uses memory.
type AccessKind uint8

const (
	AccessLoad  AccessKind = iota + 1 // it reads Size bytes into Rd
	AccessStore                       // it writes Size bytes from Src
	AccessAMO                         // it reads the old value into Rd and writes a new one (AMO*)
	AccessLR                          // load-reserved: reads, and reserves the address
	AccessSC                          // store-conditional: writes if the reservation holds; Rd gets 0 or 1
)

// A MemAccess is the memory access of one integer load, store or atomic
// instruction: the address is X[Base] + Imm.
type MemAccess struct {
	Kind AccessKind
	Base int   // the address register
	Imm  int64 // added to it
	Size uint64
	Rd   int // the register written (0 for none: x0, or a store)
	Src  int // the register stored (stores, AMOs, SC)
}

// AccessOf decodes inst (a 4-byte word, or a 16-bit parcel whose low two
// bits are not 11) and reports its memory access, if it is an integer
// load, store or atomic (floating-point loads and stores are left out).
func AccessOf(inst uint32) (MemAccess, bool) {
	if inst&3 != 3 {
		w, ok := ExpandCompressed(uint16(inst))
		if !ok {
			return MemAccess{}, false
		}
		inst = w
	}
	return accessOf(decode(inst))
}

// accessOf is AccessOf's answer for the decoded 4-byte instruction d. Only
// d.op decides whether there is an access (isAccess relies on it).
func accessOf(d decodedInst) (MemAccess, bool) {
	rd := int(d.rd)
	if rd == sinkReg {
		rd = 0
	}
	a := MemAccess{Base: int(d.rs1), Imm: d.imm, Rd: rd, Src: int(d.rs2)}
	switch d.op {
	case opLB, opLBU:
		a.Kind, a.Size, a.Src = AccessLoad, 1, 0
	case opLH, opLHU:
		a.Kind, a.Size, a.Src = AccessLoad, 2, 0
	case opLW, opLWU:
		a.Kind, a.Size, a.Src = AccessLoad, 4, 0
	case opLD:
		a.Kind, a.Size, a.Src = AccessLoad, 8, 0
	case opSB:
		a.Kind, a.Size, a.Rd = AccessStore, 1, 0
	case opSH:
		a.Kind, a.Size, a.Rd = AccessStore, 2, 0
	case opSW:
		a.Kind, a.Size, a.Rd = AccessStore, 4, 0
	case opSD:
		a.Kind, a.Size, a.Rd = AccessStore, 8, 0
	case opLRW, opLRD:
		a.Kind, a.Imm, a.Src = AccessLR, 0, 0
	case opSCW, opSCD:
		a.Kind, a.Imm = AccessSC, 0
	default:
		if d.op > opSCW && d.op <= opAMOMAXUD && d.op != opLRD && d.op != opSCD {
			a.Kind, a.Imm = AccessAMO, 0
		} else {
			return MemAccess{}, false
		}
	}
	if a.Kind == AccessLR || a.Kind == AccessSC || a.Kind == AccessAMO {
		a.Size = 4
		if d.op >= opLRD {
			a.Size = 8
		}
	}
	return a, true
}

// regNames are the integer registers' ABI names (the psABI's table).
var regNames = [32]string{"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"}

// RegName is integer register r's ABI name: "a5".
func RegName(r int) string { return regNames[r&31] }

// fregNames are the floating-point registers' ABI names (the psABI's table).
var fregNames = [32]string{"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7",
	"fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11",
	"ft8", "ft9", "ft10", "ft11"}

// FRegName is floating-point register r's ABI name: "fa0".
func FRegName(r int) string { return fregNames[r&31] }
