package kernel

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/proc"
)

// epollMachine returns a machine with two processes whose calls a test
// makes directly: a waiter and a writer (which shares nothing with it but
// the pipes the test hands it).
func epollMachine(t *testing.T) (*Kernel, *Task, *Task) {
	t.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	require.NoError(t, err)
	k := New(Config{MemBytes: 4 << 20, Files: []File{{Path: "/bin/argv", Data: elf, Mode: 0755}}})
	var tasks [2]*Task
	for i := range tasks {
		pid, err := k.Spawn("/bin/argv", []string{"argv"}, nil)
		require.NoError(t, err)
		tasks[i] = k.tasks[pid]
	}
	return k, tasks[0], tasks[1]
}

// ecall makes system call no as tk and returns a0; blocked reports
// whether the call went to sleep instead.
func ecall(tk *Task, no abi.Sysno, args ...uint64) (ret int64, blocked bool) {
	for i, a := range args {
		tk.Regs.X[10+i] = a
	}
	tk.Regs.X[17] = uint64(no)
	tk.k.syscall(tk)
	return int64(tk.Regs.X[10]), tk.call != nil
}

// scratch is where a test puts the structures of its calls: below the
// stack pointer of tk.
func scratch(tk *Task) uint64 { return tk.Regs.X[2] - 8192 }

// epollTest drives the epoll calls of one task.
type epollTest struct {
	t  *testing.T
	tk *Task
}

func (e epollTest) call(no abi.Sysno, args ...uint64) int64 {
	e.t.Helper()
	r, blocked := ecall(e.tk, no, args...)
	require.False(e.t, blocked, "%v blocked", no)
	return r
}

func (e epollTest) ctl(ep int64, op int, fd int32, events uint32, data uint64) int64 {
	e.t.Helper()
	va := scratch(e.tk)
	var b [16]byte
	binary.LittleEndian.PutUint32(b[:], events)
	binary.LittleEndian.PutUint64(b[8:], data)
	require.NoError(e.t, e.tk.AS.WriteBytes(va, b[:]))
	return e.call(abi.SysEpollCtl, uint64(ep), uint64(op), uint64(fd), va)
}

// wait is epoll_pwait with timeout 0; it returns the data of the events,
// each with its events in the high bits.
func (e epollTest) wait(ep int64, max int) []uint64 {
	e.t.Helper()
	va := scratch(e.tk) + 64
	n := e.call(abi.SysEpollPwait, uint64(ep), va, uint64(max), 0, 0, 8)
	require.GreaterOrEqual(e.t, n, int64(0), "epoll_pwait: %v", abi.Errno(-n))
	return e.events(va, int(n))
}

func (e epollTest) events(va uint64, n int) []uint64 {
	out := []uint64{}
	b := make([]byte, 16*n)
	require.NoError(e.t, e.tk.AS.ReadBytes(va, b))
	for i := range n {
		out = append(out, uint64(binary.LittleEndian.Uint32(b[16*i:]))<<32|binary.LittleEndian.Uint64(b[16*i+8:]))
	}
	return out
}

// pipe makes a pipe and returns its ends.
func (e epollTest) pipe() (int32, int32) {
	e.t.Helper()
	va := scratch(e.tk) + 32
	require.Zero(e.t, e.call(abi.SysPipe2, va, 0))
	var b [8]byte
	require.NoError(e.t, e.tk.AS.ReadBytes(va, b[:]))
	return int32(binary.LittleEndian.Uint32(b[:])), int32(binary.LittleEndian.Uint32(b[4:]))
}

func (e epollTest) write(fd int32) {
	e.t.Helper()
	va := scratch(e.tk) + 48
	require.NoError(e.t, e.tk.AS.WriteBytes(va, []byte("x")))
	require.Equal(e.t, int64(1), e.call(abi.SysWrite, uint64(fd), va, 1))
}

