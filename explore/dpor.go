package explore

import (
	"fmt"
	"slices"

	"ipcsim/sched"
	"ipcsim/sim"
)

// Exhaustive search with dynamic partial-order reduction (dpor): every
// schedule of a small scenario, up to the order of operations that do not
// conflict.
//
// Two schedules that differ only in the order of operations that commute
// (a load of one process's stack and a store to another's; two loads of
// one word) make the same run. Their equivalence classes are the
// Mazurkiewicz traces: a run is characterised by the order it gives to each
// pair of dependent operations of different processes, its happens-before.
// dpor runs one schedule per class. It is the source-set DPOR of Abdulla,
// Aronis, Jonsson and Sagonas, "Optimal Dynamic Partial Order Reduction"
// (POPL 2014), which refines the DPOR of Flanagan and Godefroid, "Dynamic
// Partial-Order Reduction for Model Checking Software" (POPL 2005), with
// sleep sets (Godefroid, 1996), in its stateless form: each schedule is a
// fresh run from the start that follows a prefix of decisions (the
// machine is deterministic, so the same decisions give the same run), and
// the races of each finished run tell which other decisions to try.
//
// Transitions. Under dpor the kernel runs the CPU from one memory access
// to the next, shows the policy every access to shared memory and the
// end of every system call, and ends the time slice where the policy says
// (sched.AccessObserver). The visible operations are those accesses (to
// System V shared memory, MAP_SHARED pages, or any memory of a process
// with several threads) and the system calls; everything else a process
// does touches only its own state. A decision point falls after each
// visible operation, and where a process blocks or dies; a transition is
// what the chosen process does up to the next one: its private
// instructions, then one visible operation (an LR and the SC after it
// make one transition: a preemption between them would only make the SC
// fail, as the kernel clears the reservation at every trap).
// Two transitions of different processes are dependent if they access
// overlapping bytes and at least one writes (AMOs, LR and SC count as
// writes), or if both make a system call: that last rule is conservative
// (a write to one pipe and a read of another commute), but it keeps every
// block and wakeup, fork, exit and wait ordered without modelling each
// call. A process's first transition happens after the fork that made it.
//
// The algorithm. After each run the races are found: a transition e of
// one process and a later e' of another that are dependent, with nothing
// between them in happens-before. Reversing a race may give a new class,
// so at the decision point before e one of the processes that could start
// the reversed order (the initials of notdep(e).e') is added to that
// point's backtrack set, unless one of them is there already (a source
// set). The search goes depth first: the deepest point with a process in
// its backtrack set not yet tried, nor asleep, takes it, and a new run
// follows the decisions down to there. A sleep set holds the processes
// whose next transition, already explored from an earlier point, has not
// met a dependent transition since: running one of them first would give
// a class already explored. A run that reaches a point where every
// enabled process sleeps is sleep-set blocked: a prefix of a class already
// explored, neither counted nor checked. Source sets and sleep sets
// together explore exactly one complete run per class.
//
// Init (pid 1) only reaps: as in the other strategies, it is no choice; it
// runs only when no other process can. Time does not count (timeouts,
// alarms and the keyboard fire at cycles, not at decision points), nor do
// signals sent to a process that is not blocked: dpor is for scenarios of
// processes that meet through memory and system calls. A loop that spins
// on a lock makes the classes infinite (it may spin 1, 2, 3... times); a
// process that has run fairAfter transitions in a row while another could
// run is switched away from by default, so that each run ends, but only
// the limit ends the search.

// fairAfter is how many transitions in a row a process runs by default
// while another is enabled, before the default choice switches.
const fairAfter = 64

// DefaultLimit is the most runs dpor makes unless Config.Limit says.
const DefaultLimit = 10000

// dporEvent is one transition of a run: what process pid did from one
// decision point to the next.
type dporEvent struct {
	pid     int
	syscall bool           // it made (or retried) a system call
	acc     []sched.Access // its accesses to shared memory, in order
	creator int            // its process's first transition: the one that forked it (-1: none)
}

