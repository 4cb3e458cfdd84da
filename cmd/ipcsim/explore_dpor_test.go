package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestExploreDPOR: ipcsim explore --strategy dpor finds explore_counter's
// lost update with a token that run --replay reproduces; with --all it
// runs every class and says the search is complete; --limit stops it
// incomplete; a bad --limit is bad input.
func TestExploreDPOR(t *testing.T) {
	const file = "../../testdata/scenarios/explore_counter.txtar"
	out := exploreOut(t, "--strategy=dpor", file)
	m := regexp.MustCompile(`--replay (ipx1:\S+:dpor:\S+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "explore: dpor: ") || !strings.Contains(out, "incomplete: stopped at the first failing one") {
		t.Fatalf("want a dpor token and an incomplete search:\n%s", out)
	}
	var o, e bytes.Buffer
	if st := Main([]string{"run", file, "--replay", m[1]}, nil, &o, &e); st != exitOK || !strings.Contains(o.String(), "exited with status 1") {
		t.Errorf("run --replay %s: status %d, no lost update:\n%s%s", m[1], st, o.String(), e.String())
	}
	if out := exploreOut(t, "--strategy=dpor", "--all", "--no-shrink", file); !strings.Contains(out, "explore: dpor: 656 executions explored (complete), 616 failing; 656 runs, 0 of them sleep-set blocked\n") {
		t.Errorf("--all: want 656 executions, complete, 616 failing:\n%s", out[max(0, len(out)-300):])
	}
	if out := exploreOut(t, "--strategy=dpor", "--all", "--no-shrink", "--limit=5", file); !strings.Contains(out, "explore: dpor: 5 executions explored (incomplete: stopped at --limit 5 runs)") {
		t.Errorf("--limit=5:\n%s", out[max(0, len(out)-300):])
	}
	var b bytes.Buffer
	if st := Main([]string{"explore", "--strategy=dpor", "--limit=0", file}, nil, &b, &b); st != exitBadInput {
		t.Errorf("--limit=0: status %d, want %d", st, exitBadInput)
	}
}
