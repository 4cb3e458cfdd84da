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
