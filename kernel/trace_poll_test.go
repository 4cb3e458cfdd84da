package kernel

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// pollTrace is a traced machine whose calls a test makes directly, as
// epollMachine's, with the text of the last syscall and block events.
type pollTrace struct {
	epollTest
	k      *Kernel
	writer *Task
	lines  map[string]string // kind -> the last event's text
}

func newPollTrace(t *testing.T) *pollTrace {
	t.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	require.NoError(t, err)
	p := &pollTrace{lines: map[string]string{}}
	p.k = New(Config{MemBytes: 4 << 20, Files: []File{{Path: "/bin/argv", Data: elf, Mode: 0755}},
		Trace: func(e *Event) { p.lines[e.Kind] = e.Text }})
	var tasks [2]*Task
	for i := range tasks {
		pid, err := p.k.Spawn("/bin/argv", []string{"argv"}, nil)
		require.NoError(t, err)
		tasks[i] = p.k.tasks[pid]
	}
	p.epollTest = epollTest{t, tasks[0]}
	p.writer = tasks[1]
	return p
}

// put writes b at offset off of the scratch area and returns its address.
func (p *pollTrace) put(off uint64, b []byte) uint64 {
	va := scratch(p.tk) + off
	require.NoError(p.t, p.tk.AS.WriteBytes(va, b))
	return va
}

func pollfds(fds ...int32) []byte { // fd, events pairs
	b := make([]byte, 0, 4*len(fds))
	for i := 0; i < len(fds); i += 2 {
		b = binary.LittleEndian.AppendUint32(b, uint32(fds[i]))
		b = binary.LittleEndian.AppendUint16(b, uint16(fds[i+1]))
		b = binary.LittleEndian.AppendUint16(b, 0xffff) // revents: overwritten by the call
	}
	return b
}

func timespecBytes(sec, nsec int64) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(sec))
	return binary.LittleEndian.AppendUint64(b, uint64(nsec))
}

func fdSet(fds ...int32) []byte {
	var w uint64
	for _, fd := range fds {
		w |= 1 << fd
	}
	return binary.LittleEndian.AppendUint64(nil, w)
}

var sigintMask = binary.LittleEndian.AppendUint64(nil, uint64(abi.SigSetOf(abi.SIGINT)))

// The trace of ppoll names the descriptors and events asked for (no
// events for a negative fd: they are ignored) and, after the result, those
// that became ready (POLLNVAL for a closed fd) and the time left, as
// strace does; the arguments are those of the entry, though the call
// wrote revents and the time left over them.
func TestTracePpoll(t *testing.T) {
	p := newPollTrace(t)
	r, w := p.pipe()
	p.write(w)
	fds := p.put(0, pollfds(r, abi.POLLIN, w, abi.POLLIN|abi.POLLOUT, -1, abi.POLLIN, 40, abi.POLLIN))
	ts := p.put(64, timespecBytes(1, 500))
	mask := p.put(96, sigintMask)
	require.Equal(t, int64(3), p.call(abi.SysPpoll, fds, 4, ts, mask, 8))
	require.Equal(t, fmt.Sprintf("ppoll([{fd=%d, events=POLLIN}, {fd=%d, events=POLLIN|POLLOUT}, {fd=-1}, {fd=40, events=POLLIN}], 4, "+
		"{tv_sec=1, tv_nsec=500}, [SIGINT], 8) = 3 ([{fd=%d, revents=POLLIN}, {fd=%d, revents=POLLOUT}, {fd=40, revents=POLLNVAL}], "+
		"left {tv_sec=1, tv_nsec=500})", r, w, r, w), p.lines["syscall"])

	// A zero timeout and nothing ready: Timeout, and no time left shown.
	r2, _ := p.pipe()
	fds = p.put(0, pollfds(r2, abi.POLLIN))
	ts = p.put(64, timespecBytes(0, 0))
	require.Zero(t, p.call(abi.SysPpoll, fds, 1, ts, 0, 8))
	require.Equal(t, fmt.Sprintf("ppoll([{fd=%d, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 0 (Timeout)", r2), p.lines["syscall"])

	// The block line shows what is asked; at the deadline the call ends
	// with the timeout it was given, not the zero it wrote back.
	ts = p.put(64, timespecBytes(2, 0))
	_, blocked := ecall(p.tk, abi.SysPpoll, fds, 1, ts, 0, 8)
	require.True(t, blocked)
	require.Contains(t, p.lines["block"], fmt.Sprintf("ppoll([{fd=%d, events=POLLIN}], 1, {tv_sec=2, tv_nsec=0}, NULL, 8) blocks: polling 1 fd", r2))
	p.k.m.Clock.Advance(3 * CyclesPerSecond)
	p.k.retry(p.tk)
	require.Nil(t, p.tk.call)
	require.Equal(t, fmt.Sprintf("ppoll([{fd=%d, events=POLLIN}], 1, {tv_sec=2, tv_nsec=0}, NULL, 8) = 0 (Timeout)", r2), p.lines["syscall"])
}

