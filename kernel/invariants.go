package kernel

import (
	"fmt"
	"slices"
	"strings"

	"ipcsim/hw"
	"ipcsim/ipc/msgq"
	"ipcsim/ipc/pipe"
	"ipcsim/ipc/unix"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Invariant checking (Config.CheckInvariants, issue 12).
//
// With CheckInvariants set, Run checks the kernel's books at the top of
// every turn of its loop: after every trap, interrupt, wakeup and switch
// the previous turn handled, and before every return. The first broken
// invariant stops the machine: Run returns a Result whose Reason is
// StopInvariant and whose Invariant says which invariant broke, on what,
// and at which cycle. Nothing panics: a caller sees the break as a result,
// as it sees a deadlock. CheckInvariants (the method) runs the same checks
// at any time, for callers that change the kernel outside Run (the
// syscall fuzzer).
//
// The invariants, by the name an InvariantError gives them:
//
//   - "frames": every frame's reference count is the number of its
//     holders: page-table entries of every live address space (threads
//     share one, counted once) and the present pages of every shared
//     memory object (a MAP_SHARED area's, a System V segment's). Nothing
//     else holds a frame: execve fills the new image and the [vdso] page
//     straight into the new space's page table (Fill), and the old space
//     is released. A frame in use that nothing holds is a leak; a used
//     frame count that differs from the frames held is one too.
//   - "cow": a private page mapped writable has its frame to itself (a
//     frame shared after fork is mapped copy-on-write, read-only).
//   - "mappings": every page-table entry lies in an area of its space,
//     with the area's sharing, and a shared area's entries map the shared
//     object's own frame for the page.
//   - "shared": a shared memory object's references are the areas mapping
//     it plus the segment registry's (while the segment is not destroyed);
//     its Users are those areas; a segment's shm_nattch is its Users.
//   - "commit": a space's charged pages are its private areas' pages, and
//     the committed total is what the spaces and the live shared objects
//     charged.
//   - "files": every open file description's count is the descriptor
//     slots pointing to it, plus FIFO opens waiting for their partner
//     (call.pending), plus SCM_RIGHTS messages in flight on Unix sockets
//     (epoll items hold no reference, as on Linux); the per-user in-flight
//     counts are the rights queued.
//   - "pipes": for every pipe, bytes written = bytes read + bytes buffered,
//     the buffer within the capacity, and its reader and writer counts
//     equal the live descriptions of each end; a pipe with no end open is
//     gone from the kernel's list.
//   - "epoll": every item of a live epoll instance watches a description
//     still open, which knows the instance (so that its release forgets
//     the item).
//   - "msgq": every System V message queue's list is acyclic, its tail
//     the last node, no message twice; msg_qnum and msg_cbytes are the
//     list's count and bytes; the messages are in the order they were
//     accepted (so in order per type); accepted = taken + dropped +
//     queued (none lost, none duplicated); a waiting receiver has no
//     answer yet, and no dead process waits.
//   - "sockets": a Unix socket's unread bytes are its buffers', its
//     send-buffer charge is the true sizes of its buffers queued anywhere.
//   - "sched": the running task is live, runnable and not in the ready
//     set; every other runnable task is in the policy's ready set (queued);
//     a sleeping task is blocked in a call, and on the timed sleepers list
//     exactly when its call has a deadline; the sleepers are sorted by
//     deadline and all sleep; a dead task is on no list.
//   - "threads": k.tasks maps each tid to its task; the threads of a
//     thread group all share its Process and group and are in the table;
//     a group without threads is a zombie; parents and children agree,
//     and each parent's zombie count is its zombie children; the stopped
//     count is the stopped groups.
//
// The checks walk every page table and object: a run with them is many
// times slower, which a test or a fuzzer pays gladly.

// An InvariantError is a broken kernel invariant: its name (the list
// above), what broke, and when.
type InvariantError struct {
	Invariant string // "frames", "files", "pipes", "msgq", "sched", ...
	Detail    string // what broke, naming the object and its state
	Cycle     uint64 // the cycle at which the check found it
}

func (e *InvariantError) Error() string {
	return fmt.Sprintf("kernel invariant %q broken at cycle %d: %s", e.Invariant, e.Cycle, e.Detail)
}

// checkAll makes every kernel check its invariants, whatever its Config
// says: for tests that run kernels made elsewhere (scenarios).
var checkAll bool

// corruptBeforeCheck, set by tests only (SetCorruptBeforeCheck), damages
// a kernel before Run checks it: how a test outside the package shows
// that a broken invariant reaches the scenario's report.
var corruptBeforeCheck func(k *Kernel)

// checkStep is Run's hook: with invariant checking on, it checks, and on
// a break returns the Result Run must return.
func (k *Kernel) checkStep() (Result, bool) {
	if !k.cfg.CheckInvariants && !checkAll {
		return Result{}, false
	}
	if corruptBeforeCheck != nil {
		corruptBeforeCheck(k)
	}
	err := k.check()
	if err == nil {
		return Result{}, false
	}
	r := k.result(StopInvariant)
	r.Invariant = err
	return r, true
}

// CheckInvariants checks the kernel's invariants now and returns the first
// broken one as an *InvariantError, or nil.
func (k *Kernel) CheckInvariants() error {
	if err := k.check(); err != nil {
		return err
	}
	return nil
}

// InvariantChecks returns how many times the kernel has checked its
// invariants (Run's steps with CheckInvariants, and CheckInvariants).
func (k *Kernel) InvariantChecks() uint64 { return k.checks }

func (k *Kernel) check() *InvariantError {
	k.checks++
	c := &checker{k: k}
	for _, check := range [...]func() error{
		c.threads, c.sched, c.memory, c.files, c.pipes, c.epoll, c.msgqs, c.sockets,
	} {
		if err := check(); err != nil {
			return err.(*InvariantError)
		}
	}
	return nil
}

type checker struct {
	k     *Kernel
	held  map[*OpenFile]int // references found, by description (files)
	order []*OpenFile       // the descriptions of files, in the order found
}

func (c *checker) fail(name, format string, args ...any) error {
	return &InvariantError{Invariant: name, Detail: fmt.Sprintf(format, args...), Cycle: c.k.Now()}
}

// spaces returns every distinct live address space and the tasks whose it
// is, in tid order.
func (c *checker) spaces() ([]*proc.AddressSpace, map[*proc.AddressSpace][]*Task) {
	var order []*proc.AddressSpace
	owners := map[*proc.AddressSpace][]*Task{}
	for _, t := range c.k.sortedTasks() {
		if t.AS == nil {
			continue
		}
		if _, ok := owners[t.AS]; !ok {
			order = append(order, t.AS)
		}
		owners[t.AS] = append(owners[t.AS], t)
	}
	return order, owners
}

func whoList(ts []*Task) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.who())
	}
	return strings.Join(s, ", ")
}

