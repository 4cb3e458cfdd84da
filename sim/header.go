package sim

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/kernel"
)

// header parses the directives at the top of a scenario (the txtar comment).
//
//	machine mem=16M quantum=200 trapcost=0 seed=1 jitter=0 limit=2000000|none maxprocs=64 echo=off
//	spawn FILE [ARG...]
//	install FILE [at PATH [mode=OCTAL]]
//	at CYCLE key "STRING"
//	expect exit WHO STATUS | expect signal WHO SIGNAL | expect console "STRING"
//	expect seeds FROM..TO always|sometimes|never EXPECTATION
//	expect unimplemented NAME...
//	cc glibc | cc rt DIR
//	fault CALL N|p=PROB ERRNO|short|kill [by WHO] | fault kill WHO at call N (faults.go)
//	always|eventually|sometimes COND (assert.go)
//	host NAME ip=ADDRESS ... | link A B latency=... | at CYCLE down|partition|heal ...
//
// The host lines, and the "on HOST" that spawn, install, key and expect
// lines take in a scenario with hosts, are in hosts.go.
//
// WHO is the name a process was spawned as, or "pid N". EXPECTATION is any
// of the three forms exit, signal and console after expect: "expect seeds
// 1..100 never exit locked 1". NAME is a system call's name as the trace
// writes it (socket, or syscall_0x1f4 for a number Linux does not define).
type header struct {
	s        *Scenario
	errs     *ErrorList
	readDisk func(name string) (path string, data []byte, err error)
	opts     LoadOptions
	files    map[string]int      // archive file name -> index in s.sections
	programs map[string]*Program // installed name -> program
	settings map[string]int      // machine setting -> line where it was set
	unimpl   int                 // the line of the expect unimplemented line, or 0
	cc       ccLine              // the cc line: how C programs are built
	cprogs   []cprog             // the C programs, built once the whole header is read
	line     int                 // the line being parsed
	asserts  assertHeader        // what the assertions need once every line is read (assert.go)
}

func (h *header) at(col int) Pos { return Pos{Filename: h.s.Path, Line: h.line, Col: col} }

// parse reads every header line, then resolves the expect lines that name a
// process, and checks that something is spawned.
func (h *header) parse(comment []byte) {
	h.settings = map[string]int{}
	lines := strings.Split(string(comment), "\n")
	// Host lines first, so that every other line may name any host.
	for i, ln := range lines {
		h.line = i + 1
		ln = strings.TrimSuffix(ln, "\r")
		var errs ErrorList // the main pass reports the line's bad strings
		if words := splitWords(ln, h.at, &errs); len(words) > 0 && len(errs) == 0 && words[0].val == "host" && !words[0].quoted {
			h.hostLine(words[1:], len(ln)+1)
		}
	}
	for i, ln := range lines {
		h.line = i + 1
		ln = strings.TrimSuffix(ln, "\r")
		before := len(*h.errs)
		words := splitWords(ln, h.at, h.errs)
		if len(words) == 0 || len(*h.errs) > before {
			continue // a line with a bad string says nothing more
		}
		end := len(ln) + 1 // column just past the line, for "found end of line"
		switch d := words[0]; {
		case d.quoted:
			h.errs.Add(h.at(d.col), "expected a directive (machine, host, link, spawn, install, watch, at, expect, fault or cc), found %s", d.text)
		case d.val == "host":
			// read above
		case d.val == "link":
			h.linkLine(words[1:], end)
		case d.val == "machine":
			h.machine(words[1:], end)
		case d.val == "spawn":
			h.spawn(words[1:], end)
		case d.val == "install":
			h.install(words[1:], end)
		case d.val == "watch":
			h.watch(words[1:], end)
		case d.val == "at":
			h.keys(words[1:], end, ln)
		case d.val == "expect":
			h.expect(words[1:], end, ln)
		case d.val == "cc":
			h.ccDirective(words[1:], end)
		case d.val == "always" || d.val == "eventually" || d.val == "sometimes":
			h.assertion(d, ln)
		case d.val == "fault":
			h.fault(words[1:], end) // faults.go
		default:
			h.errs.Add(h.at(d.col), "unknown directive %q: expected machine, host, link, spawn, install, watch, at, expect, fault, cc, always, eventually or sometimes", d.val)
		}
	}
	h.buildCPrograms()
	h.resolveExpects()
	h.resolveAsserts()
	h.checkInstalls()
	h.checkHostSections()
	if _, set := h.settings["limit"]; !set {
		h.s.Machine.CycleLimit = DefaultCycleLimit
	}
	if len(h.s.Spawns) == 0 && len(*h.errs) == 0 {
		h.line = 1
		h.errs.Add(h.at(1), "no spawn directive: a scenario starts at least one program (spawn FILE)")
	}
}

