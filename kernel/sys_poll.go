package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/sched"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysPpoll:    {sysPpoll, "LuTGu", restartNever},
		abi.SysPselect6: {sysPselect6, "dZZZTY", restartNever},
	})
}

// ppoll(2) and pselect6(2) wait on many files at once: they register one
// wait-queue entry per descriptor, all waking the same task, count the ready
// descriptors, sleep only if none is ready, and count again after every
// wakeup (gVisor's pollBlock; Linux's do_poll).

// alwaysReported are the events poll reports even when not asked for:
// "POLLERR ... POLLHUP ... POLLNVAL ... This bit is always returned" - poll(2).
const alwaysReported = abi.POLLERR | abi.POLLHUP | abi.POLLNVAL

// swapMask installs the temporary signal mask of ppoll/pselect6 for the
// duration of the call.
func (c *call) swapMask(va, size uint64) error {
	if va == 0 {
		return nil
	}
	if size != 8 {
		return abi.EINVAL
	}
	var b [8]byte
	if c.t.AS.ReadBytes(va, b[:]) != nil {
		return abi.EFAULT
	}
	c.oldMask, c.setMask = c.t.Sig.Mask, true
	c.t.Sig.Mask = abi.SigSet(binary.LittleEndian.Uint64(b[:])) &^ abi.Unblockable
	return nil
}

// finishWait ends a poll or select: the time left is written back to the
// timeout (Linux does this for both ppoll and pselect6). The kernel takes
// the registrations off and puts the old mask back.
func (c *call) finishWait(tsVA uint64) error {
	if tsVA != 0 {
		var left uint64
		if now := c.t.k.Now(); c.timed && c.deadline > now {
			left = ns(c.deadline - now)
		}
		return writeTimespec(c.t.AS, tsVA, left)
	}
	return nil
}

// pollBlock is the sleep of a poll or select that found nothing ready:
// on the queue of every file it looks at, until one is ready, a signal, or
// its deadline (then it returns 0: the caller checks c.expired first).
func (c *call) pollBlock(files []*OpenFile, masks []sched.EventMask, what func() string) error {
	queues := make([]queueWait, 0, len(files))
	for i, f := range files {
		if q := f.ops.Queue(); q != nil {
			queues = append(queues, queueWait{q, masks[i] | alwaysReported})
		}
	}
	if !c.timed {
		return &blockError{queues: queues, why: func() string { return what() + " until one is ready" }}
	}
	return &blockError{queues: queues,
		why: func() string { return fmt.Sprintf("%s until one is ready or cycle %d", what(), c.deadline) }}
}

// plural renders "1 fd", "2 fds".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if what == "process" {
		return fmt.Sprintf("%d processes", n)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// ppoll(2): (fds, nfds, tmo_p, sigmask, sigsetsize).
func sysPpoll(c *call) (int64, error) {
	t := c.t
	if !c.started {
		c.traceEntry() // the call writes revents and the time left
	}
	nfds := c.a[1]
	if nfds > uint64(t.Files.Limit()) { // RLIMIT_NOFILE
		return 0, abi.EINVAL
	}
	if !c.started {
		if err := c.readTimeout(c.a[2], timeoutRelative); err != nil {
			return 0, err
		}
		if err := c.swapMask(c.a[3], c.a[4]); err != nil {
			return 0, err
		}
		c.started = true
	}
	raw := make([]byte, 8*nfds)
	if t.AS.ReadBytes(c.a[0], raw) != nil {
		return 0, abi.EFAULT
	}
	var files []*OpenFile
	var masks []sched.EventMask
	ready := 0
	for i := range int(nfds) {
		fd := int32(binary.LittleEndian.Uint32(raw[8*i:]))
		events := sched.EventMask(binary.LittleEndian.Uint16(raw[8*i+4:]))
		var revents sched.EventMask
		// "If the value of fd is negative, then the events field is ignored
		// and the revents field returns zero." - poll(2)
		if fd >= 0 {
			if f, err := c.file(fd); err != nil {
				revents = abi.POLLNVAL
			} else {
				revents = f.ops.Readiness() & (events | alwaysReported)
				files = append(files, f)
				masks = append(masks, events)
			}
		}
		binary.LittleEndian.PutUint16(raw[8*i+6:], uint16(revents))
		if revents != 0 {
			ready++
		}
	}
	if ready == 0 && !c.expired() {
		return 0, c.pollBlock(files, masks, func() string { return "polling " + plural(int(nfds), "fd") })
	}
	if t.AS.WriteBytes(c.a[0], raw) != nil {
		return 0, abi.EFAULT
	}
	if err := c.finishWait(c.a[2]); err != nil {
		return 0, err
	}
	return int64(ready), nil
}

