package sim

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// interleaveInput is what FuzzInterleave varies: a network of three hosts
// (alice in the middle, bob and carol each on a link of their own to her)
// and how the run goes, each number folded into a range that makes sense.
type interleaveInput struct {
	seed                 uint8
	latAB, latAC         uint16 // microseconds, 1 to 2000
	bandwidth            uint8  // 0: unlimited, else that many Mbit/s
	loss, reorder, dup   uint8  // percent, 0 to 50 (loss), 0 to 20 (the others)
	trapcost             uint16 // alice's trap cost: a system call may end past a host's horizon
	partAt, healAfter    uint32 // cycles: the link alice-bob is cut at partAt (0: never), healed healAfter later (0: never)
	downAt, upAfter      uint32 // cycles: carol loses power at downAt (0: never), boots upAfter later (0: never)
	ahead, pause, pings  uint32 // MaxAhead of one run, the pause of another, and how many pings alice sends bob
	tcpStart, serverKind uint8  // when alice's TCP client starts (in 20 us), and carol's server's design
}

// interleaveLimit is the cycle limit of the fuzzed scenarios: 20 ms of
// simulated time, a few milliseconds of real time a run. The hosts talk
// mostly in the first few milliseconds: partitions and power cuts come
// within interleaveBusy.
const (
	interleaveLimit = 20_000_000
	interleaveBusy  = 4_000_000
)

// scenario writes the scenario in the language of the README: alice
// pings bob over UDP (udpping) and asks carol over TCP (client and
// server).
func (in interleaveInput) scenario() string {
	var b strings.Builder
	fmt.Fprintf(&b, "machine mem=16M quantum=10000 trapcost=0 seed=%d limit=%d\n", in.seed, interleaveLimit)
	fmt.Fprintf(&b, "host alice ip=10.0.0.1 trapcost=%d\n", in.trapcost%2000)
	b.WriteString("host bob ip=10.0.0.2\nhost carol ip=10.0.0.3\n")
	bw := ""
	if in.bandwidth%4 != 0 {
		bw = fmt.Sprintf(" bandwidth=%dMbit", in.bandwidth)
	}
	fmt.Fprintf(&b, "link alice bob latency=%dus%s loss=%d%% reorder=%d%% duplicate=%d%%\n",
		1+in.latAB%2000, bw, in.loss%51, in.reorder%21, in.dup%21)
	fmt.Fprintf(&b, "link alice carol latency=%dus%s\n", 1+in.latAC%2000, bw)
	b.WriteString("spawn on bob ../net/bin/udpping server\n")
	fmt.Fprintf(&b, "spawn on alice ../net/bin/udpping client 10.0.0.2 %d\n", 1+in.pings%8)
	server := []string{"iterative", "fork", "select", "epoll", "nonblock"}[in.serverKind%5]
	fmt.Fprintf(&b, "spawn on carol ../net/bin/server %s 1\n", server)
	fmt.Fprintf(&b, "spawn on alice ../net/bin/client 10.0.0.3 1 0 %d\n", uint64(in.tcpStart)*20_000)
	if p := in.partAt % interleaveBusy; p != 0 {
		fmt.Fprintf(&b, "at %d partition alice bob\n", p)
		if h := in.healAfter % interleaveBusy; h != 0 {
			fmt.Fprintf(&b, "at %d heal alice bob\n", p+h)
		}
	}
	if d := in.downAt % interleaveBusy; d != 0 {
		fmt.Fprintf(&b, "at %d down carol\n", d)
		if u := in.upAfter % interleaveBusy; u != 0 {
			fmt.Fprintf(&b, "at %d up carol\n", d+u)
		}
	}
	return b.String()
}

