package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// writerPrograms are run by TestTraceWriterWritesWhatTracerWrites: the
// ping-pong (Records, batch after batch), teardown (many events that are
// not Records: their lines fill batches too), programs of every kind of
// IPC checked against Linux, and of threads (their Records have tails).
var writerPrograms = [][]string{
	{"pipepingpong", "5000"}, {"teardown", "2000"}, {"ring", "20", "3000"}, {"pipethreads", "2000"}, {"prodcons"},
	{"pipe_block"}, {"pipe_eof_epipe"}, {"fifo_basic"}, {"poll_pipe"}, {"msg_pipelined"},
	{"sig_eintr"}, {"unix_stream"}, {"inet_tcp_basic"}, {"futex_basic"}, {"sig_chld"},
}

// writerMachine returns a machine with the programs of testdata/bench/bin,
// testdata/linux/bin and testdata/threads/bin at /NAME, and argv's
// spawned.
func writerMachine(t *testing.T, cfg kernel.Config, argv []string) *kernel.Kernel {
	for _, dir := range []string{"bench", "linux", "threads"} {
		ents, err := os.ReadDir(filepath.Join("..", "testdata", dir, "bin"))
		require.NoError(t, err)
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join("..", "testdata", dir, "bin", e.Name()))
			require.NoError(t, err)
			cfg.Files = append(cfg.Files, kernel.File{Path: "/" + e.Name(), Data: b, Mode: 0755})
		}
	}
	cfg.Stdout, cfg.Stderr, cfg.Input = io.Discard, io.Discard, strings.NewReader("")
	cfg.MaxProcs, cfg.MemBytes = 2100, 2100*160<<10
	k := kernel.New(cfg)
	_, err := k.Spawn("/"+argv[0], argv, nil)
	require.NoError(t, err)
	return k
}

// writerModes are the two ways a TraceWriter makes its lines: on a
// goroutine of its own, from batches, or inline (NewTraceWriter's way for
// several hosts on one core; the tests make both for one host too).
var writerModes = []struct {
	name   string
	inline bool
}{{"batches", false}, {"inline", true}}

// TestTraceWriterWritesWhatTracerWrites: a TraceWriter writes the bytes
// HostTracer writes, text and JSON, named host or not, from batches and
// inline.
func TestTraceWriterWritesWhatTracerWrites(t *testing.T) {
	for _, argv := range writerPrograms {
		for _, json := range []bool{false, true} {
			for _, mode := range writerModes {
				name := strings.Join(argv, " ") + " " + mode.name
				if json {
					name += " json"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					host, width := "", 0
					if argv[0] == "ring" {
						host, width = "alice", 7
					}
					var want, got bytes.Buffer
					trace, _ := HostTracer(&want, json, width)
					writerMachine(t, kernel.Config{Host: host, Trace: trace}, argv).Run()
					w := newTraceWriter(&got, json, []string{host}, width, nil, mode.inline)
					writerMachine(t, kernel.Config{Host: host, TraceLog: w}, argv).Run()
					require.NoError(t, w.Close())
					require.Greater(t, want.Len(), 0)
					requireSameLines(t, want.String(), got.String())
				})
			}
		}
	}
}

// requireSameLines fails the test at the first line where what a
// TraceWriter wrote (got) differs from what HostTracer wrote (want).
func requireSameLines(t *testing.T, want, got string) {
	t.Helper()
	if want == got {
		return
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(wl), len(gl)) {
		if wl[i] != gl[i] {
			t.Fatalf("line %d differs:\nTracer:      %s\nTraceWriter: %s", i+1, wl[i], gl[i])
		}
	}
	t.Fatalf("Tracer wrote %d lines, TraceWriter %d", len(wl), len(gl))
}

// failAfter is a writer that fails once it has taken n bytes.
type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

// TestTraceWriterError: the first error of the writer is Close's, and the
// run goes on to its end rather than waiting for a writer that failed.
func TestTraceWriterError(t *testing.T) {
	for _, mode := range writerModes {
		w := newTraceWriter(&failAfter{n: 100_000}, false, nil, 0, nil, mode.inline)
		res := writerMachine(t, kernel.Config{TraceLog: w}, []string{"pipepingpong", "20000"}).Run()
		require.Equal(t, kernel.StopAllExited, res.Reason, mode.name)
		require.ErrorIs(t, w.Close(), errFull, mode.name)
		require.ErrorIs(t, w.Close(), errFull, "%s: Close again", mode.name)
	}
}

// TestTraceWriterSync: after Sync, w holds the line of every event so far
// (a Record's and another event's), and nothing more comes until the next
// event; a Sync with no event since the last returns at once, writing
// nothing. Bursts of more than a batch make Sync wait for the goroutine,
// smaller ones (once it has written the rest) make their lines in place.
// An inline TraceWriter has made every line already.
func TestTraceWriterSync(t *testing.T) {
	for _, mode := range writerModes {
		t.Run(mode.name, func(t *testing.T) { testTraceWriterSync(t, mode.inline) })
	}
}