// visible reports whether the transition made a visible operation.
func (e *dporEvent) visible() bool { return e.syscall || len(e.acc) > 0 }

// dependent reports whether transitions a and b of different processes
// do not commute.
func dependent(a, b *dporEvent) bool {
	if a.syscall && b.syscall {
		return true
	}
	for _, x := range a.acc {
		for _, y := range b.acc {
			if (x.Write || y.Write) && x.Addr < y.Addr+y.Size && y.Addr < x.Addr+x.Size {
				return true
			}
		}
	}
	return false
}

// dporPolicy is the scheduling policy of one dpor run: at each decision
// point it asks choose which of the enabled processes runs the next
// transition, and it records the transitions.
type dporPolicy struct {
	ready   readySet
	running int // the process on the CPU, 0 if none
	want    int // the process the last Preempt was for
	cur     *dporEvent
	events  []dporEvent
	pending map[int]bool // whose next transition begins with a system call (blocked in it, or preempted at its entry)
	born    map[int]int  // the transition that forked each process
	started map[int]bool // processes that made a transition
	streak  int          // transitions in a row of running while another process was enabled
	// choose returns the process to run at decision point d (numbered
	// from 0) among enabled (sorted by pid, never empty); def is the
	// default choice.
	choose func(d int, enabled []int, def int) int
}

func newDPORPolicy(choose func(d int, enabled []int, def int) int) *dporPolicy {
	return &dporPolicy{pending: map[int]bool{}, born: map[int]int{}, started: map[int]bool{}, choose: choose}
}

func (p *dporPolicy) Ready(pid int, why sched.Why) {
	if why == sched.WhyNew {
		p.born[pid] = len(p.events) // the transition under way (cur's index), or -1 at boot
		if p.cur == nil {
			p.born[pid] = -1
		}
	}
	p.ready.add(pid)
}

// Slice is long: the slice ends where Access or SyscallDone says, after
// a visible operation, and seldom anywhere else (an LR/SC pair with no
// trap between them succeeds).
func (p *dporPolicy) Slice(int) uint64 { return 1 << 16 }

// Access records an access to shared memory and ends the transition
// after it, unless it is an LR that begins the transition: the SC that
// follows it is made in the same transition (a preemption between the two
// would only make the SC fail and the loop try again).
func (p *dporPolicy) Access(pid int, a sched.Access) bool {
	if p.cur == nil || p.cur.pid != pid {
		return false // init's
	}
	first := len(p.cur.acc) == 0 && !p.cur.syscall
	p.cur.acc = append(p.cur.acc, a)
	return !(a.LR && first)
}

// SyscallDone ends the transition after a system call.
func (p *dporPolicy) SyscallDone(pid int) bool {
	return p.cur != nil && p.cur.pid == pid
}

func (p *dporPolicy) Pick() (int, bool) {
	if w := p.want; w != 0 {
		p.want = 0
		if p.ready.take(w) {
			p.running = w
			return w, true
		}
	}
	p.running = 0 // it blocked, died or stopped
	q := p.decide()
	if q == 0 {
		return 0, false
	}
	p.ready.take(q)
	p.running = q
	return q, true
}

func (p *dporPolicy) Point(pt sched.Point) sched.Decision {
	switch pt.Kind {
	case sched.PointBlock:
		if pt.PID == p.running {
			p.running = 0
		}
		p.pending[pt.PID] = true // it retries the call when woken
	case sched.PointExit:
		if pt.PID == p.running {
			p.running = 0
		}
		p.ready.take(pt.PID) // dead: never to be picked (the kernel would skip it)
		delete(p.pending, pt.PID)
	case sched.PointSliceEnd:
		if pt.PID == p.running && p.cur != nil && p.cur.visible() {
			return p.switchTo(p.decide())
		}
	case sched.PointSyscall:
		if pt.PID != p.running || p.cur == nil {
			break
		}
		if p.cur.visible() {
			if q := p.decide(); q != pt.PID {
				p.pending[pt.PID] = true // the call is made when it next runs
				return p.switchTo(q)
			}
		}
		p.cur.syscall = true
	}
	return sched.Continue
}

