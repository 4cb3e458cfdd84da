package sim

import (
	"fmt"
	"strings"
	"testing"

	"ipcsim/kernel"

	"github.com/stretchr/testify/require"
)

// TestWatch runs threads_watch.txtar and checks its watch events: one per
// store to the counter, each naming the storing thread and holding the
// value before and after, and among them the lost updates, stores of a
// value that is not one more than the value they replace.
func TestWatch(t *testing.T) {
	s, err := Load("../testdata/scenarios/threads_watch.txtar")
	require.NoError(t, err)
	o, err := s.Run(Options{KeepTrace: true})
	require.NoError(t, err)
	stores, lost, threads := 0, 0, map[int]bool{}
	for _, e := range o.Trace {
		if e.Kind != "watch" {
			continue
		}
		stores++
		require.NotNil(t, e.Mem)
		require.Equal(t, uint64(0x19198), e.Mem.Addr)
		require.True(t, strings.HasPrefix(e.Text, "watch 0x19198: stores "), e.Text)
		threads[e.TID] = true
		if e.Mem.Value != e.Mem.Old+1 {
			lost++
		}
	}
	require.Equal(t, 2000, stores, "every increment stores once")
	require.Equal(t, map[int]bool{3: true, 4: true}, threads, "both threads store")
	require.NotZero(t, lost, "some store goes back: a lost update")
	require.Empty(t, s.CheckRun(o))

	// The same run untraced: a watch changes nothing.
	plain, err := s.Run(Options{})
	require.NoError(t, err)
	require.Equal(t, string(o.Console), string(plain.Console))
	require.Equal(t, o.Result.Cycles, plain.Result.Cycles)
}

// TestWatchSegment runs shm_watch.txtar, where two processes attach one
// System V segment at different addresses: the watch of the segment's
// word catches the store of each, at its own address, whether the
// segment is named by its key or by its order of creation.
func TestWatchSegment(t *testing.T) {
	s, err := Load("../testdata/scenarios/shm_watch.txtar")
	require.NoError(t, err)
	type store struct {
		pid       int
		addr, val uint64
		text      string
	}
	stores := func(s *Scenario) []store {
		o, err := s.Run(Options{KeepTrace: true})
		require.NoError(t, err)
		var got []store
		for _, e := range o.Trace {
			if e.Kind == "watch" {
				got = append(got, store{e.PID, e.Mem.Addr, e.Mem.Value, e.Text[:strings.Index(e.Text, " (at")]})
			}
		}
		return got
	}
	require.Equal(t, []store{
		{2, 0x20000008, 1, "watch shm key 0x5eed+8"},
		{3, 0x30000008, 2, "watch shm key 0x5eed+8"},
	}, stores(s), "put1's store and put2's, each at its own address; put1's store at offset 0 is not watched")

	s.Watches[0].Segment = &kernel.SegmentName{Nth: 1}
	require.Equal(t, []store{
		{2, 0x20000008, 1, "watch shm#1+8"},
		{3, 0x30000008, 2, "watch shm#1+8"},
	}, stores(s), "shm#1 is the same segment")

	s.Watches[0].Segment = &kernel.SegmentName{Nth: 2}
	require.Empty(t, stores(s), "no second segment is made")
	s.Watches[0].Segment = &kernel.SegmentName{Key: 0x5eee}
	require.Empty(t, stores(s), "no segment has key 0x5eee")

	// A word past the segment's end: nothing to watch, and a note says so
	// when the segment is made.
	s.Watches[0].Addr, s.Watches[0].Size, s.Watches[0].Segment = 1<<20, 4, &kernel.SegmentName{Nth: 1}
	o, err := s.Run(Options{KeepTrace: true})
	require.NoError(t, err)
	var notes []string
	for _, e := range o.Trace {
		if e.Kind == "note" && strings.HasPrefix(e.Text, "watch ") {
			notes = append(notes, e.Text)
		}
	}
	require.Len(t, notes, 1)
	require.Contains(t, notes[0], "watch shm#1+1048576: the segment is ")
	require.Contains(t, notes[0], "bytes, so the word is past its end: nothing to watch")
}