func testTraceWriterSync(t *testing.T, inline bool) {
	var got bytes.Buffer
	w := newTraceWriter(&got, false, nil, 0, nil, inline)
	var want bytes.Buffer
	trace, _ := Tracer(&want, false)
	var re kernel.RecordEvent
	cycle := uint64(0)
	for i, burst := range []int{1, 3, batchRecords + 5, 2, 3*batchRecords + 1, 1, 7} {
		for j := range burst {
			cycle += 10
			r := kernel.Record{RecordHead: kernel.RecordHead{Kind: kernel.RecordCall, Sysno: 64, A: [3]uint64{4, 0x3fffffe71b, 1}, Ret: 1, PID: 2, Obj: 1, N: 1, Buf: [7]byte{'x'}, Cycle: cycle}}
			r.Buf[0] += byte(j % 3)
			w.Record(&r)
			trace(re.Event(&r, ""))
			if j%1000 == 0 {
				e := &kernel.Event{Cycle: cycle, PID: 2, Kind: "irq", Text: "timer interrupt"}
				w.Event(e)
				trace(e)
			}
		}
		w.Sync()
		require.Equal(t, want.Len(), got.Len(), "after Sync %d", i)
		require.Equal(t, want.String(), got.String(), "after Sync %d", i)
		w.Sync()
		require.Equal(t, want.Len(), got.Len(), "after Sync %d again", i)
	}
	require.NoError(t, w.Close())
	require.Equal(t, want.String(), got.String(), "after Close")
	w.Sync() // after Close: nothing to write, and no wait
}

// countingLog is a TraceWriter that counts the Records it takes, by host.
type countingLog struct {
	*TraceWriter
	records map[int]int
}

func (c countingLog) HostRecord(host int, r *kernel.Record) {
	c.records[host]++
	c.TraceWriter.HostRecord(host, r)
}

// TestRunTraceWriterWritesWhatTracerWrites: a scenario's trace written by
// a TraceWriter (Options.TraceLog, as ipcsim run writes it) is the bytes
// HostTracer writes, text and JSON, and text through a TraceFilter (as
// ipcsim run --pid=2 --from=30 --hide=wake), from batches and inline, for
// every bundled scenario: one machine, hosts on a network, power lost and
// restored. Each runs without its want/trace section, which would make
// Run give the TraceWriter Events only. The Records taken, by host, are
// counted: the test fails if none reached the writer as Records, or none
// of a host other than the first.
func TestRunTraceWriterWritesWhatTracerWrites(t *testing.T) {
	var mu sync.Mutex
	records := map[int]int{}
	// A filter that shows a part of every kind of Record's events, and of
	// the others': pid 2's (on every host) from cycle 30, but its wakeups.
	filter := &TraceFilter{PIDs: []PIDRef{{PID: 2}}, From: 30, Hide: []string{"wake"}}
	t.Run("scenarios", func(t *testing.T) {
		for _, f := range allScenarioFiles(t) {
			for _, variant := range []string{"text", "json", "filtered"} {
				for _, mode := range writerModes {
					name := filepath.Base(f) + " " + variant + " " + mode.name
					json := variant == "json"
					filter := filter
					if variant != "filtered" {
						filter = nil
					}
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						s, err := Load(f)
						require.NoError(t, err)
						s.Wants = slices.DeleteFunc(slices.Clone(s.Wants), func(w Want) bool { return w.Name == "want/trace" })
						hosts := s.HostNames()
						var want, got bytes.Buffer
						trace, traceErr := HostTracer(&want, json, s.HostWidth())
						if filter != nil {
							trace = filter.Wrap(trace)
						}
						wo, err := s.Run(Options{Trace: trace})
						require.NoError(t, err)
						require.NoError(t, traceErr())
						w := countingLog{newTraceWriter(&got, json, hosts, s.HostWidth(), filter, mode.inline), map[int]int{}}
						o, err := s.Run(Options{TraceLog: w})
						require.NoError(t, err)
						require.NoError(t, w.Close())
						require.Equal(t, wo.Result, o.Result)
						requireSameLines(t, want.String(), got.String())
						mu.Lock()
						defer mu.Unlock()
						for h, n := range w.records {
							records[h] += n
						}
					})
				}
			}
		}
	})
	t.Logf("Records taken, by host: %v", records)
	require.Positive(t, records[0], "no Record reached the TraceWriter")
	others := 0
	for h, n := range records {
		if h > 0 {
			others += n
		}
	}
	require.Positive(t, others, "no Record of a host but the first reached the TraceWriter")
}

