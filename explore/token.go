package explore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"

	"ipcsim/kernel"
	"ipcsim/sched"
	"ipcsim/sim"
)

// A Token names one schedule of one scenario on one build of ipcsim, in a
// line that a shell passes as one word:
//
//	ipx1:BUILD:SCENARIO:pct:seed=1,run=4,depth=3,k=57
//	ipx1:BUILD:SCENARIO:random:seed=1,run=9,p=0.02
//	ipx1:BUILD:SCENARIO:pb:run=40,k=13,w=1
//	ipx1:BUILD:SCENARIO:list:sw=12.3_40.2
//	ipx1:BUILD:SCENARIO:list:sw=12.3,f=clone.1.ENOMEM+write.2.short
//	ipx1:BUILD:SCENARIO:pctlist:sw=7.3
//	ipx1:BUILD:SCENARIO:dpor:sw=5.3_9.2
//
// BUILD is Build() of the ipcsim that made it, SCENARIO the scenario's
// Fingerprint. A pct or random schedule is its strategy's parameters and
// the seed of its PRNG, (seed, run); a pb schedule is its index among
// pb's schedules and the preemption points k and ranks w that its run 0
// found (see pb.go); a list is the switches themselves (step.pid), what
// shrinking a random or pb schedule leaves; a pctlist is a list of
// switches at PCT's decision points (steplist.go), what shrinking a PCT
// schedule leaves. A dpor schedule is a list too, of dpor's own decision
// points (dpor.go): at decision point STEP run PID, where that is not the
// default choice. Any of them may end in f=, the fault plan of the run
// (ipcsim explore --faults): faults CALL.N.ACTION joined by +, and n=,
// its network faults: LINK.KIND.VALUE joined by + (for a partition,
// LINK.part.FROM-UNTIL: cut at cycle FROM, healed at UNTIL).
type Token struct {
	Build, Scenario string
	Strategy        string // "pct", "random", "pb", "list", "pctlist" or "dpor"
	Seed            uint64 // pct, random: the explorer's seed
	Run             int    // pct, random, pb: the schedule's index among its strategy's, 0 first
	Depth           int    // pct
	K               uint64 // pct: the step bound; pb: the preemption points (0: the run that learns it)
	W               int    // pb: the ranks of a preemption
	P               float64
	Switches        []Switch // list, dpor
	// Faults is the fault plan of the run (faults.go), any strategy:
	// ",f=clone.1.ENOMEM+write.3.short" after the parameters.
	Faults []kernel.Fault
	// Net is the network faults of the run (netfaults.go), any strategy:
	// ",n=0.loss.300000" (link 0 loses 30% of its frames).
	Net []NetFault
}

const tokenPrefix = "ipx1"

func (t Token) String() string {
	var params string
	switch t.Strategy {
	case "pct":
		params = fmt.Sprintf("seed=%d,run=%d,depth=%d,k=%d", t.Seed, t.Run, t.Depth, t.K)
	case "random":
		params = fmt.Sprintf("seed=%d,run=%d,p=%s", t.Seed, t.Run, strconv.FormatFloat(t.P, 'g', -1, 64))
	case "pb":
		params = fmt.Sprintf("run=%d,k=%d,w=%d", t.Run, t.K, t.W)
	case "list", "pctlist", "dpor":
		sw := make([]string, len(t.Switches))
		for i, s := range t.Switches {
			sw[i] = fmt.Sprintf("%d.%d", s.Step, s.PID)
		}
		params = "sw=" + strings.Join(sw, "_")
	}
	if len(t.Faults) > 0 {
		params += ",f=" + formatFaults(t.Faults)
	}
	if len(t.Net) > 0 {
		params += ",n=" + formatNet(t.Net)
	}
	return strings.Join([]string{tokenPrefix, t.Build, t.Scenario, t.Strategy, params}, ":")
}