// machine parses "machine key=value ...".
func (h *header) machine(words []word, end int) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a setting (mem=, quantum=, trapcost=, seed=, jitter=, limit=, maxprocs=, echo=, insns=) after machine, found end of line")
		return
	}
	m := &h.s.Machine
	for _, w := range words {
		key, val, ok := strings.Cut(w.val, "=")
		if !ok || w.quoted {
			h.errs.Add(h.at(w.col), "expected setting=value, found %s", w.text)
			continue
		}
		if line, dup := h.settings[key]; dup {
			h.errs.Add(h.at(w.col), "duplicate setting %s (first set at line %d)", key, line)
			continue
		}
		h.settings[key] = h.line
		vcol := w.col + len(key) + 1
		var err string
		switch key {
		case "seed":
			m.Seed, err = parseCount(val)
		case "limit":
			m.CycleLimit, err = parseSetting(key, val)
		default:
			var known bool
			if err, known = m.set(key, val); !known {
				h.errs.Add(h.at(w.col), "unknown machine setting %q: expected mem, quantum, trapcost, seed, jitter, limit, maxprocs, echo or insns", key)
				continue
			}
		}
		if err != "" {
			h.errs.Add(h.at(vcol), "bad %s %q: %s", key, val, err)
		}
	}
}

// set sets one of the settings that a host line may give as well as the
// machine line (hostSettings): it returns a message saying what was
// expected of val, or "", and whether key is one of them.
func (m *Machine) set(key, val string) (err string, known bool) {
	switch key {
	case "mem":
		m.MemBytes, err = parseSetting(key, val)
	case "quantum":
		m.Quantum, err = parseSetting(key, val)
	case "trapcost":
		m.TrapCost, err = parseSetting(key, val)
	case "jitter":
		m.Jitter, err = parseSetting(key, val)
	case "echo":
		m.Echo, err = parseOnOff(val)
	case "insns":
		m.TraceInstructions, err = parseOnOff(val)
	case "maxprocs":
		var n uint64
		n, err = parseSetting(key, val)
		m.MaxProcs = int(n)
	default:
		return "", false
	}
	return err, true
}

// parseOnOff parses "on" or "off".
func parseOnOff(s string) (bool, string) {
	switch s {
	case "on":
		return true, ""
	case "off":
		return false, ""
	}
	return false, "expected on or off"
}

// parseCount parses a decimal count; underscores may group digits (2_000_000).
// It returns a message saying what was expected, or "".
func parseCount(s string) (uint64, string) {
	digits := strings.ReplaceAll(s, "_", "")
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || digits == "" || s[0] == '_' {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, "expected a number below 2^64"
		}
		return 0, "expected a decimal number"
	}
	return n, ""
}

// parseSize parses a byte count with an optional binary suffix: 65536,
// 64K, 16M, 1G.
func parseSize(s string) (uint64, string) {
	mult := uint64(1)
	num := s
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K', 'k':
			mult, num = 1<<10, s[:n-1]
		case 'M', 'm':
			mult, num = 1<<20, s[:n-1]
		case 'G', 'g':
			mult, num = 1<<30, s[:n-1]
		}
	}
	n, msg := parseCount(num)
	if msg != "" {
		return 0, "expected a size such as 65536, 64K, 16M or 1G"
	}
	if n > math.MaxUint64/mult {
		return math.MaxUint64, "" // beyond any range: the caller says which
	}
	return n * mult, ""
}

// spawn parses "spawn FILE [ARG...]".
func (h *header) spawn(words []word, end int) { h.spawnAt(words, end, 0, false) }

