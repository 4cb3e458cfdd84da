package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"ipcsim/kernel"
)

// Assertions: "always COND", "eventually COND" and "sometimes COND" lines
// state what must hold while a run goes, as Antithesis's assertions do,
// where an expect line states how it ended. COND is a small language over
// the console, how processes ended and the kernel's state:
//
//	always pipe#1.bytes <= 4096 && zombies <= 1
//	eventually console of reader contains "done\n"
//	sometimes state writer == blocked
//
// In a scenario with host lines each assertion is about one host, named
// after its first word as spawn and expect lines name theirs: every test
// of the condition reads that host's console, processes and objects.
//
//	always on server tcp established <= 1
//
// The grammar (a hand-written recursive descent, below):
//
//	line    = ( "always" | "eventually" | "sometimes" ) [ "on" HOST ] cond
//	cond    = and { "||" and }
//	and     = unary { "&&" unary }
//	unary   = "!" unary | "(" cond ")" | atom
//	atom    = "console" [ "of" who ] "contains" STRING
//	        | "exited" who
//	        | value op NUMBER
//	        | "state" who ( "==" | "!=" ) STATE
//	value   = "exit" who | "procs" | "zombies" | "pipe" "#" N "." "bytes"
//	        | "msgq" ref "." "count" | "sem" ref "[" N "]"
//	        | ( "shm" | "shm64" ) ref "[" OFFSET "]" | "tcp" TCPSTATE
//	ref     = KEY | "#" ID
//	who     = NAME | "pid" N
//	op      = "==" | "!=" | "<" | "<=" | ">" | ">="
//	STATE   = running | runnable | sleeping | blocked | stopped | zombie
//	TCPSTATE = established | syn-sent | syn-recv | fin-wait-1 | fin-wait-2
//	        | time-wait | close-wait | last-ack | closing | listening
//
// assert_run.go checks them while the scenario runs, and assert_check.go
// turns what it saw into mismatches.

// AssertKind says what an assertion asks of its condition.
type AssertKind int

const (
	// AssertAlways: true at every checking point of every run.
	AssertAlways AssertKind = iota
	// AssertEventually: true at some checking point of every run.
	AssertEventually
	// AssertSometimes: true at some checking point of at least one run of
	// the set a command runs (the seeds of a sweep, the schedules of an
	// exploration, or the one run of ipcsim test).
	AssertSometimes
)

func (k AssertKind) String() string {
	switch k {
	case AssertAlways:
		return "always"
	case AssertEventually:
		return "eventually"
	case AssertSometimes:
		return "sometimes"
	}
	return "AssertKind(" + strconv.Itoa(int(k)) + ")"
}

// Assertion is one always, eventually or sometimes line.
type Assertion struct {
	Pos  Pos    // the line's first word
	Text string // the line as written, without its comment: "always procs <= 3"
	Kind AssertKind
	Host int    // "on HOST": the host it is about, index in Scenario.Hosts (0 without hosts)
	Cond string // the condition as written, without on HOST: "procs <= 3"

	cond condNode
}

// condNode is a node of a condition: condAnd, condOr, condNot or an atom.
type condNode interface{ isCond() }

type condAnd struct{ l, r condNode }
type condOr struct{ l, r condNode }
type condNot struct{ x condNode }

// condConsole is "console [of WHO] contains STRING". scan is its index
// among the console atoms of the scenario, for the monitor's scan state.
type condConsole struct {
	who  *Who // nil: the whole console
	text []byte
	scan int
}

// condExited is "exited WHO".
type condExited struct{ who *Who }

// condCompare is "VALUE OP NUMBER", or "state WHO ==|!= STATE".
type condCompare struct {
	v     condValue
	op    string
	n     int64
	state string // for state: the state compared with (blocked read as sleeping)
}

func (condAnd) isCond()      {}
func (condOr) isCond()       {}
func (condNot) isCond()      {}
func (*condConsole) isCond() {}
func (*condExited) isCond()  {}
func (*condCompare) isCond() {}

// valueKind is what a condValue reads.
type valueKind int

const (
	valExit    valueKind = iota // exit WHO: the status a shell reports
	valProcs                    // procs: processes but init, zombies included
	valZombies                  // zombies
	valPipe                     // pipe#N.bytes
	valMsgq                     // msgq REF.count
	valSem                      // sem REF[N]
	valShm                      // shm REF[OFF] (4 bytes) or shm64 REF[OFF] (8)
	valState                    // state WHO
	valTCP                      // tcp STATE: the host's TCP connections in that state
)

