package explore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"ipcsim/sim"
)

// Network faults as choices of the explorer (Config.Faults, in a scenario
// with link lines): a link made lossier, slower, or given to reordering or
// duplication, for the whole run, or cut for a while. The wire's
// randomness comes from the seed and the link's name (hw/network.go), so
// the same choice gives the same run.
//
// A partition cuts a link from one cycle to another, as a scenario's "at
// CYCLE partition A B" and "at CYCLE heal A B" lines do. Its moment is
// chosen where it matters: the run without faults that learns the
// system-call candidates (learnFaults) also records the cycles at which
// each link took a frame, and a schedule whose plan has a partition of a
// link draws its start among those cycles, from the plan's PRNG; it heals
// after 1 to maxPartFrames of the frames the link took from there on
// (those frames of the faultless run: the run with the cut may send
// others). A host going down is not chosen, for the reason kills are not:
// it ends every process of the host, and breaks nearly any expectation.

// A NetFault changes one setting of one link of the scenario, or cuts it
// from cycle Value to cycle Until.
type NetFault struct {
	Link  int    // index in the scenario's links (link lines, in order)
	Kind  string // "loss", "reorder", "dup" (millionths), "latency" (cycles) or "part"
	Value uint64 // the setting; for "part", the cycle the link is cut at
	Until uint64 // "part": the cycle it heals at (after Value)
}

// netKinds are the settings a NetFault may change, and "part".
var netKinds = []string{"loss", "reorder", "dup", "latency", "part"}

// maxPartFrames is the most frames of the faultless run a chosen
// partition spans: a short cut is the subtle one.
const maxPartFrames = 4

func (n NetFault) String() string {
	if n.Kind == "part" {
		return fmt.Sprintf("%d.part.%d-%d", n.Link, n.Value, n.Until)
	}
	return fmt.Sprintf("%d.%s.%d", n.Link, n.Kind, n.Value)
}

// partCandidates returns a partition candidate for each link that took a
// frame in the faultless run (traffic[i]: the cycles at which link i
// did); its cycles are drawn with the plan (drawPart).
func partCandidates(traffic [][]uint64) []NetFault {
	var out []NetFault
	for i, cycles := range traffic {
		if len(cycles) > 0 {
			out = append(out, NetFault{Link: i, Kind: "part"})
		}
	}
	return out
}

// drawPart gives the partition candidate n its cycles: from a cycle at
// which its link took a frame in the faultless run to just after the
// frame 1 to maxPartFrames later.
func drawPart(r *rand.Rand, n NetFault, traffic [][]uint64) NetFault {
	cycles := traffic[n.Link]
	i := r.IntN(len(cycles))
	j := i + r.IntN(min(maxPartFrames, len(cycles)-i))
	n.Value, n.Until = cycles[i], cycles[j]+1
	return n
}

// linkTraffic reads a "net" event of the trace: the index of the link
// that took a frame ("link alice-bob: frame #3 (46 bytes) on the wire"),
// or false for another event.
func linkTraffic(s *sim.Scenario, text string) (int, bool) {
	rest, ok := strings.CutPrefix(text, "link ")
	name, rest, ok2 := strings.Cut(rest, ": frame #")
	if !ok || !ok2 || !strings.Contains(rest, ") on the wire") {
		return 0, false
	}
	for i, l := range s.Links {
		if s.LinkName(l) == name {
			return i, true
		}
	}
	return 0, false
}

// netCandidates returns the network faults the explorer may choose for s:
// per link, 10% and 30% loss, 20% reordering, 10% duplication and ten
// times the latency, each only if it is worse than the link line's own.
func netCandidates(s *sim.Scenario) []NetFault {
	var out []NetFault
	for i, l := range s.Links {
		for _, n := range []NetFault{
			{i, "loss", 100000, 0}, {i, "loss", 300000, 0}, {i, "reorder", 200000, 0},
			{i, "dup", 100000, 0}, {i, "latency", 10 * l.Latency, 0},
		} {
			if n.Value > netValue(l, n.Kind) {
				out = append(out, n)
			}
		}
	}
	return out
}

