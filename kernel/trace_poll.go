package kernel

// The trace of ppoll, pselect6 and epoll_pwait, as strace writes it: the
// descriptors and events asked for as arguments, and those that became
// ready after the result:
//
//	ppoll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, NULL, NULL, 8) = 1 ([{fd=3, revents=POLLIN}])
//	pselect6(5, [3 4], NULL, NULL, {tv_sec=1, tv_nsec=0}, NULL) = 1 (in [3], left {tv_sec=0, tv_nsec=999000000})
//	epoll_pwait(5, [{events=EPOLLIN, data=0x3}], 8, -1, NULL, 8) = 1
//
// ppoll and pselect6 overwrite what was asked (the revents of the pollfd
// array, the fd_sets, the timeout): their handlers keep the arguments as
// they were at entry (call.entryArgs, traceEntry), only when tracing is on.
// Everything is read through the peeker, like the rest of the trace.

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ipcsim/abi"
)

var pollFlags = []flagName{{abi.POLLIN, "POLLIN"}, {abi.POLLPRI, "POLLPRI"}, {abi.POLLOUT, "POLLOUT"}, {abi.POLLERR, "POLLERR"},
	{abi.POLLHUP, "POLLHUP"}, {abi.POLLNVAL, "POLLNVAL"}, {abi.POLLRDNORM, "POLLRDNORM"}, {abi.POLLRDBAND, "POLLRDBAND"},
	{abi.POLLWRNORM, "POLLWRNORM"}, {abi.POLLWRBAND, "POLLWRBAND"}, {abi.POLLMSG, "POLLMSG"}, {abi.POLLRDHUP, "POLLRDHUP"}}

// traceElems is how many elements of an array the trace shows before
// "...", as strace -s 32 does for arrays too.
const traceElems = 32

