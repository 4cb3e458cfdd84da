package sim

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ipcsim/sched"
)

// twoWriters: a parent and its child each print two lines; the parent then
// waits for the child. Under round robin the parent prints both lines
// before the child first runs (nothing preempts it within its quantum).
const twoWriters = `# two writers
machine mem=16M quantum=10000 trapcost=0 seed=1 limit=1000000
spawn two.s
expect exit two 0
-- two.s --
	.data
p1:	.ascii "parent 1\n"
p2:	.ascii "parent 2\n"
c1:	.ascii "child 1\n"
c2:	.ascii "child 2\n"
	.text
	.globl _start
_start:
	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall
	beqz a0, child
	la a1, p1
	li a2, 9
	call say
	la a1, p2
	li a2, 9
	call say
	li a0, -1
	li a1, 0
	li a2, 0
	li a3, 0
	li a7, SYS_wait4
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
child:
	la a1, c1
	li a2, 8
	call say
	la a1, c2
	li a2, 8
	call say
	li a0, 0
	li a7, SYS_exit
	ecall
say:	li a0, 1
	li a7, SYS_write
	ecall
	ret
`

// pipeWake: the child blocks reading a pipe; the parent writes a byte to
// it, which wakes the child, then prints a line. Under round robin the
// woken child waits for the parent to block in wait4, so the parent's line
// comes first.
const pipeWake = `# pipe wake
machine mem=16M quantum=10000 trapcost=0 seed=1 limit=1000000
spawn wake.s
expect exit wake 0
-- wake.s --
	.data
fds:	.word 0, 0
buf:	.byte 0
pmsg:	.ascii "parent: wrote\n"
cmsg:	.ascii "child: read\n"
	.text
	.globl _start
_start:
	la a0, fds
	li a1, 0
	li a7, SYS_pipe2
	ecall
	la t0, fds
	lw s0, 0(t0)
	lw s1, 4(t0)
	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall
	beqz a0, child
	li a7, SYS_sched_yield		# let the child block on the pipe
	ecall
	mv a0, s1
	la a1, buf
	li a2, 1
	li a7, SYS_write
	ecall				# wakes the child
	li a0, 1
	la a1, pmsg
	li a2, 14
	li a7, SYS_write
	ecall
	li a0, -1
	li a1, 0
	li a2, 0
	li a3, 0
	li a7, SYS_wait4
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
child:
	mv a0, s0
	la a1, buf
	li a2, 1
	li a7, SYS_read
	ecall				# blocks until the parent writes
	li a0, 1
	la a1, cmsg
	li a2, 12
	li a7, SYS_write
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
`

// fifo is a first-come first-served ready set for the test policies,
// written here to show that a policy needs nothing from the kernel.
type fifo struct{ q sched.RunQueue[int] }

func (f *fifo) Ready(pid int, _ sched.Why) { f.q.Push(pid) }
func (f *fifo) Pick() (int, bool)          { return f.q.Pop() }
func (f *fifo) Slice(int) uint64           { return 10000 }

// Point preempts, as round robin does, at a slice end or a sched_yield when
// another process is ready.
func (f *fifo) Point(pt sched.Point) sched.Decision {
	if (pt.Kind == sched.PointSliceEnd || pt.Kind == sched.PointYield) && f.q.Len() > 0 {
		return sched.Preempt
	}
	return sched.Continue
}

// atSyscalls preempts the running process at every system call entry, as
// an explorer does to interleave two processes' calls.
type atSyscalls struct{ fifo }

func (p *atSyscalls) Point(pt sched.Point) sched.Decision {
	if pt.Kind == sched.PointSyscall {
		return sched.Preempt
	}
	return p.fifo.Point(pt)
}

// atWakeups preempts the waker so that the woken process runs at once.
type atWakeups struct{ fifo }

func (p *atWakeups) Point(pt sched.Point) sched.Decision {
	if pt.Kind == sched.PointWake {
		return sched.Preempt
	}
	return p.fifo.Point(pt)
}

// recording is round robin (without jitter, so without the kernel's PRNG)
// that writes down what the kernel tells it.
type recording struct {
	*sched.RoundRobin
	log []string
}

func (p *recording) Ready(pid int, why sched.Why) {
	p.log = append(p.log, "ready "+why.String())
	p.RoundRobin.Ready(pid, why)
}

func (p *recording) Point(pt sched.Point) sched.Decision {
	p.log = append(p.log, pt.Kind.String())
	return p.RoundRobin.Point(pt)
}

func runWith(t *testing.T, src string, p sched.Policy) *Outcome {
	t.Helper()
	s, err := Parse("policy.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{Policy: p, KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	if ms := s.Check(o); len(ms) != 0 {
		t.Fatalf("%v", ms)
	}
	return o
}

// TestPolicyChangesInterleaving substitutes policies through
// Options.Policy (kernel.Config.Policy) and sees the console change, with
// no change to the kernel.
func TestPolicyChangesInterleaving(t *testing.T) {
	for _, tc := range []struct {
		name   string
		src    string
		policy func() sched.Policy
		want   string
	}{
		{"two writers, round robin", twoWriters, nil,
			"parent 1\nparent 2\nchild 1\nchild 2\n"},
		{"two writers, preempted at each syscall", twoWriters, func() sched.Policy { return &atSyscalls{} },
			"parent 1\nchild 1\nparent 2\nchild 2\n"},
		{"pipe wake, round robin", pipeWake, nil,
			"parent: wrote\nchild: read\n"},
		{"pipe wake, preempted at each wakeup", pipeWake, func() sched.Policy { return &atWakeups{} },
			"child: read\nparent: wrote\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p sched.Policy
			if tc.policy != nil {
				p = tc.policy()
			}
			o := runWith(t, tc.src, p)
			if diff := cmp.Diff(tc.want, string(o.Console)); diff != "" {
				t.Errorf("console (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPolicyPointsAndDefault: a policy that wraps round robin gives the
// very run the default gives (trace included), and is told of every kind
// of scheduling point.
func TestPolicyPointsAndDefault(t *testing.T) {
	def := runWith(t, pipeWake, nil)
	rec := &recording{RoundRobin: sched.NewRoundRobin(10000, 0, nil)}
	got := runWith(t, pipeWake, rec)
	if diff := cmp.Diff(outcomeBytes(t, def), outcomeBytes(t, got)); diff != "" {
		t.Errorf("wrapped round robin differs from the default (-default +wrapped):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, e := range rec.log {
		seen[e] = true
	}
	for _, want := range []string{"ready new", "ready woken", "ready yielded", "syscall", "block", "wake", "yield", "exit"} {
		if !seen[want] {
			t.Errorf("the policy was never told %q; it heard %v", want, rec.log)
		}
	}
	var switches []string
	for _, e := range got.Trace {
		if e.Kind == "switch" {
			switches = append(switches, e.Text)
		}
	}
	if len(switches) == 0 {
		t.Errorf("no context switch in the trace")
	}
}