// spawnAt parses the rest of a spawn line: "[on HOST] [bg|fg] [as
// UID[:GID]] PROG ARGS", at the start (timed false) or "at CYCLE spawn".
func (h *header) spawnAt(words []word, end int, at uint64, timed bool) {
	var uid, gid int
	host, used, ok := h.onHost(words, end, "spawn")
	if !ok {
		return
	}
	words = words[used:]
	background := false
	if len(words) > 0 && !words[0].quoted && (words[0].val == "bg" || words[0].val == "fg") {
		background = words[0].val == "bg"
		words = words[1:]
	}
	if len(words) > 0 && words[0].val == "as" && !words[0].quoted {
		// "spawn as UID[:GID] PROG": the program runs as that user.
		if len(words) < 2 {
			h.errs.Add(h.at(end), "expected UID or UID:GID after spawn as, found end of line")
			return
		}
		var ok bool
		if uid, gid, ok = parseIDs(words[1].val); !ok {
			h.errs.Add(h.at(words[1].col), "expected UID or UID:GID (numbers up to 65535), found %s", words[1].text)
			return
		}
		words = words[2:]
	}
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a program file after spawn, found end of line")
		return
	}
	p := h.program(words[0])
	if p == nil {
		return
	}
	sp := Spawn{Pos: h.at(words[0].col), Program: p, Args: []string{}, UID: uid, GID: gid, Host: host,
		Background: background, At: at, Timed: timed}
	for _, w := range words[1:] {
		sp.Args = append(sp.Args, w.val)
	}
	h.s.Spawns = append(h.s.Spawns, sp)
}

// parseIDs parses "UID" or "UID:GID" (the group defaults to the user's
// number, as a user's private group does).
func parseIDs(s string) (uid, gid int, ok bool) {
	u, g, hasGroup := strings.Cut(s, ":")
	if !hasGroup {
		g = u
	}
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if err1 != nil || err2 != nil || uid < 0 || gid < 0 || uid > 65535 || gid > 65535 {
		return 0, 0, false
	}
	return uid, gid, true
}

// install parses "install FILE [at PATH [mode=OCTAL]]". Without at, FILE
// is a program installed as /bin/BASE (0755), as spawn installs it. With
// at, FILE (a program or a data file, from the archive or from disk) goes
// to PATH, with mode OCTAL, or 0755 for a program (FILE.s, or an ELF) and
// 0644 for anything else; the bytes are installed as they are, so that a
// scenario can show execve refusing a file that is not a program.
func (h *header) install(words []word, end int) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a program or data file after install, found end of line")
		return
	}
	file := words[0]
	if len(words) == 1 {
		h.program(file)
		return
	}
	if words[1].val != "at" || words[1].quoted {
		h.errs.Add(h.at(words[1].col), "expected at PATH or end of line after install %s, found %s", file.text, words[1].text)
		return
	}
	if len(words) == 2 {
		h.errs.Add(h.at(end), "expected an absolute path after install %s at, found end of line", file.text)
		return
	}
	pw := words[2]
	if msg := checkInstallPath(pw.val); msg != "" || pw.quoted {
		if msg == "" {
			msg = "expected a path, not a string"
		}
		h.errs.Add(h.at(pw.col), "bad path %s: %s", pw.text, msg)
		return
	}
	host := -1
	if n := len(words); n >= 5 && words[n-2].val == "on" && !words[n-2].quoted {
		// "install FILE at PATH [mode=OCTAL] on HOST": on that host only.
		if host = h.host(words[n-1]); host < 0 {
			return
		}
		words = words[:n-2]
	}
	for _, in := range h.s.Installs {
		if in.Path == pw.val && (in.Host == host || in.Host < 0 || host < 0) {
			h.errs.Add(h.at(pw.col), "%s is already installed (line %d)", pw.val, in.Pos.Line)
			return
		}
	}
	mode := uint32(0)
	if len(words) > 3 {
		mw := words[3]
		v, ok := strings.CutPrefix(mw.val, "mode=")
		n, err := strconv.ParseUint(v, 8, 32)
		if !ok || mw.quoted || err != nil || n > 07777 {
			h.errs.Add(h.at(mw.col), "expected mode=OCTAL (such as mode=0644, at most 07777), on HOST or end of line, found %s", mw.text)
			return
		}
		mode = uint32(n) | 1<<31 // marked as given
		if len(words) > 4 {
			h.errs.Add(h.at(words[4].col), "expected end of line after %s, found %s", mw.text, words[4].text)
			return
		}
	}
	data, isProg, ok := h.fileData(file)
	if !ok {
		return
	}
	switch {
	case mode != 0:
		mode &= 07777
	case isProg:
		mode = 0755
	default:
		mode = 0644
	}
	h.s.Installs = append(h.s.Installs, Install{Pos: h.at(file.col), Source: file.val, Path: pw.val, Data: data, Mode: mode, Host: host})
}

