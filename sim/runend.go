package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// RunEnd is how a run, or one host of it, ended: what ipcsim inspect
// says when the run ended before the cycle asked for, and the report's
// heading.
type RunEnd struct {
	Cycle uint64 `json:"cycle"` // the cycle it ended at: the host's last, or its power loss
	// Reason names the end as a stop record of run --format=json does:
	// "exited", "deadlock", "cycle_limit", "invariant", or "down" for a
	// host that lost power (at CYCLE down HOST).
	Reason   string `json:"reason"`
	Describe string `json:"describe"` // "all processes exited", "lost power"...
}

// String says it as a person reads it: "lost power at cycle 10000".
func (e *RunEnd) String() string { return fmt.Sprintf("%s at cycle %d", e.Describe, e.Cycle) }

// HostEnd returns how a host's run ended, or nil if it was paused: it
// goes on. A host that lost power for good ended then, whatever its
// processes were doing: they died with it, which is no deadlock. One that
// is off but boots again later (at CYCLE up: HostResult.UpAt) has not
// ended: it was paused while off.
func HostEnd(r kernel.HostResult) *RunEnd {
	switch {
	case r.Down && r.UpAt != 0, !r.Down && r.Reason == kernel.StopPaused:
		return nil
	case r.Down:
		return &RunEnd{Cycle: r.Cycles, Reason: "down", Describe: "lost power"}
	}
	return &RunEnd{Cycle: r.Cycles, Reason: stopReason(r.Reason), Describe: r.Reason.String()}
}

// End says how the run ended, or "" if it had not (a host was paused and
// goes on): for a scenario without hosts, "deadlock: every process is
// blocked at cycle 927"; with hosts, each host's end,
// "alice: all processes exited at cycle 3013; bob: lost power at cycle
// 10000". The run has ended only once every host has: a host off until
// it boots again has not.
func (o *Outcome) End() string {
	if len(o.Hosts) == 0 || len(o.Hosts) == 1 && o.Hosts[0].Name == "" {
		if e := HostEnd(kernel.HostResult{Result: o.Result}); e != nil {
			return e.String()
		}
		return ""
	}
	var ends []string
	for _, h := range o.Hosts {
		e := HostEnd(h.Result)
		if e == nil {
			return ""
		}
		ends = append(ends, h.Name+": "+e.String())
	}
	return strings.Join(ends, "; ")
}