// threads: the task table and the thread groups.
func (c *checker) threads() error {
	k := c.k
	groups := map[*threadGroup]bool{}
	stopped := 0
	leaders := 0
	for _, t := range k.sortedTasks() {
		if k.tasks[t.TID] != t {
			return c.fail("threads", "k.tasks maps tid %d to a task whose tid is another", t.TID)
		}
		if t.k != k {
			return c.fail("threads", "%s belongs to another kernel", t.who())
		}
		l := k.tasks[t.PID]
		if l == nil {
			return c.fail("threads", "%s: its process's first thread (tid %d) is not in the task table", t.who(), t.PID)
		}
		if l.Process != t.Process || l.threadGroup != t.threadGroup {
			return c.fail("threads", "%s does not share the Process and thread group of tid %d", t.who(), t.PID)
		}
		if t.TID == t.PID {
			leaders++
		}
		if t.State != proc.Zombie && !slices.Contains(t.threads, t) {
			return c.fail("threads", "%s is %v but not among its group's threads", t.who(), t.State)
		}
		if t.TID != t.PID && t.State == proc.Zombie {
			return c.fail("threads", "%s exited but is still in the task table", t.who())
		}
		if groups[t.threadGroup] {
			continue
		}
		groups[t.threadGroup] = true
		if t.stopped && len(t.threads) > 0 {
			stopped++
		}
		if len(t.threads) == 0 && l.State != proc.Zombie {
			return c.fail("threads", "pid %d has no thread left but its first thread is %v", t.PID, l.State)
		}
		for _, o := range t.threads {
			switch {
			case o.Process != t.Process || o.threadGroup != t.threadGroup:
				return c.fail("threads", "thread %s of pid %d has another Process or group", o.who(), t.PID)
			case k.tasks[o.TID] != o:
				return c.fail("threads", "thread %s of pid %d is not in the task table", o.who(), t.PID)
			case o.State == proc.Zombie:
				return c.fail("threads", "thread %s of pid %d exited but is still among its threads", o.who(), t.PID)
			case o.Sig.Actions != t.threads[0].Sig.Actions:
				return c.fail("threads", "thread %s of pid %d has a table of dispositions of its own: a sigaction in one thread would not reach the others", o.who(), t.PID)
			}
		}
	}
	if !proc.DefaultActionsIntact() {
		return c.fail("threads", "the table of SIG_DFL dispositions that processes share was written: a process changed a disposition for every such process")
	}
	if stopped != k.stopped {
		return c.fail("threads", "%d processes are stopped but the kernel counts %d", stopped, k.stopped)
	}
	// The family: every child's parent lists it; every process but init
	// has a live parent; the zombie counts.
	children := 0
	for _, p := range k.sortedProcs() {
		zombies := 0
		for ch := p.FirstChild(); ch != nil; ch = ch.NextSibling() {
			children++
			ct := k.tasks[ch.PID]
			switch {
			case ct == nil || ct.Process != ch:
				return c.fail("threads", "pid %d lists child pid %d, which is not in the task table", p.PID, ch.PID)
			case ch.Parent != p.Process:
				return c.fail("threads", "pid %d lists child pid %d, whose parent is another", p.PID, ch.PID)
			}
			if ch.State == proc.Zombie {
				zombies++
			}
		}
		if zombies != p.zombies {
			return c.fail("threads", "pid %d has %d zombie children but counts %d", p.PID, zombies, p.zombies)
		}
		if p != k.init && (p.Parent == nil || k.task(p.Parent) == nil) {
			return c.fail("threads", "pid %d has no live parent", p.PID)
		}
	}
	if children != leaders-1 {
		return c.fail("threads", "%d processes besides init, but the parents list %d children", leaders-1, children)
	}
	return nil
}

