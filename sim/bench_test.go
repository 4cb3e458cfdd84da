package sim

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkSeedSweep measures a seed sweep (expect seeds): one op is one
// run of testdata/scenarios/race_counter.txtar, the two-process counter,
// under the next seed of 1..1000, as runSeeds makes it. Reported as
// schedules/s of wall time; on a shared machine compare B/op and the CPU
// time of a fixed -benchtime 1000x (time(1)) as well.
func BenchmarkSeedSweep(b *testing.B) {
	s, err := Load(filepath.Join("..", "testdata", "scenarios", "race_counter.txtar"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := time.Now()
	for i := range b.N {
		seed := uint64(i%1000) + 1
		o, err := s.runSeed(seed)
		if err != nil || o == nil {
			b.Fatalf("seed %d: %v", seed, err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "schedules/s")
}