// checkInstallPath says what is wrong with an install path, or "".
func checkInstallPath(p string) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return "expected an absolute path such as /etc/data"
	case p == "/" || strings.HasSuffix(p, "/"):
		return "expected the path of a file, not of a directory"
	case path.Clean(p) != p:
		return "expected a clean path (no ., .. or //)"
	case len(p) >= 4096:
		return "longer than PATH_MAX (4096 bytes with its NUL)"
	}
	for _, c := range strings.Split(p[1:], "/") {
		if len(c) > 255 {
			return "a component is longer than NAME_MAX (255 bytes)"
		}
	}
	return ""
}

// checkInstalls refuses an install at a program's /bin path: the two
// would be one file.
func (h *header) checkInstalls() {
	for _, in := range h.s.Installs {
		for _, p := range h.s.Programs {
			if p.Path() == in.Path {
				h.errs.Add(in.Pos, "%s is where %s (line %d) is installed as a program", in.Path, p.Source, p.Pos.Line)
			}
		}
	}
}

// keys parses "at CYCLE key STRING".
func (h *header) keys(words []word, end int, line string) {
	want := []string{"a cycle number", "key", "a quoted string"}
	for i, what := range want {
		if i == 1 && len(words) > 1 && !words[1].quoted {
			if v := words[1].val; v != "key" {
				break // the kind is checked below
			}
		}
		if i >= len(words) {
			h.errs.Add(h.at(end), "expected %s (at CYCLE key \"STRING\"), found end of line", what)
			return
		}
	}
	at, msg := parseCount(words[0].val)
	if msg != "" || words[0].quoted {
		h.errs.Add(h.at(words[0].col), "bad cycle %s: expected a decimal number", words[0].text)
		return
	}
	if at > MaxCycleLimit {
		// Past any cycle limit, and the kernel's clock must stay far from 2^64.
		h.errs.Add(h.at(words[0].col), "bad cycle %s: expected a cycle from 0 to 2^62", words[0].text)
		return
	}
	pos := h.at(1 + len(line) - len(strings.TrimLeft(line, " \t")))
	if v := words[1].val; !words[1].quoted && (v == "down" || v == "up" || v == "partition" || v == "heal") {
		h.timed(at, words[1:], end, pos)
		return
	}
	if v := words[1].val; !words[1].quoted && (v == "kill" || v == "spawn" || v == "inspect") {
		h.action(at, words[1:], end, pos)
		return
	}
	if words[1].val != "key" || words[1].quoted {
		expected := "key, kill, spawn or inspect"
		if len(h.s.Hosts) > 0 {
			expected = "key, kill, spawn, inspect, down, up, partition or heal"
		}
		h.errs.Add(h.at(words[1].col), "expected %s, found %s", expected, words[1].text)
		return
	}
	host, used, ok := h.onHost(words[2:], end, "key")
	if !ok {
		return
	}
	words = append(words[:2:2], words[2+used:]...)
	if len(words) < 3 {
		h.errs.Add(h.at(end), "expected a quoted string (at CYCLE key \"STRING\"), found end of line")
		return
	}
	if !words[2].quoted {
		h.errs.Add(h.at(words[2].col), "expected a quoted string such as \"ls\\n\" or \"^C\", found %s", words[2].text)
		return
	}
	if len(words) > 3 {
		h.errs.Add(h.at(words[3].col), "expected end of line after the keys, found %s", words[3].text)
		return
	}
	if words[2].val == "" {
		h.errs.Add(h.at(words[2].col), "expected at least one key, found an empty string")
		return
	}
	h.s.Keys = append(h.s.Keys, Keys{Pos: pos, At: at, Keys: caretKeys(words[2].val), Host: host})
}

