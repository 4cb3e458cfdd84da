package kernel

import (
	"math/rand/v2"
	"testing"
)

// TestNextRun checks Cluster.nextRun, which finds in one pass the source
// whose first held event comes first and the bound of its run, against
// the two passes it replaced: the earliest source (the first in order at
// a tie), then the least over every other source with held events of the
// cycle before which an event of the first comes before that source's
// first (before). The queues' first cycles are drawn from a few values,
// so that ties between the network and hosts, and among hosts, are
// common.
func TestNextRun(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20000 {
		c := &Cluster{}
		for range 1 + r.IntN(4) {
			c.hosts = append(c.hosts, &clusterHost{})
		}
		for j := netSource; j < len(c.hosts); j++ {
			for range r.IntN(3) {
				c.queue(j).pushRecord(&Record{RecordHead: RecordHead{Cycle: uint64(r.IntN(4))}})
				c.held++
			}
		}
		if c.held == 0 {
			continue
		}
		want, wantAt := netSource-1, never
		for j := netSource; j < len(c.hosts); j++ {
			if q := c.queue(j); q.len() > 0 && (want < netSource || q.firstCycle() < wantAt) {
				want, wantAt = j, q.firstCycle()
			}
		}
		wantLimit := never
		for j := netSource; j < len(c.hosts); j++ {
			if j != want && c.queue(j).len() > 0 {
				wantLimit = min(wantLimit, before(want, j, c.queue(j).firstCycle()))
			}
		}
		got, gotLimit := c.nextRun()
		if got != want || gotLimit != wantLimit {
			t.Fatalf("trial %d: nextRun = %d, %d; want %d, %d", trial, got, gotLimit, want, wantLimit)
		}
	}
}
