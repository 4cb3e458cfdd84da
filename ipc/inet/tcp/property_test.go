package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"ipcsim/abi"
)

// randomFaults drops, duplicates and delays (so reorders) segments in
// both directions, by the seeded generator.
func randomFaults(rng *rand.Rand, drop, dup, reorder float64) fault {
	return func(*tenv, *Segment, int) []uint64 {
		if rng.Float64() < drop {
			return nil
		}
		delay := func() uint64 {
			if rng.Float64() < reorder {
				return uint64(rng.IntN(40)) * ms
			}
			return 0
		}
		if rng.Float64() < dup {
			return []uint64{delay(), delay()}
		}
		return []uint64{delay()}
	}
}

// endpoint drives one side: it writes its stream, shuts down, reads the
// other's to EOF, then closes.
type endpoint struct {
	c       *Conn
	out     []byte // still to write
	in      []byte // read so far
	eof     bool
	shut    bool
	closed  bool
	readErr error
}

func (e *endpoint) pump(rng *rand.Rand) {
	if len(e.out) > 0 {
		k := min(len(e.out), 1+rng.IntN(3000))
		w, err := e.c.Write(e.out[:k])
		if err == nil {
			e.out = e.out[w:]
		}
	}
	if len(e.out) == 0 && !e.shut {
		e.shut = true
		e.c.Shutdown()
	}
	buf := make([]byte, 1+rng.IntN(4000))
	for !e.eof && e.readErr == nil {
		k, err := e.c.Read(buf, false)
		e.in = append(e.in, buf[:k]...)
		if errors.Is(err, io.EOF) {
			e.eof = true
		} else if errors.Is(err, ErrWouldBlock) {
			break
		} else if err != nil {
			e.readErr = err
		}
	}
	if e.eof && e.shut && !e.closed {
		e.closed = true
		e.c.Close()
	}
}

func TestRandomFaultsDeliverTheExactStream(t *testing.T) {
	seeds := 200
	if testing.Short() {
		seeds = 40
	}
	for seed := range uint64(seeds) {
		runFaultySession(t, seed, false)
		if t.Failed() {
			return
		}
	}
}

// TestHeavyLossNeverCorrupts runs links so bad that a connection may
// time out: then what each side read must still be an exact prefix of
// what the other wrote.
func TestHeavyLossNeverCorrupts(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 5
	}
	for seed := range uint64(seeds) {
		runFaultySession(t, 100_000+seed, true)
		if t.Failed() {
			return
		}
	}
}

// runFaultySession runs one session and returns its trace.
func runFaultySession(t *testing.T, seed uint64, heavy bool) []string {
	rng := rand.New(rand.NewPCG(seed, 0x7c9))
	n := newNet(t, uint64(1+rng.IntN(20))*ms)
	if heavy {
		n.fault = randomFaults(rng, 0.35*rng.Float64()+0.05, 0.2, 0.5)
	} else {
		n.fault = randomFaults(rng, 0.25*rng.Float64()+0.02, 0.1, 0.3)
	}
	cfg := func() Config {
		c := DefaultConfig()
		c.MSS = uint16(200 + rng.IntN(1300))
		c.RcvBuf = 1000 + rng.IntN(20000)
		c.SndBuf = 1000 + rng.IntN(20000)
		c.NoDelay = rng.IntN(2) == 0
		return c
	}
	l, le := newServer(n, cfg(), 4)
	cli, _ := addClient(n, l, le, "cli", 40000, cfg())
	cli.Connect(rng.Uint32())
	le.iss = rng.Uint32()
	var srv *Conn
	for srv == nil && n.now < 600*Second {
		n.runFor(10 * ms)
		srv, _ = l.Accept()
	}
	if srv == nil {
		if cli.State() == Closed || l.SynQueueLen() == 0 {
			// The handshake timed out on one side: allowed under heavy
			// loss (a client whose last ACK was always lost believes it
			// is connected until it sends).
			t.Logf("seed %d: handshake timed out", seed)
			return n.log // the handshake timed out: allowed, if rare
		}
		t.Fatalf("seed %d: no connection after 600 s\n%s", seed, n.dump())
	}
	a := &endpoint{c: cli, out: pattern(rng.IntN(60000), byte(seed))}
	b := &endpoint{c: srv, out: pattern(rng.IntN(60000), byte(seed>>1)+1)}
	wantA, wantB := a.out, b.out
	for n.now < 4*3600*Second {
		a.pump(rng)
		b.pump(rng)
		if a.closed && b.closed && done(cli) && done(srv) {
			break
		}
		n.runFor(uint64(1+rng.IntN(50)) * ms)
	}
	timedOut := errors.Is(a.readErr, abi.ETIMEDOUT) || errors.Is(b.readErr, abi.ETIMEDOUT) ||
		errors.Is(cli.Err(), abi.ETIMEDOUT) || errors.Is(srv.Err(), abi.ETIMEDOUT)
	complete := string(wantA) == string(b.in) && string(wantB) == string(a.in) && done(cli) && done(srv)
	if heavy && (timedOut || !complete) {
		if !bytes.HasPrefix(wantA, b.in) || !bytes.HasPrefix(wantB, a.in) {
			t.Fatalf("seed %d: timed out with bytes that are not a prefix of the stream", seed)
		}
		t.Logf("seed %d: timed out (%v) or ran out of time after %d of %d and %d of %d bytes",
			seed, timedOut, len(b.in), len(wantA), len(a.in), len(wantB))
		return n.log
	}
	if a.readErr != nil || b.readErr != nil {
		t.Fatalf("seed %d: read errors %v, %v\n%s", seed, a.readErr, b.readErr, tail(n))
	}
	if string(wantA) != string(b.in) || string(wantB) != string(a.in) {
		t.Logf("seed %d: client %v %+v\nserver %v %+v\n%s", seed, cli.State(), a.eof, srv.State(), b.eof, tail(n))
	}
	sameBytes(t, wantA, b.in, fmt.Sprintf("seed %d: client to server", seed))
	sameBytes(t, wantB, a.in, fmt.Sprintf("seed %d: server to client", seed))
	if !done(cli) || !done(srv) {
		t.Fatalf("seed %d: ended in %v and %v\n%s", seed, cli.State(), srv.State(), tail(n))
	}
	if testing.Verbose() {
		t.Logf("seed %d: %d+%d bytes by %s, retransmissions %d+%d", seed, len(wantA), len(wantB), fmtDur(n.now), cli.Info().TotalRetrans, srv.Info().TotalRetrans)
	}
	// Whoever is in TIME-WAIT leaves it.
	n.runFor(61 * Second)
	if cli.State() != Closed || srv.State() != Closed {
		t.Fatalf("seed %d: after TIME-WAIT: %v and %v", seed, cli.State(), srv.State())
	}
	return n.log
}

func done(c *Conn) bool { return c.State() == Closed || c.State() == TimeWait }

func tail(n *tnet) string {
	log := n.log
	if len(log) > 80 {
		log = log[len(log)-80:]
	}
	s := ""
	for _, l := range log {
		s += l + "\n"
	}
	return s
}

func TestSameSeedSameTrace(t *testing.T) {
	for _, seed := range []uint64{3, 100_007} {
		first := runFaultySession(t, seed, seed > 1000)
		second := runFaultySession(t, seed, seed > 1000)
		if len(first) < 50 {
			t.Fatalf("seed %d: a trace of %d lines proves little", seed, len(first))
		}
		for i := range max(len(first), len(second)) {
			if i >= len(first) || i >= len(second) || first[i] != second[i] {
				t.Fatalf("seed %d: the traces part at line %d", seed, i)
			}
		}
	}
}
