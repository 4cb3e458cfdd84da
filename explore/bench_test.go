package explore

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"ipcsim/sim"
)

// BenchmarkExploreCounter measures exploration: one op is one PCT schedule
// of testdata/scenarios/explore_counter.txtar (the two-process counter),
// run with --all and no shrinking. Reported as schedules/s of wall time;
// on a shared machine compare the CPU time of a fixed -benchtime (time(1))
// as well. ExploreCounter1 runs on one worker (one core), ExploreCounterAll
// on GOMAXPROCS workers (every core).
func BenchmarkExploreCounter1(b *testing.B) { benchExplore(b, "explore_counter", 1) }
func BenchmarkExploreCounterAll(b *testing.B) {
	benchExplore(b, "explore_counter", runtime.GOMAXPROCS(0))
}

// BenchmarkExploreThreads1 is BenchmarkExploreCounter1 of
// testdata/scenarios/threads_explore_mutex.txtar: two threads of a musl
// program counting under a pthread_mutex.
func BenchmarkExploreThreads1(b *testing.B) { benchExplore(b, "threads_explore_mutex", 1) }

func benchExplore(b *testing.B, name string, workers int) {
	s, err := sim.Load(filepath.Join("..", "testdata", "scenarios", name+".txtar"))
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Strategy: "pct", Schedules: b.N, All: true, NoShrink: true, Workers: workers, Build: "bench"}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	rep, err := Explore(s, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if rep.Schedules != b.N {
		b.Fatalf("%d schedules ran, expected %d", rep.Schedules, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "schedules/s")
}
