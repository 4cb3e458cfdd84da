package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ipcsim/explore"
	"ipcsim/sim"
)

// TestExploreFaults: explore --faults finds the unchecked fork, prints a
// token with its fault plan and a shrunk one of one fault, and run
// --replay of the shrunk token shows the injected ENOMEM or EAGAIN, in the
// text and in the JSON trace.
func TestExploreFaults(t *testing.T) {
	const file = "../../testdata/faults/explore_fork.txtar"
	var out, errb bytes.Buffer
	if st := Main([]string{"explore", "--seed=1", file}, nil, &out, &errb); st != exitOK {
		t.Fatalf("explore without faults: status %d\n%s%s", st, out.String(), errb.String())
	}
	out.Reset()
	if st := Main([]string{"explore", "--faults", "--strategy=random", "--seed=1", file}, nil, &out, &errb); st != exitFailed {
		t.Fatalf("explore --faults: status %d, want %d\n%s%s", st, exitFailed, out.String(), errb.String())
	}
	toks := regexp.MustCompile(`--replay (ipx1:\S+)`).FindAllStringSubmatch(out.String(), -1)
	if len(toks) != 2 || !strings.Contains(toks[0][1], ",f=clone.1.") || !strings.Contains(out.String(), "faults to 1") {
		t.Fatalf("want a token with a fault plan and a shrunk token:\n%s", out.String())
	}
	shrunk := toks[1][1]
	var o, e bytes.Buffer
	if st := Main([]string{"run", file, "--replay", shrunk}, nil, &o, &e); st != exitOK {
		t.Fatalf("run --replay %s: status %d: %s", shrunk, st, e.String())
	}
	if !regexp.MustCompile(`clone\(.*\) = -1 E(NOMEM|AGAIN) \(.*\) \(injected\)`).MatchString(o.String()) {
		t.Errorf("the replay shows no injected fork failure:\n%s", o.String())
	}
	o.Reset()
	if st := Main([]string{"run", "--format=json", file, "--replay", shrunk}, nil, &o, &e); st != exitOK {
		t.Fatalf("run --format=json --replay: status %d: %s", st, e.String())
	}
	if !regexp.MustCompile(`"syscall":"clone".*"injected":"E(NOMEM|AGAIN)"`).MatchString(o.String()) {
		t.Errorf("the JSON trace shows no injected fault:\n%s", o.String())
	}
}

// TestFaultLineError: a bad fault line is an error at its line and column,
// and exit status 2.
func TestFaultLineError(t *testing.T) {
	data, err := os.ReadFile(helloScenario)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "bad.txtar")
	src := strings.Replace(string(data), "\nspawn ", "\nfault write 1 ENOMEM\nspawn ", 1)
	writeFile(t, file, []byte(src), 0o644)
	st, _, stderr := run(t, "run", file)
	if st != exitBadInput || !regexp.MustCompile(`bad.txtar:\d+:15: ENOMEM is not an error Linux gives write for a fault`).MatchString(stderr) {
		t.Errorf("status %d, stderr %q", st, stderr)
	}
}

// TestReplayNetFaults: a token's network faults change the links of the
// replayed run: with every frame between alice and carol lost, the client
// that expected "Connection refused" hears nothing.
func TestReplayNetFaults(t *testing.T) {
	const file = "../../testdata/scenarios/net_udp.txtar"
	s, err := sim.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	tok := explore.Token{Build: explore.Build(), Scenario: s.Fingerprint(), Strategy: "list",
		Net: []explore.NetFault{{Link: 1, Kind: "loss", Value: 1000000}}}
	st, plain, _ := run(t, "run", file)
	st2, lossy, stderr := run(t, "run", file, "--replay", tok.String())
	if st != exitOK || st2 != exitOK {
		t.Fatalf("status %d, %d: %s", st, st2, stderr)
	}
	if !strings.Contains(plain, "Connection refused") || strings.Contains(lossy, "recv: Connection refused") || !strings.Contains(lossy, "dropped") && !strings.Contains(lossy, "lost") {
		t.Errorf("the replay with carol's link cut:\n%s", lossy)
	}
}

// TestExplorePartition: explore --faults cuts explore_partition's link
// for a while; the shrunk token is that partition alone, from 2 faults
// or 1 to 1, and run --replay of it shows the cut, the frame it drops
// and the heal.
func TestExplorePartition(t *testing.T) {
	const file = "../../testdata/faults/explore_partition.txtar"
	st, out, stderr := run(t, "explore", "--faults", "--all", "--strategy=random", "--schedules=40", file)
	if st != exitFailed {
		t.Fatalf("explore --faults: status %d\n%s%s", st, out, stderr)
	}
	m := regexp.MustCompile(`shrunk from 0 switches to 0, from \d faults to 1: ipcsim run --replay (ipx1:\S+,n=0\.part\.(\d+)-(\d+)) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no failure shrunk to one partition:\n%s", out)
	}
	st, trace, stderr := run(t, "run", file, "--replay", m[1])
	if st != exitOK {
		t.Fatalf("run --replay: status %d: %s", st, stderr)
	}
	for _, want := range []string{
		`(?m)^ *` + m[2] + ` .* link alice-bob: cut \(partition\)`,
		`(?m)^ *` + m[3] + ` .* link alice-bob: healed`,
		`dropped \(partitioned\)`,
		`no answer in 50 ms`,
	} {
		if !regexp.MustCompile(want).MatchString(trace) {
			t.Errorf("the replay shows no %q:\n%s", want, trace)
		}
	}
}