// expect parses the forms of expect line.
func (h *header) expect(words []word, end int, line string) {
	e := Expect{Pos: h.at(1 + len(line) - len(strings.TrimLeft(line, " \t"))), Text: strings.TrimSpace(stripComment(line))}
	after := "expect"
	if len(words) > 0 && words[0].val == "seeds" && !words[0].quoted {
		r, ok := h.seedRange(words[1:], end)
		if !ok {
			return
		}
		words = words[3:]
		if len(words) > 0 {
			r.What = strings.TrimSpace(stripComment(line)[words[0].col-1:])
		}
		e.Seeds, after = r, r.Quantifier.String()
	}
	forms := "exit, signal or console"
	if e.Seeds == nil {
		forms = "exit, signal, console or unimplemented"
	}
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected %s after %s, found end of line", forms, after)
		return
	}
	kind, rest := words[0], words[1:]
	switch {
	case kind.val == "unimplemented" && !kind.quoted:
		if e.Seeds != nil {
			h.errs.Add(h.at(kind.col), "expect unimplemented states the run with the machine's own seed: it cannot follow seeds")
			return
		}
		e.Kind = ExpectUnimplemented
		if e.Calls = h.callNames(rest, end); e.Calls == nil {
			return
		}
		if h.unimpl != 0 {
			h.errs.Add(h.at(kind.col), "duplicate expect unimplemented (first at line %d): name every call on one line", h.unimpl)
			return
		}
		h.unimpl = h.line
		rest = nil
	case kind.val == "console" && !kind.quoted:
		e.Kind = ExpectConsole
		host, used, ok := h.onHost(rest, end, "expect console")
		if !ok {
			return
		}
		e.Host, rest = host, rest[used:]
		if len(rest) == 0 {
			h.errs.Add(h.at(end), "expected a quoted string after expect console, found end of line")
			return
		}
		if !rest[0].quoted {
			h.errs.Add(h.at(rest[0].col), "expected a quoted string after expect console, found %s", rest[0].text)
			return
		}
		e.Console = []byte(rest[0].val)
		rest = rest[1:]
	case (kind.val == "exit" || kind.val == "signal") && !kind.quoted:
		host, used, ok := h.onHost(rest, end, "expect "+kind.val)
		if !ok {
			return
		}
		e.Host, rest = host, rest[used:]
		who, n, ok := h.who(rest, end)
		if !ok {
			return
		}
		e.Who, rest = who, rest[n:]
		if len(rest) == 0 {
			what := "an exit status"
			if kind.val == "signal" {
				what = "a signal name such as SIGSEGV"
			}
			h.errs.Add(h.at(end), "expected %s after expect %s %s, found end of line", what, kind.val, who.Name)
			return
		}
		v := rest[0]
		if kind.val == "exit" {
			e.Kind = ExpectExit
			n, msg := parseCount(v.val)
			if msg != "" || v.quoted || n > 255 {
				h.errs.Add(h.at(v.col), "bad exit status %s: expected a number from 0 to 255", v.text)
				return
			}
			e.Status = int(n)
		} else {
			e.Kind = ExpectSignal
			sig, ok := abi.SignalByName(v.val)
			if !ok || v.quoted {
				h.errs.Add(h.at(v.col), "unknown signal %s: expected a name such as SIGINT, SIGKILL or SIGSEGV", v.text)
				return
			}
			e.Signal = int(sig)
		}
		rest = rest[1:]
	default:
		h.errs.Add(h.at(kind.col), "expected %s after %s, found %s", forms, after, kind.text)
		return
	}
	if len(rest) > 0 {
		h.errs.Add(h.at(rest[0].col), "expected end of line, found %s", rest[0].text)
		return
	}
	h.s.Expects = append(h.s.Expects, e)
}