// switchTo is the decision that runs q after a decision point at which
// the running process could go on.
func (p *dporPolicy) switchTo(q int) sched.Decision {
	if q == p.running || q == 0 {
		return sched.Continue
	}
	p.want = q
	return sched.Preempt
}

// decide ends the transition under way and makes a decision point: it
// returns the process to run next (0 if none is enabled) and begins its
// transition.
func (p *dporPolicy) decide() int {
	if p.cur != nil {
		p.events = append(p.events, *p.cur)
		p.cur = nil
	}
	var enabled []int
	for _, pid := range p.ready {
		if pid != initPID {
			enabled = append(enabled, pid)
		}
	}
	if p.running != 0 && p.running != initPID {
		enabled = append(enabled, p.running)
	}
	var q int
	switch {
	case len(enabled) > 0:
		def := p.defaultChoice(enabled)
		slices.Sort(enabled)
		q = p.choose(len(p.events), enabled, def)
		if q == p.running && len(enabled) > 1 {
			p.streak++
		} else {
			p.streak = 0
		}
	case p.running == initPID || slices.Contains(p.ready, initPID):
		// Only init can run: it is no choice, makes no decision point,
		// and its transitions are not recorded (it only reaps).
		return initPID
	default:
		return 0
	}
	e := &dporEvent{pid: q, creator: -1}
	if !p.started[q] {
		p.started[q] = true
		e.creator = p.born[q]
	}
	if p.pending[q] {
		delete(p.pending, q)
		e.syscall = true
	}
	p.cur = e
	return q
}

// defaultChoice is the choice a run makes where nothing says otherwise:
// the running process goes on (no preemption), unless it has gone on
// fairAfter times in a row while another could run; otherwise the
// process that has waited longest. enabled is in ready-set order.
func (p *dporPolicy) defaultChoice(enabled []int) int {
	if p.running != 0 && p.running != initPID && (p.streak < fairAfter || len(enabled) == 1) {
		return p.running
	}
	return enabled[0]
}

// finish ends the last transition of a run that is over.
func (p *dporPolicy) finish() []dporEvent {
	if p.cur != nil {
		p.events = append(p.events, *p.cur)
		p.cur = nil
	}
	return p.events
}

// newDPORReplay returns the policy that makes the switches of a dpor
// token: at decision point Step (counted from 1), run PID if it is
// enabled; the default choice everywhere else.
func newDPORReplay(sw []Switch) *dporPolicy {
	i := 0
	return newDPORPolicy(func(d int, enabled []int, def int) int {
		step := uint64(d + 1)
		for i < len(sw) && sw[i].Step < step {
			i++
		}
		if i < len(sw) && sw[i].Step == step && slices.Contains(enabled, sw[i].PID) {
			return sw[i].PID
		}
		return def
	})
}

// dporNode is a decision point of the search, on the path of the runs
// that pass through it.
type dporNode struct {
	enabled   []int      // the processes that could run, by pid
	def       int        // the default choice (a switch in a token where chosen is not it)
	chosen    int        // the process the current run takes
	backtrack []int      // the processes to run from here: done, chosen, and those to come
	done      []sleeper  // the processes explored from here, with their transitions
	sleep     []sleeper  // the sleep set on arrival
	event     *dporEvent // the current run's transition from here
}

// sleeper is a process in a sleep set, with the transition it would make.
type sleeper struct {
	pid int
	ev  dporEvent
}

func pidsOf(s []sleeper) []int {
	out := make([]int, len(s))
	for i, x := range s {
		out[i] = x.pid
	}
	return out
}

// dporRun is one run of a dpor search.
type dporRun struct {
	index    int
	events   []dporEvent // its transitions (up to the blocking point, if blocked)
	blocked  bool        // sleep-set blocked: a prefix of a class already explored
	switches []Switch    // its decisions that were not the default: its token
	outcome  *sim.Outcome
}

// dporSearch is the state of a search: the decision points of the
// current path.
type dporSearch struct {
	s     *sim.Scenario
	stack []*dporNode
}

