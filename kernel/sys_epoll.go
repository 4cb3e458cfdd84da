package kernel

// epoll_create1(2), epoll_ctl(2), epoll_pwait(2) and epoll_pwait2(2). The
// instance, its interest list and its ready list are package epoll; its
// open file is epollFile. riscv64 has no epoll_create and no epoll_wait:
// libcs call epoll_create1 and epoll_pwait.

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"ipcsim/abi"
	"ipcsim/ipc/epoll"
	"ipcsim/sched"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysEpollCreate1: {sysEpollCreate1, "f", noSleep},
		abi.SysEpollCtl:     {sysEpollCtl, "dEde", noSleep},
		// "File descriptor multiplexing interfaces: epoll_wait(2),
		// epoll_pwait(2), poll(2), ppoll(2), select(2), and pselect(2)" are
		// never restarted after a handler - signal(7).
		abi.SysEpollPwait:  {sysEpollPwait, "dNddGu", restartNever},
		abi.SysEpollPwait2: {sysEpollPwait2, "dNdTGu", restartNever},
	})
}

// epMaxEvents is EP_MAX_EVENTS: "EINVAL maxevents is less than or equal to
// zero" - epoll_wait(2), and above INT_MAX / sizeof(struct epoll_event).
const epMaxEvents = math.MaxInt32 / abi.SizeofEpollEvent

// exclusiveOK are the events EPOLLEXCLUSIVE may come with
// (EPOLLEXCLUSIVE_OK_BITS): "EINVAL ... EPOLLEXCLUSIVE was specified in
// event and ... EPOLLONESHOT" (or another flag) - epoll_ctl(2).
const exclusiveOK = abi.EPOLLIN | abi.EPOLLOUT | abi.EPOLLRDNORM | abi.EPOLLRDBAND | abi.EPOLLWRNORM |
	abi.EPOLLWRBAND | abi.EPOLLERR | abi.EPOLLHUP | abi.EPOLLWAKEUP | abi.EPOLLET | abi.EPOLLEXCLUSIVE

// epollFile is an epoll instance as an open file ("[eventpoll]").
type epollFile struct {
	k  *Kernel
	ep *epoll.Instance
}

func (e *epollFile) Name() string { return fmt.Sprintf("epoll#%d", e.ep.ID) }

// Read and Write: the epoll file has neither operation (EINVAL, as
// vfs_read says for a file that cannot be read).
func (e *epollFile) Read(*call, []byte, bool) (int, error)  { return 0, abi.EINVAL }
func (e *epollFile) Write(*call, []byte, bool) (int, error) { return 0, abi.EINVAL }

// Readiness: "The epoll file descriptor itself is pollable ... it is
// marked as readable if one or more of its watched file descriptors are
// ready" - epoll(7).
func (e *epollFile) Readiness() sched.EventMask { return e.ep.Readiness() }
func (e *epollFile) Queue() *sched.WaitQueue    { return e.ep.Queue() }

// Release: the last descriptor of the instance closed; its items leave the
// queues of the files they watch.
func (e *epollFile) Release() {
	items := e.ep.Items()
	files := make([]*OpenFile, len(items))
	for i, it := range items {
		files[i] = it.File.(*OpenFile)
	}
	e.ep.Release()
	for _, f := range files {
		unwatch(f, e.ep)
	}
	k := e.k
	for i, x := range k.epolls {
		if x == e.ep {
			k.epolls = append(k.epolls[:i], k.epolls[i+1:]...)
			break
		}
	}
}

// epollOf returns the instance of an epoll file, or nil.
func epollOf(f *OpenFile) *epoll.Instance {
	if e, ok := f.ops.(*epollFile); ok {
		return e.ep
	}
	return nil
}

// canPoll reports whether epoll can watch the file: "EPERM The target
// file fd does not support epoll. This error can occur if fd refers to,
// for example, a regular file or a directory" - epoll_ctl(2). A stream of
// the host is a regular file or /dev/null as often as a pipe, and ipcsim
// cannot watch it: it is treated as one that does not support poll. The
// name space's regular files and /dev/null and /dev/zero have no poll
// operation on Linux either (file_can_poll).
func canPoll(ops FileOps) bool {
	switch ops.(type) {
	case *hostFile, *dirFile, *fileHandle, *nullFile:
		return false
	}
	return true
}

