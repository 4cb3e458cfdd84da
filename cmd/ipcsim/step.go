package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"ipcsim/explore"
	"ipcsim/kernel"
	"ipcsim/sim"
	"ipcsim/sim/asm"
)

// cmdStep is "ipcsim step [--seed=N] [--limit=N|none] [--replay TOKEN]
// FILE.txtar": the terminal stepper. bubbletea is imported here only, in
// cmd/: the core packages do not depend on it.
func cmdStep(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("step", flag.ContinueOnError)
	seed := seedFlag(fs)
	limit := limitFlag(fs)
	replay := fs.String("replay", "", "step through the schedule of this token from ipcsim explore, opened where it fails")
	if st := parseFlags(fs, interleave(fs, args), stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "ipcsim step: expected one scenario file, found %d arguments (see ipcsim help)\n", fs.NArg())
		return exitBadInput
	}
	s, err := sim.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	var tok *explore.Token
	if *replay != "" {
		if seed.set || limit.set {
			fmt.Fprintf(stderr, "ipcsim step: --replay runs the scenario as explored: not with --seed or --limit\n")
			return exitBadInput
		}
		_, t, err := replayToken(s, *replay) // refuses another build's token, as ipcsim run does
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim step: %v\n", err)
			return exitBadInput
		}
		tok = &t
	}
	s = override(s, seed, limit)
	m, err := newStepModel(s, fs.Arg(0), tok)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	p := tea.NewProgram(m, tea.WithInput(stdin), tea.WithOutput(stdout))
	if _, err := p.Run(); err != nil {
		fmt.Fprintf(stderr, "ipcsim step: %v\n", err)
		return exitBadInput
	}
	return exitOK
}

// stepModel is the stepper's bubbletea model. Update and View need no
// terminal: the tests drive them directly.
type stepModel struct {
	eng    *engine
	name   string // the scenario's file, for the title
	cur    *frame
	width  int
	height int

	sel      int    // the selected row of the processes pane
	objTop   int    // the first line of the kernel objects pane shown
	help     bool   // the keys are shown instead of the panes
	prompt   string // "cycle" or "break" while the user types one; "" otherwise
	input    string
	status   string // what the last key did, or why it could not
	brk      *breakpoint
	quitting bool
}

// newStepModel opens the stepper on scenario s at its start or, with a
// replay token (checked already), on the token's run where it fails (see
// openAtFailure).
func newStepModel(s *sim.Scenario, name string, tok *explore.Token) (*stepModel, error) {
	es := s
	if tok != nil {
		var err error
		if es, err = tok.ApplyNet(s); err != nil { // the network faults: the rest is in each run's options
			return nil, err
		}
	}
	eng, err := newEngine(es, tok)
	if err != nil {
		return nil, err
	}
	m := &stepModel{eng: eng, name: name, width: 120, height: 40}
	if tok != nil {
		return m, m.openAtFailure(s, *tok)
	}
	f, err := eng.frame(1, false)
	if err != nil {
		return nil, err
	}
	m.cur = f
	m.status = fmt.Sprintf("%d events in the run, which ends at cycle %d (%s). ? shows the keys", len(eng.timeline), eng.end.Cycles, eng.end.Reason)
	return m, nil
}

// openAtFailure puts the stepper of a replayed schedule where its failure
// shows: at the store that loses an update, if explore's explanation finds
// one (the trace then has the instructions, the store last); else at the
// point where an always assertion was first false; else at the end of the
// run, where its expectations were checked; at the start if the run does
// not fail. s is the scenario without the token's network
// faults (ExplainAt applies them). The status line says which, and the
// first expectation the run broke.
func (m *stepModel) openAtFailure(s *sim.Scenario, tok explore.Token) error {
	e := m.eng
	at, insns, where := uint64(1), false, "the run passes: opened at the start"
	if len(e.failed) > 0 {
		first, _, _ := strings.Cut(e.failed[0].String(), "\n")
		why, store, err := explore.ExplainAt(s, tok)
		if err != nil {
			return err
		}
		if b := e.broken; store > 0 {
			at, insns = store+1, true
			where = fmt.Sprintf("fails (%s); opened at the store that loses an update, cycle %d: %s", first, store, why[len(why)-1])
		} else if b.Cycle > 0 {
			at = b.Cycle + 1
			where = fmt.Sprintf("fails (%s); opened where %q was first false, cycle %d, %s: %s", first, e.brokenText, b.Cycle, b.At, b.State)
		} else {
			at = e.end.Cycles + 1
			where = fmt.Sprintf("fails (%s); opened at the end of the run, cycle %d (%s)", first, e.end.Cycles, e.end.Reason)
		}
	}
	f, err := e.frame(at, insns)
	if err != nil {
		return err
	}
	m.cur = f
	m.status = fmt.Sprintf("replay of a %s schedule: %s. p steps back, ? shows the keys", tok.Strategy, where)
	return nil
}

