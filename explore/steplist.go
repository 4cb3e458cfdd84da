package explore

import (
	"slices"

	"ipcsim/sched"
)

// A PCT schedule as a list of switches, so that it can be shrunk as a
// random one is (issue 12: "a failing schedule is reduced to the fewest
// preemptions that still fail").
//
// A random or pb schedule is already a list: the switcher runs processes
// first come, first served and switches where decide says, so the
// switches it made, replayed by newList, make the same run. PCT cannot be
// replayed that way: its steps are not the switcher's (its slices end
// after accesses to shared memory, not every 1 to 4 instructions), and it
// chooses by priority everywhere, also who runs when a process blocks.
//
// stepList is the policy for that: it has PCT's steps and slices, and
// runs processes first come, first served, each until it blocks or dies,
// except at the decision points its list names. A decision point is a
// place where PCT could give the CPU to another process:
//
//   - a step, where the running process could be preempted (a system
//     call entry, a wakeup, a slice end, a sched_yield, with another
//     process ready; see isStep): the default is that it goes on;
//   - the end of a system call, with another process ready: the default
//     is that the caller goes on; a switch here ends its slice at once,
//     and the switch is made at that slice end (PCT does so after a call
//     that readied a process of higher priority);
//   - a pick, when the CPU is free (the running process blocked or died)
//     and two processes or more are ready: the default is the one that
//     has waited longest.
//
// The points are numbered from 1 in the order of the run, and a switch
// STEP.PID says: at decision point STEP, PID. A list with no switches is
// the first-come-first-served run on PCT's steps; the PCT run recorded
// (recordPCT) is its switches, where PCT chose other than the default; a
// shrunk list keeps only those the failure needs. Its token is
// pctlist:sw=STEP.PID_...
type stepList struct {
	ready   readySet
	running int    // the pid on the CPU, 0 if none
	want    int    // the pid a switch asked for, for the next Pick
	forced  int    // a switch at the end of a system call: the pid for the slice end it brings
	point   uint64 // the decision points so far
	access  accessSteps
	// choose returns the pid to run at decision point n, where def is the
	// default; a pid that is not ready there counts as def.
	choose   func(n uint64, def int) int
	switches []Switch // the switches made, in order: where the choice was not def
}

// newStepList returns the policy that makes the given switches (in
// increasing order of decision point) at PCT's steps.
func newStepList(sw []Switch) *stepList {
	i := 0
	return &stepList{choose: func(n uint64, def int) int {
		for i < len(sw) && sw[i].Step < n {
			i++
		}
		if i < len(sw) && sw[i].Step == n {
			return sw[i].PID
		}
		return def
	}}
}

// decide makes decision point n: choose's pid if it is ready and not
// def, recorded as a switch; def otherwise.
func (s *stepList) decide(def int) int {
	s.point++
	q := s.choose(s.point, def)
	if q == def || !slices.Contains(s.ready, q) {
		return def
	}
	s.switches = append(s.switches, Switch{s.point, q})
	return q
}

func (s *stepList) Ready(pid int, _ sched.Why) { s.ready.add(pid) }

func (s *stepList) Pick() (int, bool) {
	want := s.want
	s.want = 0
	if want != 0 && s.ready.take(want) {
		s.running = want
		return want, true
	}
	if len(s.ready) == 0 {
		s.running = 0
		return 0, false
	}
	pid := s.ready[0]
	if len(s.ready) > 1 {
		pid = s.decide(pid)
	}
	s.ready.take(pid)
	s.running = pid
	return pid, true
}

// Slice is PCT's: the steps come from the accesses (Access).
func (s *stepList) Slice(int) uint64 { return pctSlice }

func (s *stepList) Access(pid int, a sched.Access) bool {
	return s.access.endsSlice(pid, a, s.ready)
}

func (s *stepList) SyscallDone(int) bool {
	s.forced = 0
	if len(s.ready) == 0 || s.running == 0 {
		return false
	}
	if q := s.decide(s.running); q != s.running {
		s.forced = q
		return true
	}
	return false
}

func (s *stepList) Point(p sched.Point) sched.Decision {
	if (p.Kind == sched.PointBlock || p.Kind == sched.PointExit) && p.PID == s.running {
		s.running = 0
	}
	if s.forced != 0 && p.Kind == sched.PointSliceEnd {
		// The slice end that a switch at the end of a system call
		// brought: no decision point of its own. A switch made in
		// between (at a wakeup) stands.
		if s.want == 0 {
			s.want = s.forced
		}
		s.forced = 0
		return sched.Preempt
	}
	if !isStep(p, s.ready) || s.running == 0 {
		return sched.Continue
	}
	if q := s.decide(s.running); q != s.running {
		s.want = q
		return sched.Preempt
	}
	return sched.Continue
}

// pctRecorder runs a PCT schedule and writes down, in a stepList fed the
// same calls, the switches that make the same run: at each decision point
// of the list, what PCT chose. The kernel gets PCT's answers, so the run
// is the PCT run; diverged says the list answered otherwise somewhere
// (it then does not replay the run, and must not be used).
type pctRecorder struct {
	pct      *pct
	list     *stepList
	answer   int // what PCT chose, for the list's next decision point
	diverged bool
}

// recordPCT returns a recorder of the PCT policy p.
func recordPCT(p *pct) *pctRecorder {
	r := &pctRecorder{pct: p, list: &stepList{}}
	r.list.choose = func(uint64, int) int { return r.answer }
	return r
}

func (r *pctRecorder) Ready(pid int, why sched.Why) {
	r.pct.Ready(pid, why)
	r.list.Ready(pid, why)
}

func (r *pctRecorder) Pick() (int, bool) {
	pid, ok := r.pct.Pick()
	r.answer = pid
	if lpid, lok := r.list.Pick(); lpid != pid || lok != ok {
		r.diverged = true
	}
	return pid, ok
}

func (r *pctRecorder) Slice(pid int) uint64 {
	r.list.Slice(pid)
	return r.pct.Slice(pid)
}

func (r *pctRecorder) Access(pid int, a sched.Access) bool {
	end := r.pct.Access(pid, a)
	if r.list.Access(pid, a) != end {
		r.diverged = true
	}
	return end
}

func (r *pctRecorder) SyscallDone(pid int) bool {
	end := r.pct.SyscallDone(pid)
	r.answer = r.list.running // the default: the caller goes on
	if end {
		r.answer, _ = r.pct.best() // the process PCT will switch to at the slice end
	}
	if r.list.SyscallDone(pid) != end {
		r.diverged = true
	}
	return end
}

func (r *pctRecorder) Point(p sched.Point) sched.Decision {
	d := r.pct.Point(p)
	r.answer = r.list.running // the default: the running process goes on
	if d == sched.Preempt {
		r.answer = r.pct.want
	}
	if r.list.Point(p) != d || d == sched.Preempt && r.list.want != r.pct.want {
		r.diverged = true
	}
	return d
}
