package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// hostsTwoWith returns hosts_two.txtar with the lines put after its first
// spawn line (line 16: the first of them is line 17).
func hostsTwoWith(t *testing.T, lines ...string) (path string, src []byte) {
	t.Helper()
	path = "../testdata/scenarios/hosts_two.txtar"
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	const spawn = "spawn on alice reader.s\n"
	require.Contains(t, string(data), spawn)
	return path, []byte(strings.Replace(string(data), spawn, spawn+strings.Join(lines, "\n")+"\n", 1))
}

// TestParseHostAsserts: in a scenario with hosts an assertion names its
// host after its first word, and its processes are that host's.
func TestParseHostAsserts(t *testing.T) {
	path, src := hostsTwoWith(t,
		`always on alice procs <= 1 && state reader != zombie`,
		`eventually on bob exited ticker || console contains "tick"`,
		`sometimes on bob tcp established == 0`,
	)
	s, err := Parse(path, src)
	require.NoError(t, err)
	require.Len(t, s.Asserts, 3)
	require.Equal(t, []int{0, 1, 1}, []int{s.Asserts[0].Host, s.Asserts[1].Host, s.Asserts[2].Host})
	require.Equal(t, "procs <= 1 && state reader != zombie", s.Asserts[0].Cond)
	require.Equal(t, "always on alice procs <= 1 && state reader != zombie", s.Asserts[0].Text)
	// reader is alice's spawn (0), ticker bob's (1).
	require.Equal(t, 0, s.Asserts[0].cond.(condAnd).r.(*condCompare).v.who.Spawn)
	require.Equal(t, 1, s.Asserts[1].cond.(condOr).l.(*condExited).who.Spawn)
	require.Equal(t, "ESTABLISHED", s.Asserts[2].cond.(*condCompare).v.tcpState)
}

func TestParseHostAssertErrors(t *testing.T) {
	const f = "../testdata/scenarios/hosts_two.txtar:17:"
	for _, tc := range []struct{ line, want string }{
		{`always procs < 3`, f + `8: expected on HOST after always (the scenario has hosts alice, bob), found procs`},
		{`eventually`, f + `11: expected on HOST after eventually (the scenario has hosts alice, bob), found end of line`},
		{`always on carol procs < 3`, f + `11: unknown host carol: expected one of alice, bob`},
		{`always on`, f + `10: expected a host after always on, found end of line`},
		{`sometimes on "alice" procs < 3`, f + `14: expected a host after sometimes on, found string "alice"`},
		{`always on alice`, f + `16: expected a condition after always (such as procs <= 3, or console contains "done"), found end of line`},
		{`eventually on alice exited ticker`, f + `28: no process spawned as "ticker" on alice: expected pid N or one of the spawned names (reader)`},
		{`always on bob console of reader contains "x"`, f + `26: no process spawned as "reader" on bob: expected pid N or one of the spawned names (ticker)`},
	} {
		path, src := hostsTwoWith(t, tc.line)
		_, err := Parse(path, src)
		if err == nil {
			t.Errorf("%s: no error, want %s", tc.line, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.line, err, tc.want)
		}
	}
}