// condValue is the left side of a comparison.
type condValue struct {
	kind valueKind
	text string // as written, for messages: "pipe#1.bytes"
	who  *Who
	id   int // pipe id; semaphore number
	ref  kernel.IPCRef
	off  uint64 // shm: byte offset
	size uint64 // shm: 4 or 8

	tcpState string // tcp: the state counted, as RFC 9293 names it ("ESTABLISHED")
}

// processStates are the states "state WHO" compares with, as inspect
// names them; blocked is another name for sleeping.
var processStates = []string{"running", "runnable", "sleeping", "blocked", "stopped", "zombie"}

// assertion parses an always, eventually or sometimes line: kind is its
// first word, line the whole line.
func (h *header) assertion(kind word, line string) {
	text := stripComment(line)
	a := Assertion{Pos: h.at(kind.col), Text: strings.TrimSpace(text)}
	switch kind.val {
	case "always":
		a.Kind = AssertAlways
	case "eventually":
		a.Kind = AssertEventually
	default:
		a.Kind = AssertSometimes
	}
	start := kind.col - 1 + len(kind.val)
	p := &condParser{h: h, src: text, off: start}
	p.next()
	host, ok := p.onHost(kind.val)
	if !ok {
		return
	}
	a.Host, p.host = host, host
	a.Cond = strings.TrimSpace(text[p.tok.col-1:])
	if p.tok.kind == tokEOL {
		h.errs.Add(p.pos(), "expected a condition after %s (such as procs <= 3, or console contains \"done\"), found end of line", kind.val)
		return
	}
	c := p.cond()
	if p.failed {
		return
	}
	if p.tok.kind != tokEOL {
		p.fail("expected &&, || or end of line after the condition, found %s", p.tok.describe())
		return
	}
	a.cond = c
	h.s.Asserts = append(h.s.Asserts, a)
}

// onHost parses "on HOST" after the assertion's first word: the host the
// whole condition is about, as spawn, expect and watch lines name theirs.
// A scenario with hosts needs it; one without takes none (0).
func (p *condParser) onHost(kind string) (host int, ok bool) {
	h := p.h
	if !p.is("on") {
		if len(h.s.Hosts) == 0 {
			return 0, true
		}
		found := p.tok.text
		if p.tok.kind == tokEOL {
			found = "end of line"
		}
		p.fail("expected on HOST after %s (the scenario has hosts %s), found %s", kind, h.hostNames(), found)
		return 0, false
	}
	p.next()
	if p.tok.kind != tokIdent {
		p.fail("expected a host after %s on, found %s", kind, p.tok.describe())
		return 0, false
	}
	host = h.host(word{text: p.tok.text, val: p.tok.text, col: p.tok.col})
	if host < 0 {
		return 0, false
	}
	p.next()
	return host, true
}

// assertHeader is what the header keeps while it reads assertions.
type assertHeader struct {
	consoles int         // console atoms so far: each has its index, condConsole.scan
	whos     []assertWho // process names, resolved once every spawn is known
}

// assertWho is a process named in an assertion, its line and the
// assertion's host.
type assertWho struct {
	who  *Who
	line int
	host int
}

// tokKind is the kind of a token of a condition.
type tokKind int

const (
	tokEOL    tokKind = iota
	tokIdent          // console, pipe, reader
	tokNumber         // 42, 0x1234, -1
	tokString         // "done\n"
	tokOp             // == != < <= > >= && || ! ( ) # . [ ]
	tokBad            // a byte no token starts with
)

type token struct {
	kind tokKind
	text string // as written
	val  string // a string's value
	col  int    // 1-based column in the line
}

func (t token) describe() string {
	switch t.kind {
	case tokEOL:
		return "end of line"
	case tokString:
		return "string " + t.text
	case tokNumber:
		return "number " + t.text
	case tokIdent:
		return strconv.Quote(t.text)
	}
	return "'" + t.text + "'"
}

// condParser is a recursive-descent parser of one condition; the first
// error ends it (what follows a wrong token says little).
type condParser struct {
	h      *header
	src    string // the line, its comment stripped
	off    int    // where the next token starts
	host   int    // the assertion's host (0 without hosts)
	tok    token
	failed bool
}

func (p *condParser) pos() Pos { return p.h.at(p.tok.col) }

