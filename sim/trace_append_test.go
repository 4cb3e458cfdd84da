package sim

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ipcsim/kernel"
)

// TestAppendEventMatches: the fast renderers give FormatHostEvent's lines
// and encoding/json's documents, byte for byte, for every event of every
// bundled scenario and for events with the strings encoding/json escapes.
func TestAppendEventMatches(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	var events int
	check := func(name string, e *kernel.Event) {
		events++
		for _, width := range []int{0, 8} {
			if got, want := string(AppendHostEvent(nil, e, width)), FormatHostEvent(e, width); got != want {
				t.Fatalf("%s: text of %+v (width %d):\n got %q\nwant %q", name, *e, width, got, want)
			}
		}
		var want bytes.Buffer
		if err := jsonLines(&want).Encode(e); err != nil {
			t.Fatal(err)
		}
		if got := AppendEventJSON(nil, e); string(got) != want.String() {
			t.Fatalf("%s: JSON of %+v:\n got %s\nwant %s", name, *e, got, want.Bytes())
		}
	}
	for _, p := range paths {
		s, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		if _, err := s.Run(Options{Trace: func(e *kernel.Event) { check(name, e) }}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	ret := int64(-14)
	odd := []string{"", "plain", `a "quoted" \ back`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f",
		"héllo", "bad \xff utf-8", "line\u2028sep\u2029", "<html> & more",
		`"`, `\`, "\n", "end\n", "\x01start", `"both"`, "ascii, then \xc3\xa9"}
	var every []byte // every byte alone, then all together
	for c := range 256 {
		odd = append(odd, "a"+string([]byte{byte(c)})+"z")
		every = append(every, byte(c))
	}
	odd = append(odd, string(every))
	for i, s := range odd {
		check("odd", &kernel.Event{Cycle: uint64(i) * 1234567, Host: s, PID: i, TID: i % 2 * 7, Thread: s, Kind: s, Text: s,
			Syscall: s, Args: []uint64{0, 1, 1 << 63}, Ret: &ret, Errno: s, Addr: s, Other: i, PC: s,
			Name: s, Signal: s, Obj: s, Via: s, Msg: uint64(i) << 60, Injected: s, TCP: s, Packet: &kernel.PacketEvent{Proto: s, Src: s, Dst: s, Flags: s, Seq: uint32(i), Ack: uint32(i) * 7, Win: uint16(i), Len: i, Link: s, Frame: uint64(i), Arrive: uint64(i) << 40, Drop: s}, Mem: &kernel.MemEvent{Op: "amo", Addr: 0x1000, Size: 4, Value: 7, Old: 6}})
	}
	check("zero", &kernel.Event{})
	check("empty args", &kernel.Event{Args: []uint64{}})
	if events < 1000 {
		t.Errorf("only %d events compared", events)
	}
}

// TestEventFieldsKnown: AppendEventJSON writes kernel.Event's fields by
// hand; a field added to the struct must be added there too (and here).
func TestEventFieldsKnown(t *testing.T) {
	var got []string
	typ := reflect.TypeFor[kernel.Event]()
	for i := range typ.NumField() {
		got = append(got, strings.Split(typ.Field(i).Tag.Get("json"), ",")[0])
	}
	known := []string{"cycle", "host", "pid", "tid", "thread", "kind", "text", "syscall", "args", "ret", "errno",
		"addr", "other", "pc", "name", "signal", "obj", "via", "msg", "mem", "injected", "tcp", "packet"}
	if !slices.Equal(got, known) {
		t.Errorf("kernel.Event's JSON fields are %v; AppendEventJSON (sim/trace_append.go) writes %v: update it", got, known)
	}
}

// TestTraceNamesThreads: a thread that named itself (prctl PR_SET_NAME)
// carries its name in every event after, in the text line after its tid
// and in the JSON line as "thread"; its events before, and the first
// thread's (whose name is the process's), carry none.
func TestTraceNamesThreads(t *testing.T) {
	s, err := Load(filepath.Join("..", "testdata", "scenarios", "threads_names.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var text, jsonLines []string
	record := func(e *kernel.Event) {
		if e.PID == 2 {
			text = append(text, string(AppendHostEvent(nil, e, 0)))
			jsonLines = append(jsonLines, string(AppendEventJSON(nil, e)))
		}
	}
	if _, err := s.Run(Options{Trace: record}); err != nil {
		t.Fatal(err)
	}
	has := func(lines []string, sub string) bool {
		return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, sub) })
	}
	for _, want := range []string{
		`pid 2   tid 3   (worker) write(1, "worker: hello\n", 14) = 14`,
		`pid 2   tid 3   (worker) prctl(PR_GET_NAME, "worker") = 0`,
		`pid 2   tid 3   switch pid 2 -> pid 2 tid 3`, // not named yet
		`pid 2   prctl(PR_SET_NAME, "boss") = 0`,      // the process's name: not a thread's
	} {
		if !has(text, want) {
			t.Errorf("no text line has %q:\n%s", want, strings.Join(text, "\n"))
		}
	}
	if !has(jsonLines, `"pid":2,"tid":3,"thread":"worker","kind":"syscall","text":"write(`) {
		t.Errorf("no JSON line of the thread's write names it:\n%s", strings.Join(jsonLines, ""))
	}
	for _, l := range jsonLines {
		if strings.Contains(l, `"thread"`) && !strings.Contains(l, `"tid":3,"thread":"worker"`) {
			t.Errorf("a JSON line names a thread it should not: %s", l)
		}
	}
}

// TestKeptEventsOwnTheirArgs: the kernel reuses an event, its Args and what
// its Ret points to for the next event, so Outcome.Trace (KeepTrace) keeps
// copies (kernel.Event.Keep): every kept event still reads, after the run,
// as it did when it was traced. With hosts, the cluster holds events back
// for the time order and keeps them the same way.
func TestKeptEventsOwnTheirArgs(t *testing.T) {
	for _, name := range []string{"epoll_pipes.txtar", "hosts_two.txtar", "fork_wait.txtar"} {
		s, err := Load(filepath.Join("..", "testdata", "scenarios", name))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		o, err := s.Run(Options{KeepTrace: true, Trace: func(e *kernel.Event) {
			lines = append(lines, string(AppendEventJSON(nil, e)))
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Trace) != len(lines) {
			t.Fatalf("%s: %d events kept, %d traced", name, len(o.Trace), len(lines))
		}
		args := 0
		for i := range o.Trace {
			args += len(o.Trace[i].Args)
			if got := string(AppendEventJSON(nil, &o.Trace[i])); got != lines[i] {
				t.Errorf("%s: event %d kept as\n%s traced as\n%s", name, i, got, lines[i])
			}
		}
		if args == 0 {
			t.Errorf("%s: no event with arguments", name)
		}
	}
}

// TestAppendJSONString: appendJSONString writes what encoding/json writes
// (without HTML escaping) for strings with each byte value at each place
// of a word (plainWords looks at 8 bytes at a time) among plain bytes, and
// for strings of random bytes.
func TestAppendJSONString(t *testing.T) {
	want := func(s string) string {
		var buf jsonBuffer
		if err := jsonLines(&buf).Encode(s); err != nil {
			t.Fatal(err)
		}
		return string(buf[:len(buf)-1])
	}
	check := func(s string) {
		t.Helper()
		if got, w := string(appendJSONString([]byte("x"), s)), "x"+want(s); got != w {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, w)
		}
	}
	plain := "tcp: inet#2 sends 127.0.0.1:43868 > 127.0.0.1:48617 [P.] seq 2131204915"
	for n := 0; n <= 24; n++ {
		check(plain[:n])
		for at := 0; at < n; at++ {
			for c := range 256 {
				b := []byte(plain[:n])
				b[at] = byte(c)
				check(string(b))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(8) == 0 {
				b[i] = byte(rng.IntN(256)) // any byte
			} else {
				b[i] = byte(0x20 + rng.IntN(0x5f)) // printable ASCII
			}
		}
		check(string(b))
	}
}

// TestAppendSegmentJSON: a TCP segment's line made by appendSegmentJSON is
// AppendEventJSON's, for segments of every combination of flags, sent and
// received, with and without a socket, a window, an MSS option and data,
// of hosts whose names need escapes or none.
func TestAppendSegmentJSON(t *testing.T) {
	re := &kernel.RecordEvent{Views: true}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 4096 {
		var r kernel.Record
		r.Kind, r.Cycle, r.PID = kernel.RecordSegment, rng.Uint64()>>rng.IntN(64), int32(rng.IntN(4))
		r.Sysno = uint16(i % 64) // the flags
		r.Obj, r.Other = int32(rng.IntN(3)), int32(rng.IntN(2))
		// Addresses and ports as the kernel packs them: the address in
		// bits 16 to 47, the port below.
		r.A = [3]uint64{rng.Uint64() & (1<<48 - 1), rng.Uint64() & (1<<48 - 1), rng.Uint64()}
		r.Ret = int64(rng.IntN(3) * 700)
		win, mss := uint16(rng.IntN(3)*30000), uint16(rng.IntN(2)*1460)
		r.Buf = [7]byte{byte(win >> 8), byte(win), byte(mss >> 8), byte(mss)}
		host := []string{"", "alice", `a "b\c`}[i%3]
		e := re.Event(&r, host)
		if e.Packet == nil || e.Kind != "net" {
			t.Fatalf("Record %+v: Event %+v is not a segment's", r, e)
		}
		if got, want := string(appendSegmentJSON([]byte("x"), e)), "x"+string(AppendEventJSON(nil, e)); got != want {
			t.Fatalf("Record %+v:\nappendSegmentJSON: %s\nAppendEventJSON:   %s", r, got, want)
		}
	}
}