// FuzzInterleave: a small network of three hosts, its links, partitions
// and power cuts drawn from the fuzzer's numbers, ends the same however
// its hosts take turns: untraced as the cluster runs them; bounded
// untraced by a MaxAhead; traced with that MaxAhead and with 1; paused
// on the way; and traced paused through a TraceWriter, from batches and
// inline. The traced runs have the same trace but for the frames'
// numbers.
//
//	go test ./sim -run '^$' -fuzz FuzzInterleave -fuzztime 10m -parallel 1
func FuzzInterleave(f *testing.F) {
	for _, in := range []interleaveInput{
		{latAB: 100, latAC: 100},          // a clean network
		{latAB: 0, latAC: 1999, ahead: 1}, // 1 us and 2 ms: the lookahead is 1 us
		{latAB: 50, latAC: 70, loss: 20, reorder: 10, dup: 10, pings: 3, ahead: 7, pause: 3_000_000},
		{latAB: 200, latAC: 300, bandwidth: 1, partAt: 1_500_000, healAfter: 2_000_000, pause: 1_500_000},
		{latAB: 100, latAC: 100, downAt: 1_000_000, upAfter: 1_000, serverKind: 1, pause: 1_000_001},
		{latAB: 10, latAC: 10, trapcost: 1500, downAt: 800_000, upAfter: 3_000_000, partAt: 700_000, ahead: 1000},
		{latAB: 999, latAC: 1, tcpStart: 30, serverKind: 4, partAt: 4_000_000, healAfter: 1, ahead: 1 << 20},
	} {
		f.Add(in.seed, in.latAB, in.latAC, in.bandwidth, in.loss, in.reorder, in.dup, in.trapcost,
			in.partAt, in.healAfter, in.downAt, in.upAfter, in.ahead, in.pause, in.pings, in.tcpStart, in.serverKind)
	}
	f.Fuzz(func(t *testing.T, seed uint8, latAB, latAC uint16, bandwidth, loss, reorder, dup uint8, trapcost uint16,
		partAt, healAfter, downAt, upAfter, ahead, pause, pings uint32, tcpStart, serverKind uint8) {
		in := interleaveInput{seed, latAB, latAC, bandwidth, loss, reorder, dup, trapcost,
			partAt, healAfter, downAt, upAfter, ahead, pause, pings, tcpStart, serverKind}
		src := in.scenario()
		// Parsed as a file of testdata/scenarios, where ../net/bin holds
		// the programs.
		s, err := Parse(filepath.Join("..", "testdata", "scenarios", "fuzz_interleave.txtar"), []byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		checkInterleavings(t, s, 1+uint64(ahead)%(1<<21), 1+uint64(pause)%interleaveBusy, src)
	})
}

// checkInterleavings runs s untraced as the cluster runs it, untraced
// and traced with MaxAhead ahead, traced with MaxAhead 1, and paused at
// pause untraced and traced (MaxAhead ahead; traced also through a
// TraceWriter, both ways), and fails t if any ends
// otherwise than the first, if the traced runs' traces differ but for
// the frames' numbers, or if one goes back in time.
func checkInterleavings(t *testing.T, s *Scenario, ahead, pause uint64, src string) {
	t.Helper()
	base := runInterleaved(t, s, interleaving{})
	for _, il := range []interleaving{{ahead: ahead}, {pauses: []uint64{pause}}} {
		if r := runInterleaved(t, s, il); !t.Failed() {
			sameOutcome(t, base.out, r.out, il.String()+"\n"+src)
		}
	}
	one := runInterleaved(t, s, interleaving{traced: true, ahead: 1})
	r := runInterleaved(t, s, interleaving{traced: true, ahead: ahead})
	sameOutcome(t, base.out, one.out, "traced MaxAhead 1\n"+src)
	sameOutcome(t, base.out, r.out, fmt.Sprintf("traced MaxAhead %d\n%s", ahead, src))
	sameTrace(t, one.trace, r.trace, fmt.Sprintf("traced MaxAhead %d\n%s", ahead, src))
	// Traced, paused on the way and gone on: the same trace, in time order.
	p := runInterleaved(t, s, interleaving{traced: true, ahead: ahead, pauses: []uint64{pause}})
	sameOutcome(t, base.out, p.out, fmt.Sprintf("traced MaxAhead %d paused at %d\n%s", ahead, pause, src))
	sameTrace(t, one.trace, p.trace, fmt.Sprintf("traced MaxAhead %d paused at %d\n%s", ahead, pause, src))
	// The same through a TraceWriter, which takes the hosts' Records,
	// held back and merged by the cluster, both ways it makes lines.
	for _, writer := range []string{"batches", "inline"} {
		il := interleaving{traced: true, ahead: ahead, pauses: []uint64{pause}, writer: writer}
		w := runInterleaved(t, s, il)
		sameOutcome(t, base.out, w.out, il.String()+"\n"+src)
		sameTrace(t, one.trace, w.trace, il.String()+"\n"+src)
	}
	inTimeOrder(t, one.events, "traced MaxAhead 1\n"+src)
	inTimeOrder(t, p.events, fmt.Sprintf("traced MaxAhead %d paused at %d\n%s", ahead, pause, src))
}