func (m *stepModel) Init() tea.Cmd { return nil }

// stepKeys is what ? shows.
const stepKeys = `keys:
  n, space, right   step one event (the next trace event, with the others of its cycle)
  s                 step to the end of the next system call event
  i                 step one instruction (the trace then shows the instructions)
  p, left, backspace one event back (replays the run from the start, or takes it from the cache)
  c                 run to a cycle: type its number, then enter
  b                 run to a breakpoint: a system call (write), pid N, an object
                    (pipe#1, tty) or watch ADDRESS (a store to that word); then enter
  r                 run on to the next hit of the breakpoint
  g                 go back to the start
  up, down, j, k    select a process or thread (its registers and code)
  pgup, pgdown      scroll the kernel objects
  ?                 show or hide these keys
  q, ctrl+c         quit
  esc               cancel typing a cycle or breakpoint`

func (m *stepModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 10)
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	return m, nil
}

// key handles one key press.
func (m *stepModel) key(k tea.KeyPressMsg) tea.Cmd {
	key := k.String()
	if key == "ctrl+c" {
		m.quitting = true
		return tea.Quit
	}
	if m.prompt != "" {
		switch key {
		case "esc":
			m.prompt, m.input, m.status = "", "", "cancelled"
		case "enter":
			p, in := m.prompt, m.input
			m.prompt, m.input = "", ""
			if p == "cycle" {
				m.runToCycle(in)
			} else {
				m.setBreakpoint(in)
			}
		case "backspace":
			if m.input != "" {
				_, n := utf8.DecodeLastRuneInString(m.input)
				m.input = m.input[:len(m.input)-n]
			}
		default:
			if k.Text != "" && len(m.input) < 80 {
				m.input += k.Text
			}
		}
		return nil
	}
	if m.help {
		m.help = false
		if key == "q" {
			m.quitting = true
			return tea.Quit
		}
		return nil
	}
	switch key {
	case "q":
		m.quitting = true
		return tea.Quit
	case "?":
		m.help = true
	case "n", "space", "right":
		m.stepTo(m.eng.next(m.cur.at, nil))
	case "s":
		m.stepTo(m.eng.next(m.cur.at, func(mk *mark) bool { return mk.kind == "syscall" || mk.kind == "block" }))
	case "i":
		at, ok, err := m.eng.nextInstruction(m.cur.at)
		if err != nil {
			m.status = err.Error()
			return nil
		}
		if !ok {
			m.status = m.endText()
			return nil
		}
		m.goTo(at, true)
	case "p", "left", "backspace":
		if m.cur.at <= 1 {
			m.status = "at the start: nothing before"
			return nil
		}
		m.goTo(m.eng.back(m.cur), m.cur.insns)
	case "g":
		m.goTo(1, false)
	case "c":
		m.prompt, m.input, m.status = "cycle", "", ""
	case "b":
		m.prompt, m.input, m.status = "break", "", ""
	case "r":
		if m.brk == nil {
			m.status = "no breakpoint yet: b sets one"
			return nil
		}
		m.runToBreak()
	case "up", "k":
		m.sel = max(0, m.sel-1)
	case "down", "j":
		m.sel = min(m.sel+1, max(0, len(m.rows())-1))
	case "pgup":
		m.objTop = max(0, m.objTop-10)
	case "pgdown":
		m.objTop += 10
	default:
		m.status = fmt.Sprintf("no key %s: ? shows the keys", key)
	}
	return nil
}

