package kernel

import (
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"ipcsim/abi"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// recordPrograms are the programs checked against Linux
// (testdata/linux/programs.txt), whose traces have every shape of Record
// and their near misses (pipes read, written, blocked on, at EOF, broken,
// non-blocking, interrupted, used by threads; FIFOs, polls, sockets), the
// ping-pongs (pipes, sockets, queues, signals, threads), the ring, and
// programs of threads (testdata/threads: a thread's Records, and Events
// for a thread with a name of its own).
func recordPrograms(t *testing.T) [][]string {
	list, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "programs.txt"))
	require.NoError(t, err)
	progs := [][]string{{"bin/pipepingpong", "30"}, {"bin/ring", "5", "40"}, {"bin/pipethreads", "10"}, {"bin/prodcons"}, {"bin/counter"}}
	for _, name := range muslPingPongs {
		progs = append(progs, []string{"bin/" + name, "30"})
	}
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			progs = append(progs, append([]string{"bin/" + f[0]}, f[1:]...))
		}
	}
	return progs
}

// muslPingPongs are the ping-pongs of testdata/bench/musl.
var muslPingPongs = []string{"sockpingpong", "msgqpingpong", "mqpingpong", "sigwaitpingpong", "sigsuspendpingpong", "tcppingpong", "threadpingpong"}

// traceOf runs argv (testdata/linux/bin and recordPrograms' others
// installed at /bin) and returns every event it traces, kept. general
// makes every event the general way, with no Record; log takes them
// through a TraceLog that turns the Records into Events as a writer
// would.
func traceOf(t *testing.T, argv []string, general, log bool) ([]Event, *eventLog) {
	files := slices.Clone(linuxPrograms(t, filepath.Join("..", "testdata", "linux"))) // shared: the subtests run at once
	names := []string{"bench/bin/pipepingpong", "bench/bin/ring", "threads/bin/pipethreads", "threads/bin/prodcons", "threads/bin/counter"}
	for _, name := range muslPingPongs {
		names = append(names, "bench/musl/bin/"+name)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("..", "testdata", name))
		require.NoError(t, err)
		files = append(files, File{Path: "/bin/" + filepath.Base(name), Data: b, Mode: 0755})
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
	records [RecordSegment + 1]int
	threads [RecordSegment + 1]int // the Records that name a thread (TID, OtherTID)
}

func (l *eventLog) Record(r *Record) {
	l.records[r.Kind]++
	if r.TID != 0 || r.OtherTID != 0 {
		l.threads[r.Kind]++
	}
	l.keep(l.re.Event(r, ""))
}
func (l *eventLog) Event(e *Event) { l.keep(e) }

// TestRecordsMakeTheSameEvents: a Record's Event, made at once for
// Config.Trace or later from a TraceLog, is the Event the kernel makes the
// general way, every field of it; and the Records are used, every shape.
func TestRecordsMakeTheSameEvents(t *testing.T) {
	var mu sync.Mutex
	var shapes, threads [RecordSegment + 1]int
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
					threads[i] += l.threads[i]
				}
			})
		}
	})
	for kind := RecordCall; kind <= RecordSegment; kind++ {
		if shapes[kind] == 0 {
			t.Errorf("no Record of kind %d: the test does not test it", kind)
		}
	}
	// The shapes the thread ping-pong and the programs of threads make
	// (their pipes, futexes, wakeups and switches).
	for _, kind := range []RecordKind{RecordCall, RecordBlock, RecordWake, RecordSwitch, RecordSyscall, RecordSyscallBlock} {
		if threads[kind] == 0 {
			t.Errorf("no Record of kind %d of a thread: the test does not test it", kind)
		}
	}
}

// TestRecordLayout: a Record is a head of one cache line, a tail of
// another and an extra of 16 bytes, with no padding (a writer compares
// them whole: sim's seenLines). A batch of them goes from the simulating
// core to the formatting one (sim.TraceWriter), most as their head alone,
// and each line more per Record makes the traced ping-pong slower.
func TestRecordLayout(t *testing.T) {
	require.EqualValues(t, 64, unsafe.Sizeof(RecordHead{}))
	require.EqualValues(t, 64, unsafe.Offsetof(RecordHead{}.Buf)+unsafe.Sizeof(RecordHead{}.Buf))
	require.EqualValues(t, 64, unsafe.Sizeof(RecordTail{}))
	require.EqualValues(t, 64, unsafe.Offsetof(RecordTail{}.Ext)+unsafe.Sizeof(RecordTail{}.Ext))
	require.EqualValues(t, 16, unsafe.Sizeof(RecordExtra{}))
	require.EqualValues(t, 144, unsafe.Sizeof(Record{}))
}

