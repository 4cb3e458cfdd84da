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

// finish notes in the trace, at the end of the run, each watch of a
// segment that no boot of its host made, on the watch's host. A host
// paused before its end (Options.PauseAt: inspect, step), or off until a
// later boot, has no end yet: its segments may still be made. The note
// names the watch line as file:line, the file by its base name, so that a
// trace recorded in want/trace is the same from whatever directory the
// scenario is run.
//
// The notes are stamped with the run's last cycle, the latest of the
// hosts' (Kernel.NoteAtEnd), not their own host's end: that may be long
// before the other hosts' last events, which the trace has already
// written, and the trace goes in time order. They come by host, then in
// the order of the watch lines.
func (sw *segmentWatches) finish(c *kernel.Cluster, results []kernel.HostResult) {
	end := uint64(0)
	for i := range c.Hosts() {
		end = max(end, c.Host(i).Now())
	}
	watches := slices.Clone(sw.s.Watches)
	slices.SortStableFunc(watches, func(a, b Watch) int { return cmp.Compare(a.Host, b.Host) })
	for _, w := range watches {
		if w.Segment == nil || HostEnd(results[w.Host]) == nil {
			continue // paused, or off until its next boot: it goes on
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
		why := fmt.Sprintf("no segment was made with key %#x in the run", uint32(w.Segment.Key))
		switch {
		case made == 0:
			why = "no shared memory segment was made in the run"
		case w.Segment.Nth > 0:
			why = fmt.Sprintf("only %s made in the run, so no %s", plural(made, "segment"), w.Segment)
		}
		c.Host(w.Host).NoteAtEnd(end, fmt.Sprintf("%s: watch %s+%d: %s: the watch saw nothing",
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