func (p *condParser) fail(format string, args ...any) {
	if !p.failed {
		p.h.errs.Add(p.pos(), format, args...)
		p.failed = true
	}
}

// next reads the next token into p.tok.
func (p *condParser) next() {
	s := p.src
	for p.off < len(s) && (s[p.off] == ' ' || s[p.off] == '\t') {
		p.off++
	}
	start := p.off
	p.tok = token{col: start + 1}
	if start >= len(s) {
		p.tok.kind = tokEOL
		return
	}
	c := s[start]
	switch {
	case c == '"' || c == '`':
		end := closingQuote(s, start)
		if end < 0 {
			p.tok.kind, p.tok.text = tokBad, s[start:]
			p.fail("expected closing %c of string, found end of line", c)
			return
		}
		p.tok.kind, p.tok.text = tokString, s[start:end+1]
		val, err := strconv.Unquote(p.tok.text)
		if err != nil {
			p.fail("bad string %s: expected a Go string literal", p.tok.text)
		}
		p.tok.val = val
		p.off = end + 1
	case isDigit(c) || c == '-' && start+1 < len(s) && isDigit(s[start+1]):
		end := start + 1
		for end < len(s) && (isIdentByte(s[end])) {
			end++
		}
		p.tok.kind, p.tok.text = tokNumber, s[start:end]
		p.off = end
	case isIdentByte(c):
		end := start + 1
		for end < len(s) && (isIdentByte(s[end]) || s[end] == '-') {
			end++
		}
		p.tok.kind, p.tok.text = tokIdent, s[start:end]
		p.off = end
	default:
		for _, op := range []string{"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "#", ".", "[", "]"} {
			if strings.HasPrefix(s[start:], op) {
				p.tok.kind, p.tok.text = tokOp, op
				p.off = start + len(op)
				return
			}
		}
		p.tok.kind, p.tok.text = tokBad, s[start:start+1]
		p.fail("unexpected %q in a condition", s[start:start+1])
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_'
}

// is reports whether the token is the operator or keyword s.
func (p *condParser) is(s string) bool {
	return (p.tok.kind == tokOp || p.tok.kind == tokIdent) && p.tok.text == s
}

// expect consumes the operator s, or fails saying what it expected.
func (p *condParser) expect(s, after string) bool {
	if p.failed {
		return false
	}
	if !p.is(s) {
		p.fail("expected '%s' after %s, found %s", s, after, p.tok.describe())
		return false
	}
	p.next()
	return true
}

// cond = and { "||" and }.
func (p *condParser) cond() condNode {
	l := p.and()
	for !p.failed && p.is("||") {
		p.next()
		l = condOr{l, p.and()}
	}
	return l
}

// and = unary { "&&" unary }.
func (p *condParser) and() condNode {
	l := p.unary()
	for !p.failed && p.is("&&") {
		p.next()
		l = condAnd{l, p.unary()}
	}
	return l
}

// unary = "!" unary | "(" cond ")" | atom.
func (p *condParser) unary() condNode {
	switch {
	case p.failed:
		return nil
	case p.is("!"):
		p.next()
		return condNot{p.unary()}
	case p.is("("):
		p.next()
		c := p.cond()
		if !p.failed && !p.is(")") {
			p.fail("expected ')' or an operator (&&, ||), found %s", p.tok.describe())
		}
		p.next()
		return c
	}
	return p.atom()
}

// atoms lists the words an atom starts with, for messages.
const atoms = "console, exited, exit, state, procs, zombies, pipe#N.bytes, msgq, sem, shm, shm64 or tcp"

// tcpStates are the states "tcp STATE" counts, as ss's state filter
// names them (ss -t state time-wait), each with the RFC 9293 name the
// kernel's probe takes.
var tcpStates = []struct{ ss, rfc string }{
	{"established", "ESTABLISHED"},
	{"syn-sent", "SYN-SENT"},
	{"syn-recv", "SYN-RECEIVED"},
	{"fin-wait-1", "FIN-WAIT-1"},
	{"fin-wait-2", "FIN-WAIT-2"},
	{"time-wait", "TIME-WAIT"},
	{"close-wait", "CLOSE-WAIT"},
	{"last-ack", "LAST-ACK"},
	{"closing", "CLOSING"},
	{"listening", "LISTEN"},
}

// atom parses one test of the state.
func (p *condParser) atom() condNode {
	if p.tok.kind != tokIdent {
		p.fail("expected a condition (%s), '!' or '(', found %s", atoms, p.tok.describe())
		return nil
	}
	startCol := p.tok.col
	word := p.tok.text
	p.next()
	v := condValue{}
	switch word {
	case "console":
		c := &condConsole{scan: p.h.asserts.consoles}
		if p.is("of") {
			p.next()
			c.who = p.who("console of")
		}
		if !p.expect("contains", "console"+map[bool]string{true: " of a process", false: ""}[c.who != nil]) {
			return nil
		}
		if p.tok.kind != tokString {
			p.fail("expected a string after contains (\"done\\n\"), found %s", p.tok.describe())
			return nil
		}
		if p.tok.val == "" {
			p.fail("expected a string that is not empty after contains: every console contains \"\"")
			return nil
		}
		c.text = []byte(p.tok.val)
		p.h.asserts.consoles++
		p.next()
		return c
	case "exited":
		w := p.who("exited")
		if w == nil {
			return nil
		}
		return &condExited{who: w}
	case "exit", "state":
		w := p.who(word)
		if w == nil {
			return nil
		}
		v.kind, v.who = valExit, w
		if word == "state" {
			v.kind = valState
		}
	case "procs":
		v.kind = valProcs
	case "zombies":
		v.kind = valZombies
	case "pipe":
		v.kind = valPipe
		if !p.expect("#", "pipe") {
			return nil
		}
		n, ok := p.number("a pipe id after pipe# (pipe#1.bytes)", 0, 1<<31)
		if !ok || !p.expect(".", "pipe#"+strconv.FormatInt(n, 10)) || !p.field("bytes") {
			return nil
		}
		v.id = int(n)
	case "msgq":
		v.kind = valMsgq
		if !p.ref(&v, "msgq") || !p.expect(".", "the queue") || !p.field("count") {
			return nil
		}
	case "sem":
		v.kind = valSem
		if !p.ref(&v, "sem") || !p.expect("[", "the semaphore set") {
			return nil
		}
		n, ok := p.number("a semaphore number", 0, 1<<16)
		if !ok || !p.expect("]", "the semaphore number") {
			return nil
		}
		v.id = int(n)
	case "shm", "shm64":
		v.kind, v.size = valShm, 4
		if word == "shm64" {
			v.size = 8
		}
		if !p.ref(&v, word) || !p.expect("[", "the segment") {
			return nil
		}
		col := p.tok.col
		n, ok := p.number("a byte offset", 0, 1<<40)
		if !ok {
			return nil
		}
		if uint64(n)%v.size != 0 {
			p.h.errs.Add(p.h.at(col), "offset %d is not a multiple of %d: %s reads an aligned %d-byte word", n, v.size, word, v.size)
			p.failed = true
			return nil
		}
		if !p.expect("]", "the offset") {
			return nil
		}
		v.off = uint64(n)
	case "tcp":
		v.kind = valTCP
		for _, st := range tcpStates {
			if p.tok.kind == tokIdent && p.tok.text == st.ss {
				v.tcpState = st.rfc
			}
		}
		if v.tcpState == "" {
			names := make([]string, len(tcpStates))
			for i, st := range tcpStates {
				names[i] = st.ss
			}
			p.fail("expected a TCP state as ss names it (%s), found %s", strings.Join(names, ", "), p.tok.describe())
			return nil
		}
		p.next()
	default:
		p.h.errs.Add(p.h.at(startCol), "unknown condition %q: expected %s", word, atoms)
		p.failed = true
		return nil
	}
	if p.failed {
		return nil
	}
	v.text = strings.TrimSpace(p.src[startCol-1 : p.tok.col-1])
	if v.kind == valState {
		return p.stateCompare(v)
	}
	if p.tok.kind != tokOp || !isCompare(p.tok.text) {
		p.fail("expected a comparison (==, !=, <, <=, >, >=) after %s, found %s", v.text, p.tok.describe())
		return nil
	}
	c := &condCompare{v: v, op: p.tok.text}
	p.next()
	n, ok := p.number("a number", -1<<63, 1<<63-1)
	if !ok {
		return nil
	}
	c.n = n
	return c
}

// stateCompare parses "==|!= STATE" after state WHO.
func (p *condParser) stateCompare(v condValue) condNode {
	if !p.is("==") && !p.is("!=") {
		p.fail("expected == or != after %s, found %s", v.text, p.tok.describe())
		return nil
	}
	c := &condCompare{v: v, op: p.tok.text}
	p.next()
	st := p.tok.text
	if p.tok.kind != tokIdent || !contains(processStates, st) {
		p.fail("expected a process state (%s), found %s", strings.Join(processStates, ", "), p.tok.describe())
		return nil
	}
	if st == "blocked" {
		st = "sleeping"
	}
	c.state = st
	p.next()
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isCompare(op string) bool {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// field consumes the field name after a '.'.
func (p *condParser) field(name string) bool {
	if !p.is(name) {
		p.fail("expected %s after '.', found %s", name, p.tok.describe())
		return false
	}
	p.next()
	return true
}

// number consumes a number from lo to hi: decimal, or 0x hex (underscores
// may group digits).
func (p *condParser) number(what string, lo, hi int64) (int64, bool) {
	if p.failed {
		return 0, false
	}
	if p.tok.kind != tokNumber {
		p.fail("expected %s, found %s", what, p.tok.describe())
		return 0, false
	}
	n, err := strconv.ParseInt(p.tok.text, 0, 64)
	if err != nil || n < lo || n > hi {
		p.fail("bad number %s: expected %s from %d to %d", p.tok.text, what, lo, hi)
		return 0, false
	}
	p.next()
	return n, true
}

// ref parses a System V object's KEY, or "#" ID.
func (p *condParser) ref(v *condValue, word string) bool {
	if p.is("#") {
		p.next()
		n, ok := p.number("an id after "+word+"#", 0, 1<<31-1)
		v.ref = kernel.IPCRef{ID: int(n), ByID: true}
		return ok
	}
	col := p.tok.col
	n, ok := p.number(fmt.Sprintf("a key (%s 0x1234) or # and an id (%s#0)", word, word), -1<<31, 1<<32-1)
	if !ok {
		return false
	}
	if n == 0 {
		p.h.errs.Add(p.h.at(col), "key 0 is IPC_PRIVATE, which names no one object: name it by its id (%s#0, as inspect lists it)", word)
		p.failed = true
		return false
	}
	v.ref = kernel.IPCRef{Key: int32(n)}
	return true
}

// who parses a process: a spawned program's name, or "pid N".
func (p *condParser) who(after string) *Who {
	if p.failed {
		return nil
	}
	if p.tok.kind != tokIdent || p.tok.text == "contains" {
		p.fail("expected a process after %s (a spawned program's name, or pid N), found %s", after, p.tok.describe())
		return nil
	}
	if p.tok.text == "pid" {
		p.next()
		n, ok := p.number("a process id", 1, 1<<22)
		if !ok {
			return nil
		}
		return &Who{Spawn: -1, PID: int(n), Name: "pid " + strconv.FormatInt(n, 10)}
	}
	w := &Who{Spawn: -2, Name: p.tok.text, col: p.tok.col}
	p.h.asserts.whos = append(p.h.asserts.whos, assertWho{w, p.h.line, p.host})
	p.next()
	return w
}

// resolveAsserts turns the process names of assertions into spawns, as
// resolveExpects does for expect lines. A process started by an at line
// has no pid before the run: it is named as pid N.
func (h *header) resolveAsserts() {
	for _, aw := range h.asserts.whos {
		w := aw.who
		pos := Pos{Filename: h.s.Path, Line: aw.line, Col: w.col}
		var found []int
		var names []string
		for j, sp := range h.s.Spawns {
			if sp.Host != aw.host {
				continue
			}
			names = append(names, sp.Program.Name)
			if sp.Program.Name == w.Name {
				found = append(found, j)
			}
		}
		where := ""
		if len(h.s.Hosts) > 0 {
			where = " on " + h.s.Hosts[aw.host].Name
		}
		switch {
		case len(found) == 1 && h.s.Spawns[found[0]].Timed:
			h.errs.Add(pos, "%q is started by an at line, so its pid is not known before the run: name it as pid N", w.Name)
		case len(found) == 1:
			w.Spawn = found[0]
		case len(found) == 0 && len(names) == 0:
			h.errs.Add(pos, "no process spawned as %q%s: no spawn line starts a process there", w.Name, where)
		case len(found) == 0:
			sort.Strings(names)
			h.errs.Add(pos, "no process spawned as %q%s: expected pid N or one of the spawned names (%s)", w.Name, where, strings.Join(dedup(names), ", "))
		default:
			h.errs.Add(pos, "%q is spawned %d times: name the process as pid N", w.Name, len(found))
		}
	}
}
