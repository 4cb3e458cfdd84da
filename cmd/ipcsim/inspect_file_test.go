package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Regular files in "ipcsim inspect": file_unlinked.txtar at 1000, when the
// process has unlinked /tmp/log but keeps it open (nanosleep), and after
// its close has freed it.
func TestInspectFiles(t *testing.T) {
	const scenario = "../../testdata/scenarios/file_unlinked.txtar"
	st, out, stderr := run(t, "inspect", "--at=1000", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	for _, line := range []string{
		"         fd 3: /tmp/log (deleted) O_RDWR\n",
		"files: 18 bytes of 16777216\n",
		"  -rw-r--r-- 0 0:0     18 bytes, open 1  /tmp/log (deleted)\n",
		"    data: \"kept after unlink\\n\"\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	st, out, stderr = run(t, "inspect", "--at=1000", "--format=json", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("json: status %d, stderr %q", st, stderr)
	}
	var snap struct {
		Files struct {
			Bytes int `json:"bytes"`
			Files []struct {
				Path  string `json:"path"`
				Mode  string `json:"mode"`
				Links int    `json:"links"`
				Opens int    `json:"opens"`
				Size  int    `json:"size"`
			} `json:"files"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &snap); err != nil {
		t.Fatal(err)
	}
	if f := snap.Files; f.Bytes != 18 || len(f.Files) != 1 || f.Files[0].Path != "/tmp/log (deleted)" ||
		f.Files[0].Mode != "-rw-r--r--" || f.Files[0].Links != 0 || f.Files[0].Opens != 1 || f.Files[0].Size != 18 {
		t.Errorf("files: %+v", f)
	}
	st, out, _ = run(t, "inspect", "--at=2043", scenario)
	if st != exitOK || strings.Contains(out, "files:") {
		t.Errorf("after the close: status %d, files still listed:\n%s", st, out)
	}
}
