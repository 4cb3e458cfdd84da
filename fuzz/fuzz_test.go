package fuzz

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestTokenRoundTrip(t *testing.T) {
	tok := Token{Build: "0123456789ab", Seed: 1 << 63, Case: 12345, Procs: 7, PerProc: 300}
	require.Equal(t, "ipf1:0123456789ab:seed=9223372036854775808,case=12345,procs=7,k=300", tok.String())
	got, err := ParseToken(tok.String())
	require.NoError(t, err)
	require.Equal(t, tok, got)
	require.NoError(t, got.Check("0123456789ab"))
	require.ErrorContains(t, got.Check("ba9876543210"), "fuzz token from another build of ipcsim (build 0123456789ab; this one is ba9876543210)")
	for _, bad := range []string{
		"", "ipf1", "ipf2:b:seed=1,case=2,procs=3,k=4", "ipf1::seed=1,case=2,procs=3,k=4",
		"ipf1:b:seed=1,case=2,procs=3", "ipf1:b:seed=1,case=2,procs=3,k=4,x=5", "ipf1:b:seed=1,seed=1,procs=3,k=4",
		"ipf1:b:seed=1,case=-2,procs=3,k=4", "ipf1:b:seed=1,case=2,procs=33,k=4", "ipf1:b:seed=1,case=2,procs=3,k=0",
	} {
		_, err := ParseToken(bad)
		require.ErrorContains(t, err, "bad fuzz token", "%q", bad)
	}
}

// The report is the same for any number of workers, and a case fails
// alone: here a panic where the kernel runs, which Replay finds again.
func TestRunDeterministicAndReplay(t *testing.T) {
	boom := func(c, i int) {
		if c == 3 && i == 11 {
			panic("boom")
		}
	}
	cfg := Config{Seed: 9, Calls: 1500, Procs: 3, PerProc: 20, Check: true, Build: "b", Before: boom}
	var reps []*Report
	for _, w := range []int{1, 4} {
		cfg.Workers = w
		rep, err := Run(cfg)
		require.NoError(t, err)
		for i := range rep.Failures {
			rep.Failures[i].Stack = "" // goroutine numbers
		}
		reps = append(reps, rep)
	}
	require.Empty(t, cmp.Diff(reps[0], reps[1]))
	rep := reps[0]
	require.GreaterOrEqual(t, rep.Calls, 1500)
	require.Greater(t, rep.Checks, uint64(rep.Calls))
	require.Len(t, rep.Failures, 1)
	f := rep.Failures[0]
	require.Equal(t, "panic", f.Kind)
	require.Equal(t, "case 3: kernel panic: boom (before call 11)", f.String())
	require.Equal(t, Token{Build: "b", Seed: 9, Case: 3, Procs: 3, PerProc: 20}, f.Token)

	var calls []int
	res, err := Replay(f.Token, Config{Before: func(c, i int) { calls = append(calls, i); boom(c, i) }})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, f.String(), res.Failure.String())
	require.Contains(t, res.Failure.Stack, "fuzz.runCase")
	require.Len(t, calls, 12)
}

// The program forks procs-1 children: every case begins with procs
// processes that can make calls (runCase fails a case otherwise).
func TestProgramProcs(t *testing.T) {
	for _, procs := range []int{1, 5, MaxProcs} {
		rep, err := Run(Config{Procs: procs, PerProc: 1, Calls: 1, Workers: 1, Build: "b"})
		require.NoError(t, err)
		require.Empty(t, rep.Failures, "%d processes", procs)
		require.Equal(t, 1, rep.Cases)
	}
}

// A run whose cases all fail before their first call stops after a batch
// rather than run for ever.
func TestRunStalls(t *testing.T) {
	rep, err := Run(Config{Calls: 10, Workers: 2, Build: "b", Before: func(c, i int) { panic("no calls") }})
	require.NoError(t, err)
	require.True(t, rep.Stalled)
	require.Equal(t, 0, rep.Calls)
	require.Len(t, rep.Failures, rep.Cases)
	require.Equal(t, "case 0: kernel panic: no calls (before call 0)", rep.Failures[0].String())
}
