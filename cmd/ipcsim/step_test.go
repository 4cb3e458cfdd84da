package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/stretchr/testify/require"

	"ipcsim/explore"
	"ipcsim/sim"
)

// The stepper is tested through a simulated screen: the model's Update
// gets key presses as the terminal would send them, and View's text is
// the screen.

func newTestStepper(t testing.TB, file string) *stepModel {
	t.Helper()
	s, err := sim.Load("../../testdata/scenarios/" + file)
	require.NoError(t, err)
	m, err := newStepModel(s, file, nil)
	require.NoError(t, err)
	return m
}

// press sends keys: a name bubbletea gives a special key ("enter",
// "esc", "up", "pgdown", "backspace"), else the characters typed.
func press(m *stepModel, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "pgup":
			msg = tea.KeyPressMsg{Code: tea.KeyPgUp}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "ctrl+c":
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		default:
			for _, r := range k {
				msg = tea.KeyPressMsg{Code: r, Text: string(r)}
				m.Update(msg)
			}
			continue
		}
		m.Update(msg)
	}
}

func screen(m *stepModel) string { return m.View().Content }

// traceTail returns the trace pane's last non-empty line.
func traceTail(m *stepModel) string {
	lines := strings.Split(screen(m), "\n")
	last := ""
	in := false
	for _, l := range lines {
		if strings.HasPrefix(l, "-- trace") {
			in = true
			continue
		}
		if in && strings.TrimSpace(l) != "" && l != lines[len(lines)-1] {
			last = strings.TrimSpace(l)
		}
	}
	return last
}

func TestStepEventsAndBack(t *testing.T) {
	m := newTestStepper(t, "pipe_parent_child.txtar")
	s := screen(m)
	require.Len(t, strings.Split(s, "\n"), 40, "the screen is the terminal's height")
	require.Contains(t, s, "cycle 1 ")
	require.Contains(t, s, `pid 2   spawn ["parent"] (parent pid 1)`)
	require.Contains(t, s, "-- processes")
	require.Contains(t, s, "-- registers: pid 1 (init)")
	require.Contains(t, s, "-- code: pid 1 (init)")
	require.Contains(t, s, "-- kernel objects")

	// One event: init's wait4 blocks (and the switch of the same cycle).
	press(m, "n")
	s = screen(m)
	require.Contains(t, s, "cycle 6 ")
	require.Equal(t, "5  pid 2   switch pid 1 -> pid 2 (pid 1 blocked in wait4)", traceTail(m))
	require.Regexp(t, `pid 1 +init +sleeping +wait4: no child has exited`, s)
	require.Regexp(t, `pid 2 +parent +running`, s)

	press(m, "n")
	before := screen(m)
	require.Equal(t, "9  pid 2   pipe2([3, 4], 0) = 0", traceTail(m))
	require.NotContains(t, before, "pipe#1: head 0")
	press(m, "pgdown", "pgdown")
	require.Contains(t, screen(m), "pipe#1: 0 bytes unread in 0 of 16 slots (capacity 65536), rea", "the objects pane scrolls")
	press(m, "pgup", "pgup")
	require.Equal(t, before, screen(m))

	// The fork: pid 3 appears.
	press(m, "n")
	require.Equal(t, "19  pid 2   clone(SIGCHLD, NULL, NULL, NULL, NULL) = 3", traceTail(m))
	require.Regexp(t, `pid 3 +parent +runnable`, screen(m))
	// Back: the screen as before the step, by replay or from the cache.
	press(m, "p")
	require.Equal(t, before, screen(m))
	m.eng.cache = map[frameKey]*frame{}
	press(m, "n", "left")
	require.Equal(t, before, screen(m), "replayed from the start, the same screen")

	// One system call from there: the clone again.
	press(m, "s")
	require.Equal(t, "19  pid 2   clone(SIGCHLD, NULL, NULL, NULL, NULL) = 3", traceTail(m))

	// Back to the start, and back again stays there.
	press(m, "g", "p")
	require.Contains(t, screen(m), "at the start: nothing before")
}