// stepTo goes to the position a search of the timeline found, or says the
// run has no more.
func (m *stepModel) stepTo(at uint64, ok bool) {
	if !ok {
		m.status = m.endText()
		return
	}
	m.goTo(at, false)
}

func (m *stepModel) endText() string {
	s := fmt.Sprintf("no more events: the run ends at cycle %d (%s)", m.eng.end.Cycles, m.eng.end.Reason)
	if m.eng.truncated {
		s = fmt.Sprintf("no more events kept: the run has more than %d (c runs to a later cycle)", maxTimeline)
	}
	return s
}

// goTo replays the run to cycle at.
func (m *stepModel) goTo(at uint64, insns bool) {
	f, err := m.eng.frame(at, insns)
	if err != nil {
		m.status = err.Error()
		return
	}
	m.cur, m.status = f, ""
	m.sel = min(m.sel, max(0, len(m.rows())-1))
}

func (m *stepModel) runToCycle(in string) {
	n, err := sim.ParseCount(strings.TrimSpace(in))
	if err != nil || n == 0 || n > sim.MaxCycleLimit {
		m.status = fmt.Sprintf("expected a cycle from 1 to 2^62, found %q", in)
		return
	}
	m.goTo(n, false)
}

func (m *stepModel) setBreakpoint(in string) {
	b, err := parseBreakpoint(in)
	if err != nil {
		m.status = err.Error()
		return
	}
	if b.watch {
		if err := m.eng.addWatch(b.addr); err != nil {
			m.status = err.Error()
			return
		}
		// The frames were forgotten: this one again, with the watch.
		f, err := m.eng.frame(m.cur.at, m.cur.insns)
		if err != nil {
			m.status = err.Error()
			return
		}
		m.cur = f
	}
	m.brk = b
	m.runToBreak()
}

func (m *stepModel) runToBreak() {
	at, ok := m.eng.next(m.cur.at, m.brk.match)
	if !ok {
		m.status = fmt.Sprintf("breakpoint %s: not reached again; %s", m.brk.text, m.endText())
		return
	}
	m.goTo(at, false)
	m.status = fmt.Sprintf("breakpoint %s reached at cycle %d (r: the next hit)", m.brk.text, at-1)
}

// row is one line of the processes pane: a process, or one of its
// threads.
type row struct {
	text string
	cpu  *kernel.CPUState
	who  string
}

func (m *stepModel) rows() []row {
	var out []row
	for _, p := range m.cur.snap.Procs {
		t := fmt.Sprintf("pid %-3d %-10s %-9s %s", p.PID, p.Name, p.State, p.Waiting)
		out = append(out, row{text: t, cpu: p.CPU, who: fmt.Sprintf("pid %d (%s)", p.PID, p.Name)})
		for _, th := range p.Threads {
			if th.TID == p.PID {
				continue
			}
			t := fmt.Sprintf("  tid %-3d %-8s %-9s %s", th.TID, th.Name, th.State, th.Waiting)
			out = append(out, row{text: t, cpu: th.CPU, who: fmt.Sprintf("pid %d tid %d", p.PID, th.TID)})
		}
	}
	return out
}

func (m *stepModel) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	return v
}

