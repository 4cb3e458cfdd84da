package asm

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// compressLines returns instructions to try under .option rvc: the
// compressible ones with registers and immediates on both sides of every
// limit of the compressed forms, and the explicit c.* mnemonics likewise.
func compressLines() []string {
	regs := []string{"zero", "ra", "sp", "s0", "a5", "a6"}
	fregs := []string{"f0", "fs0", "fa5", "fa6"}
	imms := []string{"0", "1", "-1", "4", "8", "16", "31", "32", "-32", "-33", "63", "64", "124", "128",
		"248", "252", "256", "496", "504", "512", "-512", "-528", "1020", "1024", "2047"}
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, op := range []string{"addi", "addiw", "slli", "srli", "srai", "andi", "ori"} {
		for _, d := range regs {
			for _, s := range regs {
				for _, i := range imms {
					if (op == "slli" || op == "srli" || op == "srai") && (strings.HasPrefix(i, "-") || len(i) > 2) {
						continue
					}
					add("%s %s, %s, %s", op, d, s, i)
				}
			}
		}
	}
	for _, op := range []string{"add", "sub", "and", "or", "xor", "addw", "subw", "sll", "mul"} {
		for _, d := range regs {
			for _, s := range regs {
				for _, t := range regs {
					add("%s %s, %s, %s", op, d, s, t)
				}
			}
		}
	}
	for _, op := range []string{"lw", "ld", "sw", "sd", "lb"} {
		for _, d := range regs {
			for _, s := range regs {
				for _, i := range imms {
					add("%s %s, %s(%s)", op, d, i, s)
				}
			}
		}
	}
	for _, op := range []string{"fld", "fsd", "flw", "fsw"} {
		for _, d := range fregs {
			for _, s := range regs {
				for _, i := range imms {
					add("%s %s, %s(%s)", op, d, i, s)
				}
			}
		}
	}
	for _, d := range regs {
		for _, v := range []string{"0", "5", "-32", "31", "32", "0x1000", "0x1f000", "0x20000", "-4096", "-0x20000",
			"-0x21000", "0x12345", "0x7fffffff", "0x123456789", "-1", "0x80000000"} {
			add("li %s, %s", d, v)
		}
		for _, v := range []string{"0", "1", "31", "32", "0xfffe0", "0xfffdf", "0xfffff"} {
			add("lui %s, %s", d, v)
		}
		for _, s := range regs {
			add("mv %s, %s", d, s)
			add("sext.w %s, %s", d, s)
			add("neg %s, %s", d, s)
			add("jalr %s, 0(%s)", d, s)
			add("jalr %s, %s", d, s)
		}
		add("jr %s", d)
		add("jalr %s", d)
	}
	add("nop")
	add("ret")
	add("ebreak")
	add("ecall")
	// The explicit forms.
	for _, r := range cRows {
		ops := cOps(r.ops)
		if len(ops) > 0 && (ops[len(ops)-1] == "Cp" || ops[len(ops)-1] == "Ca") {
			continue // branches: in the corpus
		}
		lines := []string{r.name}
		for i, op := range ops {
			var choices []string
			switch op {
			case "d", "Cs", "Ct", "CV":
				choices = regs
			case "D", "CD", "CT":
				choices = fregs
			case "Cc":
				choices = []string{"sp", "a5"}
			case "Cu":
				choices = []string{"0", "1", "31", "32", "0xfffe0", "0xfffdf", "0xfffff", "-1"}
			default:
				choices = imms
			}
			var next []string
			for _, l := range lines {
				for _, c := range choices {
					sep := ", "
					switch {
					case i == 0:
						sep = " "
					case strings.Contains(r.ops, "("+op+")"):
						sep = "("
						c += ")"
					}
					next = append(next, l+sep+c)
				}
			}
			lines = next
		}
		out = append(out, lines...)
	}
	out = append(out, "c.nop 5", "c.nop 0", "c.nop -32", "c.slli64 a0", "c.jal _start")
	return out
}

