// Package fuzz is ipcsim's random-syscall fuzzer (issue 12), in the
// manner of syzkaller: a run is a sequence of cases, each a fresh machine
// on which processes forked from one program make random system calls
// with random arguments (kernel.FuzzStep), the machine running between
// them; then every process is killed and must die and be reaped. With
// Config.Check the kernel's invariants are checked throughout
// (kernel.Config.CheckInvariants). A broken invariant, a panic of the
// kernel, or processes that survive SIGKILL fail the case, and its Token
// replays it.
//
// Everything is deterministic from the seed: case c draws its calls from
// PCG(seed, c), so the report is the same for any number of workers.
//
// When no process of a case can make a call (all died, or all block), a
// new generation of the program is spawned on the same kernel, so that a
// case makes its calls on a kernel that the earlier generations left full
// of objects.
package fuzz

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"ipcsim/abi"
	"ipcsim/kernel"
	"ipcsim/sim/asm"
)

// Config says what to fuzz.
type Config struct {
	Seed    uint64 // case c draws from PCG(Seed, c)
	Calls   int    // run cases until this many calls were made (default 10000)
	Procs   int    // processes per case, forked from one (default 4)
	PerProc int    // records per process in a case: a case makes up to Procs*PerProc calls (default 50)
	Check   bool   // check the kernel's invariants at every step
	Workers int    // cases run at once (default: the cores); the report does not depend on it
	Build   string // the build's fingerprint for tokens
	// Trace, if not nil, receives every event of the machine (Replay).
	Trace func(*kernel.Event)
	// Before, if not nil, is called before each call of a case with the
	// case's and the call's index (Replay: to mark the calls in the
	// trace). It runs as the kernel does: a panic fails the case.
	Before func(c, i int)
}

