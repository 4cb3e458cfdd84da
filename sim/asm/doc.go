// Package asm is a RISC-V assembler for a subset of the GNU as language and a
// disassembler for traces. Assemble turns one source file into a static RV64
// (RV64IMAFD with Zicsr, LP64, little-endian) ELF executable that runs unchanged
// under qemu-riscv64 on Linux and under ipcsim; Disassemble turns one instruction
// word back into text.
//
// # What it accepts
//
// GNU as syntax (GNU as manual, "Syntax" and "RISC-V Dependent Features"): labels,
// numeric local labels (1: with 1f/1b), comments (#, //, /* */), ';' between
// statements; every RV64IMA instruction (with Zifencei's fence.i), ABI register
// names, x0..x31 and fp; every RV64F and RV64D instruction, with GNU as's optional
// rounding-mode operand (rne, rtz, rdn, rup, rmm, dyn; dyn when left out, except
// for the exact fcvt.d.w, fcvt.d.wu and fcvt.d.s, which take none), f0..f31 and
// their ABI names (ft0-ft11, fs0-fs11, fa0-fa7); the Zicsr instructions, with the
// CSRs fflags, frm, fcsr, cycle, time, instret or a number from 0 to 4095
// (insts_fp.go); the pseudo-instructions of the ISA manual's assembly handbook (li,
// la, lla, mv, not, neg, negw, j, jr, jal, jalr, call, tail, ret, nop, beqz, bnez,
// blez, bgez, bltz, bgtz, bgt, ble, bgtu, bleu, seqz, snez, sltz, sgtz, sext.w,
// zext.b, lw/sw rd, symbol, flw/fsw fd, symbol, rt) and of riscv-opc.c for F, D and
// Zicsr (fmv, fneg, fabs, fgt, fge in .s and .d; csrr, csrw, csrs, csrc, csrwi,
// csrsi, csrci; rdcycle, rdtime, rdinstret; frcsr, fscsr, frrm, fsrm, fsrmi,
// frflags, fsflags, fsflagsi); the directives .text .data .rodata .bss .section
// .globl .byte .half .word .dword .ascii .asciz .string .space .zero .skip .fill
// .align .p2align .balign .org .equ .set .float .single .double .option and
// "name = expr"; ". = expr" (and .set or
// .equ of '.') moves the location counter forward as .org does, filling with zeros
// even in .text, and moving it backwards is GNU as's error "attempt to move .org
// backwards". Expressions use GNU as's operators and precedence and %hi, %lo,
// %pcrel_hi, %pcrel_lo.
//
// Instructions and expansions are those of GNU as 2.40 run with
// "-march=rv64imafd_zicsr_zifencei -mabi=lp64 -mno-relax": li follows binutils'
// load_const, la is auipc+addi, call is auipc ra+jalr ra, tail is auipc t1+jr t1.
// testdata/asm/corpus.golden, recorded by scripts/asm-oracle.sh from GNU as and
// ld, holds the bytes the corpus test compares against.
//
// Where this assembler differs from GNU as: "//" also starts a comment (GNU as for
// RISC-V knows only '#'); a symbol is defined once (.set and '=' do not redefine);
// only the sections .text, .rodata, .data and .bss exist; of the CSRs only the six
// above have names (GNU as knows the privileged ones too, mstatus and the rest,
// which a user-mode program cannot use); .attribute and the .option settings
// other than those of the C extension are accepted and change nothing, so every
// instruction but the c.* ones is always available. A 32-bit branch to a target
// beyond ±4 KiB is an error (GNU as turns it into a reversed branch over a jal).
// .float and .double round to nearest, ties to even (strconv.ParseFloat); GNU
// as's own conversion rounds some ties up (".float 16777217" is 0x4b800001
// there, 0x4b800000 here), rejects numbers that underflow far below the
// smallest subnormal (1e-50) where this assembler stores zero, and reads
// "0x10" as 10.0 where this one reports an error. As in GNU as,
// '>>' shifts the unsigned value (-16 >> 2 is 0x3ffffffffffffffc).
//
// The values of li, .space, .fill, .align and .org decide sizes, so they must be
// known where they are written: numbers, predefined symbols, and symbols defined
// above (including differences of labels above, as in "len = . - msg"). GNU as
// takes an undefined symbol there as 0 with a warning; here it is an error. So must
// a CSR number and the immediate of csrrwi and the like (GNU as, too, wants them
// absolute: "unknown CSR", "requires absolute expression").
//
// # Memory layout
//
//	.text    at 0x10000 (file offset 0x1000), flags R+X
//	.rodata  at the next page boundary after .text, flags R
//	.data    at the next page boundary after .rodata (or .text), flags R+W
//	.bss     right after .data, aligned as it asks; same segment as .data
//
// .rodata gets a page of its own because a loader maps whole pages: a page
// shared by the end of .text and the start of .rodata would get one set of
// permissions for both. One PT_LOAD per non-empty segment, file offsets
// page-aligned like the addresses. The ELF and program headers sit at the start of the file and are
// not loaded. The entry point is the label _start. A .symtab lists the labels
// (.globl ones as global) for objdump and gdb.
//
// # Errors
//
// Assemble reports the errors of a file as an ErrorList sorted by position; each
// says "file:line:col: what was expected, what was found". A file with more
// than 10 errors gets the first 10 and then "too many errors" at the position
// of the next, as the Go compiler does. It never panics.
//
// # Limits
//
// So that no input can exhaust the host: a source file is at most 16 MiB
// (maxSourceSize), a section at most 16 MiB (maxSectionSize), an expression
// nests at most 1000 levels of parentheses and prefix operators
// (maxExprDepth), and evaluating one, through the symbols it uses, at most
// 10000 (maxEvalDepth). The lexer hands the parser a few tokens at a time,
// and an instruction whose operands are known at once (registers, numbers,
// predefined symbols) is encoded at once, so memory grows with the output and
// with the instructions that name addresses, not with the source text.
package asm

// Options configures Assemble.
type Options struct {
	// Predefined symbols every source may use (SYS_write, EAGAIN, SIGINT, O_NONBLOCK, ...),
	// supplied by the caller from package abi. May be nil.
	Predefined map[string]int64
}

// Program is an assembled executable.
type Program struct {
	ELF     []byte   // a static ET_EXEC RV64 little-endian ELF, ready for any ELF loader (and for qemu-riscv64)
	Entry   uint64   // address of _start
	Symbols []Symbol // labels with their final addresses, sorted by address then name
}

// Symbol is a label and its address.
type Symbol struct {
	Name string
	Addr uint64
}
