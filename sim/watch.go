package sim

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"

	"ipcsim/kernel"
)

// segmentWatches follows the boots of each host for the scenario's
// watches of shared memory segments ("watch shm KEY+OFFSET", "watch
// shm#N+OFFSET"), so that the end of the run can say which of them named
// a segment that was never made: such a watch saw nothing, and without a
// note nothing in the trace would tell its line was useless (a wrong key,
// a wrong N).
type segmentWatches struct {
	s     *Scenario
	boots [][]*kernel.Kernel // per host, its kernel of each boot, the first first
}

// newSegmentWatches follows the hosts of c; nil if the scenario watches no
// segment.
func (s *Scenario) newSegmentWatches(c *kernel.Cluster) *segmentWatches {
	for _, w := range s.Watches {
		if w.Segment != nil {
			sw := &segmentWatches{s: s, boots: make([][]*kernel.Kernel, c.Hosts())}
			for i := range sw.boots {
				sw.boots[i] = []*kernel.Kernel{c.Host(i)}
			}
			return sw
		}
	}
	return nil
}

// rebooted records the new kernel of a host that booted again.
func (sw *segmentWatches) rebooted(host int, k *kernel.Kernel) {
	sw.boots[host] = append(sw.boots[host], k)
}

// finish notes in the trace, at the end of the run (the host's last
// cycle, or its loss of power), each watch of a segment that no boot of
// its host made. A host paused before its end (Options.PauseAt: inspect,
// step) has no end yet: its segments may still be made. The note names the
// watch line as file:line, the file by its base name, so that a trace
// recorded in want/trace is the same from whatever directory the scenario
// is run.
//
// The notes go in time order, as the trace does: by the cycle of their
// host's end, then by host, then in the order of the watch lines.
func (sw *segmentWatches) finish(c *kernel.Cluster, results []kernel.HostResult) {
	watches := slices.Clone(sw.s.Watches)
	slices.SortStableFunc(watches, func(a, b Watch) int {
		return cmp.Or(cmp.Compare(c.Host(a.Host).Now(), c.Host(b.Host).Now()), cmp.Compare(a.Host, b.Host))
	})
	for _, w := range watches {
		if r := results[w.Host]; w.Segment == nil || r.Reason == kernel.StopPaused && !r.Down {
			continue
		}
		made := 0 // the most segments a boot made
		found := false
		for _, k := range sw.boots[w.Host] {
			made = max(made, k.SegmentsMade())
			found = found || k.MadeSegment(w.Segment)
		}
		if found {
			continue
		}
		why := fmt.Sprintf("no segment was made with key %#x in the run", w.Segment.Key)
		switch {
		case made == 0:
			why = "no shared memory segment was made in the run"
		case w.Segment.Nth > 0:
			why = fmt.Sprintf("only %s made in the run, so no %s", plural(made, "segment"), w.Segment)
		}
		c.Host(w.Host).Note(fmt.Sprintf("%s: watch %s+%d: %s: the watch saw nothing",
			watchLine(w.Pos), w.Segment, w.Addr, why))
	}
}

// watchLine names a scenario line for the trace: "shm_watch.txtar:23", or
// "line 23" for a scenario without a file name.
func watchLine(p Pos) string {
	if p.Filename == "" {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}