func (e epollTest) read(fd int32) {
	e.t.Helper()
	require.Equal(e.t, int64(1), e.call(abi.SysRead, uint64(fd), scratch(e.tk)+48, 1))
}

const in = abi.EPOLLIN << 32 // EPOLLIN in what wait returns

func TestEpollTriggers(t *testing.T) {
	_, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	ep := e.call(abi.SysEpollCreate1, 0)
	r, w := e.pipe()
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 7))

	// Level-triggered: reported until drained.
	require.Empty(t, e.wait(ep, 8))
	e.write(w)
	e.write(w)
	require.Equal(t, []uint64{in | 7}, e.wait(ep, 8))
	require.Equal(t, []uint64{in | 7}, e.wait(ep, 8))
	e.read(r)
	require.Equal(t, []uint64{in | 7}, e.wait(ep, 8))
	e.read(r)
	require.Empty(t, e.wait(ep, 8))

	// Edge-triggered: once per write.
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_MOD, r, abi.EPOLLIN|abi.EPOLLET, 8))
	e.write(w)
	require.Equal(t, []uint64{in | 8}, e.wait(ep, 8))
	require.Empty(t, e.wait(ep, 8), "no new data")
	e.write(w)
	require.Equal(t, []uint64{in | 8}, e.wait(ep, 8))
	e.read(r)
	e.read(r)

	// One-shot: disarmed until MOD.
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_MOD, r, abi.EPOLLIN|abi.EPOLLONESHOT, 9))
	e.write(w)
	require.Equal(t, []uint64{in | 9}, e.wait(ep, 8))
	e.write(w)
	require.Empty(t, e.wait(ep, 8), "disarmed")
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_MOD, r, abi.EPOLLIN|abi.EPOLLONESHOT, 10))
	require.Equal(t, []uint64{in | 10}, e.wait(ep, 8), "re-armed")
	require.Equal(t, -int64(abi.EEXIST), e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 0))
}

func TestEpollReadyListCycles(t *testing.T) {
	_, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	ep := e.call(abi.SysEpollCreate1, 0)
	var w [3]int32
	for i := range w {
		var r int32
		r, w[i] = e.pipe()
		require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, uint64(i)))
	}
	e.write(w[1])
	e.write(w[0])
	e.write(w[2])
	var got []uint64
	for range 4 {
		got = append(got, e.wait(ep, 1)...)
	}
	require.Equal(t, []uint64{in | 1, in | 0, in | 2, in | 1}, got)
	require.Equal(t, []uint64{in | 0, in | 2}, e.wait(ep, 2))
	require.Equal(t, []uint64{in | 1, in | 0, in | 2}, e.wait(ep, 8))
}

func TestEpollCloseOfAWatchedFile(t *testing.T) {
	k, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	ep := e.call(abi.SysEpollCreate1, 0)
	r, w := e.pipe()
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 3))
	d := e.call(abi.SysDup, uint64(r))
	require.Zero(t, e.call(abi.SysClose, uint64(r)))
	e.write(w)
	require.Equal(t, []uint64{in | 3}, e.wait(ep, 8), "the dup keeps the description, and the registration")
	require.Equal(t, -int64(abi.EBADF), e.ctl(ep, abi.EPOLL_CTL_DEL, r, 0, 0))
	require.Zero(t, e.call(abi.SysClose, uint64(d)))
	require.Empty(t, e.wait(ep, 8))
	require.Empty(t, k.epolls[0].Items(), "the released description left the interest list")
	require.Zero(t, e.call(abi.SysClose, uint64(ep)))
	require.Empty(t, k.epolls, "the instance is gone with its last descriptor")
}

