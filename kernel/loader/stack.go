package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
	"ipcsim/abi"
	"strings"
)

// The initial user stack, as Linux builds it for a static riscv64 program.
// fs/exec.c copies the strings (do_execveat_common, copy_strings), then
// fs/binfmt_elf.c create_elf_tables adds the random bytes, the auxiliary
// vector and the pointer arrays. From high addresses to low:
//
//	top          end of the stack (exclusive, page aligned)
//	top-8        8 zero bytes: bprm->p starts at vm_end - sizeof(void *)
//	             execfn string (AT_EXECFN points here)
//	             envp strings, envp[0] lowest
//	             argv strings, argv[0] lowest
//	             (down to a multiple of 16: riscv's arch_align_stack)
//	             16 random bytes (AT_RANDOM points here)
//	             padding so that sp is a multiple of 16
//	             auxv: (type, value) pairs, ending with AT_NULL
//	             NULL, envp pointers
//	             NULL, argv pointers
//	sp           argc
//
// A program's _start finds argc at 0(sp), argv at 8(sp), and envp right after
// argv's NULL (RISC-V psABI, "Process Initialization"; the psABI also asks for
// sp to be 16-byte aligned).

// Aux holds the values of the auxiliary vector that come from outside the
// stack itself.
type Aux struct {
	Phdr, Phent, Phnum uint64   // AT_PHDR, AT_PHENT, AT_PHNUM: from Image
	Entry              uint64   // AT_ENTRY: Image.Entry
	PageSize           uint64   // AT_PAGESZ
	Random             [16]byte // the bytes AT_RANDOM points at (from the simulation's seeded PRNG)
	ExecFn             string   // the path given to execve; AT_EXECFN points at a copy
	UID, EUID          uint64   // AT_UID, AT_EUID
	GID, EGID          uint64   // AT_GID, AT_EGID
	HWCap              uint64   // AT_HWCAP: on riscv, one bit per single-letter extension ('a' = bit 0, 'i' = bit 8, 'm' = bit 12)
	VDSO               uint64   // AT_SYSINFO_EHDR: address of the vDSO, or 0 for none (then the entry is left out)
}

// The auxiliary vector's entry types are abi.AT_* (include/uapi/linux/auxvec.h).
const (
	clocksPerSec = 100 // CLOCKS_PER_SEC = USER_HZ on every Linux port

	// maxArgStrLen is MAX_ARG_STRLEN (include/uapi/linux/binfmts.h):
	// no single argument or environment string, NUL included, may be
	// longer than 32 pages.
	maxArgStrLen = 32 * PageSize

	// maxAuxWords bounds the auxv BuildStack writes: 18 entries of two
	// words, AT_NULL and AT_SYSINFO_EHDR included.
	maxAuxWords = 2 * 18
)

// ErrArgListTooLong is returned by BuildStack when the strings do not fit;
// the kernel reports it to execve's caller as E2BIG.
var ErrArgListTooLong = errors.New("argument list too long")