func TestStepToCycleAndBreakpoints(t *testing.T) {
	m := newTestStepper(t, "pipe_parent_child.txtar")
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 100})
	press(m, "c", "1", "0", "3", "0", "enter")
	s := screen(m)
	require.Contains(t, s, "cycle 1030 ")
	require.Equal(t, "1026  pid 2   nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0", traceTail(m))
	require.Regexp(t, `pid 3 +parent +sleeping +read: pipe#1 empty`, s)

	// A system call's name: the next write.
	press(m, "b", "write", "enter")
	require.Contains(t, screen(m), "breakpoint write reached at cycle 1031")
	require.Equal(t, `1031  pid 2   write(4, "hello from your parent, child\n", 30) = 30`, traceTail(m))
	require.Contains(t, screen(m), `unread: "hello from your parent, child\n"`)
	press(m, "r")
	require.Equal(t, `1044  pid 3   write(1, "child: read \"", 13) = 13`, traceTail(m))

	// A pid, from the start.
	press(m, "g", "b", "pid 3", "enter")
	require.Equal(t, "19  pid 2   clone(SIGCHLD, NULL, NULL, NULL, NULL) = 3", traceTail(m), "pid 3's birth is in the cycle of the clone")
	press(m, "r")
	require.Equal(t, "26  pid 3   switch pid 2 -> pid 3 (pid 2 blocked in nanosleep)", traceTail(m))

	// An object: the next read or write that used it, a blocked one too
	// (block events name their object).
	press(m, "b", "pipe#1", "enter")
	require.Equal(t, `34  pid 3   read(3, 0x11058, 128) blocks: pipe#1 empty (0/65536)`, traceTail(m))
	press(m, "r")
	require.Equal(t, `1031  pid 2   write(4, "hello from your parent, child\n", 30) = 30`, traceTail(m))

	// Bad breakpoints and cycles say why, and stay.
	here := m.cur.at
	press(m, "b", "wirte", "enter")
	require.Contains(t, screen(m), `no system call is named "wirte"`)
	press(m, "c", "x", "enter")
	require.Contains(t, screen(m), `expected a cycle from 1 to 2^62, found "x"`)
	require.Equal(t, here, m.cur.at)

	// No more hits.
	press(m, "b", "pipe2", "enter")
	require.Contains(t, screen(m), "breakpoint pipe2: not reached again")
}

func TestStepInstructions(t *testing.T) {
	m := newTestStepper(t, "pipe_parent_child.txtar")
	press(m, "n", "i")
	s := screen(m)
	require.Contains(t, s, "-- trace with instructions")
	// pid 2's first instruction ran at cycle 5, with the switch to it:
	// the next one is the step.
	require.Equal(t, "6  pid 2   0x10004: addi a0, a0, 64  # a0 = 69696", traceTail(m))
	require.Contains(t, s, "cycle 7 ")
	// The code pane marks pid 2's pc, the instruction after.
	press(m, "down")
	require.Contains(t, screen(m), "-- code: pid 2 (parent)")
	require.Regexp(t, `=> 0x10008  li a1, 0`, screen(m))
	require.Regexp(t, `a0   0x11040 `, screen(m))
	press(m, "i")
	require.Contains(t, screen(m), "cycle 8 ")
	press(m, "p")
	require.Contains(t, screen(m), "cycle 7 ")
	require.Equal(t, "6  pid 2   0x10004: addi a0, a0, 64  # a0 = 69696", traceTail(m))
}

func TestStepWatchBreakpoint(t *testing.T) {
	m := newTestStepper(t, "threads_watch.txtar")
	press(m, "b", "watch 0x19198", "enter")
	require.Contains(t, traceTail(m), "watch 0x19198: stores 1 (was 0)")
	first := m.cur
	press(m, "r")
	require.Contains(t, traceTail(m), "watch 0x19198: stores 2 (was 1)")

	// The scenario without its watch line: the stepper adds the watch,
	// and the run is the same.
	s, err := sim.Load("../../testdata/scenarios/threads_watch.txtar")
	require.NoError(t, err)
	s.Watches = nil
	m, err = newStepModel(s, "threads_watch.txtar", nil)
	require.NoError(t, err)
	press(m, "b", "0x19198", "enter")
	require.Contains(t, screen(m), "breakpoint 0x19198 reached at cycle 1628")
	require.Equal(t, first.at, m.cur.at)
	require.Equal(t, first.trace, m.cur.trace)
	require.Equal(t, first.snap, m.cur.snap)
}

func TestStepHelpAndQuit(t *testing.T) {
	m := newTestStepper(t, "pipe_parent_child.txtar")
	m.Update(tea.WindowSizeMsg{Width: 90, Height: 25})
	require.Len(t, strings.Split(screen(m), "\n"), 25)
	press(m, "?")
	require.Contains(t, screen(m), "step one instruction")
	press(m, "x")
	require.Contains(t, screen(m), "-- processes")
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	require.NotNil(t, cmd)
	require.IsType(t, tea.QuitMsg{}, cmd())
}