// TestAssertHosts: each assertion is checked on its own host, its note
// is in that host's trace, and the run is the same bytes twice.
func TestAssertHosts(t *testing.T) {
	lines := []string{
		`always on alice procs <= 1`,
		`eventually on alice console contains "alice got: hi\n"`,
		`always on alice !exited reader`,
		`eventually on bob exited ticker`,
		`always on bob console of ticker contains "tick" || procs == 1`,
		`sometimes on bob state ticker == sleeping`,
	}
	path, src := hostsTwoWith(t, lines...)
	s, err := Parse(path, src)
	require.NoError(t, err)
	var first []string
	for i := range 2 {
		o, err := s.Run(Options{KeepTrace: true})
		require.NoError(t, err)
		report, failed := s.RunAsserts(o)
		require.True(t, failed)
		var notes []string
		for _, e := range o.Trace {
			if e.Kind == "note" && strings.HasPrefix(e.Text, "assertion") {
				notes = append(notes, e.Host+": "+e.Text)
			}
		}
		require.Equal(t, []string{
			"bob: assertion reached (line 22): sometimes on bob state ticker == sleeping: true when pid 2 blocked in nanosleep: state ticker = sleeping",
			`alice: assertion reached (line 18): eventually on alice console contains "alice got: hi\n": true when pid 2 entered exit: the console holds "alice got: hi\n"`,
			"alice: assertion failed (line 19): always on alice !exited reader: false when pid 1 was woken: reader (pid 2) exited with status 0",
			"bob: assertion failed (line 20): eventually on bob exited ticker: never true in the run; when the host lost power: ticker (pid 2) has not exited",
		}, notes)
		require.Equal(t, []string{
			"line 17: always on alice procs <= 1: held at all 11 points; at the end: procs = 0",
			`line 18: eventually on alice console contains "alice got: hi\n": true at cycle 3013, when pid 2 entered exit: the console holds "alice got: hi\n"`,
			"line 19: always on alice !exited reader: FAILED: false at cycle 3013, when pid 1 was woken: reader (pid 2) exited with status 0",
			"line 20: eventually on bob exited ticker: FAILED: never true in the run; when the host lost power (cycle 10000): ticker (pid 2) has not exited",
			`line 21: always on bob console of ticker contains "tick" || procs == 1: held at all 14 points; at the end: the output of ticker holds "tick", procs = 1`,
			"line 22: sometimes on bob state ticker == sleeping: true at cycle 14, when pid 2 blocked in nanosleep: state ticker = sleeping",
		}, report)
		// ipcsim test: the assertions' mismatches are the two broken
		// lines (want/trace differs too: it lacks the notes).
		var ms []string
		for _, m := range s.Check(o) {
			if m.Pos.Line < 30 {
				ms = append(ms, m.Pos.String()+": "+m.Msg)
			}
		}
		require.Equal(t, []string{
			path + ":19:1: false at cycle 3013, when pid 1 was woken: reader (pid 2) exited with status 0",
			path + ":20:1: never true in the run; when the host lost power (cycle 10000): ticker (pid 2) has not exited",
		}, ms)
		if i == 0 {
			first = report
			continue
		}
		require.Equal(t, first, report)
	}
}

// TestAssertTCP: tcp STATE counts a host's connections. The iterative
// server serves one client at a time, but its kernel completes the
// handshakes of the other two meanwhile: three connections are
// ESTABLISHED on its host, seen when its process is next scheduled. The
// server closes first, so its side ends in TIME-WAIT and the clients'
// never do.
func TestAssertTCP(t *testing.T) {
	got := runAsserted(t, "net_server_iterative.txtar",
		`always on server tcp established <= 1`,
		`always on server tcp established <= 3 && tcp listening <= 1`,
		`eventually on server tcp time-wait == 3`,
		`always on c1 tcp time-wait == 0 && tcp listening == 0`,
		`eventually on c1 tcp close-wait == 1`,
		`eventually on c2 tcp listening == 1`,
	)
	require.Equal(t, map[string]string{
		`always on server tcp established <= 1`: "false at cycle 361376, when a packet arrived: tcp established = 2",
		`eventually on c2 tcp listening == 1`:   "never true in the run; at its end (cycle 1059041): tcp listening = 0",
	}, got)
}

// TestAssertHostsSameRun: watching a host changes nothing in the run of
// any host.
func TestAssertHostsSameRun(t *testing.T) {
	path := "../testdata/scenarios/net_server_iterative.txtar"
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	plain, err := Parse(path, data)
	require.NoError(t, err)
	i := strings.Index(string(data), "\nspawn ") + 1
	watched, err := Parse(path, []byte(string(data[:i])+"always on server procs < 1000 || tcp established > 1000\n"+string(data[i:])))
	require.NoError(t, err)
	a, err := plain.Run(Options{KeepTrace: true})
	require.NoError(t, err)
	b, err := watched.Run(Options{KeepTrace: true})
	require.NoError(t, err)
	require.Equal(t, a.Trace, b.Trace)
	require.Equal(t, a.Hosts, b.Hosts)
	require.Greater(t, b.Asserts[0].Points, uint64(10))
}

// TestAssertHostsSweep: with expect seeds lines, the assertions about
// hosts are checked in every run of the sweep.
func TestAssertHostsSweep(t *testing.T) {
	path, src := hostsTwoWith(t,
		`expect seeds 1..4 always exit on alice reader 0`,
		`always on alice !exited reader`,
		`sometimes on bob procs == 2`,
		`sometimes on bob state ticker == sleeping`,
	)
	s, err := Parse(path, src)
	require.NoError(t, err)
	o, err := s.Run(Options{})
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range s.Check(o) {
		if m.Pos.Line < 30 {
			got[m.What] = m.Msg
		}
	}
	require.Equal(t, map[string]string{
		`always on alice !exited reader`: "the run with the machine's seed 1: false at cycle 3013, when pid 1 was woken: reader (pid 2) exited with status 0",
		`sometimes on bob procs == 2`:    "never true in 5 runs: the machine's seed 1 and seeds 1..4 of the expect seeds lines",
	}, got)
}
