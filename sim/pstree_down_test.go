package sim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunTreeHostDown: when a host loses power, everything on it dies,
// its init too: --tree shows bob's init and his processes lost with
// their host, while alice's init, whose host runs on, is still alive.
func TestRunTreeHostDown(t *testing.T) {
	const lost = "lost with its host (power lost), no exit status"
	for _, tc := range []struct {
		scenario string
		alice    []TreeNode
		bob      []TreeNode
	}{
		{"hosts_two",
			[]TreeNode{{PID: 1, Name: "init", Note: "still alive"}, {PID: 2, Parent: 1, Name: "reader", Note: "exited with status 0"}},
			[]TreeNode{{PID: 1, Name: "init", Note: lost}, {PID: 2, Parent: 1, Name: "ticker", Note: lost}}},
		{"net_host_down",
			[]TreeNode{{PID: 1, Name: "init", Note: "still alive"}, {PID: 2, Parent: 1, Name: "hostdown", Note: "exited with status 0"}},
			[]TreeNode{{PID: 1, Name: "init", Note: lost}, {PID: 2, Parent: 1, Name: "hostdown", Note: lost}}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			s, err := Load("../testdata/scenarios/" + tc.scenario + ".txtar")
			require.NoError(t, err)
			hosts := s.HostNames()
			require.Equal(t, []string{"alice", "bob"}, hosts)
			tree := NewRunTree(hosts)
			_, err = s.Run(Options{Trace: tree.Event})
			require.NoError(t, err)
			for i, want := range [][]TreeNode{tc.alice, tc.bob} {
				got, dropped := tree.Nodes(i)
				require.Zero(t, dropped)
				require.Equal(t, want, got, hosts[i])
			}
		})
	}
}