// run makes one run: it follows the decisions of the stack, then makes
// new decision points, taking the default choice unless it sleeps.
func (x *dporSearch) run(index int) (*dporRun, error) {
	r := &dporRun{index: index}
	blockedAt := -1
	var nondet error
	pol := newDPORPolicy(nil)
	pol.choose = func(d int, enabled []int, def int) int {
		if blockedAt >= 0 {
			return def
		}
		if d < len(x.stack) {
			n := x.stack[d]
			if !slices.Equal(n.enabled, enabled) && nondet == nil {
				nondet = fmt.Errorf("dpor: decision point %d has the processes %v enabled, not %v as before: the run is not deterministic", d, enabled, n.enabled)
			}
			if n.chosen != def {
				r.switches = append(r.switches, Switch{uint64(d + 1), n.chosen})
			}
			return n.chosen
		}
		// A new decision point: its sleep set is the previous one's and
		// the processes explored from there, less those whose transition
		// depends on the one just made.
		n := &dporNode{enabled: enabled, def: def}
		if d > 0 {
			prev := x.stack[d-1]
			last := &pol.events[d-1]
			for _, s := range append(slices.Clip(prev.sleep), prev.done...) {
				if s.pid != last.pid && !dependent(&s.ev, last) {
					n.sleep = append(n.sleep, s)
				}
			}
		}
		asleep := pidsOf(n.sleep)
		q := def
		if slices.Contains(asleep, q) {
			q = 0
			for _, pid := range enabled {
				if !slices.Contains(asleep, pid) {
					q = pid
					break
				}
			}
		}
		if q == 0 {
			blockedAt = d
			return def
		}
		n.chosen, n.backtrack = q, []int{q}
		x.stack = append(x.stack, n)
		if q != def {
			r.switches = append(r.switches, Switch{uint64(d + 1), q})
		}
		return q
	}
	o, err := run(x.s, pol)
	if err != nil {
		return nil, err
	}
	if nondet != nil {
		return nil, nondet
	}
	r.outcome = o
	r.events = pol.finish()
	if blockedAt >= 0 {
		r.blocked = true
		r.events = r.events[:blockedAt]
	}
	if len(r.events) > len(x.stack) {
		r.events = r.events[:len(x.stack)] // a last transition after no decision point: none
	}
	for i := range r.events {
		x.stack[i].event = &r.events[i]
	}
	return r, nil
}

// hb is the happens-before of a run's transitions, as vector clocks.
type hb struct {
	proc []int   // the index of each transition's process
	seq  []int   // its position among its process's transitions, from 1
	vc   [][]int // vc[i][p]: the transitions of process p that happen before i or are i
}

// before reports whether transition j happens before transition i (or is i).
func (h *hb) before(j, i int) bool { return h.vc[i][h.proc[j]] >= h.seq[j] }

// races finds the races of a run's transitions and calls add for each,
// with the transitions e < e' that race.
func races(events []dporEvent, add func(e, e2 int, h *hb)) {
	procs := map[int]int{} // pid -> index (looked up only)
	h := &hb{proc: make([]int, len(events)), seq: make([]int, len(events)), vc: make([][]int, len(events))}
	var count []int
	for i := range events {
		p, ok := procs[events[i].pid]
		if !ok {
			p = len(count)
			procs[events[i].pid] = p
			count = append(count, 0)
		}
		count[p]++
		h.proc[i], h.seq[i] = p, count[p]
	}
	last := make([]int, len(count)) // each process's latest transition so far, -1 if none
	for i := range events {
		e := &events[i]
		p := h.proc[i]
		// The immediate predecessors: program order, the fork, and the
		// latest transition of each other process that depends on e
		// (earlier ones of that process happen before it).
		var preds []int
		if i > 0 && h.seq[i] > 1 {
			preds = append(preds, last[p])
		} else if e.creator >= 0 {
			preds = append(preds, e.creator)
		}
		var deps []int
		seen := make([]bool, len(count))
		seen[p] = true
		for j := i - 1; j >= 0; j-- {
			q := h.proc[j]
			if seen[q] {
				continue
			}
			if dependent(&events[j], e) {
				seen[q] = true
				deps = append(deps, j)
			}
		}
		preds = append(preds, deps...)
		vc := make([]int, len(count))
		for _, k := range preds {
			for q, v := range h.vc[k] {
				vc[q] = max(vc[q], v)
			}
		}
		vc[p] = h.seq[i]
		h.vc[i] = vc
		last[p] = i
		// A dependent j races with e unless another predecessor comes
		// after it in happens-before.
		for _, j := range deps {
			race := true
			for _, k := range preds {
				if k != j && k > j && h.before(j, k) {
					race = false
					break
				}
			}
			if race {
				add(j, i, h)
			}
		}
	}
}