// callNames parses the names of an expect unimplemented line: system
// calls as the trace names them. It returns them sorted, each once, or nil
// after an error.
func (h *header) callNames(words []word, end int) []string {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected system call names after expect unimplemented (such as socket bind), found end of line")
		return nil
	}
	var names []string
	for _, w := range words {
		if w.quoted || !isSyscallName(w.val) {
			h.errs.Add(h.at(w.col), "unknown system call %s: expected a name as the trace writes it, such as socket or syscall_0x1f4", w.text)
			return nil
		}
		names = append(names, w.val)
	}
	sort.Strings(names)
	return dedup(names)
}

// syscallNames holds the name of every system call Linux defines.
var syscallNames = func() map[string]bool {
	m := map[string]bool{}
	for _, no := range abi.Sysnos() {
		m[no.String()] = true
	}
	return m
}()

// isSyscallName reports whether name is what the trace calls some system
// call: a name Linux defines, or syscall_0xN (hex, as strace writes it) for a number it does not.
func isSyscallName(name string) bool {
	if syscallNames[name] {
		return true
	}
	n, ok := strings.CutPrefix(name, "syscall_0x")
	if !ok {
		return false
	}
	v, err := strconv.ParseUint(n, 16, 64)
	return err == nil && abi.Sysno(v).String() == name
}

// seedRange parses "FROM..TO QUANTIFIER", the words after "expect seeds".
// On success it has used two words.
func (h *header) seedRange(words []word, end int) (*SeedRange, bool) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a seed range such as 1..100 after seeds, found end of line")
		return nil, false
	}
	w := words[0]
	from, to, ok := strings.Cut(w.val, "..")
	a, msgA := parseCount(from)
	b, msgB := parseCount(to)
	switch {
	case w.quoted || !ok || msgA != "" || msgB != "":
		h.errs.Add(h.at(w.col), "bad seed range %s: expected FROM..TO such as 1..100", w.text)
		return nil, false
	case a > b:
		h.errs.Add(h.at(w.col), "bad seed range %s: expected FROM..TO with FROM at most TO", w.text)
		return nil, false
	case b-a >= MaxSeeds:
		h.errs.Add(h.at(w.col), "seed range %s holds more than %d seeds: a scenario runs once per seed, at most %d times per range", w.text, MaxSeeds, MaxSeeds)
		return nil, false
	}
	r := &SeedRange{From: a, To: b}
	if len(words) < 2 {
		h.errs.Add(h.at(end), "expected always, sometimes or never after seeds %s, found end of line", w.text)
		return nil, false
	}
	switch q := words[1]; {
	case q.quoted:
		h.errs.Add(h.at(q.col), "expected always, sometimes or never, found %s", q.text)
		return nil, false
	case q.val == "always":
		r.Quantifier = Always
	case q.val == "sometimes":
		r.Quantifier = Sometimes
	case q.val == "never":
		r.Quantifier = Never
	default:
		h.errs.Add(h.at(q.col), "expected always, sometimes or never, found %s", q.text)
		return nil, false
	}
	return r, true
}

// who parses the process of an expect line: "pid N" or a spawned name. It
// returns how many words it used. A name is resolved once all spawns are
// known (resolveExpects).
func (h *header) who(words []word, end int) (Who, int, bool) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a process (a spawned program's name, or pid N), found end of line")
		return Who{}, 0, false
	}
	if words[0].val == "pid" && !words[0].quoted {
		if len(words) < 2 {
			h.errs.Add(h.at(end), "expected a process id after pid, found end of line")
			return Who{}, 0, false
		}
		n, msg := parseCount(words[1].val)
		if msg != "" || n < 1 || n > 1<<22 || words[1].quoted {
			h.errs.Add(h.at(words[1].col), "bad pid %s: expected a process id (a number from 1)", words[1].text)
			return Who{}, 0, false
		}
		return Who{Spawn: -1, PID: int(n), Name: "pid " + strconv.Itoa(int(n))}, 2, true
	}
	// Spawn -2 marks a name that resolveExpects turns into a spawn.
	return Who{Spawn: -2, Name: words[0].val, col: words[0].col}, 1, true
}

