package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/sim"
)

// Threads in "ipcsim inspect": a line per thread with what it waits on,
// its integer registers under it, and the floating-point ones of a thread
// that used them.

// threads_names.txtar at 44: main ("boss", tid 2) sleeps in FUTEX_WAIT
// for the thread; the thread ("worker", tid 3) runs, has divided 5.0 by
// 3.0 (fa0 5, fa1 3, fa2 5/3, fa3 5/3 as a float; fflags NX) and is about
// to write its line.
const (
	threadsScenario = "../../testdata/scenarios/threads_names.txtar"
	threadsAt       = "44"
)

func TestInspectThreadsText(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at="+threadsAt, threadsScenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	golden := filepath.Join("testdata", "inspect_threads_names.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/ipcsim -run TestInspectThreadsText -update to record it)", err)
	}
	if out != string(want) {
		t.Errorf("inspect --at=%s %s differs from %s (-want +got):\n%s", threadsAt, threadsScenario, golden, sim.Diff(want, []byte(out)))
	}
	for _, line := range []string{
		"thread tid 2 (boss): sleeping, in futex: futex at 0x11020 (value 3) until FUTEX_WAKE;",
		"thread tid 3 (worker): running;",
		"           a0   0x11020      a1   0x0          a2   0x3          a3   0x0\n", // main's futex call
		"           fa0  5.0                   fa1  3.0                   fa2  1.6666666666666667\n",
		"           fa3  1.6666666f\n",
		"           fcsr 0x1: rounding rne, flags NX\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if strings.Count(out, "fcsr") != 1 {
		t.Errorf("only the worker used floating point; fcsr is shown %d times:\n%s", strings.Count(out, "fcsr"), out)
	}
}

// threadsSnapshot is the JSON shape of a process's threads in "ipcsim
// inspect --format=json", spelled out to check the field names users
// depend on.
type threadsSnapshot struct {
	Procs []struct {
		PID     int `json:"pid"`
		Threads []struct {
			TID     int               `json:"tid"`
			Name    string            `json:"name"`
			State   string            `json:"state"`
			Waiting string            `json:"waiting"`
			PC      string            `json:"pc"`
			Regs    map[string]uint64 `json:"regs"`
			FP      *struct {
				F    map[string]uint64 `json:"f"`
				FCSR uint32            `json:"fcsr"`
			} `json:"fp"`
		} `json:"threads"`
	} `json:"processes"`
}

func TestInspectThreadsJSON(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at="+threadsAt, "--format=json", threadsScenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	var s threadsSnapshot
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(s.Procs) != 2 || len(s.Procs[1].Threads) != 2 {
		t.Fatalf("want init and pid 2 with two threads:\n%s", out)
	}
	main, worker := s.Procs[1].Threads[0], s.Procs[1].Threads[1]
	if main.TID != 2 || main.Name != "boss" || main.State != "sleeping" || !strings.HasPrefix(main.Waiting, "futex:") {
		t.Errorf("first thread %+v, want tid 2 (boss) sleeping in futex", main)
	}
	if len(main.Regs) != 31 || main.Regs["a0"] != 0x11020 || main.Regs["a2"] != 3 || main.Regs["a7"] != 98 {
		t.Errorf("first thread's registers %v: want x1..x31 by name, a0 the futex word, a2 its value 3, a7 futex (98)", main.Regs)
	}
	if main.FP != nil {
		t.Errorf("the first thread never used floating point: fp %+v", main.FP)
	}
	if worker.TID != 3 || worker.Name != "worker" || worker.State != "running" {
		t.Errorf("second thread %+v, want tid 3 (worker) running", worker)
	}
	if worker.FP == nil {
		t.Fatalf("the worker used floating point, inspect shows none:\n%s", out)
	}
	f := worker.FP.F
	if len(f) != 32 || math.Float64frombits(f["fa0"]) != 5 || math.Float64frombits(f["fa1"]) != 3 ||
		math.Float64frombits(f["fa2"]) != 5.0/3 || f["fa3"] != 0xffffffff00000000|uint64(math.Float32bits(float32(5.0/3))) {
		t.Errorf("worker's fp registers %v: want fa0 5.0, fa1 3.0, fa2 5/3, fa3 5/3 as a NaN-boxed float", f)
	}
	if worker.FP.FCSR != 1 {
		t.Errorf("fcsr %#x, want 0x1 (NX: 5/3 is inexact)", worker.FP.FCSR)
	}
}
