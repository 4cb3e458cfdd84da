package explore

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ipcsim/sim"
)

// Network faults as choices of the explorer (Config.Faults, in a scenario
// with link lines): a link made lossier, slower, or given to reordering or
// duplication, for the whole run. The wire's randomness comes from the
// seed and the link's name (hw/network.go), so the same choice gives the
// same run. A partition at a chosen moment is not among them yet (a
// scenario's "at CYCLE partition" lines make one).

// A NetFault changes one setting of one link of the scenario.
type NetFault struct {
	Link  int    // index in the scenario's links (link lines, in order)
	Kind  string // "loss", "reorder", "dup" (millionths) or "latency" (cycles)
	Value uint64
}

// netKinds are the settings a NetFault may change.
var netKinds = []string{"loss", "reorder", "dup", "latency"}

func (n NetFault) String() string { return fmt.Sprintf("%d.%s.%d", n.Link, n.Kind, n.Value) }

// netCandidates returns the network faults the explorer may choose for s:
// per link, 10% and 30% loss, 20% reordering, 10% duplication and ten
// times the latency, each only if it is worse than the link line's own.
func netCandidates(s *sim.Scenario) []NetFault {
	var out []NetFault
	for i, l := range s.Links {
		for _, n := range []NetFault{
			{i, "loss", 100000}, {i, "loss", 300000}, {i, "reorder", 200000},
			{i, "dup", 100000}, {i, "latency", 10 * l.Latency},
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
	for _, n := range net {
		if n.Link >= len(c.Links) {
			return nil, fmt.Errorf("network fault %v: the scenario has %d links", n, len(c.Links))
		}
		l := &c.Links[n.Link]
		switch n.Kind {
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
		val, err2 := strconv.ParseUint(f[2], 10, 64)
		if err1 != nil || err2 != nil || link < 0 || !slices.Contains(netKinds, f[1]) {
			return nil, fmt.Errorf("network fault %q: expected LINK.KIND.VALUE, KIND one of %s", p, strings.Join(netKinds, ", "))
		}
		if f[1] != "latency" && val > 1e6 || f[1] == "latency" && val == 0 {
			return nil, fmt.Errorf("network fault %q: out of range (millionths up to 1000000, a latency of at least 1)", p)
		}
		out = append(out, NetFault{link, f[1], val})
	}
	return out, nil
}