// TestSeenLines: a Record's line made from the rest kept for one seen
// before is the line made afresh, whatever its cycle (more digits than the
// text's 9 columns too); the same Record of another host is not taken for
// the one seen; a Record pushed out by many others is made again.
func TestSeenLines(t *testing.T) {
	for _, json := range []bool{false, true} {
		hosts := make([]string, 2000)
		for i := range hosts {
			hosts[i] = fmt.Sprintf("h%d", i)
		}
		w := &lineWriter{json: json, hosts: hosts, width: 5}
		seen := &w.seen
		r := kernel.Record{RecordHead: kernel.RecordHead{Kind: kernel.RecordCall, Sysno: 64, A: [3]uint64{4, 0x3fffffe71b, 1}, Ret: 1, PID: 2, Obj: 1, N: 1, Buf: [7]byte{'x'}}}
		fresh := func(r kernel.Record, host int) string {
			var re kernel.RecordEvent
			return string(appendLine(nil, re.Event(&r, hosts[host]), json, 5))
		}
		for _, c := range []struct {
			cycle uint64
			host  int
			seen  bool
		}{{5, 0, false}, {700, 0, true}, {12345678901, 0, true}, {12345678902, 1, false}, {12345678903, 0, true}, {7, 1, true}} {
			r.Cycle = c.cycle
			require.Equal(t, c.seen, seen.slot(&r, c.host).seen, "cycle %d host %d", c.cycle, c.host)
			require.Equal(t, fresh(r, c.host), string(w.appendRecordLine(nil, &r, c.host)))
		}
		// The same Record on 1,999 other hosts: more than the table holds,
		// so host 0's line has been pushed out, and is made again.
		for h := 1; h < len(hosts); h++ {
			require.Equal(t, fresh(r, h), string(w.appendRecordLine(nil, &r, h)))
		}
		r.Cycle = 8
		require.False(t, seen.slot(&r, 0).seen)
		require.Equal(t, fresh(r, 0), string(w.appendRecordLine(nil, &r, 0)))
		require.True(t, seen.slot(&r, 0).seen)

		// A message's number shows in JSON only, at the end of the line: a
		// Record that differs from one seen only by it is one seen, and
		// its line has its own number.
		m := kernel.Record{RecordHead: kernel.RecordHead{Kind: kernel.RecordSyscall, Sysno: 189, A: [3]uint64{0, 0x3fffffe6e0, 8}, PID: 2, Buf: [7]byte{'q', '#', '0'}},
			RecordTail: kernel.RecordTail{Msg: 9, Name: 3}}
		require.Equal(t, fresh(m, 0), string(w.appendRecordLine(nil, &m, 0)))
		for _, msg := range []uint64{10, 1234567890123} {
			m.Msg, m.Cycle = msg, msg+5
			require.True(t, seen.slot(&m, 0).seen)
			require.Equal(t, fresh(m, 0), string(w.appendRecordLine(nil, &m, 0)))
		}
	}
}

// TestMatchRecord: a filter shows a Record's event, by MatchRecord, if and
// only if it shows the Record's Event, by Match, for Records of every
// kind and filters of every part.
func TestMatchRecord(t *testing.T) {
	filters := []TraceFilter{
		{}, {PIDs: []PIDRef{{PID: 2}}}, {PIDs: []PIDRef{{Host: "bob", PID: 3}}}, {Hosts: []string{"alice"}},
		{From: 100}, {To: 100, HasTo: true}, {Hide: []string{"switch", "block"}}, {Only: []string{"syscall", "wake"}},
	}
	var re kernel.RecordEvent
	shown := 0
	for kind := kernel.RecordCall; kind <= kernel.RecordSegment; kind++ {
		for _, pid := range []int32{2, 3} {
			for _, cycle := range []uint64{50, 100, 150} {
				for _, host := range []string{"", "alice", "bob"} {
					r := kernel.Record{RecordHead: kernel.RecordHead{Kind: kind, PID: pid, Other: 7, Cycle: cycle, Sysno: 63, N: kernel.ShowPointer}}
					for _, f := range filters {
						want := f.Match(re.Event(&r, host))
						require.Equal(t, want, f.MatchRecord(&r, host), "%+v on %+v of %q", f, r, host)
						if want {
							shown++
						}
					}
				}
			}
		}
	}
	require.Positive(t, shown)
}

// TestLineStart: the start of a line made from the last one's
// (lineStart adds to the digits it kept) is the one made afresh, for
// cycles that stay, grow by a little and a lot, carry into every digit,
// need a digit more (in text, past the 9 columns too), and go back.
func TestLineStart(t *testing.T) {
	cycles := []uint64{0, 0, 5, 9, 10, 99, 100, 101, 999, 1000, 12345, 12399, 12400, 99999999, 100000000,
		999999999, 1000000000, 1000000001, 7, 8, 123456789, 18446744073709551614, 18446744073709551615, 3}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		last := cycles[len(cycles)-1]
		switch d := rng.Uint64() >> 40; rng.IntN(16) {
		case 0:
			cycles = append(cycles, d) // anywhere, often back
		case 1:
			cycles = append(cycles, last+d) // a lot
		default:
			cycles = append(cycles, last+d%30) // a little, as the trace goes
		}
	}
	for _, json := range []bool{false, true} {
		w := &lineWriter{json: json}
		for i, cy := range cycles {
			want := appendUintPadLeft(nil, cy, 9)
			if json {
				want = strconv.AppendUint([]byte(`{"cycle":`), cy, 10)
			}
			if got := w.lineStart(cy); string(got) != string(want) {
				t.Fatalf("json %v: cycle %d after %d: lineStart = %q, want %q", json, cy, cycles[max(i-1, 0)], got, want)
			}
		}
	}
}
