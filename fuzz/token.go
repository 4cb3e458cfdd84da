package fuzz

import (
	"fmt"
	"strconv"
	"strings"
)

// A Token names one case of the fuzzer on one build of ipcsim, in a line
// that a shell passes as one word:
//
//	ipf1:BUILD:seed=1,case=37,procs=4,k=50
//
// BUILD is the fingerprint of the ipcsim that made it (explore.Build); the
// case is case 37 of a run with that seed, processes and calls per
// process (Config.PerProc).
type Token struct {
	Build   string
	Seed    uint64
	Case    int
	Procs   int
	PerProc int
}

const tokenPrefix = "ipf1"

func (t Token) String() string {
	return fmt.Sprintf("%s:%s:seed=%d,case=%d,procs=%d,k=%d", tokenPrefix, t.Build, t.Seed, t.Case, t.Procs, t.PerProc)
}

// ParseToken reads a token as String writes it.
func ParseToken(s string) (Token, error) {
	f := strings.Split(strings.TrimSpace(s), ":")
	if len(f) != 3 || f[0] != tokenPrefix || f[1] == "" {
		return Token{}, fmt.Errorf("bad fuzz token %q: expected %s:BUILD:seed=S,case=C,procs=P,k=K, as ipcsim fuzz prints it", s, tokenPrefix)
	}
	t := Token{Build: f[1]}
	bad := func(why string) (Token, error) { return Token{}, fmt.Errorf("bad fuzz token %q: %s", s, why) }
	seen := map[string]bool{}
	for _, kv := range strings.Split(f[2], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return bad(fmt.Sprintf("parameter %q", kv))
		}
		seen[k] = true
		var err error
		var n int
		switch k {
		case "seed":
			t.Seed, err = strconv.ParseUint(v, 10, 64)
		case "case":
			t.Case, err = strconv.Atoi(v)
			if err == nil && t.Case < 0 {
				err = fmt.Errorf("negative")
			}
		case "procs":
			n, err = strconv.Atoi(v)
			if err == nil && (n < 1 || n > MaxProcs) {
				err = fmt.Errorf("expected 1 to %d", MaxProcs)
			}
			t.Procs = n
		case "k":
			n, err = strconv.Atoi(v)
			if err == nil && (n < 1 || n > MaxPerProc) {
				err = fmt.Errorf("expected 1 to %d", MaxPerProc)
			}
			t.PerProc = n
		default:
			err = fmt.Errorf("unknown")
		}
		if err != nil {
			return bad(fmt.Sprintf("parameter %q: %v", kv, err))
		}
	}
	if len(seen) != 4 {
		return bad("a token has the parameters seed, case, procs, k")
	}
	return t, nil
}

// Check refuses a token made by another build: the same records make
// other calls there, or the kernel behaves otherwise.
func (t Token) Check(build string) error {
	if t.Build != build {
		return fmt.Errorf("fuzz token from another build of ipcsim (build %s; this one is %s): a case replays only on the build that found it; run ipcsim fuzz again with this build", t.Build, build)
	}
	return nil
}