// pselect6: the sets asked for as strace prints them, "[3 4]", and after
// the result the ready ones of each set, "in [3], out [4]", with the time
// left; the sigmask argument as {[SIGINT], 8}.
func TestTracePselect6(t *testing.T) {
	p := newPollTrace(t)
	r, w := p.pipe()
	p.write(w)
	rd := p.put(0, fdSet(r, w))
	wr := p.put(8, fdSet(r, w))
	ex := p.put(16, fdSet(r))
	ts := p.put(64, timespecBytes(2, 0))
	mask := p.put(96, sigintMask)
	sig := p.put(112, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, mask), 8))
	n := uint64(max(r, w) + 1)
	require.Equal(t, int64(2), p.call(abi.SysPselect6, n, rd, wr, ex, ts, sig))
	require.Equal(t, fmt.Sprintf("pselect6(%d, [%d %d], [%d %d], [%d], {tv_sec=2, tv_nsec=0}, {[SIGINT], 8}) = 2 (in [%d], out [%d], left {tv_sec=2, tv_nsec=0})",
		n, r, w, r, w, r, r, w), p.lines["syscall"])

	// Nothing ready: the block line names the set; a write ends the wait.
	r2, w2 := p.pipe()
	n = uint64(r2 + 1)
	rd = p.put(0, fdSet(r2))
	sig = p.put(112, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 0), 8))
	_, blocked := ecall(p.tk, abi.SysPselect6, n, rd, 0, 0, 0, sig)
	require.True(t, blocked)
	require.Equal(t, fmt.Sprintf("pselect6(%d, [%d], NULL, NULL, NULL, {NULL, 8}) blocks: select on 1 fd until one is ready", n, r2), p.lines["block"])
	wf, _ := p.tk.Files.Get(int(w2))
	wfd, ok := p.writer.Files.Install(wf, 0, false)
	require.True(t, ok)
	epollTest{t, p.writer}.write(int32(wfd))
	p.k.retry(p.tk)
	require.Nil(t, p.tk.call)
	require.Equal(t, fmt.Sprintf("pselect6(%d, [%d], NULL, NULL, NULL, {NULL, 8}) = 1 (in [%d])", n, r2, r2), p.lines["syscall"])

	// A timeout: the set asked for, then Timeout.
	r3, _ := p.pipe()
	n = uint64(r3 + 1)
	rd = p.put(0, fdSet(r3))
	ts = p.put(64, timespecBytes(0, 0))
	require.Zero(t, p.call(abi.SysPselect6, n, rd, 0, 0, ts, 0))
	require.Equal(t, fmt.Sprintf("pselect6(%d, [%d], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = 0 (Timeout)", n, r3), p.lines["syscall"])
}

// epoll_pwait: the events it returned, in the place of the array, once
// the call has returned (strace prints them so); the array's address
// while it sleeps.
func TestTraceEpollPwait(t *testing.T) {
	p := newPollTrace(t)
	ep := p.call(abi.SysEpollCreate1, 0)
	r, w := p.pipe()
	require.Zero(t, p.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 3))
	require.Zero(t, p.ctl(ep, abi.EPOLL_CTL_ADD, w, abi.EPOLLOUT, 4))
	p.write(w) // w is ready from its ADD on, r from this write: the ready list's order
	va := scratch(p.tk) + 256
	mask := p.put(96, sigintMask)
	require.Equal(t, int64(2), p.call(abi.SysEpollPwait, uint64(ep), va, 8, 0, mask, 8))
	require.Equal(t, fmt.Sprintf("epoll_pwait(%d, [{events=EPOLLOUT, data=0x4}, {events=EPOLLIN, data=0x3}], 8, 0, [SIGINT], 8) = 2", ep),
		p.lines["syscall"])

	// A timeout: no event, an empty array.
	ep2 := p.call(abi.SysEpollCreate1, 0)
	require.Zero(t, p.call(abi.SysEpollPwait, uint64(ep2), va, 8, 0, 0, 8))
	require.Equal(t, fmt.Sprintf("epoll_pwait(%d, [], 8, 0, NULL, 8) = 0", ep2), p.lines["syscall"])

	// Asleep: nothing written yet, the address.
	_, blocked := ecall(p.tk, abi.SysEpollPwait, uint64(ep2), va, 8, 1000, 0, 8)
	require.True(t, blocked)
	require.Contains(t, p.lines["block"], fmt.Sprintf("epoll_pwait(%d, %#x, 8, 1000, NULL, 8) blocks: ", ep2, va))
}

// Untraced, a call keeps no copy of its arguments: tracing that is off
// costs nothing.
func TestTraceEntryOnlyWhenTracing(t *testing.T) {
	_, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	r, _ := e.pipe()
	fds := scratch(tk)
	require.NoError(t, tk.AS.WriteBytes(fds, pollfds(r, abi.POLLIN)))
	_, blocked := ecall(tk, abi.SysPpoll, fds, 1, 0, 0, 8)
	require.True(t, blocked)
	require.Empty(t, tk.call.entryArgs)
}