// sched: who runs, who waits in the ready set, who sleeps.
func (c *checker) sched() error {
	k := c.k
	if t := k.cur; t != nil {
		switch {
		case k.tasks[t.TID] != t:
			return c.fail("sched", "the running task %s is not in the task table", t.who())
		case t.State != proc.Runnable:
			return c.fail("sched", "the running task %s is %v", t.who(), t.State)
		case t.queued:
			return c.fail("sched", "the running task %s is also in the ready set", t.who())
		}
	}
	queued, cpuTimers := 0, 0
	for _, t := range k.sortedTasks() {
		if t.queued {
			queued++
		}
		if t.TID == t.PID {
			for _, which := range cpuTimerKinds {
				if t.itimers[which].at != 0 {
					cpuTimers++
				}
			}
		}
		switch t.State {
		case proc.Runnable:
			if t != k.cur && !t.queued {
				return c.fail("sched", "%s is runnable but neither running nor in the ready set: it would never run again", t.who())
			}
		case proc.Sleeping:
			if t.call == nil || t.blocked == nil {
				return c.fail("sched", "%s sleeps outside any blocked call: nothing would wake it", t.who())
			}
			in := slices.Contains(k.sleepers, t)
			if t.call.timed != in {
				return c.fail("sched", "%s sleeps in %v (timed %v) but is on the timed sleepers list: %v", t.who(), t.call.no, t.call.timed, in)
			}
		case proc.Zombie:
			if t.entry.Queued() {
				return c.fail("sched", "%s exited but is still on a wait queue", t.who())
			}
			if t.call != nil {
				return c.fail("sched", "%s exited but is still blocked in %v", t.who(), t.call.no)
			}
		}
	}
	for _, t := range k.readied {
		if t != nil && k.tasks[t.TID] != nil && k.tasks[t.TID] != t {
			return c.fail("sched", "the tasks made runnable lately hold a task of tid %d that is not the task of that tid: schedule would run the wrong one", t.TID)
		}
	}
	if cpuTimers != k.cpuTimers {
		return c.fail("sched", "%d virtual and profiling timers are armed, but the kernel counts %d (runUser looks at them only while it counts some)", cpuTimers, k.cpuTimers)
	}
	if rr, ok := k.policy.(interface{ Len() int }); ok && rr.Len() < queued {
		return c.fail("sched", "%d tasks are marked queued but the policy's ready set holds %d", queued, rr.Len())
	}
	for i, t := range k.sleepers {
		switch {
		case k.tasks[t.TID] != t:
			return c.fail("sched", "the timed sleepers list holds %s, which is not in the task table", t.who())
		case t.State != proc.Sleeping || t.call == nil || !t.call.timed:
			return c.fail("sched", "the timed sleepers list holds %s, which is %v, not in a timed sleep", t.who(), t.State)
		case t.deadline != t.call.deadline:
			return c.fail("sched", "%s sleeps until cycle %d but its call's deadline is %d", t.who(), t.deadline, t.call.deadline)
		case i > 0 && (k.sleepers[i-1].deadline > t.deadline || k.sleepers[i-1].deadline == t.deadline && k.sleepers[i-1].TID >= t.TID):
			return c.fail("sched", "the timed sleepers list is out of order at %s", t.who())
		}
	}
	return nil
}

