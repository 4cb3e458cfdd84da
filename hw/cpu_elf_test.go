package hw

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLinuxPrograms runs the conformance programs of testdata/linux that need
// no system call beyond write and exit_group on the bare CPU, with a
// minimal loader and system-call handler written here, and compares their
// output and status with what they gave on Linux. It exercises the CPU on
// compiler-generated code; the real loader and kernel live elsewhere.
func TestLinuxPrograms(t *testing.T) {
	for _, name := range []string{"misaligned", "argv", "crash_segv", "big_write"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "linux")
			if _, err := os.Stat(filepath.Join(dir, "bin", name)); err != nil {
				// The built ELFs are committed: a missing one is a broken
				// checkout or a bad commit, not a reason to test less.
				t.Fatalf("committed ELF missing: %v (rebuild testdata/linux/bin with scripts/linux-oracle.sh)", err)
			}
			args := programArgs(t, dir, name)
			wantOut, err := os.ReadFile(filepath.Join(dir, name+".out"))
			require.NoError(t, err)
			wantStatus, err := os.ReadFile(filepath.Join(dir, name+".status"))
			require.NoError(t, err)

			m := &testMachine{t: t, mem: NewPhysMem(256 * PageSize), pt: NewPageTable()}
			m.cpu = NewCPU(m.mem)
			m.cpu.PT = m.pt
			m.loadELF(filepath.Join(dir, "bin", name))
			m.setupStack(append([]string{"bin/" + name}, args...))
			out, status := m.runProgram()
			require.Equal(t, string(wantOut), out)
			require.Equal(t, strings.TrimSpace(string(wantStatus)), strconv.Itoa(status))
		})
	}
}

// programArgs returns the arguments programs.txt gives name.
func programArgs(t *testing.T, dir, name string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "programs.txt"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == name {
			return f[1:]
		}
	}
	t.Fatalf("%s not in programs.txt", name)
	return nil
}

// loadELF maps the PT_LOAD segments of a static ELF and points PC at its
// entry.
func (m *testMachine) loadELF(path string) {
	f, err := elf.Open(path)
	require.NoError(m.t, err)
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		bits := PTE(0)
		if p.Flags&elf.PF_R != 0 {
			bits |= PTERead
		}
		if p.Flags&elf.PF_W != 0 {
			bits |= PTEWrite
		}
		if p.Flags&elf.PF_X != 0 {
			bits |= PTEExec
		}
		for va := p.Vaddr &^ pageMask; va < p.Vaddr+p.Memsz; va += PageSize {
			if _, ok := m.pt.Lookup(va); !ok {
				m.mapPage(va, bits)
			}
		}
		data := make([]byte, p.Filesz)
		_, err := io.ReadFull(p.Open(), data)
		require.NoError(m.t, err)
		m.copyOut(p.Vaddr, data)
	}
	m.cpu.PC = f.Entry
}

// copyOut writes b at va, page by page, as a kernel does.
func (m *testMachine) copyOut(va uint64, b []byte) {
	for len(b) > 0 {
		n := copy(m.bytesAt(va), b)
		pte, _ := m.pt.Lookup(va)
		m.mem.Invalidate(pte.Frame())
		va, b = va+uint64(n), b[n:]
	}
}

// copyIn reads n bytes at va, or reports false if a page is unmapped.
func (m *testMachine) copyIn(va, n uint64) ([]byte, bool) {
	var out []byte
	for n > 0 {
		pte, ok := m.pt.Lookup(va)
		if !ok || pte&PTERead == 0 {
			return nil, false
		}
		chunk := m.mem.Bytes(pte.Frame())[va&pageMask:]
		chunk = chunk[:min(uint64(len(chunk)), n)]
		out = append(out, chunk...)
		va, n = va+uint64(len(chunk)), n-uint64(len(chunk))
	}
	return out, true
}

// setupStack builds the initial stack of execve(2): argc, argv pointers, a
// NULL, an empty envp (NULL) and an empty auxiliary vector (AT_NULL).
func (m *testMachine) setupStack(argv []string) {
	const top = 0x80000000
	for va := uint64(top - 4*PageSize); va < top; va += PageSize {
		m.mapPage(va, PTERead|PTEWrite)
	}
	sp := uint64(top)
	ptrs := make([]uint64, len(argv))
	for i, a := range argv {
		sp -= uint64(len(a) + 1)
		m.copyOut(sp, append([]byte(a), 0))
		ptrs[i] = sp
	}
	words := append([]uint64{uint64(len(argv))}, ptrs...)
	words = append(words, 0, 0, 0, 0) // argv NULL, envp NULL, AT_NULL pair
	sp = (sp - uint64(8*len(words))) &^ 15
	var b bytes.Buffer
	for _, w := range words {
		binary.Write(&b, binary.LittleEndian, w)
	}
	m.copyOut(sp, b.Bytes())
	m.cpu.X[2] = sp
}

// runProgram runs until exit, serving write (64) and exit/exit_group (93,
// 94), and returns stdout and the status a shell would report.
func (m *testMachine) runProgram() (string, int) {
	var out strings.Builder
	const a0, a1, a2, a7 = 10, 11, 12, 17
	for range 1000 {
		_, tr := m.cpu.Run(1 << 20)
		x := &m.cpu.X
		switch tr.Cause {
		case CauseNone:
			continue
		case CauseEcall:
			m.cpu.PC += 4
			switch x[a7] {
			case 64:
				b, ok := m.copyIn(x[a1], x[a2])
				if !ok {
					x[a0] = uint64(-14 & (1<<64 - 1)) // EFAULT
					continue
				}
				if x[a0] == 1 {
					out.Write(b)
				}
				x[a0] = x[a2]
			case 93, 94:
				return out.String(), int(x[a0] & 0xff)
			default:
				x[a0] = ^uint64(37) // -ENOSYS
			}
		case CauseLoadFault, CauseStoreFault, CauseFetchFault:
			return out.String(), 128 + 11 // SIGSEGV
		default:
			m.t.Fatalf("unexpected trap %v at %#x", tr, m.cpu.PC)
		}
	}
	m.t.Fatal("the program did not exit")
	return "", 0
}
