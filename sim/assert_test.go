package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// assertScenario is a scenario of one process with the given header lines
// after its spawn line.
func assertScenario(lines ...string) string {
	return "machine seed=1\nspawn hello.s\n" + strings.Join(lines, "\n") + "\n-- hello.s --\n" + helloSrc
}

func TestParseAsserts(t *testing.T) {
	s, err := parse("x.txtar", []byte(assertScenario(
		`always procs <= 3 && zombies == 0   # a comment`,
		`eventually console of hello contains "hi\n" || exited pid 2`,
		`sometimes !(state hello == blocked) && pipe#1.bytes > 0x10`,
		`always msgq 0x5e7e.count < 4 && msgq#0.count >= 0 && sem 1234[2] != -1`,
		`always shm#3[8] == 2 || shm64 0x1234[16] == -5`,
		`eventually exit hello == 0`,
	)), noDisk)
	require.NoError(t, err)
	require.Len(t, s.Asserts, 6)
	var kinds, conds []string
	for _, a := range s.Asserts {
		kinds = append(kinds, a.Kind.String())
		conds = append(conds, a.Cond)
	}
	require.Equal(t, []string{"always", "eventually", "sometimes", "always", "always", "eventually"}, kinds)
	require.Equal(t, "procs <= 3 && zombies == 0", conds[0])
	require.Equal(t, "always procs <= 3 && zombies == 0", s.Asserts[0].Text)
	require.Equal(t, Pos{Filename: "x.txtar", Line: 3, Col: 1}, s.Asserts[0].Pos)
	// && binds tighter than ||; the names are resolved to the spawn.
	or, ok := s.Asserts[1].cond.(condOr)
	require.True(t, ok, "%T", s.Asserts[1].cond)
	require.Equal(t, 0, or.l.(*condConsole).who.Spawn)
	require.Equal(t, 2, or.r.(*condExited).who.PID)
	cmp := s.Asserts[4].cond.(condOr).r.(*condCompare)
	require.Equal(t, uint64(8), cmp.v.size)
	require.Equal(t, uint64(16), cmp.v.off)
	require.Equal(t, int64(-5), cmp.n)
	require.Equal(t, "shm64 0x1234[16]", cmp.v.text)
}

func TestParseAssertErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`always`, `x.txtar:3:7: expected a condition after always (such as procs <= 3, or console contains "done"), found end of line`},
		{`always procs`, `x.txtar:3:13: expected a comparison (==, !=, <, <=, >, >=) after procs, found end of line`},
		{`always procs <= `, `x.txtar:3:17: expected a number, found end of line`},
		{`always procs <= x`, `x.txtar:3:17: expected a number, found "x"`},
		{`eventually procs = 3`, `x.txtar:3:18: unexpected "=" in a condition`},
		{`always frobs > 1`, `x.txtar:3:8: unknown condition "frobs": expected console, exited, exit, state, procs, zombies, pipe#N.bytes, msgq, sem, shm, shm64 or tcp`},
		{`always (procs < 3`, `x.txtar:3:18: expected ')' or an operator (&&, ||), found end of line`},
		{`always procs < 3 zombies`, `x.txtar:3:18: expected &&, || or end of line after the condition, found "zombies"`},
		{`always procs < 3 &&`, `x.txtar:3:20: expected a condition (console, exited, exit, state, procs, zombies, pipe#N.bytes, msgq, sem, shm, shm64 or tcp), '!' or '(', found end of line`},
		{`sometimes console contains`, `x.txtar:3:27: expected a string after contains ("done\n"), found end of line`},
		{`sometimes console has "x"`, `x.txtar:3:19: expected 'contains' after console, found "has"`},
		{`sometimes console contains ""`, `x.txtar:3:28: expected a string that is not empty after contains: every console contains ""`},
		{`always pipe#x.bytes == 0`, `x.txtar:3:13: expected a pipe id after pipe# (pipe#1.bytes), found "x"`},
		{`always pipe#1.len == 0`, `x.txtar:3:15: expected bytes after '.', found "len"`},
		{`always sem 0x12 == 0`, `x.txtar:3:17: expected '[' after the semaphore set, found '=='`},
		{`always shm 0x12[2] == 0`, `x.txtar:3:17: offset 2 is not a multiple of 4: shm reads an aligned 4-byte word`},
		{`always shm64 0x12[4] == 0`, `x.txtar:3:19: offset 4 is not a multiple of 8: shm64 reads an aligned 8-byte word`},
		{`always shm 0[0] == 0`, `x.txtar:3:12: key 0 is IPC_PRIVATE, which names no one object: name it by its id (shm#0, as inspect lists it)`},
		{`always msgq 5.size == 0`, `x.txtar:3:15: expected count after '.', found "size"`},
		{`always state hello < 2`, `x.txtar:3:20: expected == or != after state hello, found '<'`},
		{`always state hello == asleep`, `x.txtar:3:23: expected a process state (running, runnable, sleeping, blocked, stopped, zombie), found "asleep"`},
		{`always exited nobody`, `x.txtar:3:15: no process spawned as "nobody": expected pid N or one of the spawned names (hello)`},
		{`always exit pid 0 == 0`, `x.txtar:3:17: bad number 0: expected a process id from 1 to 4194304`},
		{`always console of contains "x"`, `x.txtar:3:19: expected a process after console of (a spawned program's name, or pid N), found "contains"`},
		{`always console of hello has "x"`, `x.txtar:3:25: expected 'contains' after console of a process, found "has"`},
		{`always console contains "x`, `x.txtar:3:25: expected closing " of string, found end of line`},
		{`always tcp estab <= 1`, `x.txtar:3:12: expected a TCP state as ss names it (established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close-wait, last-ack, closing, listening), found "estab"`},
		{`always tcp established`, `x.txtar:3:23: expected a comparison (==, !=, <, <=, >, >=) after tcp established, found end of line`},
		{`always on alice procs < 3`, `x.txtar:3:11: unknown host alice: the scenario declares no hosts (host NAME ip=ADDRESS)`},
	} {
		_, err := parse("x.txtar", []byte(assertScenario(tc.line)), noDisk)
		if err == nil {
			t.Errorf("%s: no error, want %s", tc.line, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.line, err, tc.want)
		}
	}
}

