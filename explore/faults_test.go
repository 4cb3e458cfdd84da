package explore

import (
	"slices"
	"testing"

	"ipcsim/abi"
	"ipcsim/kernel"
	"ipcsim/sim"
)

func loadFaults(t *testing.T, name string) *sim.Scenario {
	t.Helper()
	s, err := sim.Load("../testdata/faults/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFaultsFindUncheckedFork: a program that does not check fork's
// result passes every schedule, and fails once the explorer chooses fault
// plans too; shrinking leaves one fault, a failing fork, and the shrunk
// token replays the failure. Every strategy of the portfolio.
func TestFaultsFindUncheckedFork(t *testing.T) {
	s := loadFaults(t, "explore_fork.txtar")
	rep, err := Explore(s, Config{Schedules: 30, Seed: 1, Build: "test", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 0 {
		t.Fatalf("without faults: %v", rep.Failures[0].Mismatches)
	}
	for _, st := range []string{"portfolio", "random", "pct", "pb"} {
		rep, err = Explore(s, Config{Strategy: st, Schedules: 30, Seed: 1, Build: "test", Workers: 2, Faults: true, All: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) == 0 {
			t.Fatalf("%s: with faults: no failure in 30 schedules", st)
		}
		shrunkTwo := false
		for _, f := range rep.Failures {
			if len(f.Token.Faults) == 0 {
				t.Fatalf("%s: schedule %d fails without a fault", st, f.Schedule)
			}
			sh := f.Shrunk
			if sh == nil {
				if f.Faults != 1 {
					t.Fatalf("%s: schedule %d of %d faults not shrunk", st, f.Schedule, f.Faults)
				}
				sh = &f.Token
			}
			if len(sh.Faults) != 1 || sh.Faults[0].Call != "clone" {
				t.Fatalf("%s: schedule %d (%v) shrank to %v, want one fault of clone", st, f.Schedule, f.Token, sh)
			}
			shrunkTwo = shrunkTwo || f.Faults == 2
			if !failsUnder(s, sh.Policy(), sh.plan()) {
				t.Errorf("%s: the shrunk token %v does not fail", st, sh)
			}
		}
		if st == "portfolio" && !shrunkTwo {
			t.Errorf("no failing plan of two faults to shrink")
		}
	}
}

// TestFaultsCheckedForkPasses: the careful program of fork_enomem (its
// own fault lines dropped) survives the explorer's fault plans.
func TestFaultsCheckedForkPasses(t *testing.T) {
	s := loadFaults(t, "fork_enomem.txtar")
	c := *s
	c.Faults = nil
	c.Expects = slices.DeleteFunc(slices.Clone(c.Expects), func(e sim.Expect) bool { return e.Kind == sim.ExpectConsole })
	c.Wants = nil
	rep, err := Explore(&c, Config{Schedules: 30, Seed: 2, Build: "test", Faults: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 0 {
		t.Errorf("schedule %v fails: %v", rep.Failures[0].Token, rep.Failures[0].Mismatches)
	}
}

// TestFaultTokenRoundTrip: a token with a fault plan reads back as it was
// written, for every strategy; bad plans are refused.
func TestFaultTokenRoundTrip(t *testing.T) {
	plan := []kernel.Fault{
		{Call: "clone", Nth: 1, Action: kernel.FaultErrno, Errno: abi.ENOMEM},
		{Call: "write", Nth: 3, Action: kernel.FaultShort},
		{Call: "clock_nanosleep", Nth: 2, Action: kernel.FaultErrno, Errno: abi.EINTR},
		{Nth: 7, Action: kernel.FaultKill},
	}
	toks := []Token{
		{Build: "b", Scenario: "s", Strategy: "pct", Seed: 1, Run: 4, Depth: 3, K: 57, Faults: plan},
		{Build: "b", Scenario: "s", Strategy: "random", Seed: 1, Run: 9, P: 0.02, Faults: plan[:1]},
		{Build: "b", Scenario: "s", Strategy: "pb", Run: 0, K: 13, W: 1, Faults: plan[1:2]},
		{Build: "b", Scenario: "s", Strategy: "list", Switches: []Switch{{12, 3}}, Faults: plan},
	}
	for _, tok := range toks {
		str := tok.String()
		got, err := ParseToken(str)
		if err != nil {
			t.Fatalf("%s: %v", str, err)
		}
		if got.String() != str || !slices.Equal(got.Faults, tok.Faults) {
			t.Errorf("%s read back as %s (%v)", str, got, got.Faults)
		}
	}
	if s := toks[3].String(); s != "ipx1:b:s:list:sw=12.3,f=clone.1.ENOMEM+write.3.short+clock_nanosleep.2.EINTR+any.7.kill" {
		t.Errorf("list token %s", s)
	}
	for _, bad := range []string{
		"ipx1:b:s:list:sw=12.3,f=clone.1.EPIPE",
		"ipx1:b:s:list:sw=12.3,f=clone.0.ENOMEM",
		"ipx1:b:s:list:sw=12.3,f=clone.1",
		"ipx1:b:s:list:sw=12.3,f=clone.1.ENOMEM,f=write.1.short",
		"ipx1:b:s:list:f=clone.1.ENOMEM",
	} {
		if _, err := ParseToken(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestFaultsDeterministic: the same exploration with faults gives the same
// report, whatever the number of workers, and the same plan gives the
// same run, byte for byte.
func TestFaultsDeterministic(t *testing.T) {
	s := loadFaults(t, "explore_fork.txtar")
	var reps [2]string
	for i, w := range []int{1, 3} {
		rep, err := Explore(s, Config{Schedules: 20, Seed: 5, Build: "test", Workers: w, Faults: true, All: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Failures {
			reps[i] += f.Token.String() + "\n"
			if f.Shrunk != nil {
				reps[i] += "  shrunk: " + f.Shrunk.String() + "\n"
			}
		}
	}
	if reps[0] == "" || reps[0] != reps[1] {
		t.Errorf("1 worker:\n%s3 workers:\n%s", reps[0], reps[1])
	}
	plan := []kernel.Fault{{Call: "clone", Nth: 1, Action: kernel.FaultErrno, Errno: abi.EAGAIN}}
	var outs [2]string
	for i := range outs {
		c := *s
		c.Wants = nil
		o, err := c.Run(sim.Options{Faults: plan, KeepTrace: true})
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = string(o.Console) + sim.FormatExits(o.Result)
		for _, e := range o.Trace {
			outs[i] += e.Text + "\n"
		}
	}
	if outs[0] != outs[1] {
		t.Errorf("two runs of one plan differ")
	}
}

// TestNetFaults: the candidates of a scenario with links, a token with
// network faults read back, and a link that loses every frame breaking
// net_udp, which passes without it (the ICMP port unreachable from carol
// never comes back: the client that expects ECONNREFUSED does not see it).
func TestNetFaults(t *testing.T) {
	s, err := sim.Load("../testdata/scenarios/net_udp.txtar")
	if err != nil {
		t.Fatal(err)
	}
	cands := netCandidates(s)
	if len(cands) == 0 || cands[0].Link != 0 || cands[len(cands)-1].Link != len(s.Links)-1 {
		t.Fatalf("candidates %v", cands)
	}
	for _, c := range cands {
		if c.Kind == "loss" && c.Link == 0 && c.Value <= uint64(s.Links[0].Loss) {
			t.Errorf("candidate %v is no worse than the link line's loss %d", c, s.Links[0].Loss)
		}
	}
	tok := Token{Build: "b", Scenario: "s", Strategy: "list", Switches: []Switch{{3, 2}},
		Faults: []kernel.Fault{{Call: "write", Nth: 1, Action: kernel.FaultShort}},
		Net:    []NetFault{{Link: 0, Kind: "loss", Value: 1000000}, {Link: 1, Kind: "latency", Value: 20000000}}}
	str := tok.String()
	if str != "ipx1:b:s:list:sw=3.2,f=write.1.short,n=0.loss.1000000+1.latency.20000000" {
		t.Errorf("token %s", str)
	}
	if got, err := ParseToken(str); err != nil || got.String() != str || !slices.Equal(got.Net, tok.Net) {
		t.Errorf("%s read back as %v, %v", str, got, err)
	}
	for _, bad := range []string{"n=0.loss.2000000", "n=0.jam.5", "n=x.loss.5", "n=0.latency.0"} {
		if _, err := ParseToken("ipx1:b:s:list:sw=3.2," + bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	if _, err := (Token{Net: []NetFault{{Link: 9, Kind: "loss", Value: 5}}}).ApplyNet(s); err == nil {
		t.Errorf("a fault on link 9 of %d applied", len(s.Links))
	}
	if failsUnder(s, newList(nil), plan{}) {
		t.Fatalf("net_udp fails without faults")
	}
	if !failsUnder(s, newList(nil), plan{net: []NetFault{{Link: 1, Kind: "loss", Value: 1000000}}}) {
		t.Errorf("net_udp passes with a link that loses every frame")
	}
	if s.Links[0].Loss == 1000000 {
		t.Errorf("the scenario itself was changed")
	}
}