// formatArray renders an array of n elements of size bytes at va in user
// memory as strace does: "[e0, e1, ...]", each element as elem writes it
// from its bytes; NULL for a null pointer; "..." after traceElems
// elements; an element that cannot be read ends the list with its
// address ("... /* 0x... */"), and false if the first cannot be.
func formatArray(as userMemory, va, n, size uint64, elem func(sb *strings.Builder, b []byte)) (string, bool) {
	if va == 0 {
		return "NULL", true
	}
	var sb strings.Builder
	sb.WriteByte('[')
	b := make([]byte, size)
	for i := range n {
		if i == traceElems {
			sb.WriteString(", ...")
			break
		}
		if as.ReadBytes(va+size*i, b) != nil {
			if i == 0 {
				return "", false
			}
			fmt.Fprintf(&sb, ", ... /* %#x */", va+size*i)
			break
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		elem(&sb, b)
	}
	sb.WriteByte(']')
	return sb.String(), true
}

// traceSelectFDs bounds the descriptors of a select the trace looks at
// (strace: "Beware of select(2^31-1, NULL, NULL, NULL) and similar").
const traceSelectFDs = 1 << 20

// traceEntry keeps the call's arguments as they read before the call
// changes them, for the trace; a call that is not traced keeps nothing.
func (c *call) traceEntry() {
	if k := c.t.k; k.tracing && c.entryArgs == "" {
		c.entryArgs = k.formatArgs(c, 0, false)
	}
}

// formatPollfds renders ppoll's array as asked: [{fd=3, events=POLLIN},
// {fd=-1}] (strace prints no events for a negative fd: they are ignored).
func formatPollfds(as userMemory, va, nfds uint64) (string, bool) {
	return formatArray(as, va, nfds, 8, func(sb *strings.Builder, b []byte) {
		fd := int32(binary.LittleEndian.Uint32(b))
		if fd < 0 {
			fmt.Fprintf(sb, "{fd=%d}", fd)
			return
		}
		fmt.Fprintf(sb, "{fd=%d, events=%s}", fd, flagNames(uint64(binary.LittleEndian.Uint16(b[4:])), pollFlags))
	})
}

// pollResult renders what ppoll returned: "[{fd=3, revents=POLLIN}]" and
// the time left, "left {tv_sec=0, tv_nsec=500}" (decode_poll_exiting).
func pollResult(as userMemory, c *call, ret int64) string {
	var parts []string
	var sb strings.Builder
	var b [8]byte
	shown := 0
	for i := range min(c.a[1], uint64(^uint32(0))) {
		if as.ReadBytes(c.a[0]+8*i, b[:]) != nil {
			break
		}
		revents := binary.LittleEndian.Uint16(b[6:])
		if revents == 0 {
			continue
		}
		if shown > 0 {
			sb.WriteString(", ")
		}
		if shown == traceElems {
			sb.WriteString("...")
			break
		}
		fmt.Fprintf(&sb, "{fd=%d, revents=%s}", int32(binary.LittleEndian.Uint32(b[:])), flagNames(uint64(revents), pollFlags))
		if shown++; int64(shown) == ret {
			break
		}
	}
	if shown > 0 {
		parts = append(parts, "["+sb.String()+"]")
	}
	if left := timeLeft(as, c.a[2]); left != "" {
		parts = append(parts, left)
	}
	return strings.Join(parts, ", ")
}

// timeLeft renders the timeout a call wrote back: "left {tv_sec=...}".
func timeLeft(as userMemory, va uint64) string {
	if va == 0 {
		return ""
	}
	if ts, err := readTimespec(as, va); err == nil {
		return fmt.Sprintf("left {tv_sec=%d, tv_nsec=%d}", ts.sec, ts.nsec)
	}
	return fmt.Sprintf("left %#x", va)
}

// selectFDs is the number of descriptors a select's sets hold for the
// trace: nfds, bounded; 0 when negative (the kernel rejects it).
func selectFDs(c *call) uint64 {
	return uint64(min(max(int64(int32(c.a[0])), 0), traceSelectFDs))
}

// readFDSet reads a select set of n descriptors: the bits in whole words.
func readFDSet(as userMemory, va, n uint64) ([]byte, bool) {
	raw := make([]byte, (n+63)/64*8)
	return raw, as.ReadBytes(va, raw) == nil
}

// fdSetMembers renders the descriptors of a set: "3 4", at most max of
// them (0: all).
func fdSetMembers(raw []byte, n uint64, max int) (string, int) {
	var sb strings.Builder
	count := 0
	for fd := range n {
		if raw[fd/8]&(1<<(fd%8)) == 0 {
			continue
		}
		if count > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprint(&sb, fd)
		if count++; count == max {
			break
		}
	}
	return sb.String(), count
}

// formatFDSet renders a select set as asked: "[3 4]", "[]".
func formatFDSet(as userMemory, c *call, va uint64) (string, bool) {
	n := selectFDs(c)
	if va == 0 || n == 0 {
		return "", false // NULL, or an address: nothing is read (decode_select)
	}
	raw, ok := readFDSet(as, va, n)
	if !ok {
		return "", false
	}
	s, _ := fdSetMembers(raw, n, 0)
	return "[" + s + "]", true
}

// selectResult renders what pselect6 returned: "in [3], out [4], except
// [5], left {tv_sec=0, tv_nsec=500}", the ready descriptors of each set as
// written back, ret of them in all (decode_select).
func selectResult(as userMemory, c *call, ret int64) string {
	var parts []string
	n := selectFDs(c)
	left := int(ret)
	for i, name := range [...]string{"in", "out", "except"} {
		va := c.a[1+i]
		if va == 0 || n == 0 || left <= 0 {
			continue
		}
		raw, ok := readFDSet(as, va, n)
		if !ok {
			continue
		}
		if s, count := fdSetMembers(raw, n, left); count > 0 {
			parts = append(parts, name+" ["+s+"]")
			left -= count
		}
	}
	if l := timeLeft(as, c.a[4]); l != "" {
		parts = append(parts, l)
	}
	return strings.Join(parts, ", ")
}

// formatSigmask renders a sigset_t argument whose size is sz: "[SIGINT]",
// "[]" (print_sigset_addr_len: an address if the size is not the kernel's).
func formatSigmask(as userMemory, va, sz uint64) (string, bool) {
	if va == 0 {
		return "NULL", true
	}
	var b [8]byte
	if sz != 8 || as.ReadBytes(va, b[:]) != nil {
		return "", false
	}
	return "[" + sigSetString(abi.SigSet(binary.LittleEndian.Uint64(b[:]))) + "]", true
}

// formatPselectSig renders pselect6's sixth argument, a pointer to
// {const sigset_t *ss; size_t ss_len}: "{[SIGINT], 8}", "{NULL, 8}".
func formatPselectSig(as userMemory, va uint64) (string, bool) {
	var b [16]byte
	if va == 0 || as.ReadBytes(va, b[:]) != nil {
		return "", false
	}
	ss, sz := binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])
	mask, ok := formatSigmask(as, ss, sz)
	if !ok {
		mask = fmt.Sprintf("%#x", ss)
	}
	return fmt.Sprintf("{%s, %d}", mask, sz), true
}

// formatEpollEvents renders the events epoll_pwait wrote, ret of them:
// "[{events=EPOLLIN, data=0x3}]" (strace prints the array as the
// argument, once the call has returned).
func formatEpollEvents(as userMemory, va uint64, ret int64) (string, bool) {
	var sb strings.Builder
	sb.WriteByte('[')
	var b [abi.SizeofEpollEvent]byte
	for i := range ret {
		if i == traceElems {
			sb.WriteString(", ...")
			break
		}
		if as.ReadBytes(va+uint64(i)*abi.SizeofEpollEvent, b[:]) != nil {
			return "", false
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "{events=%s, data=%#x}", flagNames(uint64(binary.LittleEndian.Uint32(b[:])), epollFlags),
			binary.LittleEndian.Uint64(b[8:]))
	}
	sb.WriteByte(']')
	return sb.String(), true
}

// formatAux renders what strace adds in parentheses after a result:
// " (Timeout)", " ([{fd=3, revents=POLLIN}])", " (in [3])"; or "".
func (k *Kernel) formatAux(c *call, ret int64) string {
	if ret < 0 || (c.no != abi.SysPpoll && c.no != abi.SysPselect6) {
		return ""
	}
	if ret == 0 {
		return " (Timeout)"
	}
	as := c.peek()
	var s string
	if c.no == abi.SysPpoll {
		s = pollResult(as, c, ret)
	} else {
		s = selectResult(as, c, ret)
	}
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