// What select(2) counts as ready in each set: "the file descriptors in
// readfds ... become 'ready' for reading ... (e.g., read(2) will not
// block); ... end-of-file counts as ready" (gVisor's selectReadEvents etc.).
const (
	selectRead   = abi.POLLIN | abi.POLLRDNORM | abi.POLLHUP | abi.POLLERR
	selectWrite  = abi.POLLOUT | abi.POLLWRNORM | abi.POLLERR
	selectExcept = abi.POLLPRI
)

// pselect6(2): (nfds, readfds, writefds, exceptfds, timeout, sig), where sig
// points at {const sigset_t *ss; size_t ss_len}.
func sysPselect6(c *call) (int64, error) {
	t := c.t
	if !c.started {
		c.traceEntry() // the call writes the sets and the time left
	}
	n := int64(int32(c.a[0]))
	if n < 0 {
		return 0, abi.EINVAL
	}
	// Linux looks at no descriptor beyond its table's size.
	n = min(n, int64(t.Files.Size()))
	if !c.started {
		if err := c.readTimeout(c.a[4], timeoutRelative); err != nil {
			return 0, err
		}
		if c.a[5] != 0 {
			var sig [16]byte
			if t.AS.ReadBytes(c.a[5], sig[:]) != nil {
				return 0, abi.EFAULT
			}
			if err := c.swapMask(binary.LittleEndian.Uint64(sig[:]), binary.LittleEndian.Uint64(sig[8:])); err != nil {
				return 0, err
			}
		}
		c.started = true
	}
	words := (n + 63) / 64
	var sets [3][]uint64 // read, write, except; nil where the pointer is NULL
	for i := range sets {
		va := c.a[1+i]
		if va == 0 {
			continue
		}
		raw := make([]byte, 8*words)
		if t.AS.ReadBytes(va, raw) != nil {
			return 0, abi.EFAULT
		}
		sets[i] = make([]uint64, words)
		for w := range sets[i] {
			sets[i][w] = binary.LittleEndian.Uint64(raw[8*w:])
		}
		if n%64 != 0 {
			sets[i][words-1] &= 1<<(n%64) - 1 // bits at or above nfds are not looked at
		}
	}
	want := [3]sched.EventMask{selectRead, selectWrite, selectExcept}
	var out [3][]uint64
	var files []*OpenFile
	var masks []sched.EventMask
	ready := 0
	for fd := range n {
		w, bit := fd/64, uint64(1)<<(fd%64)
		var asked sched.EventMask
		for i := range sets {
			if sets[i] != nil && sets[i][w]&bit != 0 {
				asked |= want[i]
			}
		}
		if asked == 0 {
			continue
		}
		f, err := c.file(int32(fd))
		if err != nil {
			return 0, abi.EBADF // "An invalid file descriptor was given in one of the sets"
		}
		files = append(files, f)
		masks = append(masks, asked)
		ev := f.ops.Readiness()
		for i := range sets {
			if sets[i] == nil || sets[i][w]&bit == 0 || ev&want[i] == 0 {
				continue
			}
			if out[i] == nil {
				out[i] = make([]uint64, words)
			}
			out[i][w] |= bit
			ready++
		}
	}
	if ready == 0 && !c.expired() {
		return 0, c.pollBlock(files, masks, func() string { return "select on " + plural(len(files), "fd") })
	}
	// "On success, select() and pselect() ... modify the sets in place to
	// indicate which file descriptors are ready."
	for i := range sets {
		if sets[i] == nil {
			continue
		}
		raw := make([]byte, 8*words)
		for w := range words {
			if out[i] != nil {
				binary.LittleEndian.PutUint64(raw[8*w:], out[i][w])
			}
		}
		if t.AS.WriteBytes(c.a[1+i], raw) != nil {
			return 0, abi.EFAULT
		}
	}
	if err := c.finishWait(c.a[4]); err != nil {
		return 0, err
	}
	return int64(ready), nil
}