// A clusterEventLog is a ClusterLog that makes each Record's Event, as a
// writer would, and keeps every event; it counts the Records it was given.
type clusterEventLog struct {
	hosts   []Config
	keep    func(*Event)
	re      RecordEvent
	records []int // by host
}

func (l *clusterEventLog) HostRecord(host int, r *Record) {
	l.records[host]++
	l.keep(l.re.Event(r, l.hosts[host].Host))
}
func (l *clusterEventLog) Event(e *Event) { l.keep(e) }

// TestClusterTraceLogIsTheTrace: a cluster's TraceLog takes the trace
// ClusterConfig.Trace takes, event for event: the hosts' Records given on
// when nothing is held back before them, and after the events before
// them when they are held for the merge; Records all the same (as many
// reach it as the hosts make alone).
func TestClusterTraceLogIsTheTrace(t *testing.T) {
	var files []File
	for _, name := range []string{"pipepingpong", "ring"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", name))
		require.NoError(t, err)
		files = append(files, File{Path: "/bin/" + name, Data: b, Mode: 0755})
	}
	argvs := [][]string{{"/bin/pipepingpong", "1000"}, {"/bin/ring", "3", "5"}} // bob ends first: then alice runs alone
	var cfgs []Config
	made := 0 // the Records the hosts make, each alone
	for i, host := range []string{"alice", "bob"} {
		cfg := Config{Host: host, Quantum: 1000 + 700*uint64(i), Stdout: io.Discard, Files: files, CycleLimit: 2_000_000_000}
		cfgs = append(cfgs, cfg)
		l := &eventLog{keep: func(*Event) {}}
		cfg.TraceLog = l
		k := New(cfg)
		_, err := k.Spawn(argvs[i][0], argvs[i], nil)
		require.NoError(t, err)
		k.Run()
		for _, n := range l.records {
			made += n
		}
	}
	held := 0 // Records held back for the merge
	run := func(cc ClusterConfig) {
		c := NewCluster(cc)
		defer func() { held += c.heldRecords }()
		for i, argv := range argvs {
			_, err := c.Host(i).Spawn(argv[0], argv, nil)
			require.NoError(t, err)
		}
		for _, r := range c.Run() {
			require.Equal(t, StopAllExited, r.Reason)
		}
	}
	var want, got []Event
	run(ClusterConfig{Hosts: cfgs, Trace: func(e *Event) { want = append(want, e.Keep()) }})
	l := &clusterEventLog{hosts: cfgs, keep: func(e *Event) { got = append(got, e.Keep()) }, records: make([]int, len(cfgs))}
	run(ClusterConfig{Hosts: cfgs, TraceLog: l})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("the TraceLog's events differ (-Trace +TraceLog):\n%s", diff)
	}
	// While both run, whoever is ahead has its events held back, and the
	// other's wait behind them; once bob has ended, alice's go on at once.
	require.Equal(t, made, l.records[0]+l.records[1], "Records turned into Events")
	require.Positive(t, held, "no Record was held back: the test does not test it")
	require.Less(t, held, made, "every Record was held back: the test does not test the others")
}

