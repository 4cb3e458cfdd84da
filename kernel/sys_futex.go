package kernel

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
	"ipcsim/sched"
)

func init() {
	register(map[abi.Sysno]sysEntry{abi.SysFutex: {sysFutex, "xX@Txu", restartUnlessTimed}})
}

// futex(2) operations (include/uapi/linux/futex.h).
const (
	futexWait        = 0
	futexWake        = 1
	futexRequeue     = 3
	futexCmpRequeue  = 4
	futexWaitBitset  = 9
	futexWakeBitset  = 10
	futexPrivateFlag = 128
	futexClockRT     = 256
	futexCmdMask     = ^(futexPrivateFlag | futexClockRT)
	futexBitsetAll   = ^uint32(0)
)

// A futexKey names the word a futex waits on. Processes that share memory
// must meet on the same key however each maps it: for shared memory the
// key is the memory object and the offset in it (Linux's inode-based
// key); for private memory, or with FUTEX_PRIVATE_FLAG, the address space
// and the address.
type futexKey struct {
	obj  *proc.Shared       // shared memory, or nil
	as   *proc.AddressSpace // private memory
	addr uint64             // offset in obj, or the virtual address
}

// A futexWaiter is one task blocked in FUTEX_WAIT (Linux's struct
// futex_q), on its key's list in the order the waits began. FUTEX_WAKE
// answers the ones it chooses: their waits return 0.
type futexWaiter struct {
	sched.Record
	k      *Kernel
	key    futexKey
	bitset uint32
}

// Leave takes the waiter off its key's list, and drops the list when it
// was the last (sched.Recorder): the table holds only words somebody
// waits on.
func (w *futexWaiter) Leave() {
	w.Record.Leave()
	if q := w.k.futexes[w.key]; q != nil && q.Empty() {
		w.k.dropFutexList(w.key, q)
	}
}

// futexList returns key's list of waiters, made at the first wait (or
// taken from the lists dropped lately: a futex ping-pong makes and drops
// one at every wait).
func (k *Kernel) futexList(key futexKey) *sched.WaitQueue {
	q := k.futexes[key]
	if q == nil {
		if n := len(k.futexFree); n > 0 {
			q, k.futexFree = k.futexFree[n-1], k.futexFree[:n-1]
		} else {
			q = new(sched.WaitQueue)
		}
		k.futexes[key] = q
	}
	return q
}

// dropFutexList drops key's list q, which is empty, from the table, and
// keeps it for a later futexList if fewer than maxFutexFree are kept.
func (k *Kernel) dropFutexList(key futexKey, q *sched.WaitQueue) {
	delete(k.futexes, key)
	if len(k.futexFree) < maxFutexFree {
		k.futexFree = append(k.futexFree, q)
	}
}

// maxFutexFree bounds the empty lists futexList keeps.
const maxFutexFree = 64

// futexKeyOf finds the key of the word at va.
func futexKeyOf(t *Task, va uint64, private bool) futexKey {
	if !private {
		for _, v := range t.AS.VMAs() {
			if v.Obj != nil && va >= v.Start && va < v.End {
				return futexKey{obj: v.Obj, addr: uint64(v.Off)*hw.PageSize + va - v.Start}
			}
		}
	}
	return futexKey{as: t.AS, addr: va}
}

// futex(2): (uaddr, futex_op, val, timeout, uaddr2, val3).
func sysFutex(c *call) (int64, error) {
	t, k := c.t, c.t.k
	uaddr, op, val := c.a[0], int(int32(c.a[1])), uint32(c.a[2])
	private := op&futexPrivateFlag != 0
	bitset := futexBitsetAll
	cmd := op & futexCmdMask
	if cmd == futexWaitBitset || cmd == futexWakeBitset {
		if bitset = uint32(c.a[5]); bitset == 0 {
			return 0, abi.EINVAL // "EINVAL: ... the value in val3 is zero"
		}
	}
	if uaddr%4 != 0 {
		return 0, abi.EINVAL // "uaddr ... must be a four-byte-aligned address"
	}
	switch cmd {
	case futexWake, futexWakeBitset:
		return int64(k.futexWake(futexKeyOf(t, uaddr, private), int(int32(val)), bitset)), nil
	case futexWait, futexWaitBitset:
		return c.futexWait(uaddr, val, bitset, private, cmd == futexWaitBitset)
	case futexRequeue, futexCmpRequeue:
		return c.futexRequeue(uaddr, c.a[4], int(int32(val)), int(int32(c.a[3])), cmd == futexCmpRequeue, private)
	}
	if cmd >= 0 && cmd < len(futexMissing) && futexMissing[cmd] != "" {
		return 0, c.notImplemented(futexMissing[cmd]) // requeue, wake-op and PI are not implemented
	}
	return 0, abi.ENOSYS // Linux's answer too: FUTEX_FD (gone since 2.6.26), an unknown operation
}

// futexMissing names the operations Linux has and ipcsim lacks, which
// count as unimplemented calls (unimplemented.go).
var futexMissing = [...]string{5: "FUTEX_WAKE_OP",
	6: "FUTEX_LOCK_PI", 7: "FUTEX_UNLOCK_PI", 8: "FUTEX_TRYLOCK_PI",
	11: "FUTEX_WAIT_REQUEUE_PI", 12: "FUTEX_CMP_REQUEUE_PI", 13: "FUTEX_LOCK_PI2"}