// resolveExpects turns the process names of expect lines into spawns.
func (h *header) resolveExpects() {
	for i := range h.s.Expects {
		e := &h.s.Expects[i]
		if e.Who.Spawn != -2 {
			continue
		}
		pos := Pos{Filename: h.s.Path, Line: e.Pos.Line, Col: e.Who.col}
		var found []int
		for j, sp := range h.s.Spawns {
			if sp.Program.Name == e.Who.Name && sp.Host == e.Host {
				found = append(found, j)
			}
		}
		switch len(found) {
		case 1:
			e.Who.Spawn = found[0]
		case 0:
			var names []string
			for _, sp := range h.s.Spawns {
				if sp.Host == e.Host {
					names = append(names, sp.Program.Name)
				}
			}
			sort.Strings(names)
			names = dedup(names)
			where := ""
			if len(h.s.Hosts) > 0 {
				where = " on " + h.s.Hosts[e.Host].Name
			}
			if len(names) == 0 {
				h.errs.Add(pos, "no process spawned as %q%s: no spawn line starts a process there", e.Who.Name, where)
				continue
			}
			h.errs.Add(pos, "no process spawned as %q%s: expected pid N or one of the spawned names (%s)", e.Who.Name, where, strings.Join(names, ", "))
		default:
			h.errs.Add(pos, "%q is spawned %d times: name the process as pid N", e.Who.Name, len(found))
		}
	}
}

func dedup(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// stripComment removes a trailing # comment that is not inside a string.
func stripComment(line string) string {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"', '`':
			if j := closingQuote(line, i); j >= 0 {
				i = j
			}
		case '#':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				return line[:i]
			}
		}
	}
	return line
}

// ParseCount parses a decimal count as the machine settings do; underscores
// may group digits (2_000_000).
func ParseCount(s string) (uint64, error) {
	n, msg := parseCount(s)
	if msg != "" {
		return 0, fmt.Errorf("bad number %q: %s", s, msg)
	}
	return n, nil
}

// watch parses "watch [on HOST] ADDRESS [size=1|2|4|8]": a word of
// memory whose every store the trace reports (kernel.Watch). In place of
// ADDRESS, "shm KEY[+OFFSET]" or "shm#N[+OFFSET]" names a word of a
// System V shared memory segment, watched wherever it is attached: the
// segment shmget makes with that key, or the Nth segment made on the host
// (as pipe#1 is the first pipe), which names IPC_PRIVATE ones too.
func (h *header) watch(words []word, end int) {
	host, used, ok := h.onHost(words, end, "watch")
	if !ok {
		return
	}
	words = words[used:]
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected an address after watch (watch 0x12340, watch shm 0x1234+8 or watch shm#1), found end of line")
		return
	}
	w := Watch{Pos: h.at(1), Size: 4, Host: host}
	a := words[0]
	switch {
	case a.val == "shm" && !a.quoted:
		if len(words) == 1 {
			h.errs.Add(h.at(end), "expected a segment's key after watch shm (watch shm 0x1234+8), found end of line")
			return
		}
		words = words[1:]
		a = words[0]
		seg, off, ok := h.segmentWord(a, false)
		if !ok {
			return
		}
		w.Segment, w.Addr = seg, off
	case strings.HasPrefix(a.val, "shm#") && !a.quoted:
		seg, off, ok := h.segmentWord(a, true)
		if !ok {
			return
		}
		w.Segment, w.Addr = seg, off
	default:
		addr, err := strconv.ParseUint(strings.ReplaceAll(a.val, "_", ""), 0, 64)
		if err != nil || a.quoted {
			h.errs.Add(h.at(a.col), "bad address %s: expected a number such as 0x12340, or shm KEY+OFFSET", a.text)
			return
		}
		w.Addr = addr
	}
	for _, x := range words[1:] {
		k, v, _ := strings.Cut(x.val, "=")
		switch {
		case k == "size" && !x.quoted && (v == "1" || v == "2" || v == "4" || v == "8"):
			w.Size, _ = strconv.ParseUint(v, 10, 64)
		default:
			h.errs.Add(h.at(x.col), "expected size=1, 2, 4 or 8 after the address, found %s", x.text)
			return
		}
	}
	if w.Addr%w.Size != 0 {
		what := "address"
		if w.Segment != nil {
			what = "segment word"
		}
		h.errs.Add(h.at(a.col), "%s %s is not aligned to its size %d", what, a.text, w.Size)
		return
	}
	h.s.Watches = append(h.s.Watches, w)
}

