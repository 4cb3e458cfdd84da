package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzSyscalls makes random system calls with random arguments from random
// processes, letting the machine run between them. The simulator must never
// crash, and tracing must never change the run: every input runs untraced
// and traced (instruction by instruction too, when the input's last byte is
// odd and does not start a record), and both runs must end in the same
// state, with the same results.
func FuzzSyscalls(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte("\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"))
	f.Add([]byte{10, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 5, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{14, 0, 9, 3, 1, 0, 0, 0, 0, 15, 20, 9, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{11, 0, 16, 15, 15, 0, 0, 0, 0, 11, 1, 16, 17, 18, 0, 0, 0, 0})
	// write(65536, an untouched stack page, 1): EBADF; a7 = -1: ENOSYS;
	// then the same with instructions traced.
	f.Add([]byte{0, 1, 9, 17, 1, 0, 0, 0, 1, 0, 65, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 1, 9, 17, 1, 0, 0, 0, 1, 0, 65, 0, 0, 0, 0, 0, 0, 0, 1})
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	if err != nil {
		f.Fatalf("committed ELF missing: %v (rebuild testdata/linux/bin with scripts/linux-oracle.sh)", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A watchdog in host time: an input that makes the kernel spin
		// without advancing virtual time would otherwise hang the fuzzer
		// silently; a panic makes it save the input as a crasher.
		watchdog := time.AfterFunc(20*time.Second, func() { panic("FuzzSyscalls: input ran over 20s") })
		defer watchdog.Stop()
		insns := len(data)%9 != 0 && data[len(data)-1]&1 == 1
		limit := uint64(2_000_000)
		if insns {
			// An event per instruction costs about a microsecond: two
			// million of them took over the watchdog's time under the
			// fuzzer's instrumentation.
			limit = 200_000
		}
		want := fuzzSyscalls(t, elf, data, limit, false, false)
		got := fuzzSyscalls(t, elf, data, limit, true, insns)
		if got.events == 0 {
			t.Fatal("the traced run emitted no event")
		}
		got.events = 0
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(fuzzEnd{})); diff != "" {
			t.Fatalf("tracing (insns=%v) changed the run (-untraced +traced):\n%s", insns, diff)
		}
	})
}

// fuzzEnd is how a run of FuzzSyscalls ended: what a traced and an untraced
// run must agree on.
type fuzzEnd struct {
	rets      []uint64 // a0 after each call the fuzzer made
	result    Result
	snapshot  Snapshot // every process, its pages and their frames, and every object
	now       uint64
	retired   uint64
	committed int
	frames    int // frames in use
	console   string
	events    int // how many events the trace had (0 untraced)
}

// fuzzSyscalls runs one input of FuzzSyscalls: records of 9 bytes, each a
// call (which process, which number, six arguments, and whether the machine
// runs a while after it). The machine stops at cycle limit.
func fuzzSyscalls(t *testing.T, elf, data []byte, limit uint64, trace, insns bool) fuzzEnd {
	var end fuzzEnd
	var console bytes.Buffer
	cfg := Config{
		MemBytes:          2 << 20,
		MaxProcs:          6,
		Quantum:           500,
		CycleLimit:        limit,
		Stdout:            &console,
		TraceInstructions: insns,
		Files:             []File{{Path: "/bin/argv", Data: elf, Mode: 0755}},
	}
	if trace {
		cfg.Trace = func(e *Event) {
			end.events++
			if e.Text == "" {
				t.Fatalf("an event without text: %+v", e)
			}
		}
	}
	k := New(cfg)
	if _, err := k.Spawn("/bin/argv", []string{"argv", "x"}, []string{"A=1"}); err != nil {
		t.Fatal(err)
	}
	for _, rec := range fuzzRecords(data) {
		var s FuzzStep
		if !k.FuzzStep(rec, &s) {
			break
		}
		end.rets = append(end.rets, s.Call.Ret)
	}
	end.result = k.Run()
	if k.mem.Committed() < 0 {
		t.Fatalf("negative commitment")
	}
	end.snapshot = k.Snapshot()
	end.now, end.retired = k.Now(), k.retired
	end.committed, end.frames = k.mem.Committed(), k.mem.Phys.UsedFrames()
	end.console = console.String()
	return end
}

// fuzzRecords splits a Go fuzz target's input into records
// (FuzzRecordBytes each; a short tail is dropped) as the targets always
// read them: the driver they began with zeroed the first byte of every
// record after the first (an append into the input's own array), so in
// their inputs only the first record chooses its process, and the others
// are made by the first process that can make a call. The saved corpora
// (testdata/fuzz) keep that meaning. ipcsim fuzz has no such rule.
func fuzzRecords(data []byte) [][]byte {
	var out [][]byte
	for i := 0; i+FuzzRecordBytes <= len(data); i += FuzzRecordBytes {
		rec := append([]byte(nil), data[i:i+FuzzRecordBytes]...)
		if i > 0 {
			rec[0] = 0
		}
		out = append(out, rec)
	}
	return out
}