// ParseToken reads a token as String writes it.
func ParseToken(s string) (Token, error) {
	f := strings.Split(strings.TrimSpace(s), ":")
	if len(f) != 5 || f[0] != tokenPrefix {
		return Token{}, fmt.Errorf("bad replay token %q: expected %s:BUILD:SCENARIO:STRATEGY:PARAMS, as ipcsim explore prints it", s, tokenPrefix)
	}
	t := Token{Build: f[1], Scenario: f[2], Strategy: f[3]}
	bad := func(why string) (Token, error) {
		return Token{}, fmt.Errorf("bad replay token %q: %s", s, why)
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(f[4], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return bad(fmt.Sprintf("parameter %q", kv))
		}
		seen[k] = true
		var err error
		switch k {
		case "seed":
			t.Seed, err = strconv.ParseUint(v, 10, 64)
		case "run":
			t.Run, err = strconv.Atoi(v)
			if err == nil && t.Run < 0 {
				err = fmt.Errorf("negative")
			}
		case "depth":
			t.Depth, err = strconv.Atoi(v)
			if err == nil && (t.Depth < 1 || t.Depth > maxDepth) {
				err = fmt.Errorf("out of range")
			}
		case "k":
			t.K, err = strconv.ParseUint(v, 10, 64)
		case "w":
			t.W, err = strconv.Atoi(v)
			if err == nil && t.W < 0 {
				err = fmt.Errorf("negative")
			}
		case "p":
			t.P, err = strconv.ParseFloat(v, 64)
			if err == nil && !(t.P >= 0 && t.P <= 1) {
				err = fmt.Errorf("not a probability")
			}
		case "sw":
			t.Switches, err = parseSwitches(v)
		case "f":
			t.Faults, err = parseFaults(v)
		case "n":
			t.Net, err = parseNet(v)
		default:
			err = fmt.Errorf("unknown")
		}
		if err != nil {
			return bad(fmt.Sprintf("parameter %q: %v", kv, err))
		}
	}
	var need []string
	switch t.Strategy {
	case "pct":
		need = []string{"seed", "run", "depth", "k"}
	case "random":
		need = []string{"seed", "run", "p"}
	case "pb":
		need = []string{"run", "k", "w"}
	case "list", "pctlist", "dpor":
		need = []string{"sw"}
	default:
		return bad(fmt.Sprintf("unknown strategy %q", t.Strategy))
	}
	delete(seen, "f") // any strategy may have a fault plan
	delete(seen, "n")
	if len(seen) != len(need) {
		return bad(fmt.Sprintf("a %s token has the parameters %s", t.Strategy, strings.Join(need, ", ")))
	}
	for _, k := range need {
		if !seen[k] {
			return bad(fmt.Sprintf("a %s token has the parameters %s", t.Strategy, strings.Join(need, ", ")))
		}
	}
	if t.Strategy == "pb" {
		if _, ok := pbPlan(uint64(t.Run), t.K, t.W); !ok {
			return bad(fmt.Sprintf("pb has %d schedules for k=%d, w=%d, not a run %d", pbSpace(t.K, t.W), t.K, t.W, t.Run))
		}
	}
	return t, nil
}

func parseSwitches(v string) ([]Switch, error) {
	if v == "" {
		return nil, nil
	}
	var out []Switch
	for _, f := range strings.Split(v, "_") {
		a, b, ok := strings.Cut(f, ".")
		step, err1 := strconv.ParseUint(a, 10, 64)
		pid, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || pid <= 0 {
			return nil, fmt.Errorf("switch %q: expected STEP.PID", f)
		}
		if n := len(out); n > 0 && out[n-1].Step >= step {
			return nil, fmt.Errorf("switch %q: steps must increase", f)
		}
		out = append(out, Switch{step, pid})
	}
	return out, nil
}

// maxDepth bounds PCT's depth: a bug of depth d needs d-1 preemptions, and
// beyond a handful the guarantee is too weak to matter.
const maxDepth = 64

// Policy returns the scheduling policy that makes the token's schedule.
func (t Token) Policy() sched.Policy {
	switch t.Strategy {
	case "pct":
		return newPCT(scheduleRand(t.Seed, t.Run), t.Depth, t.K)
	case "random":
		return newRandom(scheduleRand(t.Seed, t.Run), t.P)
	case "pb":
		return newPB(t.Run, t.K, t.W)
	case "pctlist":
		return newStepList(t.Switches)
	case "dpor":
		return newDPORReplay(t.Switches)
	}
	return newList(t.Switches)
}

// Options returns what a run of the token's schedule is given besides
// the scenario: a new policy (a policy serves one run) and the fault plan.
// The network faults change the scenario itself: see ApplyNet.
func (t Token) Options() sim.Options {
	return sim.Options{Policy: t.Policy(), Faults: t.Faults}
}

// scheduleRand is the PRNG of schedule run of an exploration with seed.
func scheduleRand(seed uint64, run int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(run)))
}

// Check refuses a token made by another build or for another version of
// the scenario: the same decisions would make another run there.
func (t Token) Check(build, scenario string) error {
	if t.Build != build {
		return fmt.Errorf("replay token from another build of ipcsim (build %s; this one is %s): a schedule replays only on the build that found it; run ipcsim explore again with this build", t.Build, build)
	}
	if t.Scenario != scenario {
		return fmt.Errorf("replay token for another version of the scenario (scenario %s; this file is %s): the scenario changed since the token was made; run ipcsim explore on it again", t.Scenario, scenario)
	}
	return nil
}

var (
	buildOnce sync.Once
	buildID   string
)

// Build returns the fingerprint of the running executable: the first 12
// hex digits of its SHA-256. Go builds are reproducible, so the same
// source and toolchain give the same fingerprint, and any change to the
// simulator gives another (a schedule found on one build may run
// differently on the next). "unknown" if the executable cannot be read.
func Build() string {
	buildOnce.Do(func() {
		buildID = "unknown"
		exe, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return
		}
		buildID = hex.EncodeToString(h.Sum(nil)[:6])
	})
	return buildID
}