// stepKeySet is what the random sequences press.
var stepKeySet = []string{"n", "s", "i", "p", "g", "c", "b", "r", "j", "k", "?", "x", "1", "0", "5", "w", "r", "i", "t", "e",
	"0x11058", "pid 2", "pipe#1", "enter", "esc", "backspace", "up", "down", "left", "right", "pgup", "pgdown", "space"}

// TestStepRandomKeys presses random keys: the stepper never panics, and
// the screen stays the terminal's size.
func TestStepRandomKeys(t *testing.T) {
	m := newTestStepper(t, "pipe_parent_child.txtar")
	r := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		press(m, "g")
		for range 25 {
			press(m, stepKeySet[r.IntN(len(stepKeySet))])
			require.Len(t, strings.Split(screen(m), "\n"), 40)
		}
	}
	for _, size := range [][2]int{{1, 1}, {20, 10}, {300, 100}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		press(m, "pgdown", "n", "down", "i")
		screen(m)
	}
}

// FuzzStepKeys presses the keys the fuzzer picks: no panic.
func FuzzStepKeys(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5})
	f.Add([]byte("cb0x1\x17"))
	m := newTestStepper(f, "pipe_parent_child.txtar")
	f.Fuzz(func(t *testing.T, keys []byte) {
		press(m, "esc", "g")
		for _, k := range keys {
			press(m, stepKeySet[int(k)%len(stepKeySet)])
			screen(m)
		}
	})
}

// TestStepBadInput: no file, a file that is not there, a bad scenario
// exit with 2 and the error ipcsim run gives.
func TestStepBadInput(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, exitBadInput, Main([]string{"step"}, nil, &out, &errb))
	require.Contains(t, errb.String(), "ipcsim step: expected one scenario file, found 0 arguments")

	bad := filepath.Join(t.TempDir(), "bad.txtar")
	require.NoError(t, os.WriteFile(bad, []byte("machine mem=banana\nspawn nothere.s\n"), 0o644))
	for _, file := range []string{bad, filepath.Join(t.TempDir(), "missing.txtar")} {
		var rout, rerr, sout, serr bytes.Buffer
		require.Equal(t, exitBadInput, Main([]string{"run", file}, nil, &rout, &rerr))
		require.Equal(t, exitBadInput, Main([]string{"step", file}, nil, &sout, &serr))
		require.NotEmpty(t, serr.String())
		require.Equal(t, rerr.String(), serr.String())
		require.Empty(t, sout.String())
	}
}

// TestStepReplay: ipcsim step --replay opens a failing schedule of
// explore at the store that loses the update, with the instructions in
// the trace; it steps back and forward on that run, and its end is the
// end of ipcsim run --replay's trace.
func TestStepReplay(t *testing.T) {
	const file = "explore_counter.txtar"
	path := "../../testdata/scenarios/" + file
	s, err := sim.Load(path)
	require.NoError(t, err)
	rep, err := explore.Explore(s, explore.Config{Strategy: "pct", Depth: 3, Schedules: 20, Build: explore.Build(), Workers: 1})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Failures)
	tok := rep.Failures[0].Token
	why, store, err := explore.ExplainAt(s, tok)
	require.NoError(t, err)
	require.NotZero(t, store)

	m, err := newStepModel(s, file, &tok)
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 40})
	at := screen(m)
	require.Contains(t, at, fmt.Sprintf("cycle %d ", store+1))
	require.Contains(t, at, "replay of a pct schedule: fails (")
	require.Contains(t, at, fmt.Sprintf("opened at the store that loses an update, cycle %d", store))
	require.Contains(t, at, "-- trace with instructions")
	require.Regexp(t, fmt.Sprintf(`^%d +pid \d+ +0x[0-9a-f]+: sw .*# stores`, store), traceTail(m))
	require.Contains(t, why[len(why)-1], "are lost")

	// Back one event, and forward again: the same screen.
	press(m, "p")
	require.NotEqual(t, at, screen(m))
	require.Contains(t, screen(m), fmt.Sprintf("cycle %d ", store))
	press(m, "g", "c")
	press(m, strings.Split(fmt.Sprint(store+1), "")...)
	press(m, "enter")
	require.Contains(t, screen(m), fmt.Sprintf("cycle %d ", store+1))

	// On to the end: the last event is ipcsim run --replay's last.
	for range 1000 {
		press(m, "n")
		if strings.Contains(screen(m), "no more events") {
			break
		}
	}
	require.Contains(t, screen(m), "no more events")
	var out, errb bytes.Buffer
	require.Equal(t, exitOK, Main([]string{"run", path, "--replay", tok.String()}, nil, &out, &errb), errb.String())
	trace, _, _ := strings.Cut(out.String(), "--- console")
	lines := strings.Split(strings.TrimSpace(trace), "\n")
	require.Equal(t, strings.TrimSpace(lines[len(lines)-1]), traceTail(m))
}