// TestCompressionAgainstGNUAs assembles every line of compressLines under
// .option rvc with GNU as (when riscv64-unknown-elf-as is installed) and
// with this assembler: the same lines must be rejected and the others give
// the same bytes.
func TestCompressionAgainstGNUAs(t *testing.T) {
	gas, err := exec.LookPath("riscv64-unknown-elf-as")
	if err != nil {
		t.Skip("riscv64-unknown-elf-as not installed")
	}
	objcopy, err := exec.LookPath("riscv64-unknown-elf-objcopy")
	if err != nil {
		t.Skip("riscv64-unknown-elf-objcopy not installed")
	}
	nm, err := exec.LookPath("riscv64-unknown-elf-nm")
	if err != nil {
		t.Skip("riscv64-unknown-elf-nm not installed")
	}
	lines := compressLines()
	dir := t.TempDir()
	// GNU as: first the lines it rejects, then the bytes of the others,
	// each after a label L<i>.
	bad := map[int]bool{}
	src := func() string {
		var b strings.Builder
		b.WriteString("_start:\n.option rvc\n")
		for i, l := range lines {
			if !bad[i] {
				fmt.Fprintf(&b, "L%d: %s\n", i, l)
			} else {
				b.WriteString("\n")
			}
		}
		fmt.Fprintf(&b, "L%d:\n", len(lines))
		return b.String()
	}
	run := func() ([]byte, error) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "c.s"), []byte(src()), 0o644))
		return exec.Command(gas, "-march=rv64imafd_zicsr_zifencei", "-mabi=lp64", "-mno-relax",
			filepath.Join(dir, "c.s"), "-o", filepath.Join(dir, "c.o")).CombinedOutput()
	}
	out, err := run()
	if err != nil {
		for _, m := range regexp.MustCompile(`c\.s:(\d+): Error`).FindAllSubmatch(out, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			bad[n-3] = true
		}
		out, err = run()
	}
	require.NoError(t, err, "%s", out)
	require.NoError(t, exec.Command(objcopy, "-O", "binary", "-j", ".text", filepath.Join(dir, "c.o"), filepath.Join(dir, "c.bin")).Run())
	text, err := os.ReadFile(filepath.Join(dir, "c.bin"))
	require.NoError(t, err)
	syms, err := exec.Command(nm, filepath.Join(dir, "c.o")).Output()
	require.NoError(t, err)
	addr := map[int]int{}
	for _, l := range strings.Split(string(syms), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && strings.HasPrefix(f[2], "L") {
			n, _ := strconv.Atoi(f[2][1:])
			a, _ := strconv.ParseUint(f[0], 16, 64)
			addr[n] = int(a)
		}
	}
	t.Logf("%d lines, %d of them rejected by GNU as", len(lines), len(bad))
	fails := 0
	for i, l := range lines {
		prog, err := Assemble("c.s", []byte("_start:\n.option rvc\n"+l+"\n"), Options{})
		var got []byte
		if err == nil {
			secs, err := elfSections(prog.ELF)
			require.NoError(t, err)
			got = secs[0].data
		}
		switch {
		case bad[i] && err == nil:
			t.Errorf("%q: GNU as rejects it, this assembler gives % x", l, got)
		case !bad[i] && err != nil:
			t.Errorf("%q: GNU as accepts it, this assembler says %v", l, err)
		case !bad[i]:
			next := i + 1
			for bad[next] {
				next++
			}
			want := text[addr[i]:addr[next]]
			if !bytes.Equal(got[:min(len(got), len(want))], want) {
				t.Errorf("%q: GNU as gives % x, this assembler % x", l, want, got)
			} else {
				continue
			}
		default:
			continue
		}
		if fails++; fails > 60 {
			t.Fatal("too many differences")
		}
	}
}