// A task sleeping in epoll_pwait is woken by a write into a watched pipe;
// an epoll fd watched by ppoll is readable when its inner pipe is.
func TestEpollBlocksAndNests(t *testing.T) {
	_, tk, writer := epollMachine(t)
	e := epollTest{t, tk}
	ep := e.call(abi.SysEpollCreate1, 0)
	r, w := e.pipe()
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 5))
	outer := e.call(abi.SysEpollCreate1, 0)
	require.Zero(t, e.ctl(outer, abi.EPOLL_CTL_ADD, int32(ep), abi.EPOLLIN, 6))
	require.Equal(t, -int64(abi.ELOOP), e.ctl(ep, abi.EPOLL_CTL_ADD, int32(outer), abi.EPOLLIN, 0))

	// ppoll on the inner instance: nothing, then POLLIN.
	pfd := scratch(tk) + 512
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:], uint32(ep))
	binary.LittleEndian.PutUint16(b[4:], abi.POLLIN)
	require.NoError(t, tk.AS.WriteBytes(pfd, b[:]))
	ts := scratch(tk) + 544
	require.NoError(t, tk.AS.WriteBytes(ts, make([]byte, 16)))
	require.Zero(t, e.call(abi.SysPpoll, pfd, 1, ts, 0, 8))

	// The waiter sleeps; the writer's write wakes it.
	va := scratch(tk) + 64
	_, blocked := ecall(tk, abi.SysEpollPwait, uint64(outer), va, 8, uint64(0xffffffff), 0, 8)
	require.True(t, blocked, "nothing ready: epoll_pwait sleeps")
	require.Equal(t, proc.Sleeping, tk.State)
	// The writer gets the write end (as a forked child would).
	wf, _ := tk.Files.Get(int(w))
	wfd, ok := writer.Files.Install(wf, 0, false)
	require.True(t, ok)
	epollTest{t, writer}.write(int32(wfd))
	require.NotEqual(t, proc.Sleeping, tk.State, "the write woke the waiter")
	tk.k.retry(tk)
	require.Nil(t, tk.call)
	require.Equal(t, uint64(1), tk.Regs.X[10])
	require.Equal(t, []uint64{in | 6}, e.events(va, 1), "the inner instance's event, through the outer one")

	require.NoError(t, tk.AS.WriteBytes(pfd, b[:]))
	require.Equal(t, int64(1), e.call(abi.SysPpoll, pfd, 1, ts, 0, 8))
	require.NoError(t, tk.AS.ReadBytes(pfd, b[:]))
	require.Equal(t, uint16(abi.POLLIN), binary.LittleEndian.Uint16(b[6:]), "ppoll sees the epoll fd readable")
}

func TestEpollErrors(t *testing.T) {
	_, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	ep := e.call(abi.SysEpollCreate1, abi.EPOLL_CLOEXEC)
	require.True(t, tk.Files.CloseOnExecOf(int(ep)))
	require.Equal(t, -int64(abi.EINVAL), e.call(abi.SysEpollCreate1, 1))
	r, w := e.pipe()
	require.Equal(t, -int64(abi.EINVAL), e.ctl(ep, abi.EPOLL_CTL_ADD, int32(ep), abi.EPOLLIN, 0), "epfd == fd")
	require.Equal(t, -int64(abi.EINVAL), e.ctl(int64(r), abi.EPOLL_CTL_ADD, w, abi.EPOLLIN, 0), "epfd not an epoll fd")
	require.Equal(t, -int64(abi.ENOENT), e.ctl(ep, abi.EPOLL_CTL_MOD, r, abi.EPOLLIN, 0))
	require.Equal(t, -int64(abi.ENOENT), e.ctl(ep, abi.EPOLL_CTL_DEL, r, 0, 0))
	require.NoError(t, tk.AS.WriteBytes(scratch(tk)+600, []byte("/\x00")))
	dir := e.call(abi.SysOpenat, uint64(abi.AT_FDCWD&0xffffffff), scratch(tk)+600, abi.O_RDONLY, 0)
	require.GreaterOrEqual(t, dir, int64(0))
	require.Equal(t, -int64(abi.EPERM), e.ctl(ep, abi.EPOLL_CTL_ADD, int32(dir), abi.EPOLLIN, 0), "a directory")
	require.Equal(t, -int64(abi.EINVAL), e.ctl(ep, 99, r, abi.EPOLLIN, 0))
	require.Equal(t, -int64(abi.EFAULT), e.call(abi.SysEpollCtl, uint64(ep), abi.EPOLL_CTL_ADD, uint64(r), 0))
	require.Equal(t, -int64(abi.EINVAL), e.call(abi.SysEpollPwait, uint64(ep), scratch(tk), 0, 0, 0, 8))
	require.Equal(t, -int64(abi.EBADF), e.call(abi.SysEpollPwait, 40, scratch(tk), 1, 0, 0, 8))
	ts := scratch(tk) + 512
	var b [16]byte
	binary.LittleEndian.PutUint64(b[8:], 1e9)
	require.NoError(t, tk.AS.WriteBytes(ts, b[:]))
	require.Equal(t, -int64(abi.EINVAL), e.call(abi.SysEpollPwait2, uint64(ep), scratch(tk), 1, ts, 0, 8))
	require.NoError(t, tk.AS.WriteBytes(ts, make([]byte, 16)))
	require.Zero(t, e.call(abi.SysEpollPwait2, uint64(ep), scratch(tk), 1, ts, 0, 8), "a zero timespec polls")
}