// netValue is link l's own setting of kind.
func netValue(l sim.Link, kind string) uint64 {
	switch kind {
	case "loss":
		return uint64(l.Loss)
	case "reorder":
		return uint64(l.Reorder)
	case "dup":
		return uint64(l.Duplicate)
	}
	return l.Latency
}

// applyNet returns s with the network faults applied to a copy of its
// links (s itself unchanged), or an error for a fault that names no link
// of s.
func applyNet(s *sim.Scenario, net []NetFault) (*sim.Scenario, error) {
	if len(net) == 0 {
		return s, nil
	}
	c := *s
	c.Links = slices.Clone(s.Links)
	c.LinkEvents = slices.Clone(s.LinkEvents)
	for _, n := range net {
		if n.Link >= len(c.Links) {
			return nil, fmt.Errorf("network fault %v: the scenario has %d links", n, len(c.Links))
		}
		l := &c.Links[n.Link]
		switch n.Kind {
		case "part":
			c.LinkEvents = append(c.LinkEvents,
				sim.LinkEvent{At: n.Value, Kind: sim.Partition, Link: n.Link},
				sim.LinkEvent{At: n.Until, Kind: sim.Heal, Link: n.Link})
		case "loss":
			l.Loss = uint32(n.Value)
		case "reorder":
			l.Reorder = uint32(n.Value)
		case "dup":
			l.Duplicate = uint32(n.Value)
		case "latency":
			l.Latency = n.Value
		}
	}
	return &c, nil
}

// ApplyNet returns the scenario that token t runs: s with t's network
// faults applied (s itself if it has none).
func (t Token) ApplyNet(s *sim.Scenario) (*sim.Scenario, error) { return applyNet(s, t.Net) }

// formatNet writes network faults for a token: LINK.KIND.VALUE joined
// by +.
func formatNet(net []NetFault) string {
	parts := make([]string, len(net))
	for i, n := range net {
		parts[i] = n.String()
	}
	return strings.Join(parts, "+")
}

// parseNet reads what formatNet writes.
func parseNet(v string) ([]NetFault, error) {
	var out []NetFault
	for _, p := range strings.Split(v, "+") {
		f := strings.Split(p, ".")
		if len(f) != 3 {
			return nil, fmt.Errorf("network fault %q: expected LINK.KIND.VALUE", p)
		}
		link, err1 := strconv.Atoi(f[0])
		if err1 != nil || link < 0 || !slices.Contains(netKinds, f[1]) {
			return nil, fmt.Errorf("network fault %q: expected LINK.KIND.VALUE, KIND one of %s", p, strings.Join(netKinds, ", "))
		}
		if f[1] == "part" {
			a, b, ok := strings.Cut(f[2], "-")
			from, err1 := strconv.ParseUint(a, 10, 64)
			until, err2 := strconv.ParseUint(b, 10, 64)
			if !ok || err1 != nil || err2 != nil || from == 0 || until <= from || until > sim.MaxCycleLimit {
				return nil, fmt.Errorf("network fault %q: expected LINK.part.FROM-UNTIL, cycles with 0 < FROM < UNTIL", p)
			}
			out = append(out, NetFault{Link: link, Kind: "part", Value: from, Until: until})
			continue
		}
		val, err2 := strconv.ParseUint(f[2], 10, 64)
		if err2 != nil {
			return nil, fmt.Errorf("network fault %q: expected LINK.KIND.VALUE, KIND one of %s", p, strings.Join(netKinds, ", "))
		}
		if f[1] != "latency" && val > 1e6 || f[1] == "latency" && val == 0 {
			return nil, fmt.Errorf("network fault %q: out of range (millionths up to 1000000, a latency of at least 1)", p)
		}
		out = append(out, NetFault{Link: link, Kind: f[1], Value: val})
	}
	return out, nil
}
