package sem

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/ipc/sysv"
	"ipcsim/sched"
)

var root = sysv.Creds{}

// proc is a sleeping process: it counts its wakeups.
type proc struct{ woken int }

func (p *proc) Wake(sched.EventMask) { p.woken++ }

func newSet(n int) *Set { return New(sysv.Perm{ID: 1, Key: 0x1234, Mode: 0600}, n, 100) }

func vals(s *Set) []int {
	out := make([]int, len(s.Sems))
	for i, sm := range s.Sems {
		out[i] = sm.Val
	}
	return out
}

// wait does what the kernel does for a semop that must sleep: it tries,
// and queues a record if the attempt would block.
func wait(t *testing.T, s *Set, pid int, ops ...Op) (*Waiter, *proc) {
	t.Helper()
	blocking, err := s.Do(ops, pid, root, 100)
	require.ErrorIs(t, err, ErrWouldBlock)
	p := &proc{}
	w := NewWaiter(s, p, pid, ops, blocking)
	w.Join(s.Pending(), false)
	return w, p
}

func TestNewSet(t *testing.T) {
	s := newSet(3)
	require.Equal(t, []int{0, 0, 0}, vals(s))
	require.Equal(t, int64(0), s.OTime, "sem_otime is set to 0")
	require.Equal(t, int64(100), s.CTime, "sem_ctime is set to the current time")
	require.Equal(t, "sem#1 (key 0x1234)", s.Name())
}

func TestDoAddsAndSubtracts(t *testing.T) {
	s := newSet(2)
	_, err := s.Do([]Op{{0, 3, 0}, {1, 1, 0}}, 7, root, 200)
	require.NoError(t, err)
	require.Equal(t, []int{3, 1}, vals(s))
	require.Equal(t, Sem{Val: 3, PID: 7}, s.Sems[0])
	require.Equal(t, int64(200), s.OTime)
	_, err = s.Do([]Op{{0, -2, 0}}, 8, root, 300)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1}, vals(s))
	require.Equal(t, 8, s.Sems[0].PID)
	require.Equal(t, 7, s.Sems[1].PID, "only the semaphores named change sempid")
}