// TestStepReplayEndAndRefusal: a failure that is no lost update (a
// network fault that cuts carol off) opens at the end of the run; a token
// of another build is refused as ipcsim run refuses it.
func TestStepReplayEndAndRefusal(t *testing.T) {
	const file = "net_udp.txtar"
	path := "../../testdata/scenarios/" + file
	s, err := sim.Load(path)
	require.NoError(t, err)
	tok := explore.Token{Build: explore.Build(), Scenario: s.Fingerprint(), Strategy: "list",
		Net: []explore.NetFault{{Link: 1, Kind: "loss", Value: 1000000}}}
	m, err := newStepModel(s, file, &tok)
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 240, Height: 40})
	end := screen(m)
	require.Contains(t, end, "replay of a list schedule: fails (")
	require.Contains(t, end, "expect exit on alice pid 3 1: pid 3 (udpping) exited with status 0")
	require.Contains(t, end, fmt.Sprintf("opened at the end of the run, cycle %d", m.eng.end.Cycles))
	require.Contains(t, end, "alice pid 1   wait4(-1, NULL, 0, NULL) = 2")
	press(m, "n")
	require.Contains(t, screen(m), "no more events")
	press(m, "p")
	require.NotContains(t, screen(m), "alice pid 1   wait4(-1, NULL, 0, NULL) = 2")

	other := tok
	other.Build = "000000000000"
	var out, errb bytes.Buffer
	st := Main([]string{"step", path, "--replay", other.String()}, strings.NewReader(""), &out, &errb)
	require.Equal(t, exitBadInput, st)
	require.Contains(t, errb.String(), "ipcsim step: replay token from another build of ipcsim")
	errb.Reset()
	st = Main([]string{"step", "--seed=3", path, "--replay", tok.String()}, strings.NewReader(""), &out, &errb)
	require.Equal(t, exitBadInput, st)
	require.Contains(t, errb.String(), "not with --seed")
}

// TestStepReplayAssertion: a run that loses no update but breaks an
// always assertion opens where the assertion was first false.
func TestStepReplayAssertion(t *testing.T) {
	const path = "../../testdata/scenarios/assert_counter.txtar"
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	const race = "add:\tlw t1, 0(s1)\t\t\t# the race: load,\n\taddi t1, t1, 1\t\t\t# add,\n\tsw t1, 0(s1)\t\t\t# store\n"
	src := strings.Replace(string(data), race, "add:\tli t1, 1\n\tamoadd.w zero, t1, (s1)\n", 1)
	require.NotEqual(t, string(data), src, "assert_counter's loop is not as this test knows it")
	src = strings.Replace(src, "\nalways ", "\nalways shm 0x1234[0] <= 3\nalways ", 1)
	s, err := sim.Parse(path, []byte(src))
	require.NoError(t, err)
	tok := explore.Token{Build: explore.Build(), Scenario: s.Fingerprint(), Strategy: "list"}
	m, err := newStepModel(s, "assert_counter.txtar", &tok)
	require.NoError(t, err)
	m.Update(tea.WindowSizeMsg{Width: 300, Height: 40})
	require.Regexp(t, `opened where "always shm 0x1234\[0\] <= 3" was first false, cycle (\d+), `, screen(m))
	c := regexp.MustCompile(`was first false, cycle (\d+),`).FindStringSubmatch(screen(m))[1]
	require.Contains(t, screen(m), "ipcsim step assert_counter.txtar  |  cycle "+fmt.Sprint(mustAtoi(t, c)+1)+" ")
	require.Contains(t, screen(m), c+"  pid 0   assertion failed (line 31): always shm 0x1234[0] <= 3: false at the end of pid 3's time slice")
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
