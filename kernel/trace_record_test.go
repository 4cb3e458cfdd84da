package kernel

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// recordPrograms are the programs checked against Linux
// (testdata/linux/programs.txt), whose traces have every shape of Record
// and their near misses (pipes read, written, blocked on, at EOF, broken,
// non-blocking, interrupted, used by threads; FIFOs, polls, sockets), and
// the ping-pong and the ring.
func recordPrograms(t *testing.T) [][]string {
	list, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "programs.txt"))
	require.NoError(t, err)
	progs := [][]string{{"bin/pipepingpong", "30"}, {"bin/ring", "5", "40"}}
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			progs = append(progs, append([]string{"bin/" + f[0]}, f[1:]...))
		}
	}
	return progs
}

// traceOf runs argv (testdata/linux/bin, pipepingpong and ring installed
// at /bin) and returns every event it traces, kept. general makes every event
// the general way, with no Record; log takes them through a TraceLog that
// turns the Records into Events as a writer would.
func traceOf(t *testing.T, argv []string, general, log bool) ([]Event, *eventLog) {
	files := slices.Clone(linuxPrograms(t, filepath.Join("..", "testdata", "linux"))) // shared: the subtests run at once
	for _, name := range []string{"pipepingpong", "ring"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", name))
		require.NoError(t, err)
		files = append(files, File{Path: "/bin/" + name, Data: b, Mode: 0755})
	}
	var events []Event
	keep := func(e *Event) { events = append(events, e.Keep()) }
	cfg := Config{Stdout: io.Discard, Stderr: io.Discard, Input: strings.NewReader(""), Files: files, CycleLimit: 2_000_000_000}
	var l *eventLog
	if log {
		l = &eventLog{keep: keep}
		cfg.TraceLog = l
	} else {
		cfg.Trace = keep
	}
	k := New(cfg)
	k.noRecords = general
	_, err := k.Spawn(argv[0], argv, nil)
	require.NoError(t, err)
	k.Run()
	return events, l
}

// An eventLog is a TraceLog that makes each Record's Event and keeps it.
type eventLog struct {
	keep    func(*Event)
	re      RecordEvent
	records [RecordSwitch + 1]int
}

func (l *eventLog) Record(r Record) {
	l.records[r.Kind]++
	l.keep(l.re.Event(&r, ""))
}
func (l *eventLog) Event(e *Event) { l.keep(e) }

// TestRecordsMakeTheSameEvents: a Record's Event, made at once for
// Config.Trace or later from a TraceLog, is the Event the kernel makes the
// general way, every field of it; and the Records are used, every shape.
func TestRecordsMakeTheSameEvents(t *testing.T) {
	var mu sync.Mutex
	var shapes [RecordSwitch + 1]int
	t.Run("programs", func(t *testing.T) {
		for _, argv := range recordPrograms(t) {
			t.Run(strings.Join(argv, " "), func(t *testing.T) {
				t.Parallel()
				want, _ := traceOf(t, argv, true, false)
				require.NotEmpty(t, want)
				got, _ := traceOf(t, argv, false, false)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Config.Trace's events differ with Records (-general +records):\n%s", diff)
				}
				got, l := traceOf(t, argv, false, true)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("a TraceLog's events differ (-general +log):\n%s", diff)
				}
				mu.Lock()
				defer mu.Unlock()
				for i, n := range l.records {
					shapes[i] += n
				}
			})
		}
	})
	for kind := RecordCall; kind <= RecordSwitch; kind++ {
		if shapes[kind] == 0 {
			t.Errorf("no Record of kind %d: the test does not test it", kind)
		}
	}
}

// TestRecordIsOneCacheLine: a Record is 64 bytes. A batch of them goes from
// the simulating core to the formatting one (sim.TraceWriter), and each
// line more per Record made the traced ping-pong measurably slower.
func TestRecordIsOneCacheLine(t *testing.T) {
	require.EqualValues(t, 64, unsafe.Sizeof(Record{}))
}