// TestWatchSegmentNeverMade: a watch of a segment that the run never
// makes (a wrong key, a wrong N) watches nothing, and a note at the end of
// the run says so, naming the watch line as file:line; a watch whose
// segment is made gets no such note, nor does a run paused before its
// end, when the segment may still come.
func TestWatchSegmentNeverMade(t *testing.T) {
	s, err := Load("../testdata/scenarios/shm_watch.txtar")
	require.NoError(t, err)
	line := s.Watches[0].Pos.Line
	good := s.Watches[0]
	wrongKey, wrongNth := good, good
	wrongKey.Segment = &kernel.SegmentName{Key: 0x5eee}
	wrongNth.Segment, wrongNth.Addr, wrongNth.Pos.Line = &kernel.SegmentName{Nth: 2}, 4, line+1
	s.Watches = []Watch{wrongKey, wrongNth, good}
	notes := func(opts Options) []string {
		opts.KeepTrace = true
		o, err := s.Run(opts)
		require.NoError(t, err)
		var got []string
		for _, e := range o.Trace {
			if e.Kind == "note" {
				require.Equal(t, o.Hosts[0].Result.Cycles, e.Cycle, "at the end of the run: %s", e.Text)
				got = append(got, e.Text)
			}
		}
		return got
	}
	require.Equal(t, []string{
		fmt.Sprintf("shm_watch.txtar:%d: watch shm key 0x5eee+8: no segment was made with key 0x5eee in the run: the watch saw nothing", line),
		fmt.Sprintf("shm_watch.txtar:%d: watch shm#2+4: only 1 segment made in the run, so no shm#2: the watch saw nothing", line+1),
	}, notes(Options{}))
	require.Empty(t, notes(Options{PauseAt: 5}), "paused before its end, the run may still make them")

	// Before any segment is made.
	s.Watches = []Watch{wrongNth}
	s.Spawns = s.Spawns[:0]
	require.Equal(t, []string{
		fmt.Sprintf("shm_watch.txtar:%d: watch shm#2+4: no shared memory segment was made in the run: the watch saw nothing", line+1),
	}, notes(Options{}))
}

// TestWatchSegmentNeverMadeHosts: with hosts, each note is its host's,
// stamped at the end of the whole run (bob's loss of power at cycle
// 10000), so that the trace stays in time order although alice's run
// ended before; a host that is off until a later boot has not ended, and
// a pause then notes nothing.
func TestWatchSegmentNeverMadeHosts(t *testing.T) {
	s, err := Load("../testdata/scenarios/hosts_two.txtar")
	require.NoError(t, err)
	s.Watches = []Watch{
		{Pos: Pos{Filename: s.Path, Line: 7}, Size: 4, Segment: &kernel.SegmentName{Key: 0x1234}, Host: 0},
		{Pos: Pos{Filename: s.Path, Line: 8}, Size: 4, Segment: &kernel.SegmentName{Nth: 1}, Host: 1},
	}
	type note struct {
		host  string
		cycle uint64
		text  string
	}
	notes := func(opts Options) []note {
		opts.KeepTrace = true
		o, err := s.Run(opts)
		require.NoError(t, err)
		var got []note
		last := uint64(0)
		for _, e := range o.Trace {
			require.GreaterOrEqual(t, e.Cycle, last, "the trace goes in time order: %s %s", e.Host, e.Text)
			last = e.Cycle
			if e.Kind == "note" {
				got = append(got, note{e.Host, e.Cycle, e.Text})
			}
		}
		if opts.PauseAt == 0 {
			require.Less(t, o.Hosts[0].Result.Cycles, uint64(10000), "alice's run ends before bob loses power")
		}
		return got
	}
	require.Equal(t, []note{
		{"alice", 10000, "hosts_two.txtar:7: watch shm key 0x1234+0: no shared memory segment was made in the run: the watch saw nothing"},
		{"bob", 10000, "hosts_two.txtar:8: watch shm#1+0: no shared memory segment was made in the run: the watch saw nothing"},
	}, notes(Options{}))

	// bob boots again at 20000: paused at 15000 while he is off, his
	// run has not ended, and his watch may still see its segment made;
	// alice's has (her processes all exited at 3013), and her note comes
	// at the latest cycle of the hosts, bob's power loss.
	s.Downs = append(s.Downs, Down{Host: 1, At: 20000, Up: true})
	require.Equal(t, []note{
		{"alice", 10000, "hosts_two.txtar:7: watch shm key 0x1234+0: no shared memory segment was made in the run: the watch saw nothing"},
	}, notes(Options{PauseAt: 15000}))
}