// "the operations are performed either as a complete unit, or not at all"
func TestAtomicAllOrNone(t *testing.T) {
	s := newSet(2)
	s.SetVal(0, 1, 5, 100)
	// The first operation could run, the second must wait: neither runs.
	blocking, err := s.Do([]Op{{0, -1, 0}, {1, -1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrWouldBlock)
	require.Equal(t, 1, blocking, "the second operation blocks")
	require.Equal(t, []int{1, 0}, vals(s))
	require.Equal(t, 5, s.Sems[0].PID, "sempid unchanged by a semop that did not run")
	require.Equal(t, int64(0), s.OTime)
	// The same with IPC_NOWAIT on the blocking operation: EAGAIN, nothing applied.
	_, err = s.Do([]Op{{0, -1, 0}, {1, -1, abi.IPC_NOWAIT}}, 7, root, 200)
	require.ErrorIs(t, err, ErrAgain)
	require.Equal(t, []int{1, 0}, vals(s))
	// IPC_NOWAIT on an operation that does not block does not matter.
	_, err = s.Do([]Op{{0, -1, abi.IPC_NOWAIT}, {1, -1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrWouldBlock)
	// ERANGE in the second operation takes back the first, and its semadj.
	s.SetVal(1, SEMVMX, 5, 100)
	_, err = s.Do([]Op{{0, -1, abi.SEM_UNDO}, {1, 1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrRange)
	require.Equal(t, []int{1, SEMVMX}, vals(s))
	require.Equal(t, 0, s.Adj(7, 0))
}

func TestSameSemaphoreTwice(t *testing.T) {
	s := newSet(1)
	// Applied in array order: +2 then -2 then wait for zero succeeds.
	_, err := s.Do([]Op{{0, 2, 0}, {0, -2, 0}, {0, 0, 0}}, 7, root, 200)
	require.NoError(t, err)
	require.Equal(t, []int{0}, vals(s))
	// -1 then +1 blocks at the first.
	blocking, err := s.Do([]Op{{0, -1, 0}, {0, 1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrWouldBlock)
	require.Equal(t, 0, blocking)
}

func TestWaitForZero(t *testing.T) {
	s := newSet(1)
	_, err := s.Do([]Op{{0, 0, 0}}, 7, root, 200)
	require.NoError(t, err, "semval is 0: proceeds at once")
	require.Equal(t, int64(200), s.OTime, "a wait-for-zero semop sets sem_otime")
	s.SetVal(0, 2, 5, 100)
	_, err = s.Do([]Op{{0, 0, abi.IPC_NOWAIT}}, 7, root, 200)
	require.ErrorIs(t, err, ErrAgain)
	w, p := wait(t, s, 8, Op{0, 0, 0})
	require.Equal(t, 1, s.ZCnt(0))
	require.Equal(t, 0, s.NCnt(0))
	require.Equal(t, "waiting for sem#1[0] to be 0", w.Reason())
	_, err = s.Do([]Op{{0, -1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.False(t, w.Answered(), "1 is not 0")
	_, err = s.Do([]Op{{0, -1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.True(t, w.Answered())
	require.NoError(t, w.Err)
	require.Equal(t, 1, p.woken)
	require.Equal(t, 8, s.Sems[0].PID, "the waiter that completed is the last pid")
	require.Equal(t, 0, s.ZCnt(0))
}

func TestLimits(t *testing.T) {
	s := newSet(2)
	_, err := s.Do([]Op{{0, SEMVMX, 0}}, 7, root, 200)
	require.NoError(t, err)
	_, err = s.Do([]Op{{0, 1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrRange, "SEMVMX + 1")
	_, err = s.Do([]Op{{2, 1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrFBig, "sem_num >= nsems")
	// semadj stays within [-SEMAEM-1, SEMAEM]: SEMVMX increments with
	// SEM_UNDO give semadj -SEMVMX; one more -1 of adjustment is fine,
	// one below that is ERANGE.
	_, err = s.Do([]Op{{1, SEMVMX, abi.SEM_UNDO}}, 7, root, 200)
	require.NoError(t, err)
	require.Equal(t, -SEMVMX, s.Adj(7, 1))
	_, err = s.Do([]Op{{1, -1, 0}, {1, 1, abi.SEM_UNDO}}, 7, root, 200)
	require.NoError(t, err)
	require.Equal(t, -SEMAEM-1, s.Adj(7, 1))
	_, err = s.Do([]Op{{1, -1, 0}, {1, 1, abi.SEM_UNDO}}, 7, root, 200)
	require.ErrorIs(t, err, ErrRange)
	require.Equal(t, SEMVMX, s.Sems[1].Val, "nothing applied")
}

func TestPermissions(t *testing.T) {
	s := New(sysv.Perm{ID: 1, UID: 10, CUID: 10, Mode: 0640}, 1, 100)
	group := sysv.Creds{UID: 20, EUID: 20, GID: 0, EGID: 0}
	_, err := s.Do([]Op{{0, 1, 0}}, 7, group, 200)
	require.ErrorIs(t, err, ErrAccess, "altering needs write permission")
	_, err = s.Do([]Op{{0, 0, 0}}, 7, group, 200)
	require.NoError(t, err, "waiting for zero needs read permission only")
	other := sysv.Creds{UID: 30, EUID: 30, GID: 30, EGID: 30}
	_, err = s.Do([]Op{{0, 0, 0}}, 7, other, 200)
	require.ErrorIs(t, err, ErrAccess)
}

// Waiters are completed in the order they came, each completion may
// allow the next, and a completed semop is the waiter's, not the waker's.
func TestFIFOCompletion(t *testing.T) {
	s := newSet(1)
	w1, p1 := wait(t, s, 11, Op{0, -2, 0})
	w2, p2 := wait(t, s, 12, Op{0, -1, 0})
	w3, _ := wait(t, s, 13, Op{0, -1, 0})
	require.Equal(t, 3, s.NCnt(0))
	require.Equal(t, "sem#1[0] is 0, needs 2", w1.Reason())

	// +1: the first waiter needs 2 and stays; FIFO does not stop the
	// second, which can run (Linux's update_queue tries every waiter).
	_, err := s.Do([]Op{{0, 1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.False(t, w1.Answered())
	require.True(t, w2.Answered())
	require.Equal(t, 1, p2.woken)
	require.Equal(t, 12, s.Sems[0].PID)
	require.Equal(t, []int{0}, vals(s))

	// +3: the first takes 2, then the third takes 1.
	_, err = s.Do([]Op{{0, 3, 0}}, 9, root, 400)
	require.NoError(t, err)
	require.True(t, w1.Answered())
	require.True(t, w3.Answered())
	require.Equal(t, 1, p1.woken)
	require.Equal(t, []int{0}, vals(s))
	require.Empty(t, s.Waiters())
	require.Equal(t, int64(400), s.OTime)
}

// A completion that changes values is followed by another scan: here the
// first waiter's increment of semaphore 1 lets the second run.
func TestCompletionCascades(t *testing.T) {
	s := newSet(2)
	wb, _ := wait(t, s, 12, Op{1, -1, 0})
	wa, _ := wait(t, s, 11, Op{0, -1, 0}, Op{1, 1, 0})
	require.Equal(t, 0, wa.Blocking)
	_, err := s.Do([]Op{{0, 1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.True(t, wa.Answered())
	require.True(t, wb.Answered(), "pid 11's +1 on semaphore 1 let pid 12 run")
	require.Equal(t, []int{0, 0}, vals(s))
}

// Wait-for-zero waiters are considered before altering ones
// (do_smart_wakeup_zero before update_queue).
func TestZeroWaitersFirst(t *testing.T) {
	s := newSet(2)
	s.SetAll([]uint16{0, 1}, 5, 100)
	// pid 11 (first) wants -1 on sem 0 and +5 on sem 1; pid 12 waits for sem 1 to be 0.
	wa, _ := wait(t, s, 11, Op{0, -1, 0}, Op{1, 5, 0})
	wz, _ := wait(t, s, 12, Op{1, 0, 0})
	_, err := s.Do([]Op{{0, 1, 0}, {1, -1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.True(t, wz.Answered(), "sem 1 became 0: the zero waiter runs first")
	require.True(t, wa.Answered())
	require.Equal(t, []int{0, 5}, vals(s))
}

func TestNCntZCntCountTheBlockingOperation(t *testing.T) {
	s := newSet(3)
	s.SetVal(1, 1, 5, 100)
	// Blocks on sem 0 (first that cannot proceed): counted there only,
	// though sem 2 would block too.
	wait(t, s, 11, Op{0, -1, 0}, Op{2, -1, 0})
	wait(t, s, 12, Op{1, 0, 0})
	wait(t, s, 13, Op{2, -1, 0})
	require.Equal(t, []int{1, 0, 1}, []int{s.NCnt(0), s.NCnt(1), s.NCnt(2)})
	require.Equal(t, []int{0, 1, 0}, []int{s.ZCnt(0), s.ZCnt(1), s.ZCnt(2)})
	// sem 0 rises: pid 11 now blocks on sem 2, and is counted there.
	_, err := s.Do([]Op{{0, 1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.Equal(t, []int{0, 0, 2}, []int{s.NCnt(0), s.NCnt(1), s.NCnt(2)})
}

// A sleeping waiter whose retry now fails is woken with the error.
func TestWaiterWokenWithError(t *testing.T) {
	s := newSet(2)
	w, p := wait(t, s, 11, Op{0, -1, 0}, Op{1, -1, abi.IPC_NOWAIT})
	require.Equal(t, 0, w.Blocking)
	_, err := s.Do([]Op{{0, 1, 0}}, 9, root, 300)
	require.NoError(t, err)
	require.True(t, w.Answered())
	require.ErrorIs(t, w.Err, ErrAgain, "it now blocks on an IPC_NOWAIT operation")
	require.Equal(t, 1, p.woken)
	require.Equal(t, []int{1, 0}, vals(s), "nothing of it applied")
}

func TestUndoAtExit(t *testing.T) {
	s := newSet(2)
	s.SetVal(0, 5, 1, 100)
	_, err := s.Do([]Op{{0, -2, abi.SEM_UNDO}, {1, 3, abi.SEM_UNDO}}, 7, root, 200)
	require.NoError(t, err)
	_, err = s.Do([]Op{{0, -1, abi.SEM_UNDO}, {1, 1, 0}}, 7, root, 200)
	require.NoError(t, err)
	require.Equal(t, []int{2, 4}, vals(s))
	require.Equal(t, []int{3, -3}, []int{s.Adj(7, 0), s.Adj(7, 1)})
	require.Equal(t, 0, s.Adj(8, 0), "another process (a forked child) has none")
	require.False(t, s.Exit(8, 300))

	// A waiter that the undo will satisfy.
	w, p := wait(t, s, 9, Op{0, -5, 0})
	require.True(t, s.Exit(7, 300))
	require.Equal(t, []int{0, 1}, vals(s), "5 back on sem 0, taken by pid 9; 3 off sem 1")
	require.True(t, w.Answered())
	require.Equal(t, 1, p.woken)
	require.Equal(t, 9, s.Sems[0].PID)
	require.Equal(t, 7, s.Sems[1].PID, "the exiting process is sempid of what it adjusted")
	require.False(t, s.Exit(7, 300), "applied once")
	require.Empty(t, s.Undos())
}

// "Linux caps the semaphore value, both at 0 and at SEMVMX" at exit.
func TestUndoAtExitIsCapped(t *testing.T) {
	s := newSet(2)
	_, err := s.Do([]Op{{0, 5, abi.SEM_UNDO}, {1, 0, 0}}, 7, root, 200)
	require.NoError(t, err)
	_, err = s.Do([]Op{{0, -5, 0}}, 8, root, 200)
	require.NoError(t, err)
	s.Sems[1].Val = SEMVMX - 1
	_, err = s.Do([]Op{{1, -2, abi.SEM_UNDO}}, 7, root, 200)
	require.NoError(t, err)
	_, err = s.Do([]Op{{1, 2, 0}}, 8, root, 200)
	require.NoError(t, err)
	require.True(t, s.Exit(7, 300))
	require.Equal(t, []int{0, SEMVMX}, vals(s))
}

func TestSetValSetAllClearUndoAndWake(t *testing.T) {
	s := newSet(2)
	_, err := s.Do([]Op{{0, 2, abi.SEM_UNDO}, {1, 2, abi.SEM_UNDO}}, 7, root, 200)
	require.NoError(t, err)
	s.SetVal(0, 0, 5, 300)
	require.Equal(t, []int{0, -2}, []int{s.Adj(7, 0), s.Adj(7, 1)}, "SETVAL clears that semaphore's semadj only")
	require.Equal(t, Sem{Val: 0, PID: 5}, s.Sems[0])
	require.Equal(t, int64(300), s.CTime)
	w, p := wait(t, s, 9, Op{0, -1, 0})
	s.SetVal(0, 1, 5, 400)
	require.True(t, w.Answered())
	require.Equal(t, 1, p.woken)
	require.Equal(t, []int{0, 2}, vals(s))
	require.Equal(t, int64(400), s.OTime, "the waiter's semop sets otime")

	w, _ = wait(t, s, 9, Op{1, 0, 0})
	s.SetAll([]uint16{3, 0}, 6, 500)
	require.Equal(t, []int{0, 0}, []int{s.Adj(7, 0), s.Adj(7, 1)}, "SETALL clears all")
	require.True(t, w.Answered())
	require.Equal(t, []Sem{{3, 6}, {0, 9}}, s.Sems)
	require.True(t, s.Exit(7, 600))
	require.Equal(t, []int{3, 0}, vals(s), "nothing left to undo")
}

func TestRemoveWakesEveryWaiterWithEIDRM(t *testing.T) {
	s := newSet(2)
	_, err := s.Do([]Op{{0, 1, abi.SEM_UNDO}}, 7, root, 200)
	require.NoError(t, err)
	w1, p1 := wait(t, s, 11, Op{1, -1, 0})
	w2, p2 := wait(t, s, 12, Op{0, 0, 0})
	s.Remove()
	for _, w := range []*Waiter{w1, w2} {
		require.True(t, w.Answered())
		require.ErrorIs(t, w.Err, ErrRemoved)
	}
	require.Equal(t, []int{1, 1}, []int{p1.woken, p2.woken})
	require.Empty(t, s.Waiters())
	require.Empty(t, s.Undos())
	_, err = s.Do([]Op{{0, 1, 0}}, 7, root, 200)
	require.ErrorIs(t, err, ErrRemoved)
	require.False(t, s.Exit(7, 300), "the undo went with the set")
}

func TestWaitKeepsItsPlace(t *testing.T) {
	s := newSet(1)
	w1, _ := wait(t, s, 11, Op{0, -1, 0})
	w2, _ := wait(t, s, 12, Op{0, -1, 0})
	w1.Join(s.Pending(), false) // a spurious wakeup re-registers: no move to the tail
	require.Equal(t, []*Waiter{w1, w2}, s.Waiters())
	w1.Leave() // a signal takes it off
	require.Equal(t, []*Waiter{w2}, s.Waiters())
	w1.Join(s.Pending(), false)
	require.Equal(t, []*Waiter{w2, w1}, s.Waiters())
}

func TestSetChangesPerm(t *testing.T) {
	s := newSet(1)
	s.Set(5, 6, 0o1777, 900)
	p := s.IPCPerm()
	if diff := cmp.Diff([]int{5, 6, 0o777}, []int{p.UID, p.GID, p.Mode}); diff != "" {
		t.Error(diff)
	}
	require.Equal(t, int64(900), s.CTime)
}

func TestOpString(t *testing.T) {
	require.Equal(t, "{0, -1, SEM_UNDO}", Op{0, -1, abi.SEM_UNDO}.String())
	require.Equal(t, "{2, 0, IPC_NOWAIT}", Op{2, 0, abi.IPC_NOWAIT}.String())
	require.Equal(t, "{1, 3, 0}", Op{1, 3, 0}.String())
}