// futexWait: "If the futex value does not match val, then the call fails
// immediately with the error EAGAIN" (checked and queued atomically);
// otherwise sleep until FUTEX_WAKE, the timeout (ETIMEDOUT) or a signal.
func (c *call) futexWait(uaddr uint64, val, bitset uint32, private, absolute bool) (int64, error) {
	t, k := c.t, c.t.k
	w, waiting := record[*futexWaiter](c)
	switch {
	case waiting && w.Answered():
		return 0, nil // FUTEX_WAKE chose it
	case waiting && c.expired():
		return 0, abi.ETIMEDOUT
	case waiting:
		return 0, c.futexBlock(w, uaddr, val)
	}
	if !c.started {
		// FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's an
		// absolute time on CLOCK_MONOTONIC, or CLOCK_REALTIME with
		// FUTEX_CLOCK_REALTIME.
		clock := timeoutRelative
		if absolute {
			clock = timeoutMonotonic
			if int(int32(c.a[1]))&futexClockRT != 0 {
				clock = timeoutRealtime
			}
		}
		if err := c.readTimeout(c.a[3], clock); err != nil {
			return 0, err
		}
		c.started = true
	}
	var b [4]byte
	if t.AS.ReadBytes(uaddr, b[:]) != nil {
		return 0, abi.EFAULT
	}
	if binary.LittleEndian.Uint32(b[:]) != val {
		return 0, abi.EAGAIN
	}
	if c.expired() {
		return 0, abi.ETIMEDOUT
	}
	w = &t.waits().futex // on no list: see taskWaits
	*w = futexWaiter{k: k, key: futexKeyOf(t, uaddr, private), bitset: bitset}
	w.Init(w, t)
	return 0, c.futexBlock(w, uaddr, val)
}

// futexBlock is the sleep of a FUTEX_WAIT on its key's list, in the task's
// reused block (taskWaits).
func (c *call) futexBlock(w *futexWaiter, uaddr uint64, val uint32) error {
	tw := c.t.waits()
	tw.futexAddr, tw.futexVal = uaddr, val
	tw.futexBlock = blockError{q: c.t.k.futexList(w.key), rec: w, appendWhy: tw.futexBlock.appendWhy}
	return &tw.futexBlock
}

// appendFutexWhy appends what a FUTEX_WAIT on the word at uaddr, expected
// to hold val, waits for: "futex at 0x192d8 (value 0) until FUTEX_WAKE".
// A Record of the block makes it from the call's arguments (WhyFutex).
func appendFutexWhy(b []byte, uaddr uint64, val uint32) []byte {
	b = strconv.AppendUint(append(appendHex(append(b, "futex at "...), uaddr), " (value "...), uint64(val), 10)
	return append(b, ") until FUTEX_WAKE"...)
}

// futexWake wakes up to n waiters of key whose bitset meets bitset, in the
// order they started waiting, and returns how many it woke.
func (k *Kernel) futexWake(key futexKey, n int, bitset uint32) int {
	q := k.futexes[key]
	if q == nil {
		return 0
	}
	// The waiters are chosen first and answered after, as answering one
	// takes it off the queue Each walks. Most wakes choose one or two:
	// buf keeps them on the stack, as TestPingPongsDoNotAllocate wants,
	// in every build. (Go kept a nil slice's first append on the stack
	// too, but not in a -race build: the thread ping-pong allocated twice
	// a round trip there.)
	var buf [4]*futexWaiter
	chosen := buf[:0]
	q.Each(func(e *sched.Entry) {
		if w := e.Waiter.(*futexWaiter); len(chosen) < n && w.bitset&bitset != 0 {
			chosen = append(chosen, w)
		}
	})
	for _, w := range chosen {
		w.Answer(sched.AllEvents)
	}
	if q.Empty() {
		k.dropFutexList(key, q)
	}
	return len(chosen)
}

// futexRequeue is FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: "wake up a maximum
// of val waiters that are waiting on the futex at uaddr. If there are
// more than val waiters, then the remaining waiters are removed from the
// wait queue of the source futex at uaddr and added to the wait queue of
// the target futex at uaddr2. The val2 argument specifies an upper limit
// on the number of waiters that are requeued"; FUTEX_CMP_REQUEUE first
// checks "whether the value at uaddr is still val3" (EAGAIN if not).
// Condition variables use it so that a broadcast wakes one waiter and
// moves the rest to the mutex, instead of waking them all to fight for
// it. It returns the waiters woken and moved, as Linux's futex_requeue
// does ("ret ? ret : task_count").
func (c *call) futexRequeue(uaddr, uaddr2 uint64, nwake, nmove int, cmp, private bool) (int64, error) {
	t, k := c.t, c.t.k
	if nwake < 0 || nmove < 0 || uaddr2%4 != 0 {
		return 0, abi.EINVAL
	}
	if cmp {
		var b [4]byte
		if t.AS.ReadBytes(uaddr, b[:]) != nil {
			return 0, abi.EFAULT
		}
		if binary.LittleEndian.Uint32(b[:]) != uint32(c.a[5]) {
			return 0, abi.EAGAIN
		}
	}
	from, to := futexKeyOf(t, uaddr, private), futexKeyOf(t, uaddr2, private)
	woken := k.futexWake(from, nwake, futexBitsetAll)
	q := k.futexes[from]
	if q == nil || nmove == 0 || from == to {
		return int64(woken), nil
	}
	var moving []*futexWaiter
	q.Each(func(e *sched.Entry) {
		if len(moving) < nmove {
			moving = append(moving, e.Waiter.(*futexWaiter))
		}
	})
	dst := k.futexList(to)
	for _, w := range moving {
		w.Entry().Remove()
		w.key = to
		dst.Add(w.Entry())
	}
	if q.Empty() {
		k.dropFutexList(from, q)
	}
	if k.tracing && len(moving) > 0 {
		k.emit(t, "futex", fmt.Sprintf("futex requeue: %d waiter(s) moved from %#x to %#x", len(moving), uaddr, uaddr2))
	}
	return int64(woken + len(moving)), nil
}