// runAsserted runs a bundled scenario with the given lines put after its
// first spawn line, and returns the mismatches of those lines (the want/
// sections and expect lines of the file are not looked at: the trace has
// the assertions' notes).
func runAsserted(t *testing.T, name string, lines ...string) map[string]string {
	t.Helper()
	path := "../testdata/scenarios/" + name
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	src := string(data)
	i := strings.Index(src, "\nspawn ")
	require.GreaterOrEqual(t, i, 0)
	j := i + 1 + strings.Index(src[i+1:], "\n")
	src = src[:j+1] + strings.Join(lines, "\n") + "\n" + src[j+1:]
	s, err := Parse(path, []byte(src))
	require.NoError(t, err)
	o, err := s.Run(Options{})
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range s.Check(o) {
		for _, l := range lines {
			if m.What == strings.TrimSpace(stripComment(l)) {
				got[m.What] = m.Msg
			}
		}
	}
	return got
}

// TestAssertKinds: each kind of assertion, passing and failing, over each
// kind of test.
func TestAssertKinds(t *testing.T) {
	got := runAsserted(t, "pipe_full.txtar",
		`always pipe#1.bytes <= 65536 && procs <= 2`,
		`always pipe#1.bytes < 65536`,
		`eventually state producer == blocked`,
		`eventually exit producer == 1`,
		`always exit producer == 0`,
		`sometimes console of pid 3 contains "consumer: read"`,
		`sometimes console of producer contains "consumer"`,
		`eventually console contains "81920 bytes in 5 reads\n"`,
		`always zombies == 0`,
		`always !exited producer || exit producer == 0`,
	)
	require.Equal(t, map[string]string{
		`always pipe#1.bytes < 65536`:                       "false at cycle 61, when pid 2 entered write: pipe#1.bytes = 65536",
		`eventually exit producer == 1`:                     "never true in the run; at its end (cycle 5287): exit producer = 0",
		`sometimes console of producer contains "consumer"`: `never true in the one run of the scenario (seed 1; expect seeds lines or ipcsim explore make a set of runs); at its end: the output of producer does not hold "consumer"`,
		`always zombies == 0`:                               "false at cycle 5285, when pid 2 was woken: zombies = 1",
	}, got)

	got = runAsserted(t, "msg_server.txtar",
		`always msgq 0x5e7e.count <= 3`,
		`eventually msgq 0x5e7e.count >= 1`,
		`sometimes msgq 0x5e7e.count > 3`,
		`always msgq#0.count == 0`,
	)
	require.Len(t, got, 2, "%v", got)
	require.Contains(t, got[`sometimes msgq 0x5e7e.count > 3`], "never true in the one run")
	require.Contains(t, got[`always msgq#0.count == 0`], "msgq#0.count = 1")

	got = runAsserted(t, "sem_undo.txtar",
		`always sem#0[0] >= 0`,
		`eventually sem#0[0] == 12345`,
		`always sem#0[1] == 7`, // no such semaphore: never false
	)
	require.Len(t, got, 1, "%v", got)
	require.Contains(t, got[`eventually sem#0[0] == 12345`], "never true in the run")

	// assert_counter sweeps seeds 1..20: sometimes is about the 21 runs.
	got = runAsserted(t, "assert_counter.txtar",
		`eventually shm 0x1234[0] == 6 && shm64 0x1234[0] == 6`,
		`always shm 0x1234[0] < 6`,
		`sometimes shm 0x1234[0] == 7`,
		`sometimes shm 0x1234[0] == 3`,
	)
	require.Equal(t, map[string]string{
		`always shm 0x1234[0] < 6`:     "the run with the machine's seed 1: false at cycle 64, when pid 3 entered exit: shm 0x1234[0] = 6",
		`sometimes shm 0x1234[0] == 7`: "never true in 21 runs: the machine's seed 1 and seeds 1..20 of the expect seeds lines",
	}, got)
}

