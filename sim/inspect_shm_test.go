package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// A segment's first bytes: 16 a line in hex with the ints beside them, the
// zeros after the last line that holds something in one line.
func TestWriteSegmentHead(t *testing.T) {
	var b strings.Builder
	g := kernel.SegmentState{Bytes: 4096, Head: "23 01 00 00" + strings.Repeat(" 00", 16) + " ff ff ff ff" + strings.Repeat(" 00", 40),
		Ints: append(append([]int32{291, 0, 0, 0, 0}, -1), make([]int32, 10)...)}
	writeSegmentHead(&b, g)
	require.Equal(t, `    contents (the first 64 of 4096 bytes):
      +0    23 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00   ints 291 0 0 0
      +16   00 00 00 00 ff ff ff ff 00 00 00 00 00 00 00 00   ints 0 -1 0 0
      +32   zeros to +63
`, b.String())

	b.Reset()
	writeSegmentHead(&b, kernel.SegmentState{Bytes: 6, Head: "00 00 00 00 00 00", Ints: []int32{0}})
	require.Equal(t, "    contents (the first 6 of 6 bytes):\n      +0    zeros to +5\n", b.String())
}