// BuildStack returns the bytes to copy to [sp, top) and sp, for a process
// whose stack ends at top.
//
// maxArgBytes is the room for strings and their pointers: what Linux's
// bprm_stack_limits computes as max(min(stack rlimit/4, 3/4 of _STK_LIM),
// ARG_MAX). As there, the argv and envp pointers are charged against it first,
// then every string (execfn, envp, argv, NULs included); the error wraps
// ErrArgListTooLong if they do not fit or if one string is longer than
// MAX_ARG_STRLEN.
//
// Strings are C strings: a string holding a NUL ends there, as it would when
// the kernel read it from user memory. An empty argv gets argv[0] = "", as in
// Linux since 5.18, so that programs starting at argv[1] do not walk into envp.
//
// Preconditions: top is page aligned, and the stack fits below it.
func BuildStack(top uint64, argv, envp []string, aux Aux, maxArgBytes int) (sp uint64, img []byte, err error) {
	if top%PageSize != 0 {
		return 0, nil, fmt.Errorf("loader: stack top %#x is not page aligned", top)
	}
	argv, envp = cStrings(argv), cStrings(envp)
	execfn := cString(aux.ExecFn)

	// fs/exec.c bprm_stack_limits: charge the pointers first; an empty
	// argv still costs one pointer, for the "" added below.
	limit := int64(maxArgBytes)
	limit -= int64(max(len(argv), 1)+len(envp)) * 8
	if limit <= 0 {
		return 0, nil, fmt.Errorf("%w: %d argument and %d environment pointers need more than %d bytes", ErrArgListTooLong, len(argv), len(envp), maxArgBytes)
	}
	// fs/exec.c do_execveat_common: copy_string_kernel(filename), then
	// copy_strings(envp), then copy_strings(argv), then "" if argv was empty.
	if len(argv) == 0 {
		argv = []string{""}
	}
	var total int64
	for _, list := range [][]string{{execfn}, envp, argv} {
		for _, s := range list {
			n := int64(len(s)) + 1
			if n > maxArgStrLen {
				return 0, nil, fmt.Errorf("%w: a string of %d bytes is longer than %d", ErrArgListTooLong, n, maxArgStrLen)
			}
			total += n
		}
	}
	if total > limit {
		return 0, nil, fmt.Errorf("%w: %d bytes of strings, room for %d", ErrArgListTooLong, total, limit)
	}

	// The most the stack can take: end marker, strings, two roundings to
	// 16, random bytes, at most maxAuxWords words of auxv, the pointers.
	items := uint64(len(argv)+1) + uint64(len(envp)+1) + 1
	if top < 8+uint64(total)+15+16+(maxAuxWords+items)*8+15 {
		return 0, nil, fmt.Errorf("loader: the initial stack does not fit below %#x", top)
	}

	// Addresses, top down. The strings are copied last string first, each
	// below the previous, so argv[0] ends up lowest.
	p := top - 8 // bprm->p = vma->vm_end - sizeof(void *)
	type placed struct {
		addr uint64
		s    string
	}
	var strs []placed
	push := func(s string) uint64 {
		p -= uint64(len(s)) + 1
		strs = append(strs, placed{p, s})
		return p
	}
	execfnAddr := push(execfn)
	envAddrs := make([]uint64, len(envp))
	for i := len(envp) - 1; i >= 0; i-- {
		envAddrs[i] = push(envp[i])
	}
	argAddrs := make([]uint64, len(argv))
	for i := len(argv) - 1; i >= 0; i-- {
		argAddrs[i] = push(argv[i])
	}

	// create_elf_tables: p = arch_align_stack(p), which on riscv
	// (arch/riscv/kernel/process.c) subtracts a random amount when
	// randomize_va_space is on (never here: the layout must not depend on
	// anything but the inputs) and rounds down to 16. riscv has no
	// ELF_PLATFORM string, so the random bytes come next.
	p &^= 15
	p -= 16
	randomAddr := p

	// The auxiliary vector, in create_elf_tables' order. ARCH_DLINFO
	// comes first; for riscv it holds AT_SYSINFO_EHDR (we add it only if
	// there is a vDSO) followed by cache-geometry entries and
	// AT_MINSIGSTKSZ, which ipcsim leaves out, as it leaves out
	// AT_RSEQ_FEATURE_SIZE/AT_RSEQ_ALIGN at the end (no caches to
	// describe, no signal frame size to negotiate, no rseq). riscv
	// defines no ELF_HWCAP2, no ELF_PLATFORM and no ELF_BASE_PLATFORM.
	var auxv []uint64
	ent := func(typ, val uint64) { auxv = append(auxv, typ, val) }
	if aux.VDSO != 0 {
		ent(abi.AT_SYSINFO_EHDR, aux.VDSO)
	}
	ent(abi.AT_HWCAP, aux.HWCap)
	ent(abi.AT_PAGESZ, aux.PageSize)
	ent(abi.AT_CLKTCK, clocksPerSec)
	ent(abi.AT_PHDR, aux.Phdr)
	ent(abi.AT_PHENT, aux.Phent)
	ent(abi.AT_PHNUM, aux.Phnum)
	ent(abi.AT_BASE, 0)  // no interpreter
	ent(abi.AT_FLAGS, 0) // no AT_FLAGS_PRESERVE_ARGV0 (binfmt_misc only)
	ent(abi.AT_ENTRY, aux.Entry)
	ent(abi.AT_UID, aux.UID)
	ent(abi.AT_EUID, aux.EUID)
	ent(abi.AT_GID, aux.GID)
	ent(abi.AT_EGID, aux.EGID)
	ent(abi.AT_SECURE, 0) // no setuid executables
	ent(abi.AT_RANDOM, randomAddr)
	ent(abi.AT_EXECFN, execfnAddr)
	ent(abi.AT_NULL, 0)

	// sp = STACK_ADD(p, ei_index); items = argc+1 + envc+1 + 1;
	// bprm->p = STACK_ROUND(sp, items): round the lowest address down to
	// 16, so any padding falls between the auxv and the random bytes.
	sp = (p - uint64(len(auxv))*8 - items*8) &^ 15

	img = make([]byte, top-sp)
	words := make([]uint64, 0, items+uint64(len(auxv)))
	words = append(words, uint64(len(argv)))
	words = append(words, argAddrs...)
	words = append(words, 0)
	words = append(words, envAddrs...)
	words = append(words, 0)
	words = append(words, auxv...)
	for i, w := range words {
		binary.LittleEndian.PutUint64(img[i*8:], w)
	}
	copy(img[randomAddr-sp:], aux.Random[:])
	for _, s := range strs {
		copy(img[s.addr-sp:], s.s) // the NUL is already there: img starts zeroed
	}
	return sp, img, nil
}

// cString returns s up to its first NUL: what the kernel would read if s were
// a C string in user memory.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func cStrings(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = cString(s)
	}
	return out
}