// TestAssertUnknown: a test of what does not exist is neither true nor
// false (Kleene's logic).
func TestAssertUnknown(t *testing.T) {
	got := runAsserted(t, "pipe_full.txtar",
		`always pipe#9.bytes == 1`,              // never exists: never false
		`eventually !(pipe#9.bytes == 1)`,       // nor true
		`always pipe#9.bytes == 1 && procs > 5`, // unknown && false is false
		`eventually pipe#9.bytes == 1 || procs == 2`,
	)
	require.Len(t, got, 2, "%v", got)
	require.Contains(t, got[`eventually !(pipe#9.bytes == 1)`], "pipe#9.bytes: no such object")
	require.Equal(t, "false at cycle 5, when pid 1 entered wait4: pipe#9.bytes: no such object, procs = 1", got[`always pipe#9.bytes == 1 && procs > 5`])
}

// TestAssertNone: a scenario without assertions has no monitor: its
// outcome has no results and its trace is what it was.
func TestAssertNone(t *testing.T) {
	s, err := Load("../testdata/scenarios/pipe_full.txtar")
	require.NoError(t, err)
	o, err := s.Run(Options{})
	require.NoError(t, err)
	require.Nil(t, o.Asserts)
	require.Empty(t, s.Check(o))
}

// TestAssertRunReport: what ipcsim run prints, and the same bytes twice.
func TestAssertRunReport(t *testing.T) {
	s, err := Load("../testdata/scenarios/assert_counter.txtar")
	require.NoError(t, err)
	var first []string
	for i := 0; i < 2; i++ {
		o, err := s.Run(Options{KeepTrace: true})
		require.NoError(t, err)
		lines, failed := s.RunAsserts(o)
		require.False(t, failed)
		require.Len(t, lines, 4)
		require.Equal(t, "line 34: sometimes state race == blocked: true at cycle 44, when pid 2 blocked in wait4: state race = sleeping", lines[3])
		var notes []string
		for _, e := range o.Trace {
			if e.Kind == "note" {
				notes = append(notes, e.Text)
			}
		}
		require.Equal(t, []string{
			"assertion reached (line 34): sometimes state race == blocked: true when pid 2 blocked in wait4: state race = sleeping",
			"assertion reached (line 33): eventually exited pid 3 && zombies == 0: true when pid 2 entered write: pid 3 exited with status 0, zombies = 0",
		}, notes)
		if i == 0 {
			first = lines
		} else {
			require.Equal(t, first, lines)
		}
	}
}

// TestAssertSweep: a sweep names the run that broke an always line.
func TestAssertSweep(t *testing.T) {
	got := runAsserted(t, "race_counter.txtar", `always !exited race || exit race == 0`)
	require.Regexp(t, `^the run with the machine's seed 1: false at cycle \d+, when pid 1 was woken: race \(pid 2\) exited with status 1, exit race = 1$`,
		got[`always !exited race || exit race == 0`])
}

// TestAssertSameRun: watching changes nothing in the run: with an
// assertion that never decides, the trace is the same event for event.
func TestAssertSameRun(t *testing.T) {
	for _, name := range []string{"pipe_full.txtar", "sem_counter.txtar", "threads_prodcons.txtar"} {
		path := "../testdata/scenarios/" + name
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		plain, err := Parse(path, data)
		require.NoError(t, err)
		i := strings.Index(string(data), "\nspawn ") + 1
		watched, err := Parse(path, []byte(string(data[:i])+"always procs < 1000 || console contains \"never\"\n"+string(data[i:])))
		require.NoError(t, err)
		a, err := plain.Run(Options{KeepTrace: true})
		require.NoError(t, err)
		b, err := watched.Run(Options{KeepTrace: true})
		require.NoError(t, err)
		require.Equal(t, a.Trace, b.Trace, name)
		require.Equal(t, a.Console, b.Console, name)
		require.Len(t, b.Asserts, 1)
		require.Greater(t, b.Asserts[0].Points, uint64(10), name)
	}
}