// initials returns the processes that can start v = notdep(e, E).e': the
// transitions after e that do not happen after it, then e'. A process is
// an initial if its first transition in v happens after no other of v.
func initials(events []dporEvent, e, e2 int, h *hb) []int {
	first := map[int]int{} // process index -> its first transition in v (looked up only)
	var order []int        // the processes of v, in order of first transition
	for k := e + 1; k <= e2; k++ {
		if k < e2 && h.before(e, k) {
			continue
		}
		if _, ok := first[h.proc[k]]; !ok {
			first[h.proc[k]] = k
			order = append(order, h.proc[k])
		}
	}
	var out []int
	for _, q := range order {
		w := first[q]
		initial := true
		for _, r := range order {
			if f := first[r]; r != q && f < w && h.before(f, w) {
				initial = false
				break
			}
		}
		if initial {
			out = append(out, events[w].pid)
		}
	}
	return out
}

// analyse adds to the backtrack sets of the stack what the races of run r
// ask for.
func (x *dporSearch) analyse(r *dporRun) {
	races(r.events, func(e, e2 int, h *hb) {
		n := x.stack[e]
		in := initials(r.events, e, e2, h)
		for _, q := range in {
			if slices.Contains(n.backtrack, q) {
				return
			}
		}
		q := r.events[e2].pid // the reversal's own process, if it can start it
		if !slices.Contains(in, q) {
			q = slices.Min(in)
		}
		if slices.Contains(n.enabled, q) {
			n.backtrack = append(n.backtrack, q)
			return
		}
		for _, q := range n.enabled { // not enabled there: a step the model missed; try them all
			if !slices.Contains(n.backtrack, q) {
				n.backtrack = append(n.backtrack, q)
			}
		}
	})
}

// next moves the stack to the next path to explore: at the deepest
// decision point with a process in its backtrack set neither explored nor
// asleep, that process. It reports false when the search is complete.
func (x *dporSearch) next() bool {
	for len(x.stack) > 0 {
		n := x.stack[len(x.stack)-1]
		if n.event != nil {
			n.done = append(n.done, sleeper{n.chosen, *n.event})
			n.event = nil
		}
		asleep := append(pidsOf(n.sleep), pidsOf(n.done)...)
		for _, q := range n.backtrack {
			if !slices.Contains(asleep, q) {
				n.chosen = q
				return true
			}
		}
		x.stack = x.stack[:len(x.stack)-1]
	}
	return false
}

// dporStats is what a search counted.
type dporStats struct {
	runs, executions, blocked int
	complete                  bool
}

// searchDPOR runs the search, calling visit with each run (visit returns
// false to stop), until the search is complete or limit runs are made.
func searchDPOR(s *sim.Scenario, limit int, visit func(*dporRun) bool) (dporStats, error) {
	x := &dporSearch{s: s}
	var st dporStats
	for {
		if st.runs >= limit {
			return st, nil
		}
		r, err := x.run(st.runs)
		if err != nil {
			return st, err
		}
		st.runs++
		if r.blocked {
			st.blocked++
		} else {
			st.executions++
		}
		x.analyse(r)
		if !visit(r) {
			return st, nil
		}
		if !x.next() {
			st.complete = true
			return st, nil
		}
	}
}

