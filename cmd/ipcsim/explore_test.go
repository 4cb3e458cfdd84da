package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestExploreReplay: explore finds the lost update of explore_counter and
// prints tokens; run --replay gives the same bytes every time, with the
// lost update in them; a token of another build is refused.
func TestExploreReplay(t *testing.T) {
	const file = "../../testdata/scenarios/explore_counter.txtar"
	var out, errb bytes.Buffer
	if st := Main([]string{"explore", "--strategy=random", "--seed=3", file}, nil, &out, &errb); st != exitFailed {
		t.Fatalf("explore: status %d, want %d\n%s%s", st, exitFailed, out.String(), errb.String())
	}
	toks := regexp.MustCompile(`--replay (ipx1:\S+)`).FindAllStringSubmatch(out.String(), -1)
	if len(toks) != 2 || !strings.Contains(out.String(), "rate: ") {
		t.Fatalf("want a token and a shrunk token, and a rate line:\n%s", out.String())
	}
	for _, m := range toks {
		var first []byte
		for i := 0; i < 2; i++ {
			var o, e bytes.Buffer
			if st := Main([]string{"run", file, "--replay", m[1]}, nil, &o, &e); st != exitOK {
				t.Fatalf("run --replay %s: status %d: %s", m[1], st, e.String())
			}
			if !strings.Contains(o.String(), "exited with status 1") {
				t.Errorf("the replay of %s does not lose an update:\n%s", m[1], o.String())
			}
			if i == 0 {
				first = o.Bytes()
			} else if !bytes.Equal(first, o.Bytes()) {
				t.Errorf("two replays of %s differ", m[1])
			}
		}
	}
	other := regexp.MustCompile(`^ipx1:[^:]+`).ReplaceAllString(toks[0][1], "ipx1:000000000000")
	var o, e bytes.Buffer
	if st := Main([]string{"run", "--replay=" + other, file}, nil, &o, &e); st != exitBadInput || !strings.Contains(e.String(), "another build of ipcsim") {
		t.Errorf("a token of another build: status %d, %q", st, e.String())
	}
}