// render draws the screen as plain text, width by height.
func (m *stepModel) render() string {
	if m.quitting {
		return ""
	}
	w, h := m.width, m.height
	f := m.cur
	var lines []string
	where := fmt.Sprintf("cycle %d", f.at)
	if f.ended() {
		where = fmt.Sprintf("the end: %s at cycle %d", f.result.Reason, f.result.Cycles)
	}
	lines = append(lines, fit(fmt.Sprintf("ipcsim step %s  |  %s  |  %d events so far  |  ? keys, q quits", m.name, where, f.events), w))
	if m.help {
		for _, l := range strings.Split(stepKeys, "\n") {
			lines = append(lines, fit(l, w))
		}
		return pad(lines, h)
	}
	right := min(56, w/2) // the registers, three a line
	left := w - right - 1
	traceH := max(4, (h-2)/3)
	rest := h - 2 - traceH
	topH := max(3, min(rest/2, 12))
	botH := rest - topH

	rows := m.rows()
	var procs []string
	for i, r := range rows {
		mark := "  "
		if i == m.sel {
			mark = "> "
		}
		procs = append(procs, mark+r.text)
	}
	var sel row
	if m.sel < len(rows) {
		sel = rows[m.sel]
	}
	lines = append(lines, join(box("processes (up/down)", procs, left, topH), box("registers: "+sel.who, registers(sel.cpu, right), right, topH))...)

	var objs strings.Builder
	sim.WriteSnapshot(&objs, f.snap, false)
	ol := strings.Split(strings.TrimRight(objs.String(), "\n"), "\n")
	m.objTop = min(m.objTop, max(0, len(ol)-(botH-1)))
	lines = append(lines, join(box(fmt.Sprintf("kernel objects (pgup/pgdown, line %d of %d)", m.objTop+1, len(ol)), ol[m.objTop:], left, botH),
		box("code: "+sel.who, code(sel.cpu), right, botH))...)

	tr := f.trace
	if len(tr) > traceH-1 {
		tr = tr[len(tr)-(traceH-1):]
	}
	title := "trace (the last lines)"
	if f.insns {
		title = "trace with instructions (the last lines)"
	}
	lines = append(lines, box(title, tr, w, traceH)...)

	status := m.status
	switch m.prompt {
	case "cycle":
		status = "run to cycle: " + m.input + "_"
	case "break":
		status = "break on (write, pid 3, pipe#1, watch 0x11058): " + m.input + "_"
	}
	lines = append(lines, fit(status, w))
	return pad(lines, h)
}

// registers lists c's registers, as many a line as w columns hold
// (sim.IntRegisterLines, which inspect uses too).
func registers(c *kernel.CPUState, w int) []string {
	if c == nil {
		return []string{"(none: exited)"}
	}
	return append([]string{fmt.Sprintf("pc   %#x", c.PC)}, sim.IntRegisterLines(&c.X, max(1, w/18))...)
}

// code disassembles the instructions around pc: from the earliest address
// of the peeked code from which the instructions, one after another,
// reach pc.
func code(c *kernel.CPUState) []string {
	if c == nil || len(c.Code) == 0 {
		return []string{"(no code at pc)"}
	}
	words := map[uint64]uint32{}
	for _, cw := range c.Code {
		words[cw.Addr] = cw.Word
	}
	size := func(w uint32) uint64 {
		if w&3 != 3 {
			return 2
		}
		return 4
	}
	start := c.PC
	for a := c.PC - min(c.PC, kernel.CodeBefore); a < c.PC; a += 2 {
		p := a
		for p < c.PC {
			w, ok := words[p]
			if !ok {
				break
			}
			p += size(w)
		}
		if p == c.PC {
			start = a
			break
		}
	}
	var out []string
	for a := start; ; {
		w, ok := words[a]
		if !ok || w == 0 && a > c.PC {
			break // the end of what was peeked, or of the program's code (zeros)
		}
		mark := "  "
		if a == c.PC {
			mark = "=>"
		}
		out = append(out, fmt.Sprintf("%s %#x  %s", mark, a, asm.Disassemble(w, a)))
		a += size(w)
	}
	return out
}

// box draws a pane: a title line and h-1 lines of content, each w wide.
func box(title string, content []string, w, h int) []string {
	out := []string{fit("-- "+title+" "+strings.Repeat("-", max(0, w)), w)}
	for i := 0; i < h-1; i++ {
		l := ""
		if i < len(content) {
			l = content[i]
		}
		out = append(out, fit(l, w))
	}
	return out
}

// join puts two panes of the same height side by side.
func join(a, b []string) []string {
	out := make([]string, len(a))
	for i := range a {
		out[i] = a[i] + " " + b[i]
	}
	return out
}

// fit cuts or pads s to w columns (a rune a column).
func fit(s string, w int) string {
	s = strings.ReplaceAll(s, "\t", " ")
	n := utf8.RuneCountInString(s)
	if n > w {
		r := []rune(s)
		return string(r[:max(0, w)])
	}
	return s + strings.Repeat(" ", w-n)
}

// pad makes the screen h lines tall.
func pad(lines []string, h int) string {
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:h], "\n")
}