// exploreDPOR is Explore for the strategy "dpor": the exhaustive search,
// on one goroutine. Each complete run is checked; a failing one is
// reported with a dpor token (the decisions that were not the default),
// shrunk as a random schedule is unless cfg.NoShrink, once the search is
// over (after cfg.Explored).
func exploreDPOR(s *sim.Scenario, cfg Config) (*Report, error) {
	if cfg.Shards > 1 {
		// The choices a search tries at a decision point come from the
		// races of the runs below its other choices (source sets), and its
		// sleep sets from the choices tried before: no shard could know
		// its part of the tree without running the others.
		return nil, fmt.Errorf("dpor runs whole, it cannot be split into shards: the choices it tries at each decision point come from the races found under the others; run it without --shard")
	}
	limit := cfg.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	rep := &Report{}
	fingerprint := s.Fingerprint()
	st, err := searchDPOR(s, limit, func(r *dporRun) bool {
		rep.Schedules++
		rep.Instructions += r.outcome.Result.Instructions
		rep.Runs = append(rep.Runs, Ran{r.index, r.outcome.Result.Instructions, s.SometimesSeen(r.outcome)})
		if r.blocked {
			return true
		}
		ms := s.CheckRun(r.outcome)
		if len(ms) == 0 {
			return true
		}
		t := Token{Build: cfg.Build, Scenario: fingerprint, Strategy: "dpor", Switches: r.switches}
		f := Failure{Schedule: r.index, Token: t, Mismatches: ms, Switches: len(r.switches)}
		rep.Failures = append(rep.Failures, f)
		return cfg.All
	})
	if err != nil {
		return nil, err
	}
	rep.Executions, rep.SleepBlocked, rep.Complete = st.executions, st.blocked, st.complete
	if cfg.Explored != nil {
		cfg.Explored()
	}
	if !cfg.NoShrink {
		shrinkAll(len(rep.Failures), cfg.Workers, func(i int) {
			f := &rep.Failures[i]
			shrunk := f.Token
			shrunk.Switches = shrinkSwitches(s, f.Token.Switches, plan{}, "dpor")
			f.Shrunk = &shrunk
		})
	}
	return rep, nil
}

// shrinkWith is the greedy reduction of a failing list of switches, for
// any replay of it: fails reports whether the scenario still fails under
// a list. Four moves, until none changes anything:
//
//   - drop a switch, each in turn, last first, while the run still fails
//     (until a whole pass drops nothing);
//   - merge two neighbouring switches into one: at the point of either,
//     to the process of either (four tries per pair, first pair last);
//   - drop a switch and shift those after it by d decision points, d
//     from -moveWindow to moveWindow, nearest first: a switch dropped
//     changes how many decision points come before the later ones (a
//     switch to a process that makes a system call adds points), and the
//     shift puts them back where they were in the programs;
//   - move a switch to an earlier decision point, at most moveWindow
//     points earlier and after the switch before it, the nearest first.
//
// The first merge, shifted drop or move whose run still fails is kept,
// and the drops are tried again. Drops alone can stop at two switches
// where one would do: a run that switches from A to B just before A's
// load, and back to A just after B's load, loses B's update; neither
// switch can go alone, but one switch to B just after A's load loses A's
// (B runs on until it is done, and A's store is stale): the merge of the
// two. Every change kept makes the list shorter or a switch earlier, so
// the reduction ends.
func shrinkWith(sw []Switch, fails func([]Switch) bool) []Switch {
	cur := slices.Clone(sw)
	for {
		cur = dropSwitches(cur, fails)
		next, ok := mergeSwitches(cur, fails)
		if !ok {
			next, ok = dropShifted(cur, fails)
		}
		if !ok {
			next, ok = moveEarlier(cur, fails)
		}
		if !ok {
			if len(cur) > 1 {
				if one, found := oneSwitch(cur, fails); found {
					return one
				}
			}
			return cur
		}
		cur = next
	}
}

// maxOneSwitchTries bounds oneSwitch's runs.
const maxOneSwitchTries = 128

