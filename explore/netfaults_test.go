package explore

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPartitionFaults: explore_partition's expectations assume the
// network never partitions. No schedule breaks them without faults; with
// faults, a partition drawn among the cycles at which the link took a
// frame in the faultless run does, the token records it
// (n=0.part.FROM-UNTIL), its replay fails, and shrinking keeps that one
// fault. The report is the same with one worker and with two.
func TestPartitionFaults(t *testing.T) {
	s := loadFaults(t, "explore_partition.txtar")
	cfg := Config{Strategy: "random", Schedules: 40, All: true, Build: "test", Workers: 1}
	rep, err := Explore(s, cfg)
	require.NoError(t, err)
	require.Empty(t, rep.Failures, "without faults")

	_, traffic, err := learnFaults(s)
	require.NoError(t, err)
	require.Len(t, traffic, 1)
	require.NotEmpty(t, traffic[0])

	cfg.Faults = true
	rep, err = Explore(s, cfg)
	require.NoError(t, err)
	var part *Failure
	for i, f := range rep.Failures {
		for _, n := range f.Token.Net {
			if n.Kind != "part" {
				continue
			}
			require.Contains(t, traffic[0], n.Value, "a partition starts where the link took a frame")
			require.Greater(t, n.Until, n.Value)
			if part == nil && f.Shrunk != nil && len(f.Shrunk.Faults) == 0 && len(f.Shrunk.Net) == 1 && f.Shrunk.Net[0].Kind == "part" {
				part = &rep.Failures[i]
			}
		}
	}
	require.NotNil(t, part, "a failure that shrinks to one partition")
	require.Regexp(t, `,n=0\.part\.\d+-\d+$`, part.Shrunk.String())

	// The token read back replays the failure; without its partition the
	// run passes.
	tok, err := ParseToken(part.Shrunk.String())
	require.NoError(t, err)
	require.Equal(t, part.Shrunk.Net, tok.Net)
	require.True(t, failsUnder(s, tok.Policy(), tok.plan()), "the replay fails")
	require.False(t, failsUnder(s, tok.Policy(), plan{}), "without the partition it passes")
	applied, err := tok.ApplyNet(s)
	require.NoError(t, err)
	require.Len(t, applied.LinkEvents, len(s.LinkEvents)+2, "a cut and a heal")
	require.Empty(t, s.LinkEvents, "the scenario itself unchanged")

	// One worker or two: the same report, tokens and all.
	cfg.Workers = 2
	rep2, err := Explore(s, cfg)
	require.NoError(t, err)
	tokens := func(r *Report) []string {
		var out []string
		for _, f := range r.Failures {
			out = append(out, f.Token.String())
			if f.Shrunk != nil {
				out = append(out, f.Shrunk.String())
			}
		}
		return out
	}
	require.True(t, slices.Equal(tokens(rep), tokens(rep2)), "%q\n%q", tokens(rep), tokens(rep2))
}

// TestPartitionTokens: a partition in a token, read back; bad ones are
// refused.
func TestPartitionTokens(t *testing.T) {
	tok := Token{Build: "b", Scenario: "s", Strategy: "list",
		Net: []NetFault{{Link: 0, Kind: "part", Value: 1200, Until: 5400}, {Link: 1, Kind: "loss", Value: 5}}}
	str := tok.String()
	require.Equal(t, "ipx1:b:s:list:sw=,n=0.part.1200-5400+1.loss.5", str)
	got, err := ParseToken(str)
	require.NoError(t, err)
	require.Equal(t, tok.Net, got.Net)
	for _, bad := range []string{"n=0.part.5", "n=0.part.5-5", "n=0.part.0-5", "n=0.part.9-3", "n=0.part.a-b"} {
		_, err := ParseToken("ipx1:b:s:list:sw=," + bad)
		require.Error(t, err, bad)
	}
}