// segmentWord parses the word after "watch shm", KEY[+OFFSET], or
// (byOrder) the word shm#N[+OFFSET], into a segment's name and the
// word's offset in it.
func (h *header) segmentWord(a word, byOrder bool) (*kernel.SegmentName, uint64, bool) {
	name, offText, hasOff := strings.Cut(a.val, "+")
	var off uint64
	if hasOff {
		var err error
		off, err = strconv.ParseUint(strings.ReplaceAll(offText, "_", ""), 0, 64)
		if err != nil || a.quoted {
			h.errs.Add(h.at(a.col), "bad offset in %s: expected a number after +, such as shm 0x1234+8", a.text)
			return nil, 0, false
		}
	}
	if byOrder {
		n, err := strconv.Atoi(strings.TrimPrefix(name, "shm#"))
		if err != nil || n < 1 {
			h.errs.Add(h.at(a.col), "bad segment %s: expected shm#N, N = 1 for the first segment made, such as shm#1+8", a.text)
			return nil, 0, false
		}
		return &kernel.SegmentName{Nth: n}, off, true
	}
	key, err := strconv.ParseInt(strings.ReplaceAll(name, "_", ""), 0, 64)
	if err != nil || a.quoted || key < math.MinInt32 || key > math.MaxUint32 {
		h.errs.Add(h.at(a.col), "bad key %s: expected the key given to shmget, such as 0x1234 or 0x1234+8", a.text)
		return nil, 0, false
	}
	if key == abi.IPC_PRIVATE {
		h.errs.Add(h.at(a.col), "key 0 is IPC_PRIVATE, which names no one segment: name it by its order of creation, such as shm#1")
		return nil, 0, false
	}
	return &kernel.SegmentName{Key: int32(uint32(key))}, off, true
}

// action parses "at CYCLE kill [on HOST] PID SIGNAL", "at CYCLE spawn
// ...", and "at CYCLE inspect [on HOST]".
func (h *header) action(at uint64, words []word, end int, pos Pos) {
	kind := words[0]
	if kind.val == "spawn" {
		h.spawnAt(words[1:], end, at, true)
		return
	}
	host, used, ok := h.onHost(words[1:], end, kind.val)
	if !ok {
		return
	}
	words = words[1+used:]
	if kind.val == "inspect" {
		if len(words) > 0 {
			h.errs.Add(h.at(words[0].col), "expected end of line after inspect, found %s", words[0].text)
			return
		}
		h.s.Actions = append(h.s.Actions, Action{Pos: pos, At: at, Host: host, Kind: "inspect"})
		return
	}
	if len(words) < 2 {
		h.errs.Add(h.at(end), "expected a pid and a signal (at CYCLE kill PID SIGINT), found end of line")
		return
	}
	pid, err := strconv.Atoi(words[0].val)
	if err != nil || pid < 2 || words[0].quoted {
		h.errs.Add(h.at(words[0].col), "bad pid %s: expected a process id from 2 up (init, pid 1, takes no signal it has no handler for)", words[0].text)
		return
	}
	sig, ok := parseSignal(words[1].val)
	if !ok || words[1].quoted {
		h.errs.Add(h.at(words[1].col), "bad signal %s: expected a name such as SIGINT or INT, or a number from 1 to %d", words[1].text, abi.NSIG)
		return
	}
	if len(words) > 2 {
		h.errs.Add(h.at(words[2].col), "expected end of line after kill %s %s, found %s", words[0].val, words[1].val, words[2].text)
		return
	}
	h.s.Actions = append(h.s.Actions, Action{Pos: pos, At: at, Host: host, Kind: "kill", PID: pid, Signal: sig})
}

// parseSignal reads a signal by name (SIGINT, INT) or number.
func parseSignal(s string) (abi.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return abi.Signal(n), n >= 1 && n <= abi.NSIG
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	for sig := abi.Signal(1); sig <= abi.NSIG; sig++ {
		if sig.String() == name {
			return sig, true
		}
	}
	return 0, false
}