// TestAnyRecordMakesALine: a Record of any kind with any fields, even
// ones the kernel never makes (a sentence's length beyond the bytes it
// holds, regions past them), makes a line and an Event without a panic:
// a writer formats what it is given.
func TestAnyRecordMakesALine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var re RecordEvent
	for range 20000 {
		var r Record
		r.Kind = RecordKind(rng.IntN(int(RecordSegment) + 2))
		r.Sysno = uint16(rng.IntN(500))
		r.N = uint8(rng.Uint32())
		r.Name = uint8(rng.IntN(64))
		r.Obj, r.PID, r.Other = int32(rng.IntN(70)), int32(rng.IntN(5)), int32(rng.IntN(5))
		for i := range r.A {
			r.A[i] = rng.Uint64() >> rng.IntN(64)
		}
		r.More = [2]uint64{rng.Uint64(), rng.Uint64()}
		if rng.IntN(2) == 0 {
			r.Extra, r.A6, r.TID, r.OtherTID = true, rng.Uint64(), int32(rng.IntN(5)), int32(rng.IntN(5))
		}
		r.Ret, r.Msg = int64(rng.Uint64()), rng.Uint64()>>rng.IntN(64)
		for i := range r.Mem {
			r.Mem[i] = MemRegion{Arg: uint8(rng.IntN(6)), Off: uint8(rng.IntN(16)), Len: uint8(rng.IntN(40))}
		}
		for i := range r.Buf {
			r.Buf[i] = byte(rng.Uint32())
		}
		for i := range r.Ext {
			r.Ext[i] = byte(rng.Uint32())
		}
		re.Event(&r, "h")
		r.AppendText(nil)
	}
}

// pop drops q's first event, as Cluster.writeRun drops each it writes.
func (q *heldQueue) pop() {
	if q.isRec[q.head] {
		q.rHead++
	} else {
		q.evs[q.eHead] = Event{}
		q.eHead++
	}
	q.head++
	q.settle()
}

// TestHeldQueue: a cluster's queue of held-back events gives them back in
// the order they came, Records and Events mixed, whether it empties now
// and then or never does (and moves its events down), and forgets the
// Events it gave back.
func TestHeldQueue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q heldQueue
	next, want := uint64(0), uint64(0) // the cycle of the next event pushed, and popped
	push := func() {
		if rng.IntN(3) == 0 {
			q.pushEvent(&Event{Cycle: next, Text: "e"})
		} else {
			var r Record
			r.Cycle = next
			q.pushRecord(&r)
		}
		next++
	}
	pop := func() {
		require.Equal(t, want, q.firstCycle())
		q.pop()
		want++
	}
	for round := range 64 {
		for range 200 + rng.IntN(400) {
			push()
		}
		keep := 0
		if round%8 != 0 {
			keep = 1 + rng.IntN(20) // a queue that does not empty, for 7 rounds
		}
		for q.len() > keep {
			if rng.IntN(4) == 0 {
				push()
			}
			pop()
		}
		cycles := q.cycles()
		require.Len(t, cycles, q.len())
		for i, cy := range cycles {
			require.Equal(t, want+uint64(i), cy)
		}
		require.LessOrEqual(t, len(q.isRec), 4096, "the queue grows without end")
	}
	for q.len() > 0 {
		pop()
	}
	require.Equal(t, next, want)
	for _, e := range q.evs[:cap(q.evs)] {
		require.Empty(t, e.Text, "an Event given back is still held")
	}
}

// TestRecordLettersNeedNoProcess: the decoders of the letters a Record
// shows make their sentence with no kernel and no process (a writer makes
// it on its own goroutine, from the Record alone): every call of the
// table whose letters are all such, with arguments and results of every
// kind, done or blocked, renders without touching either (a nil one
// would panic).
func TestRecordLettersNeedNoProcess(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	values := []uint64{0, 1, 8, 0x1000, 0x3fffffe6d3, 1 << 31, ^uint64(0)}
	tried := 0
	for no, row := range syscalls {
		if row.fn == nil || len(row.args) > recordArgs {
			continue
		}
		ok := true
		for _, l := range []byte(row.args) {
			ok = ok && letterClass[l] != 0
		}
		if !ok {
			continue
		}
		tried++
		for range 50 {
			var r Record
			for i := range recordArgs {
				r.setArg(i, values[rng.IntN(len(values))])
			}
			r.Ret = int64(values[rng.IntN(len(values))]) >> rng.IntN(64)
			for i := range r.Mem {
				r.Mem[i] = MemRegion{Arg: uint8(rng.IntN(recordArgs)), Len: uint8(rng.IntN(recordBytes))}
			}
			r.Sysno = uint16(no)
			for _, kind := range []RecordKind{RecordSyscall, RecordSyscallBlock} {
				r.Kind = kind
				require.NotPanics(t, func() { r.AppendText(nil) }, "%v(%s)", abi.Sysno(no), row.args)
			}
		}
	}
	require.Greater(t, tried, 50, "too few calls tried")
}
