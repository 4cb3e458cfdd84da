package tcp

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// The harness: hosts' connections wired through a fake network with a
// fake clock. Time moves only when the test runs the network, from one
// event (a segment arriving, a timer firing) to the next, in a fixed
// order, so every run is the same.

// fault decides what the link does with a segment: the delays (after the
// link latency) of the copies to deliver. nil or empty drops it; two
// entries duplicate it.
type fault func(from *tenv, seg *Segment, n int) []uint64

type tnet struct {
	t       testing.TB
	now     uint64
	nextID  uint64
	latency uint64
	fault   fault
	flight  []*delivery
	envs    []*tenv
	log     []string
	sent    int // segments sent over the net
	verbose bool
}

type delivery struct {
	at, id uint64
	to     *tenv
	seg    *Segment
}

// tenv is one endpoint's Env: it records what the machine did.
type tenv struct {
	n       *tnet
	name    string
	conn    *Conn
	route   func(seg *Segment) // where our segments go
	timer   [numTimers]struct{ at, id uint64 }
	armed   [numTimers]bool
	events  []Event
	out     []*Segment // every segment sent
	outAt   []uint64   // when
	wakes   int        // Notify calls
	edge    uint32     // the right edge of the window this end advertised
	edgeSet bool
}

func newNet(t testing.TB, latency uint64) *tnet {
	return &tnet{t: t, latency: latency}
}

func (n *tnet) newEnv(name string) *tenv {
	e := &tenv{n: n, name: name}
	n.envs = append(n.envs, e)
	return e
}

func (e *tenv) Now() uint64 { return e.n.now }

func (e *tenv) Output(seg *Segment) {
	n := e.n
	if seg.Flags&ACK != 0 && seg.Flags&RST == 0 {
		// RFC 9293 3.8.6.2.2: the receiver does not shrink the window.
		if edge := seg.Ack + uint32(seg.Window); e.edgeSet && seqLT(edge, e.edge) {
			n.t.Fatalf("%s shrank its window: %s, right edge %d before\n%s", e.name, seg, e.edge, tail(n))
		} else if !e.edgeSet || seqGT(edge, e.edge) {
			e.edge, e.edgeSet = edge, true
		}
	}
	if c := e.conn; c != nil && len(seg.Data) > 0 {
		// RFC 9293 3.8.6.2.1: never beyond SND.UNA+SND.WND; and never
		// more than the MSS in one segment.
		if seqGT(seg.Seq+uint32(len(seg.Data)), c.sndUna+c.sndWnd) {
			n.t.Fatalf("%s sent %s beyond the window: SND.UNA %d SND.WND %d\n%s", e.name, seg, c.sndUna, c.sndWnd, tail(n))
		}
		if len(seg.Data) > c.sndMss {
			n.t.Fatalf("%s sent %s: more than the MSS %d", e.name, seg, c.sndMss)
		}
	}
	e.out = append(e.out, seg)
	e.outAt = append(e.outAt, n.now)
	n.sent++
	delays := []uint64{0}
	if n.fault != nil {
		delays = n.fault(e, seg, n.sent)
	}
	verdict := "sent"
	if len(delays) == 0 {
		verdict = "DROPPED"
	}
	n.logf("%s %s %s", e.name, verdict, seg)
	for _, d := range delays {
		cp := *seg
		n.nextID++
		n.flight = append(n.flight, &delivery{at: n.now + n.latency + d, id: n.nextID, to: e, seg: &cp})
	}
}

func (e *tenv) SetTimer(t Timer, at uint64) {
	if at < e.n.now {
		e.n.t.Fatalf("%s: timer %v armed in the past: %d < %d", e.name, t, at, e.n.now)
	}
	e.n.nextID++
	e.armed[t] = true
	e.timer[t].at, e.timer[t].id = at, e.n.nextID
}

func (e *tenv) StopTimer(t Timer) { e.armed[t] = false }

func (e *tenv) Event(ev Event) {
	e.events = append(e.events, ev)
	e.n.logf("%s %s", e.name, ev)
}

func (e *tenv) Notify() { e.wakes++ }

func (n *tnet) logf(format string, a ...any) {
	line := fmt.Sprintf("%12s ", fmtDur(n.now)) + fmt.Sprintf(format, a...)
	n.log = append(n.log, line)
	if n.verbose {
		n.t.Log(line)
	}
}

// step runs the earliest event at or before limit and reports whether
// there was one. Ties go to the event scheduled first.
func (n *tnet) step(limit uint64) bool {
	var bestAt, bestID uint64
	found := false
	var dl int = -1
	var te *tenv
	var tt Timer
	for i, d := range n.flight {
		if !found || d.at < bestAt || (d.at == bestAt && d.id < bestID) {
			found, bestAt, bestID, dl, te = true, d.at, d.id, i, nil
		}
	}
	for _, e := range n.envs {
		for t := range numTimers {
			if !e.armed[t] {
				continue
			}
			at, id := e.timer[t].at, e.timer[t].id
			if !found || at < bestAt || (at == bestAt && id < bestID) {
				found, bestAt, bestID, dl, te, tt = true, at, id, -1, e, t
			}
		}
	}
	if !found || bestAt > limit {
		return false
	}
	n.now = bestAt
	if te != nil {
		te.armed[tt] = false
		if te.conn != nil {
			te.conn.Fire(tt)
		}
		return true
	}
	d := n.flight[dl]
	n.flight = append(n.flight[:dl], n.flight[dl+1:]...)
	d.to.route(d.seg)
	return true
}

// runUntil runs every event up to time limit and leaves the clock there.
func (n *tnet) runUntil(limit uint64) {
	for i := 0; n.step(limit); i++ {
		if i > 2_000_000 {
			n.t.Fatalf("no end of events by %s", fmtDur(n.now))
		}
	}
	if limit > n.now {
		n.now = limit
	}
}

