package sim

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFlowsForward runs every bundled scenario through a Timeline: no
// arrow goes back in time (flowsOf checks it), and the arrows of bytes
// and messages are counted, for a look with -v.
func TestFlowsForward(t *testing.T) {
	files, err := filepath.Glob("../testdata/scenarios/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		var bytes, msgs int
		for _, fl := range flowsOf(t, name, "") {
			switch {
			case strings.HasPrefix(fl, "bytes "):
				bytes++
			case strings.HasPrefix(fl, "message "):
				msgs++
			}
		}
		if bytes+msgs > 0 {
			t.Logf("%s: %d byte arrows, %d message arrows", name, bytes, msgs)
		}
	}
}
