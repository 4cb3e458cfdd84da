package asm

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The corpus test: package asm must produce, for testdata/asm/corpus.s, the same
// section addresses and bytes as GNU as 2.40 and ld (recorded in corpus.golden
// by scripts/asm-oracle.sh). The source line of each .text word is compared too,
// so an expansion of the wrong length shows at the line that caused it.

const corpusFile = "../../testdata/asm/corpus.s"

func readCorpus(t testing.TB) []byte {
	src, err := os.ReadFile(corpusFile)
	require.NoError(t, err)
	return src
}

// renderSections prints the sections of an assembled program in corpus.golden's
// format (without its header comments).
func renderSections(t *testing.T, src []byte, prog *Program, lines map[uint64]int) []string {
	f, err := elfSections(prog.ELF)
	require.NoError(t, err)
	srcLines := strings.Split(string(src), "\n")
	var out []string
	cur := 0
	last := uint64(0) // the last instruction; the padding after it has no line (DWARF's end of sequence)
	for a := range lines {
		last = max(last, a)
	}
	for _, s := range f {
		out = append(out, fmt.Sprintf("section %s %#x %d", s.name, s.addr, s.size))
		for off := 0; off < len(s.data); off += 4 {
			addr := s.addr + uint64(off)
			end := min(off+4, len(s.data))
			if s.name == ".text" {
				// The line of the last instruction starting at or before
				// addr, as the oracle's awk reads the DWARF line table: with
				// compressed instructions, one may start at addr-2.
				if l, ok := lines[addr]; ok {
					cur = l
				} else if l, ok := lines[addr-2]; ok && off > 0 {
					cur = l
				} else if addr > last {
					cur = 0
				}
				text := ""
				if cur >= 1 && cur <= len(srcLines) {
					text = strings.ReplaceAll(strings.TrimLeft(srcLines[cur-1], " \t"), "\t", " ")
				}
				w := s.data[off:end]
				out = append(out, fmt.Sprintf("%#x %02x%02x%02x%02x  %d: %s", addr, w[3], w[2], w[1], w[0], cur, text))
				continue
			}
			out = append(out, fmt.Sprintf("%#x %x", addr, s.data[off:end]))
		}
	}
	return out
}

func TestCorpusMatchesGNUAs(t *testing.T) {
	src := readCorpus(t)
	prog, lines, err := assemble("corpus.s", src, Options{}, true)
	require.NoError(t, err)
	golden, err := os.ReadFile("../../testdata/asm/corpus.golden")
	require.NoError(t, err)
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(golden))
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			want = append(want, sc.Text())
		}
	}
	got := renderSections(t, src, prog, lines)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("corpus differs from GNU as (-want +got):\n%s", diff)
	}
}