// runFor runs for d from now.
func (n *tnet) runFor(d uint64) { n.runUntil(n.now + d) }

// dump is the log, for failure messages.
func (n *tnet) dump() string { return strings.Join(n.log, "\n") }

// pair is a client Conn and a server Conn made by a Listener.
type pair struct {
	n              *tnet
	cli, srv       *Conn
	cliEnv, srvEnv *tenv
	l              *Listener
	lenv           *tlisten
}

var clientAddr = netip.MustParseAddrPort("10.0.0.1:40000")

// tlisten is the Listener's env: children get a tenv routed to the
// client whose port the SYN came from.
type tlisten struct {
	n       *tnet
	clients map[uint16]*tenv // by client port: where children's segments go
	child   map[uint16]*Conn // by client port: the child, registered from NewChild on
	kids    []*tenv
	events  []Event
	wakes   int
	iss     uint32
}

func (l *tlisten) Output(seg *Segment, to netip.AddrPort) {
	c := l.clients[to.Port()]
	l.n.logf("listener sent %s", seg)
	cp := *seg
	l.n.nextID++
	l.n.flight = append(l.n.flight, &delivery{at: l.n.now + l.n.latency, id: l.n.nextID, to: &tenv{route: c.conn.Input}, seg: &cp})
}
func (l *tlisten) Event(e Event) { l.events = append(l.events, e); l.n.logf("listener %s", e) }
func (l *tlisten) Notify()       { l.wakes++ }
func (l *tlisten) NewChild(remote netip.AddrPort, c *Conn) (Env, uint32, bool) {
	cl := l.clients[remote.Port()]
	l.child[remote.Port()] = c
	e := l.n.newEnv(fmt.Sprintf("srv%d", len(l.kids)))
	e.conn = c
	e.route = func(seg *Segment) { cl.conn.Input(seg) }
	l.kids = append(l.kids, e)
	return e, l.iss + uint32(len(l.kids))*1000, true
}

// newServer makes a Listener on port 80 with the given config and backlog.
func newServer(n *tnet, cfg Config, backlog int) (*Listener, *tlisten) {
	le := &tlisten{n: n, clients: map[uint16]*tenv{}, child: map[uint16]*Conn{}, iss: 5000}
	return NewListener(le, cfg, 80, backlog), le
}

// addClient makes a client Conn on port that routes to the listener.
func addClient(n *tnet, l *Listener, le *tlisten, name string, port uint16, cfg Config) (*Conn, *tenv) {
	e := n.newEnv(name)
	c := NewConn(e, cfg, port, 80)
	e.conn = c
	le.clients[port] = e
	from := netip.AddrPortFrom(clientAddr.Addr(), port)
	// The stack's demultiplexing: the connection of the four-tuple if
	// there is one, else the listener.
	e.route = func(seg *Segment) {
		if c := le.child[port]; c != nil && c.State() != Closed {
			c.Input(seg)
			return
		}
		l.Input(seg, from)
	}
	return c, e
}

// newPair makes a listener and a client and runs the handshake.
func newPair(t testing.TB, latency uint64, ccfg, scfg Config) *pair {
	n := newNet(t, latency)
	l, le := newServer(n, scfg, 8)
	cli, ce := addClient(n, l, le, "cli", 40000, ccfg)
	cli.Connect(1000)
	n.runFor(10 * latency)
	srv, err := l.Accept()
	if err != nil {
		t.Fatalf("accept: %v\n%s", err, n.dump())
	}
	if cli.State() != Established || srv.State() != Established {
		t.Fatalf("after the handshake: client %v, server %v\n%s", cli.State(), srv.State(), n.dump())
	}
	return &pair{n: n, cli: cli, srv: srv, cliEnv: ce, srvEnv: le.kids[0], l: l, lenv: le}
}

// twoConns wires two Conns back to back without a listener.
func twoConns(t testing.TB, latency uint64, acfg, bcfg Config) (*tnet, *Conn, *Conn, *tenv, *tenv) {
	n := newNet(t, latency)
	ae, be := n.newEnv("a"), n.newEnv("b")
	a := NewConn(ae, acfg, 1111, 2222)
	b := NewConn(be, bcfg, 2222, 1111)
	ae.conn, be.conn = a, b
	ae.route = func(seg *Segment) { b.Input(seg) }
	be.route = func(seg *Segment) { a.Input(seg) }
	return n, a, b, ae, be
}

// readAll drains c into a byte slice, and returns the final error
// (ErrWouldBlock if the stream has not ended).
func readAll(c *Conn) ([]byte, error) {
	var out []byte
	buf := make([]byte, 1000)
	for {
		k, err := c.Read(buf, false)
		out = append(out, buf[:k]...)
		if err != nil {
			return out, err
		}
		if k == 0 {
			return out, nil
		}
	}
}

// writeAll writes as much of p as fits and returns the rest.
func writeAll(c *Conn, p []byte) []byte {
	for len(p) > 0 {
		k, err := c.Write(p)
		if err != nil || k == 0 {
			break
		}
		p = p[k:]
	}
	return p
}

// kinds returns the events of kind k.
func kinds(evs []Event, k EventKind) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// pattern is n bytes that show their offset.
func pattern(n int, salt byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7+i/251) ^ salt
	}
	return p
}

// sameBytes fails unless got is want, saying where they part.
func sameBytes(t testing.TB, want, got []byte, msg string) {
	t.Helper()
	if string(want) == string(got) {
		return
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	t.Fatalf("%s: got %d bytes, want %d; first difference at offset %d", msg, len(got), len(want), i)
}
