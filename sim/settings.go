package sim

import (
	"errors"
	"fmt"
	"strings"

	"ipcsim/hw"
)

// The ranges of the numeric machine settings, for a scenario's machine line
// and for the command line's flags alike. The kernel does its arithmetic on
// these values in uint64 (the end of a time slice is now+quantum+jitter, a
// trap moves the clock by trapcost), so each range keeps every sum far
// below 2^64, and the memory range keeps what the host allocates up front
// sensible. README.md ("Limits") lists them.
const (
	MinQuantum  = 1
	MaxQuantum  = 1_000_000_000_000 // 1000 s of virtual time
	MaxTrapCost = 1_000_000         // 1 ms per trap
	MaxJitter   = 1_000_000_000_000
	MinMemBytes = 1 << 20 // 256 frames: a few small processes
	MaxMemBytes = 4 << 30 // allocated up front on the host
	MinMaxProcs = 2       // init and one process
	MaxMaxProcs = 65536   // each process takes frames too: the memory bounds how many can live
	// MaxCycleLimit is the largest limit=: 2^62 cycles (146 years of
	// virtual time), so that the clock never comes near wrapping.
	MaxCycleLimit = 1 << 62
	// DefaultCycleLimit is the limit of a scenario that gives none: one
	// second of virtual time. limit=none (or --limit=none) runs without.
	DefaultCycleLimit = 1_000_000_000
)

// checkSetting returns "" if n lies in the range of the numeric machine
// setting key (mem, quantum, trapcost, jitter, limit, maxprocs; seed takes
// any value), or what was expected.
func checkSetting(key string, n uint64) string {
	switch key {
	case "mem":
		if n < MinMemBytes || n > MaxMemBytes {
			return "expected a size from 1M to 4G"
		}
		if n%hw.PageSize != 0 {
			return fmt.Sprintf("expected a multiple of the page size (%d bytes)", hw.PageSize)
		}
	case "quantum":
		if n < MinQuantum || n > MaxQuantum {
			return "expected a quantum from 1 to " + group(MaxQuantum) + " cycles"
		}
	case "trapcost":
		if n > MaxTrapCost {
			return "expected a trap cost from 0 to " + group(MaxTrapCost) + " cycles"
		}
	case "jitter":
		if n > MaxJitter {
			return "expected a jitter from 0 to " + group(MaxJitter) + " cycles"
		}
	case "limit":
		if n < 1 || n > MaxCycleLimit {
			return "expected a cycle limit from 1 to 2^62, or none"
		}
	case "maxprocs":
		if n < MinMaxProcs || n > MaxMaxProcs {
			return fmt.Sprintf("expected a process limit from %d to %d", MinMaxProcs, MaxMaxProcs)
		}
	}
	return ""
}

// group writes n with its digits grouped by underscores, as a setting may
// be written: 1_000_000.
func group(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('_')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ParseSetting parses the value of a numeric machine setting as a
// scenario's machine line does (mem takes a size such as 16M, limit takes
// "none", the others a count) and checks it against the setting's range.
// The command line uses it for its flags. For limit, none returns 0. The
// error says what was expected ("expected a quantum from 1 to ...").
func ParseSetting(key, s string) (uint64, error) {
	n, msg := parseSetting(key, s)
	if msg != "" {
		return 0, errors.New(msg)
	}
	return n, nil
}

// parseSetting is ParseSetting with a message instead of an error.
func parseSetting(key, s string) (uint64, string) {
	var n uint64
	var msg string
	switch {
	case key == "mem":
		n, msg = parseSize(s)
	case key == "limit" && s == "none":
		return 0, ""
	default:
		n, msg = parseCount(s)
	}
	if msg == "" {
		msg = checkSetting(key, n)
	}
	if msg != "" && key == "limit" && !strings.Contains(msg, "none") {
		msg += ", or none"
	}
	return n, msg
}

// WithLimit returns a copy of the scenario whose machine stops at cycle
// limit (0: never), in place of its limit= setting; the copy shares
// everything else with s. It is ipcsim's --limit.
func (s *Scenario) WithLimit(limit uint64) *Scenario {
	c := *s
	c.Machine.CycleLimit = limit
	return &c
}
