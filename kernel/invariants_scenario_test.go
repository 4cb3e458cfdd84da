package kernel_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
	"ipcsim/sim"
)

// The bundled scenarios run with every invariant checked after every step
// of every host, and break none; their expectations still hold (checking
// changes nothing but the speed).
func TestScenariosKeepInvariants(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	defer kernel.SetCheckAllInvariants(kernel.SetCheckAllInvariants(true))
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		if testing.Short() && !shortScenarios[name] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			s, err := sim.Load(path)
			require.NoError(t, err)
			o, err := s.Run(sim.Options{})
			require.NoError(t, err)
			for _, h := range o.Hosts {
				if inv := h.Result.Invariant; inv != nil {
					t.Fatalf("host %q: %v", h.Name, inv)
				}
			}
			require.Empty(t, s.CheckRun(o), "the scenario's expectations (this run's)")
		})
	}
}

// shortScenarios are the ones -short runs: one of each kind of object.
var shortScenarios = map[string]bool{
	"pipe_parent_child": true, "cow": true, "msg_server": true, "threads_prodcons": true,
	"sem_undo": true, "unix_echo": true, "fifo_meet": true, "epoll_pipes": true,
}

// A scenario run with Options.Check on a kernel that breaks an invariant
// stops there, and its checks (Check, CheckRun) fail first of all with the
// invariant's name, detail and cycle; without Check nothing is noticed.
func TestScenarioCheckReportsBrokenInvariant(t *testing.T) {
	s, err := sim.Load(filepath.Join("..", "testdata", "scenarios", "cow.txtar"))
	require.NoError(t, err)
	o, err := s.Run(sim.Options{Check: true})
	require.NoError(t, err)
	require.Empty(t, o.BrokenInvariant())
	require.Empty(t, s.Check(o))

	leaked := false
	defer kernel.SetCorruptBeforeCheck(kernel.SetCorruptBeforeCheck(func(k *kernel.Kernel) {
		if !leaked {
			kernel.LeakFrame(k)
			leaked = true
		}
	}))
	for _, run := range []func() (*sim.Outcome, error){
		func() (*sim.Outcome, error) { return s.Run(sim.Options{Check: true}) },
		func() (*sim.Outcome, error) { return s.WithInvariants().Run(sim.Options{}) },
	} {
		leaked = false
		o, err := run()
		require.NoError(t, err)
		require.Equal(t, kernel.StopInvariant, o.Result.Reason)
		b := o.BrokenInvariant()
		require.Contains(t, b, `kernel invariant "frames" broken at cycle `)
		require.Contains(t, b, "no page table or shared object holds it")
		for _, ms := range [][]sim.Mismatch{s.Check(o), s.CheckRun(o)} {
			require.NotEmpty(t, ms)
			require.Equal(t, "invariants", ms[0].What)
			require.Equal(t, b, ms[0].Msg)
		}
	}
	leaked = false
	o, err = s.Run(sim.Options{})
	require.NoError(t, err)
	require.Empty(t, o.BrokenInvariant(), "without Check the kernel is not checked")
}
