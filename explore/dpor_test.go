package explore

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ipcsim/sched"
	"ipcsim/sim"
)

// counterScenario returns a scenario in which procs processes (the
// spawned one and the children it forks) each add 1, n times, to each
// word of a System V shared memory segment at the byte offsets words, with
// a plain lw, addi, sw ("plain"), one amoadd.w ("amoadd"), or an lr.w,
// addi, sc.w loop ("lrsc"); the parent waits for its children and exits 1
// if an update was lost.
func counterScenario(t *testing.T, procs, n int, words []int, how string) *sim.Scenario {
	t.Helper()
	var add, check strings.Builder
	for _, off := range words {
		switch how {
		case "amoadd":
			fmt.Fprintf(&add, "\taddi t3, s1, %d\n\tamoadd.w zero, t2, (t3)\n", off)
		case "lrsc":
			fmt.Fprintf(&add, "\taddi t3, s1, %d\n1:\tlr.w t1, (t3)\n\taddi t1, t1, 1\n\tsc.w t5, t1, (t3)\n\tbnez t5, 1b\n", off)
		default:
			fmt.Fprintf(&add, "\tlw t1, %d(s1)\n\taddi t1, t1, 1\n\tsw t1, %d(s1)\n", off, off)
		}
		fmt.Fprintf(&check, "\tlw t1, %d(s1)\n\tbne t1, t4, lost\n", off)
	}
	fork := `	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall
	mv s0, a0
	beqz s0, work
`
	wait := `	li a0, -1
	li a1, 0
	li a2, 0
	li a3, 0
	li a7, SYS_wait4
	ecall
`
	src := fmt.Sprintf(`machine mem=1M limit=2000000
spawn race.s
expect exit race 0
-- race.s --
	.text
	.globl _start
_start:
	li a0, IPC_PRIVATE
	li a1, 4096
	li a2, IPC_CREAT | 0600
	li a7, SYS_shmget
	ecall
	mv s2, a0
	li a1, 0
	li a2, 0
	li a7, SYS_shmat
	ecall
	mv s1, a0
	mv a0, s2
	li a1, IPC_RMID
	li a2, 0
	li a7, SYS_shmctl
	ecall
%swork:
	li t0, %d
	li t2, 1
add:
%s	addi t0, t0, -1
	bnez t0, add
	bnez s0, parent
	li a0, 0
	li a7, SYS_exit
	ecall
parent:
%s	li t4, %d
%s	li a0, 0
	j out
lost:	li a0, 1
out:	li a7, SYS_exit
	ecall
`, strings.Repeat(fork, procs-1), n, add.String(), strings.Repeat(wait, procs-1), procs*n, check.String())
	s, err := sim.Parse(fmt.Sprintf("counter_%dx%d_%v_%s.txtar", procs, n, words, how), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// classOf is the Mazurkiewicz trace of a run's transitions: what each
// process did, in order, and the order of every dependent pair of
// transitions of different processes.
func classOf(events []dporEvent) string {
	seq := map[int]int{} // pid -> transitions so far (looked up only)
	ids := make([]string, len(events))
	var parts []string
	for i, e := range events {
		seq[e.pid]++
		ids[i] = fmt.Sprintf("%d.%d", e.pid, seq[e.pid])
		parts = append(parts, fmt.Sprintf("%s=%v%v", ids[i], e.syscall, e.acc))
	}
	for i := range events {
		for j := i + 1; j < len(events); j++ {
			if events[i].pid != events[j].pid && dependent(&events[i], &events[j]) {
				parts = append(parts, ids[i]+"<"+ids[j])
			}
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// memoryOrderOf is the part of a run's class that memory makes: the order
// of every pair of conflicting accesses (same bytes, one a write) of
// different processes, each named by its process and its rank among the
// process's accesses (system calls, and the retries of blocked ones, left
// out).
func memoryOrderOf(events []dporEvent) string {
	type access struct {
		id string
		e  dporEvent // the access alone
	}
	rank := map[int]int{} // pid -> accesses so far (looked up only)
	var all []access
	for _, e := range events {
		for _, a := range e.acc {
			rank[e.pid]++
			all = append(all, access{fmt.Sprintf("%d#%d", e.pid, rank[e.pid]), dporEvent{pid: e.pid, acc: []sched.Access{a}}})
		}
	}
	var parts []string
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if all[i].e.pid != all[j].e.pid && dependent(&all[i].e, &all[j].e) {
				parts = append(parts, all[i].id+"<"+all[j].id)
			}
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// bruteForce runs every schedule of s, every choice at every decision
// point, with no reduction, and returns the class of each run and whether
// it failed, and the number of runs.
func bruteForce(t *testing.T, s *sim.Scenario, max int) (classes, memOrders map[string]bool, runs int) {
	t.Helper()
	type point struct {
		enabled []int
		i       int
	}
	var stack []point
	classes, memOrders = map[string]bool{}, map[string]bool{}
	for {
		pol := newDPORPolicy(nil)
		pol.choose = func(d int, enabled []int, _ int) int {
			if d == len(stack) {
				stack = append(stack, point{enabled: enabled})
			}
			return stack[d].enabled[stack[d].i]
		}
		o, err := run(s, pol)
		if err != nil {
			t.Fatal(err)
		}
		runs++
		events := pol.finish()
		failed := len(s.CheckRun(o)) > 0
		classes[classOf(events)] = failed
		if f, ok := memOrders[memoryOrderOf(events)]; ok && f != failed {
			t.Fatalf("%s: one order of the memory accesses both fails and passes", s.Path)
		}
		memOrders[memoryOrderOf(events)] = failed
		for len(stack) > 0 && stack[len(stack)-1].i+1 >= len(stack[len(stack)-1].enabled) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return classes, memOrders, runs
		}
		stack[len(stack)-1].i++
		if runs >= max {
			t.Fatalf("brute force: more than %d runs", max)
		}
	}
}

// TestDPORMatchesBruteForce: on small scenarios dpor explores exactly one
// complete run per class of equivalent schedules, every class the brute
// force enumeration finds, and finds exactly the classes that lose an
// update.
func TestDPORMatchesBruteForce(t *testing.T) {
	for _, c := range []struct {
		procs, n int
		words    []int
		how      string
	}{
		{2, 1, []int{0}, "plain"},
		{2, 1, []int{0, 4}, "plain"},
		{2, 2, []int{0}, "plain"},
		{2, 1, []int{0}, "amoadd"},
		{3, 1, []int{0}, "amoadd"},
		{2, 2, []int{0}, "lrsc"},
	} {
		locked := c.how != "plain"
		s := counterScenario(t, c.procs, c.n, c.words, c.how)
		name := s.Path
		want, memOrders, runs := bruteForce(t, s, 20000)
		got := map[string]bool{}
		st, err := searchDPOR(s, 100000, func(r *dporRun) bool {
			if r.blocked {
				return true
			}
			k := classOf(r.events)
			if _, dup := got[k]; dup {
				t.Errorf("%s: run %d repeats a class", name, r.index)
			}
			got[k] = len(s.CheckRun(r.outcome)) > 0
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		memFail := 0
		for _, f := range memOrders {
			if f {
				memFail++
			}
		}
		t.Logf("%s: %d orders of the conflicting memory accesses, %d of them lose an update", name, len(memOrders), memFail)
		if c.procs == 2 && c.n == 1 && len(c.words) == 1 && !locked && (len(memOrders) != 4 || memFail != 2) {
			// Of the C(4,2) = 6 interleavings of two load/store pairs on
			// one word, the two that begin with both loads give the
			// same order as the two that swap them, so 4 orders, and
			// the 2 with both loads before both stores lose an update.
			t.Errorf("%s: %d memory orders, %d losing: want 4 and 2", name, len(memOrders), memFail)
		}
		wantFail, gotFail := 0, 0
		for k, f := range want {
			if f {
				wantFail++
			}
			if g, ok := got[k]; !ok {
				t.Errorf("%s: dpor missed a class (failing %v): %s", name, f, k)
			} else if g != f {
				t.Errorf("%s: a class fails %v under dpor, %v by brute force", name, g, f)
			}
		}
		for k, f := range got {
			if f {
				gotFail++
			}
			if _, ok := want[k]; !ok {
				t.Errorf("%s: dpor ran a class the brute force has not: %s", name, k)
			}
		}
		t.Logf("%s: brute force %d runs, %d classes, %d failing; dpor %d executions (+%d sleep-set blocked), %d failing, complete %v",
			name, runs, len(want), wantFail, st.executions, st.blocked, gotFail, st.complete)
		if !st.complete || st.executions != len(want) {
			t.Errorf("%s: dpor made %d executions (complete %v), want %d", name, st.executions, st.complete, len(want))
		}
		if locked && gotFail > 0 {
			t.Errorf("%s: %d classes fail with a lock", name, gotFail)
		}
		if !locked && gotFail == 0 {
			t.Errorf("%s: no class loses an update", name)
		}
	}
}

// TestDPORExplore: through Explore, dpor stops at the first lost update
// with a token that replays it (after a round trip through its text), a
// shrunk token that still fails, and an explanation; with All it counts
// every class and says the search is complete; a limit makes it
// incomplete.
func TestDPORExplore(t *testing.T) {
	s := counterScenario(t, 2, 2, []int{0}, "plain")
	rep, err := Explore(s, Config{Strategy: "dpor", Build: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 1 || rep.Complete {
		t.Fatalf("%d failures, complete %v: want the first failure", len(rep.Failures), rep.Complete)
	}
	f := rep.Failures[0]
	tok, err := ParseToken(f.Token.String())
	if err != nil || tok.Strategy != "dpor" {
		t.Fatalf("token %s: %v", f.Token, err)
	}
	for _, tk := range []*Token{&tok, f.Shrunk} {
		if tk == nil {
			continue
		}
		o, err := run(s, tk.Policy())
		if err != nil || len(s.CheckRun(o)) == 0 {
			t.Errorf("token %s does not replay the failure (%v)", tk, err)
		}
	}
	t.Logf("first failure: run %d, %s, shrunk %v", f.Schedule, f.Token, f.Shrunk)
	why, err := Explain(s, tok)
	if err != nil || len(why) == 0 {
		t.Errorf("no explanation of %s: %v", tok, err)
	}

	all, err := Explore(s, Config{Strategy: "dpor", Build: "test", All: true, NoShrink: true})
	if err != nil {
		t.Fatal(err)
	}
	if !all.Complete || all.Executions != 68 || len(all.Failures) != 56 {
		t.Errorf("--all: %d executions, %d failing, complete %v: want 68, 56, true (TestDPORMatchesBruteForce)", all.Executions, len(all.Failures), all.Complete)
	}
	again, err := Explore(s, Config{Strategy: "dpor", Build: "test", All: true, NoShrink: true})
	if err != nil || !reflect.DeepEqual(again, all) {
		t.Errorf("two searches differ (%v)", err)
	}
	some, err := Explore(s, Config{Strategy: "dpor", Build: "test", All: true, NoShrink: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if some.Complete || some.Schedules != 10 {
		t.Errorf("limit 10: %d runs, complete %v", some.Schedules, some.Complete)
	}
	if _, err := Explore(s, Config{Strategy: "dpor", Build: "test", Shard: 1, Shards: 2}); err == nil {
		t.Errorf("dpor accepted a shard")
	}
}

// TestDPORLockedCounters: dpor flags none of the locked counters of
// testdata/scenarios in its first runs (the spinning ones have no end to
// their classes).
func TestDPORLockedCounters(t *testing.T) {
	for _, name := range []string{"spinlock_amoswap.txtar", "spinlock_lrsc.txtar", "futex_lock.txtar", "threads_explore_atomic.txtar"} {
		rep, err := Explore(load(t, name), Config{Strategy: "dpor", Build: "test", All: true, Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) > 0 {
			t.Errorf("%s: %d of %d runs fail; first %s: %v", name, len(rep.Failures), rep.Schedules, rep.Failures[0].Token, rep.Failures[0].Mismatches)
		}
	}
}