// Defaults fills in the zero fields of cfg.
func (cfg *Config) Defaults() {
	if cfg.Calls == 0 {
		cfg.Calls = 10000
	}
	if cfg.Procs == 0 {
		cfg.Procs = 4
	}
	if cfg.PerProc == 0 {
		cfg.PerProc = 50
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
}

// Limits of the settings.
const (
	MaxProcs   = 32
	MaxPerProc = 100000
)

func (cfg *Config) validate() error {
	switch {
	case cfg.Calls < 1:
		return fmt.Errorf("%d calls: expected at least 1", cfg.Calls)
	case cfg.Procs < 1 || cfg.Procs > MaxProcs:
		return fmt.Errorf("%d processes: expected 1 to %d", cfg.Procs, MaxProcs)
	case cfg.PerProc < 1 || cfg.PerProc > MaxPerProc:
		return fmt.Errorf("%d calls per process: expected 1 to %d", cfg.PerProc, MaxPerProc)
	case cfg.Workers < 1:
		return fmt.Errorf("%d workers: expected at least 1", cfg.Workers)
	}
	return nil
}

// A Failure is a case that failed.
type Failure struct {
	Case  int
	Token Token
	// Kind is "invariant", "panic", "teardown" (processes that SIGKILL
	// did not end) or "setup" (the program did not start its processes).
	Kind string
	Msg  string // what broke, one line
	// Call is the index of the call in whose step it broke (the call, or
	// the run after it); -1 before the first call or after the last.
	Call int
	Last kernel.FuzzCall // that call (PID 0 if it broke before the call was made)
	// Stack is the goroutine's stack at a panic.
	Stack string
}

// String is the failure in one line: "case 12: kernel invariant ... (call
// 37, pid 3: write(...) = ...)".
func (f *Failure) String() string {
	s := fmt.Sprintf("case %d: %s", f.Case, f.Msg)
	switch {
	case f.Call >= 0 && f.Last.PID == 0:
		s += fmt.Sprintf(" (before call %d)", f.Call)
	case f.Call >= 0:
		s += fmt.Sprintf(" (call %d, %s)", f.Call, f.Last)
	}
	return s
}

// CaseResult is what one case did.
type CaseResult struct {
	Case         int
	Calls        int    // calls made
	Respawns     int    // new generations of the program (respawn)
	Checks       uint64 // invariant checks made
	Instructions uint64 // user instructions retired
	Failure      *Failure
}

// Report is what a run of cases found.
type Report struct {
	Cases        int
	Calls        int
	Respawns     int // new generations of the program in the cases
	Checks       uint64
	Instructions uint64
	Failures     []Failure // in the order of the cases
	// Stalled says the run stopped before Calls because no case of a
	// whole batch made a call (each failed before its first).
	Stalled bool
}

// Run runs cases 0, 1, 2... until Calls calls were made, and reports
// them. Cases run on cfg.Workers goroutines, a batch at a time; the
// results are put together in the order of the cases, and the cases of
// the last batch after the one that reached Calls are dropped, so the
// report is the same for any number of workers.
func Run(cfg Config) (*Report, error) {
	cfg.Defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	prog, err := Program(cfg.Procs)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	batch := max(cfg.Workers*4, 16)
	for base := 0; rep.Calls < cfg.Calls; base += batch {
		res := make([]CaseResult, batch)
		var next sync.WaitGroup
		jobs := make(chan int)
		for range min(cfg.Workers, batch) {
			next.Add(1)
			go func() {
				defer next.Done()
				for i := range jobs {
					res[i] = runCase(&cfg, prog, base+i)
				}
			}()
		}
		for i := range batch {
			jobs <- i
		}
		close(jobs)
		next.Wait()
		before := rep.Calls
		for _, r := range res {
			if rep.Calls >= cfg.Calls {
				break
			}
			rep.Cases++
			rep.Calls += r.Calls
			rep.Respawns += r.Respawns
			rep.Checks += r.Checks
			rep.Instructions += r.Instructions
			if r.Failure != nil {
				rep.Failures = append(rep.Failures, *r.Failure)
			}
		}
		if rep.Calls == before {
			// Not one call in a whole batch: every case failed before
			// its first. The next batch would do the same.
			rep.Stalled = true
			break
		}
	}
	return rep, nil
}

// Replay runs the case of a token again, invariants checked, with
// cfg.Trace and cfg.Before (the token's settings replace cfg's).
func Replay(t Token, cfg Config) (CaseResult, error) {
	cfg.Seed, cfg.Procs, cfg.PerProc, cfg.Check, cfg.Build = t.Seed, t.Procs, t.PerProc, true, t.Build
	cfg.Defaults()
	if err := cfg.validate(); err != nil {
		return CaseResult{}, err
	}
	prog, err := Program(cfg.Procs)
	if err != nil {
		return CaseResult{}, err
	}
	return runCase(&cfg, prog, t.Case), nil
}

// The machine of a case.
const (
	// caseMem is little memory, so that allocation failures are paths
	// tried too; above 8 processes, 256 KiB each (14 fit in 2 MiB).
	caseMem     = 2 << 20
	procMem     = 256 << 10
	caseQuantum = 500
	setupCycles = 100_000 // the forks are done by then
	// caseLimit bounds a case in virtual time: the calls' runs take
	// FuzzRunCycles each, the end after SIGKILL little.
	caseLimit = 1 << 40
)

// Program returns the program of a case with procs processes: it forks
// procs-1 children, and then every process runs a sled of nops that
// jumps back to its start. A call the fuzzer makes steps a process's pc
// past where it stood (as past an ecall), which lands further in the
// sled, or on one of the jumps back that end it.
func Program(procs int) (kernel.File, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "\t.text\n\t.globl _start\n_start:\n\tli s0, %d\n", procs-1)
	b.WriteString(`1:	beqz s0, sled
	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall
	beqz a0, sled
	addi s0, s0, -1
	j 1b
sled:
`)
	b.WriteString(strings.Repeat("\tnop\n", 256))
	b.WriteString(strings.Repeat("\tj sled\n", 64))
	pre := map[string]int64{}
	for _, s := range abi.Symbols() {
		pre[s.Name] = s.Value
	}
	p, err := asm.Assemble("fuzz.s", []byte(b.String()), asm.Options{Predefined: pre})
	if err != nil {
		return kernel.File{}, fmt.Errorf("the fuzzer's program: %v", err)
	}
	return kernel.File{Path: "/bin/fuzz", Data: p.ELF, Mode: 0755}, nil
}

