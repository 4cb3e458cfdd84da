package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{abi.SysFutex: {sysFutex, "xXuTxu"}})
}

// futex(2) operations (include/uapi/linux/futex.h).
const (
	futexWait        = 0
	futexWake        = 1
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

// A futexWaiter is one task blocked in FUTEX_WAIT, in its key's FIFO list.
type futexWaiter struct {
	t      *Task
	key    futexKey
	bitset uint32
	woken  bool // FUTEX_WAKE chose it: its wait returns 0
}

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
	}
	return 0, abi.ENOSYS // requeue, PI and the other operations are not implemented
}

// futexWait: "If the futex value does not match val, then the call fails
// immediately with the error EAGAIN" (checked and queued atomically);
// otherwise sleep until FUTEX_WAKE, the timeout (ETIMEDOUT) or a signal.
func (c *call) futexWait(uaddr uint64, val, bitset uint32, private, absolute bool) (int64, error) {
	t, k := c.t, c.t.k
	if w := c.futex; w != nil {
		if w.woken {
			c.futex = nil
			return 0, nil
		}
		if c.timed && k.Now() >= c.deadline {
			k.futexDrop(w)
			c.futex = nil
			return 0, abi.ETIMEDOUT
		}
		return 0, &blockError{deadline: c.deadlineIfTimed(), why: func() string { return c.futexReason(uaddr, val) }}
	}
	// FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's an absolute
	// CLOCK_MONOTONIC time.
	if err := c.readTimeout(c.a[3], absolute); err != nil {
		return 0, err
	}
	var b [4]byte
	if t.AS.ReadBytes(uaddr, b[:]) != nil {
		return 0, abi.EFAULT
	}
	if binary.LittleEndian.Uint32(b[:]) != val {
		return 0, abi.EAGAIN
	}
	if c.timed && k.Now() >= c.deadline {
		return 0, abi.ETIMEDOUT
	}
	w := &futexWaiter{t: t, key: futexKeyOf(t, uaddr, private), bitset: bitset}
	k.futexes[w.key] = append(k.futexes[w.key], w)
	c.futex = w
	return 0, &blockError{deadline: c.deadlineIfTimed(), why: func() string { return c.futexReason(uaddr, val) }}
}

func (c *call) futexReason(uaddr uint64, val uint32) string {
	return fmt.Sprintf("futex at %#x (value %d) until FUTEX_WAKE", uaddr, val)
}

func (c *call) deadlineIfTimed() uint64 {
	if c.timed {
		return c.deadline
	}
	return 0
}

// futexWake wakes up to n waiters of key whose bitset meets bitset, in the
// order they started waiting, and returns how many it woke.
func (k *Kernel) futexWake(key futexKey, n int, bitset uint32) int {
	woken := 0
	list := k.futexes[key]
	kept := list[:0]
	for _, w := range list {
		if woken < n && w.bitset&bitset != 0 {
			w.woken = true
			woken++
			k.wake(w.t, k.cur, "")
			continue
		}
		kept = append(kept, w)
	}
	k.setFutexList(key, kept)
	return woken
}

// futexDrop takes a waiter off its list (timeout, signal, death).
func (k *Kernel) futexDrop(w *futexWaiter) {
	list := k.futexes[w.key]
	for i, x := range list {
		if x == w {
			k.setFutexList(w.key, append(list[:i], list[i+1:]...))
			return
		}
	}
}

func (k *Kernel) setFutexList(key futexKey, list []*futexWaiter) {
	if len(list) == 0 {
		delete(k.futexes, key)
		return
	}
	k.futexes[key] = list
}