// epoll_create1(2): (flags). "EINVAL Invalid value specified in flags."
func sysEpollCreate1(c *call) (int64, error) {
	k, t := c.t.k, c.t
	flags := int32(c.a[0])
	if flags&^abi.EPOLL_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	k.epollIDs++
	ep := epoll.New(k.epollIDs)
	f := newOpenFile(&epollFile{k: k, ep: ep}, abi.O_RDWR)
	fd, ok := t.Files.Install(f, 0, flags&abi.EPOLL_CLOEXEC != 0)
	if !ok {
		f.discard()
		return 0, abi.EMFILE
	}
	k.epolls = append(k.epolls, ep)
	return int64(fd), nil
}

// epoll_ctl(2): (epfd, op, fd, event). The checks come in Linux's order
// (do_epoll_ctl).
func sysEpollCtl(c *call) (int64, error) {
	op := int32(c.a[1])
	var events sched.EventMask
	var data uint64
	if op != abi.EPOLL_CTL_DEL { // DEL ignores event: "event ... can be NULL"
		var b [abi.SizeofEpollEvent]byte
		if c.t.AS.ReadBytes(c.a[3], b[:]) != nil {
			return 0, abi.EFAULT
		}
		events = sched.EventMask(binary.LittleEndian.Uint32(b[0:]))
		data = binary.LittleEndian.Uint64(b[8:])
	}
	epf, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	tf, err := c.file(int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	if !canPoll(tf.ops) {
		return 0, abi.EPERM
	}
	// "EINVAL epfd is not an epoll file descriptor, or fd is the same as
	// epfd" (the same description: a dup of epfd too).
	ep := epollOf(epf)
	if ep == nil || epf == tf {
		return 0, abi.EINVAL
	}
	inner := epollOf(tf)
	if op != abi.EPOLL_CTL_DEL && events&abi.EPOLLEXCLUSIVE != 0 {
		// "EINVAL An invalid event type was specified along with
		// EPOLLEXCLUSIVE in events. EINVAL The operation specified was
		// EPOLL_CTL_MOD and events included EPOLLEXCLUSIVE. EINVAL ...
		// EPOLLEXCLUSIVE was specified in event and fd refers to an epoll
		// instance."
		if op == abi.EPOLL_CTL_MOD || op == abi.EPOLL_CTL_ADD && (inner != nil || events&^exclusiveOK != 0) {
			return 0, abi.EINVAL
		}
	}
	// "ELOOP fd refers to an epoll instance and this EPOLL_CTL_ADD operation
	// would result in a circular loop of epoll instances monitoring one
	// another or a nesting depth of epoll instances greater than 5."
	if op == abi.EPOLL_CTL_ADD && inner != nil && epollLoop(inner, ep, 0, map[*epoll.Instance]int{}) {
		return 0, abi.ELOOP
	}
	fd := int(int32(c.a[2]))
	it := ep.Find(tf, fd)
	switch op {
	case abi.EPOLL_CTL_ADD:
		if it != nil {
			return 0, abi.EEXIST // "op was EPOLL_CTL_ADD, and the supplied file descriptor fd is already registered"
		}
		ep.Add(tf, fd, events, data)
		if !slices.Contains(tf.epolls, ep) {
			tf.epolls = append(tf.epolls, ep) // once, however many fds of it ep watches
		}
	case abi.EPOLL_CTL_MOD:
		if it == nil {
			return 0, abi.ENOENT // "op was EPOLL_CTL_MOD or EPOLL_CTL_DEL, and fd is not registered"
		}
		if it.Events&abi.EPOLLEXCLUSIVE != 0 {
			return 0, abi.EINVAL // ep_modify is not allowed on an exclusive item
		}
		ep.Modify(it, events, data)
	case abi.EPOLL_CTL_DEL:
		if it == nil {
			return 0, abi.ENOENT
		}
		ep.Remove(it)
		unwatch(tf, ep)
	default:
		return 0, abi.EINVAL // "op ... is not supported by this interface"
	}
	return 0, nil
}

// unwatch takes ep off f's list of the instances watching it once ep has
// no item on f left (through another fd of the description, it may), so
// that the list does not grow with every EPOLL_CTL_ADD and DEL and keeps
// no closed instance alive.
func unwatch(f *OpenFile, ep *epoll.Instance) {
	for _, it := range ep.Items() {
		if it.File == f {
			return
		}
	}
	if i := slices.Index(f.epolls, ep); i >= 0 {
		f.epolls = slices.Delete(f.epolls, i, i+1)
	}
}

// epollLoop reports whether adding from to to would close a circle of
// instances watching one another, or nest them deeper than EP_MAX_NESTS
// (ep_loop_check_proc): depth counts the levels below the instance added.
// seen holds the shallowest depth each instance was walked from, so that
// an instance reached again no deeper is not walked again (Linux's
// loop_check_gen): the walk is linear in the watches, not exponential in
// the nesting.
func epollLoop(from, to *epoll.Instance, depth int, seen map[*epoll.Instance]int) bool {
	if from == to || depth > abi.EP_MAX_NESTS {
		return true
	}
	if d, ok := seen[from]; ok && d <= depth {
		return false
	}
	seen[from] = depth
	for _, it := range from.Items() {
		if inner := epollOf(it.File.(*OpenFile)); inner != nil && epollLoop(inner, to, depth+1, seen) {
			return true
		}
	}
	return false
}

// epoll_pwait(2): (epfd, events, maxevents, timeout, sigmask, sigsetsize),
// the timeout in milliseconds: "Specifying a timeout of -1 causes
// epoll_wait() to block indefinitely, while specifying a timeout equal to
// zero cause epoll_wait() to return immediately".
func sysEpollPwait(c *call) (int64, error) {
	if !c.started {
		if err := c.swapMask(c.a[4], c.a[5]); err != nil {
			return 0, err
		}
		c.timed = false
		if ms := int64(int32(c.a[3])); ms >= 0 { // any negative value waits forever (ep_timeout_to_timespec)
			if err := c.setTimeout(timespec{ms / 1000, ms % 1000 * 1_000_000}, timeoutRelative); err != nil {
				return 0, err
			}
		}
		c.started = true
	}
	return epollWait(c)
}

// epoll_pwait2(2): epoll_pwait with a timespec: "If timeout is NULL, then
// epoll_pwait2() can block indefinitely." The time left is not written back.
func sysEpollPwait2(c *call) (int64, error) {
	if !c.started {
		if err := c.readTimeout(c.a[3], timeoutRelative); err != nil {
			return 0, err
		}
		if err := c.swapMask(c.a[4], c.a[5]); err != nil {
			return 0, err
		}
		c.started = true
	}
	return epollWait(c)
}

// epollWait is the wait of both calls (do_epoll_wait, ep_poll): the
// events on the ready list if there are any, else sleep on the instance's
// queue until an item wakes it, a signal, or the deadline (then 0).
func epollWait(c *call) (int64, error) {
	max := int64(int32(c.a[2]))
	if max <= 0 || max > epMaxEvents {
		return 0, abi.EINVAL
	}
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	ep := epollOf(f)
	if ep == nil {
		return 0, abi.EINVAL // "epfd is not an epoll file descriptor"
	}
	as, va := c.t.AS, c.a[1]
	var b [abi.SizeofEpollEvent]byte
	fault := false
	n := ep.Collect(int(max), func(events sched.EventMask, data uint64) bool {
		binary.LittleEndian.PutUint32(b[0:], uint32(events))
		binary.LittleEndian.PutUint64(b[8:], data)
		if as.WriteBytes(va, b[:]) != nil {
			fault = true
			return false
		}
		va += abi.SizeofEpollEvent
		return true
	})
	switch {
	case n > 0:
		return int64(n), nil
	case fault:
		return 0, abi.EFAULT // an event was ready and could not be written
	case c.expired():
		return 0, nil
	}
	return 0, &blockError{q: ep.Queue(), mask: epoll.Readable, why: func() string {
		r := fmt.Sprintf("epoll#%d has no event ready (%s watched)", ep.ID, plural(len(ep.Items()), "fd"))
		if c.timed {
			r += fmt.Sprintf(", or until cycle %d", c.deadline)
		}
		return r
	}}
}