// A description keeps the instances that watch it (for eventpoll_release
// at its close) only while they do: EPOLL_CTL_DEL, and the close of the
// instance, take the instance off the description's list. A server that
// adds and deletes the same descriptor at every request must not grow the
// list, nor keep a closed instance alive through it.
func TestEpollDelForgetsTheInstance(t *testing.T) {
	_, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	ep := e.call(abi.SysEpollCreate1, 0)
	r, _ := e.pipe()
	rf, err := (&call{t: tk}).file(r)
	require.NoError(t, err)
	for range 100 {
		require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 1))
		require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_DEL, r, 0, 0))
	}
	require.Empty(t, rf.epolls, "deleted: the description is watched by nobody")

	d := e.call(abi.SysDup, uint64(r))
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, r, abi.EPOLLIN, 1))
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_ADD, int32(d), abi.EPOLLIN, 2))
	require.Len(t, rf.epolls, 1, "two items of one instance on one description")
	require.Zero(t, e.ctl(ep, abi.EPOLL_CTL_DEL, r, 0, 0))
	require.Len(t, rf.epolls, 1, "the dup's item still watches it")
	require.Zero(t, e.call(abi.SysClose, uint64(ep)))
	require.Empty(t, rf.epolls, "the closed instance watches nothing")
}

// The loop check walks each instance once per depth, not once per path (a
// lattice of four levels of 40 instances, each watching all 40 of the level
// below, has 40^3 paths below one top instance): it still answers ADDs
// across the lattice and finds a circle through it.
func TestEpollLoopCheckIsLinear(t *testing.T) {
	_, tk, _ := epollMachine(t)
	e := epollTest{t, tk}
	const width, levels = 40, 4
	var below, bottom []int64
	for range levels {
		var level []int64
		for range width {
			ep := e.call(abi.SysEpollCreate1, 0)
			require.GreaterOrEqual(t, ep, int64(0))
			for _, inner := range below {
				require.Equal(t, int64(0), e.ctl(ep, abi.EPOLL_CTL_ADD, int32(inner), abi.EPOLLIN, 0))
			}
			level = append(level, ep)
		}
		if bottom == nil {
			bottom = level
		}
		below = level
	}
	top := e.call(abi.SysEpollCreate1, 0)
	require.Equal(t, int64(0), e.ctl(top, abi.EPOLL_CTL_ADD, int32(below[0]), abi.EPOLLIN, 0))
	// A circle through the lattice is still found: top reaches every
	// instance of the bottom level.
	require.Equal(t, -int64(abi.ELOOP), e.ctl(bottom[width-1], abi.EPOLL_CTL_ADD, int32(top), abi.EPOLLIN, 0))
}