// oneSwitch looks for a single switch that fails as sw does, and returns
// it and true; or nil and false. The moves of shrinkWith are local: they
// can leave two switches where one elsewhere would do (a lost update needs
// one preemption between a load and its store, but the two a random run
// kept may sit at other loads), so when they stop at more than one, single
// switches are tried in order: from moveWindow steps past sw's last switch
// back to step 1 (the failure is near where sw's switches are), at each
// step to every process from pid 2 to two past the largest sw names (a
// thread or child sw never switched to), at most maxOneSwitchTries runs.
// The first that fails is the answer, so the result depends on sw alone.
func oneSwitch(sw []Switch, fails func([]Switch) bool) ([]Switch, bool) {
	top := 0
	for _, s := range sw {
		top = max(top, s.PID)
	}
	tries := 0
	for step := sw[len(sw)-1].Step + moveWindow; step >= 1; step-- {
		for pid := 2; pid <= top+2; pid++ {
			if tries++; tries > maxOneSwitchTries {
				return nil, false
			}
			if try := []Switch{{step, pid}}; fails(try) {
				return try, true
			}
		}
	}
	return nil, false
}

// dropShifted returns sw without one switch and with the switches after
// it shifted by d points where the run still fails, and true; or sw and
// false if there is none. It tries the switches last first (the last has
// nothing after it to shift), each with d = 1, -1, 2, -2, ...
func dropShifted(sw []Switch, fails func([]Switch) bool) ([]Switch, bool) {
	for i := len(sw) - 2; i >= 0; i-- {
		floor := uint64(0) // the step of the switch before i: the shifted ones stay after it
		if i > 0 {
			floor = sw[i-1].Step
		}
		for k := 1; k <= 2*moveWindow; k++ {
			d := int64((k + 1) / 2)
			if k%2 == 0 {
				d = -d
			}
			if int64(sw[i+1].Step)+d <= int64(floor) {
				continue
			}
			try := slices.Concat(sw[:i], sw[i+1:])
			for j := i; j < len(try); j++ {
				try[j].Step = uint64(int64(try[j].Step) + d)
			}
			if fails(try) {
				return try, true
			}
		}
	}
	return sw, false
}

// mergeSwitches returns sw with two neighbouring switches made one where
// the run still fails, and true; or sw and false if no merge fails.
func mergeSwitches(sw []Switch, fails func([]Switch) bool) ([]Switch, bool) {
	for i := len(sw) - 2; i >= 0; i-- {
		a, b := sw[i], sw[i+1]
		for _, step := range []uint64{b.Step, a.Step} {
			for _, pid := range []int{a.PID, b.PID} {
				try := slices.Concat(sw[:i], []Switch{{step, pid}}, sw[i+2:])
				if fails(try) {
					return try, true
				}
			}
		}
	}
	return sw, false
}

// moveWindow is how many decision points earlier shrinkWith tries to move
// a switch: a bound on the runs a shrink makes.
const moveWindow = 16

// dropSwitches drops each switch in turn, last first, and keeps it dropped
// if the run still fails, until a whole pass drops nothing.
func dropSwitches(sw []Switch, fails func([]Switch) bool) []Switch {
	cur := sw
	for changed := true; changed; {
		changed = false
		for i := len(cur) - 1; i >= 0; i-- {
			try := append(append([]Switch(nil), cur[:i]...), cur[i+1:]...)
			if fails(try) {
				cur, changed = try, true
			}
		}
	}
	return cur
}

// moveEarlier returns sw with one switch moved to an earlier decision
// point where the run still fails, and true; or sw and false if there is
// no such move. It tries the switches last first, each at the points
// just before it first.
func moveEarlier(sw []Switch, fails func([]Switch) bool) ([]Switch, bool) {
	for i := len(sw) - 1; i >= 0; i-- {
		lo := uint64(1) // steps increase along the list, from 1
		if i > 0 {
			lo = sw[i-1].Step + 1
		}
		if sw[i].Step > moveWindow {
			lo = max(lo, sw[i].Step-moveWindow)
		}
		for step := sw[i].Step - 1; step >= lo && step > 0; step-- {
			try := slices.Clone(sw)
			try[i].Step = step
			if fails(try) {
				return try, true
			}
		}
	}
	return sw, false
}