// runCase runs case c: a fresh machine, the program's processes, the
// case's records one by one, then SIGKILL to all. A panic of the kernel
// is caught and fails the case.
func runCase(cfg *Config, prog kernel.File, c int) (res CaseResult) {
	res.Case = c
	tok := Token{Build: cfg.Build, Seed: cfg.Seed, Case: c, Procs: cfg.Procs, PerProc: cfg.PerProc}
	call := -1
	var step kernel.FuzzStep
	var k *kernel.Kernel
	fail := func(kind, msg string) {
		res.Failure = &Failure{Case: c, Token: tok, Kind: kind, Msg: msg, Call: call, Last: step.Call}
	}
	defer func() {
		if k != nil {
			res.Checks, res.Instructions = k.InvariantChecks(), k.Retired()
		}
		if v := recover(); v != nil {
			fail("panic", fmt.Sprintf("kernel panic: %v", v))
			res.Failure.Stack = string(debug.Stack())
		}
	}()
	k = kernel.New(kernel.Config{
		MemBytes:        max(caseMem, uint64(cfg.Procs)*procMem),
		MaxProcs:        cfg.Procs + 4,
		Quantum:         caseQuantum,
		CycleLimit:      caseLimit,
		Seed:            cfg.Seed ^ uint64(c),
		CheckInvariants: cfg.Check,
		Trace:           cfg.Trace,
		Files:           []kernel.File{prog},
	})
	if _, err := k.Spawn(prog.Path, []string{"fuzz"}, []string{}); err != nil {
		fail("setup", fmt.Sprintf("cannot spawn the program: %v", err))
		return res
	}
	r := k.RunUntil(setupCycles)
	if r.Invariant != nil {
		fail("invariant", r.Invariant.Error())
		return res
	}
	if n := len(k.FuzzCallers()); n != cfg.Procs {
		fail("setup", fmt.Sprintf("%d processes began the case, not %d: the program's forks failed", n, cfg.Procs))
		return res
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(c)))
	var rec [kernel.FuzzRecordBytes]byte
	for i := range cfg.Procs * cfg.PerProc {
		for j := range rec {
			rec[j] = byte(rng.Uint32())
		}
		call, step = i, kernel.FuzzStep{}
		if cfg.Before != nil {
			cfg.Before(c, i)
		}
		if !k.FuzzStep(rec[:], &step) {
			// Every process is dead or in a call: a new generation of
			// the program takes over, on the kernel as the others left
			// it (their pipes, queues, segments and files), and the
			// record goes to it. If it cannot start, the case ends.
			if r, ok := respawn(k, prog); !ok || r.Invariant != nil {
				if r.Invariant != nil {
					fail("invariant", r.Invariant.Error())
					return res
				}
				break
			}
			res.Respawns++
			if !k.FuzzStep(rec[:], &step) {
				break
			}
		}
		res.Calls++
		if step.Invariant != nil {
			fail("invariant", step.Invariant.Error())
			return res
		}
	}
	call, step = -1, kernel.FuzzStep{}
	k.FuzzKillAll()
	r = k.RunUntil(k.Now() + teardownCycles)
	switch {
	case r.Invariant != nil:
		fail("invariant", r.Invariant.Error())
	case r.Reason != kernel.StopAllExited:
		fail("teardown", fmt.Sprintf("after SIGKILL to every process: %v: %s", r.Reason, strings.Join(r.Blocked, "; ")))
	case cfg.Check:
		if err := k.CheckInvariants(); err != nil {
			fail("invariant", err.Error())
		}
	}
	return res
}

// respawn starts the program again and lets it fork; ok is false if it
// could not start, or no process of it can make a call.
func respawn(k *kernel.Kernel, prog kernel.File) (r kernel.Result, ok bool) {
	if _, err := k.Spawn(prog.Path, []string{"fuzz"}, []string{}); err != nil {
		return r, false
	}
	r = k.RunUntil(k.Now() + setupCycles)
	return r, len(k.FuzzCallers()) > 0
}

// teardownCycles is how long the processes have to die after SIGKILL.
const teardownCycles = 10_000_000