// memory: frames, copy-on-write, mappings, shared objects, commitment.
func (c *checker) memory() error {
	k := c.k
	phys := k.mem.Phys
	spaces, owners := c.spaces()
	holders := map[hw.Frame]int{}
	areas := map[*proc.Shared]int{} // areas mapping each shared object
	var objs []*proc.Shared         // in the order found
	charged := 0
	for _, as := range spaces {
		vmas := as.VMAs()
		private := 0
		for i, v := range vmas {
			if !v.Shared {
				private += v.Pages()
			}
			if i > 0 && vmas[i-1].End > v.Start {
				return c.fail("mappings", "%s: areas %v and %v overlap", whoList(owners[as]), vmas[i-1], v)
			}
			if v.Obj != nil {
				if _, ok := areas[v.Obj]; !ok {
					objs = append(objs, v.Obj)
				}
				areas[v.Obj]++
			}
		}
		if as.Charged() != private {
			return c.fail("commit", "%s: the space has charged %d pages but its private areas span %d", whoList(owners[as]), as.Charged(), private)
		}
		charged += private
		for _, m := range as.PT().Pages() {
			f := m.PTE.Frame()
			if int(f) >= phys.Frames() {
				return c.fail("mappings", "%s: va %#x maps frame %d, beyond memory", whoList(owners[as]), m.VA, f)
			}
			holders[f]++
			i, ok := slices.BinarySearchFunc(vmas, m.VA, func(v *proc.VMA, va uint64) int {
				switch {
				case v.End <= va:
					return -1
				case v.Start > va:
					return 1
				}
				return 0
			})
			if !ok {
				return c.fail("mappings", "%s: va %#x (%v) is mapped outside every area", whoList(owners[as]), m.VA, m.PTE)
			}
			v := vmas[i]
			if v.Shared != (m.PTE&hw.PTEShare != 0) {
				return c.fail("mappings", "%s: va %#x (%v) in area %v: the entry's sharing is not the area's", whoList(owners[as]), m.VA, m.PTE, v)
			}
			if v.Obj != nil {
				page := v.Off + int((m.VA-v.Start)/hw.PageSize)
				want, ok := v.Obj.Frames()[page]
				if !ok || want != f {
					return c.fail("mappings", "%s: va %#x maps frame %d, but page %d of its shared object is frame %d (present %v)", whoList(owners[as]), m.VA, f, page, want, ok)
				}
			}
		}
	}
	// The System V segments' hold on their memory.
	registry := map[*proc.Shared]int{}
	if k.shmIDs != nil {
		for _, seg := range k.shmIDs.All() {
			sh, ok := seg.Mem.(*proc.Shared)
			if !ok || seg.Destroyed() {
				continue
			}
			if _, found := areas[sh]; !found {
				if _, found := registry[sh]; !found {
					objs = append(objs, sh)
				}
			}
			registry[sh]++
			if seg.Nattch != sh.Users {
				return c.fail("shared", "shm id %d: shm_nattch is %d but %d areas map it", seg.Perm.ID, seg.Nattch, sh.Users)
			}
		}
	}
	for _, sh := range objs {
		if sh.Refs() != areas[sh]+registry[sh] {
			return c.fail("shared", "a shared memory object of %d pages has %d references, but %d areas and %d registry entries hold it", sh.Pages(), sh.Refs(), areas[sh], registry[sh])
		}
		if sh.Users != areas[sh] {
			return c.fail("shared", "a shared memory object of %d pages counts %d users, but %d areas map it", sh.Pages(), sh.Users, areas[sh])
		}
		charged += sh.Pages()
		sh.EachFrame(func(_ int, f hw.Frame) { holders[f]++ })
	}
	if charged != k.mem.Committed() {
		return c.fail("commit", "%d pages committed, but the address spaces and shared objects charged %d", k.mem.Committed(), charged)
	}
	// Every frame held has as many references as holders; the copy-on-
	// write rule; no frame in use that nothing holds.
	var bad []hw.Frame
	for f, n := range holders {
		if phys.Refs(f) != n {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		f := slices.Min(bad)
		return c.fail("frames", "frame %d has reference count %d, but %d holders: %s", f, phys.Refs(f), holders[f], c.frameHolders(f))
	}
	for _, as := range spaces {
		for _, m := range as.PT().Pages() {
			if m.PTE&hw.PTEWrite != 0 && m.PTE&hw.PTEShare == 0 && holders[m.PTE.Frame()] > 1 {
				f := m.PTE.Frame()
				return c.fail("cow", "%s: va %#x maps frame %d private and writable, but it has %d holders: %s", whoList(owners[as]), m.VA, f, holders[f], c.frameHolders(f))
			}
		}
	}
	if len(holders) != phys.UsedFrames() {
		for f := range phys.Frames() {
			if n := phys.Refs(hw.Frame(f)); n > 0 && holders[hw.Frame(f)] == 0 {
				return c.fail("frames", "frame %d has reference count %d but no page table or shared object holds it (a leak)", f, n)
			}
		}
		return c.fail("frames", "%d frames in use, but %d held", phys.UsedFrames(), len(holders))
	}
	return nil
}

// frameHolders names what holds frame f, for a report.
func (c *checker) frameHolders(f hw.Frame) string {
	var out []string
	spaces, owners := c.spaces()
	for _, as := range spaces {
		for _, m := range as.PT().Pages() {
			if m.PTE.Frame() == f {
				out = append(out, fmt.Sprintf("%s va %#x (%v)", whoList(owners[as]), m.VA, m.PTE))
			}
		}
		for _, v := range as.VMAs() {
			if v.Obj != nil {
				v.Obj.EachFrame(func(page int, g hw.Frame) {
					if g == f {
						out = append(out, fmt.Sprintf("page %d of the shared object of %s", page, v.Name))
					}
				})
			}
		}
	}
	if c.k.shmIDs != nil {
		for _, seg := range c.k.shmIDs.All() {
			if sh, ok := seg.Mem.(*proc.Shared); ok && !seg.Destroyed() {
				sh.EachFrame(func(page int, g hw.Frame) {
					if g == f {
						out = append(out, fmt.Sprintf("page %d of shm id %d", page, seg.Perm.ID))
					}
				})
			}
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(slices.Compact(out), "; ")
}

// files: descriptions and their references.
func (c *checker) files() error {
	k := c.k
	c.held = map[*OpenFile]int{}
	hold := func(f *OpenFile) {
		if _, ok := c.held[f]; !ok {
			c.order = append(c.order, f)
		}
		c.held[f]++
	}
	tables := map[*proc.FDTable]bool{}
	for _, t := range k.sortedTasks() {
		if t.call != nil && t.call.pending != nil {
			hold(t.call.pending)
		}
		if t.Files == nil || tables[t.Files] {
			continue
		}
		tables[t.Files] = true
		for _, fd := range t.Files.Open() {
			ref, _ := t.Files.Get(fd)
			f, ok := ref.(*OpenFile)
			if !ok {
				return c.fail("files", "%s fd %d holds a %T, not an open file", t.who(), fd, ref)
			}
			hold(f)
		}
	}
	inflight := map[int]int{}
	if k.socks != nil {
		var err error
		for _, s := range k.socks.net.Sockets() {
			s.Buffers(func(_ *unix.Socket, _, _ int, _ bool, r unix.Rights) {
				if r == nil || err != nil {
					return
				}
				rf, ok := r.(*rightsInFlight)
				if !ok {
					err = c.fail("files", "socket#%d holds rights of type %T", s.ID, r)
					return
				}
				inflight[rf.uid] += len(rf.files)
				for _, f := range rf.files {
					hold(f)
				}
			})
		}
		if err != nil {
			return err
		}
		for uid, n := range k.socks.inflight {
			if inflight[uid] != n {
				return c.fail("files", "uid %d has %d descriptors in flight, but the queued messages carry %d", uid, n, inflight[uid])
			}
		}
		for uid, n := range inflight {
			if k.socks.inflight[uid] != n {
				return c.fail("files", "the queued messages of uid %d carry %d descriptors, but %d are counted in flight", uid, n, k.socks.inflight[uid])
			}
		}
	}
	for _, f := range c.order {
		if f.refs != c.held[f] {
			return c.fail("files", "%s: the open file description counts %d references, but %d descriptors, pending opens and in-flight messages hold it", f.ops.Name(), f.refs, c.held[f])
		}
	}
	return nil
}

// pipes: bytes, capacity, ends.
func (c *checker) pipes() error {
	k := c.k
	readers, writers := map[*pipe.Pipe]int{}, map[*pipe.Pipe]int{}
	for _, f := range c.order {
		if e, ok := f.ops.(*pipeEnd); ok {
			if e.reads {
				readers[e.p]++
			}
			if e.writes {
				writers[e.p]++
			}
			if !slices.Contains(k.pipes, e.p) {
				return c.fail("pipes", "%s is open but its pipe is not in the kernel's list", e.Name())
			}
		}
	}
	for _, p := range k.pipes {
		written, read := p.Transferred()
		switch {
		case written != read+uint64(p.Len()):
			return c.fail("pipes", "pipe#%d: %d bytes written, %d read, but %d buffered (want %d)", p.ID, written, read, p.Len(), int64(written-read))
		case p.Len() < 0 || p.Len() > p.Cap():
			return c.fail("pipes", "pipe#%d holds %d bytes, capacity %d", p.ID, p.Len(), p.Cap())
		case p.Readers() != readers[p]:
			return c.fail("pipes", "pipe#%d counts %d readers, but %d open descriptions read it", p.ID, p.Readers(), readers[p])
		case p.Writers() != writers[p]:
			return c.fail("pipes", "pipe#%d counts %d writers, but %d open descriptions write it", p.ID, p.Writers(), writers[p])
		case p.Readers() == 0 && p.Writers() == 0:
			return c.fail("pipes", "pipe#%d has no end open but is still in the kernel's list", p.ID)
		}
		if err := p.CheckSlots(); err != nil {
			return c.fail("pipes", "pipe#%d: %v", p.ID, err)
		}
		if err := c.waiters(fmt.Sprintf("pipe#%d", p.ID), &p.Queue); err != nil {
			return err
		}
	}
	return nil
}

// waiters checks that no dead task waits on q.
func (c *checker) waiters(what string, q *sched.WaitQueue) error {
	var err error
	q.Each(func(e *sched.Entry) {
		w := e.Waiter
		if r, ok := w.(interface{ Proc() sched.Waiter }); ok {
			w = r.Proc()
		}
		if t, ok := w.(*Task); ok && err == nil && (t.State == proc.Zombie || c.k.tasks[t.TID] != t) {
			err = c.fail("sched", "%s (%v) still waits on %s", t.who(), t.State, what)
		}
	})
	return err
}

// epoll: interest lists watch open descriptions only.
func (c *checker) epoll() error {
	for _, ep := range c.k.epolls {
		for _, it := range ep.Items() {
			f, ok := it.File.(*OpenFile)
			if !ok {
				return c.fail("epoll", "epoll#%d watches a %T", ep.ID, it.File)
			}
			if f.refs <= 0 {
				return c.fail("epoll", "epoll#%d watches fd %d (%s), whose description is closed", ep.ID, it.FD, f.ops.Name())
			}
			if !slices.Contains(f.epolls, ep) {
				return c.fail("epoll", "epoll#%d watches fd %d (%s), which does not know it: its release would leave the item behind", ep.ID, it.FD, f.ops.Name())
			}
		}
	}
	return nil
}

// msgqs: System V message queues.
func (c *checker) msgqs() error {
	if c.k.msgIDs == nil {
		return nil
	}
	for _, q := range c.k.msgIDs.All() {
		seen := map[*msgq.Message]bool{}
		n, bytes := 0, 0
		var last *msgq.Message
		for m := q.Head(); m != nil; m = m.Next() {
			if seen[m] {
				return c.fail("msgq", "%s: message of type %d (seq %d) is in the list twice", q.Name(), m.Type, m.Seq())
			}
			seen[m] = true
			if m.Type < 1 || m.Size != len(m.Data) {
				return c.fail("msgq", "%s: message seq %d has type %d, size %d, %d bytes of text", q.Name(), m.Seq(), m.Type, m.Size, len(m.Data))
			}
			if last != nil && last.Seq() >= m.Seq() {
				return c.fail("msgq", "%s: message seq %d (type %d) follows seq %d (type %d): out of sending order", q.Name(), m.Seq(), m.Type, last.Seq(), last.Type)
			}
			n++
			bytes += m.Size
			last = m
		}
		sent, taken, dropped := q.Counts()
		switch {
		case q.Tail() != last:
			return c.fail("msgq", "%s: the tail is not the list's last message", q.Name())
		case n != q.QNum || bytes != q.CBytes:
			return c.fail("msgq", "%s: msg_qnum %d and msg_cbytes %d, but the list holds %d messages of %d bytes", q.Name(), q.QNum, q.CBytes, n, bytes)
		case sent != taken+dropped+uint64(n):
			return c.fail("msgq", "%s: %d messages accepted, %d taken, %d dropped, but %d queued: messages lost or duplicated", q.Name(), sent, taken, dropped, n)
		}
		for _, r := range q.Receivers() {
			if r.Msg != nil || r.Err != nil {
				return c.fail("msgq", "%s: a receiver (pid %d) waits with an answer already given", q.Name(), r.PID)
			}
		}
		for _, wq := range [...]*sched.WaitQueue{q.ReceiverList(), q.SenderList()} {
			if err := c.waiters(q.Name(), wq); err != nil {
				return err
			}
		}
	}
	return nil
}

// sockets: Unix sockets' byte counts and send-buffer charges.
func (c *checker) sockets() error {
	if c.k.socks == nil {
		return nil
	}
	socks := c.k.socks.net.Sockets()
	wmem := map[*unix.Socket]int{}
	for _, s := range socks {
		unread := 0
		s.Buffers(func(from *unix.Socket, truesize, n int, conn bool, _ unix.Rights) {
			if from != nil {
				wmem[from] += truesize
			}
			if !conn {
				unread += n
			}
		})
		if unread != s.RecvLen() {
			return c.fail("sockets", "socket#%d counts %d unread bytes, but its buffers hold %d", s.ID, s.RecvLen(), unread)
		}
		if err := c.waiters(fmt.Sprintf("socket#%d", s.ID), &s.Queue); err != nil {
			return err
		}
	}
	for _, s := range socks {
		if s.Wmem() != wmem[s] {
			return c.fail("sockets", "socket#%d is charged %d bytes of send buffer, but its buffers queued at receivers take %d", s.ID, s.Wmem(), wmem[s])
		}
	}
	return nil
}
