package kernel

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// Socket calls made directly by processes that never run (as in
// names_perm_test.go): each call's arguments are registers, and buffers
// live below the caller's stack pointer.

type sockTester struct {
	t     *testing.T
	k     *Kernel
	tasks map[string]*Task
}

func newSockTester(t *testing.T) *sockTester {
	k, tasks := permMachine(t)
	return &sockTester{t: t, k: k, tasks: tasks}
}

// mem returns an address in who's memory, off bytes below its stack.
func (st *sockTester) mem(who string, off uint64) uint64 { return st.tasks[who].Regs.X[2] - 8192 + off }

func (st *sockTester) write(who string, va uint64, b []byte) {
	require.NoError(st.t, st.tasks[who].AS.WriteBytes(va, b))
}

func (st *sockTester) read(who string, va uint64, n int) []byte {
	b := make([]byte, n)
	require.NoError(st.t, st.tasks[who].AS.ReadBytes(va, b))
	return b
}

// call makes a call as who and returns a0 (or -errno); blocked reports a
// call that went to sleep (it is abandoned).
func (st *sockTester) call(who string, no abi.Sysno, args ...uint64) (ret int64, blocked bool) {
	tk := st.tasks[who]
	for i := range 6 {
		tk.Regs.X[10+i] = 0
	}
	for i, a := range args {
		tk.Regs.X[10+i] = a
	}
	tk.Regs.X[17] = uint64(no)
	st.k.syscall(tk)
	if tk.call != nil {
		c := tk.call
		tk.call = nil
		st.k.abandon(c)
		st.k.dropSleeper(tk)
		return 0, true
	}
	return int64(tk.Regs.X[10]), false
}

func (st *sockTester) ok(who string, no abi.Sysno, args ...uint64) int64 {
	st.t.Helper()
	r, blocked := st.call(who, no, args...)
	require.False(st.t, blocked, "%v blocked", no)
	require.GreaterOrEqual(st.t, r, int64(0), "%v: %v", no, errName(r))
	return r
}

func (st *sockTester) fails(want abi.Errno, who string, no abi.Sysno, args ...uint64) {
	st.t.Helper()
	r, blocked := st.call(who, no, args...)
	require.False(st.t, blocked, "%v blocked", no)
	require.Equal(st.t, errName(-int64(want)), errName(r), "%v", no)
}

func (st *sockTester) blocks(who string, no abi.Sysno, args ...uint64) {
	st.t.Helper()
	r, blocked := st.call(who, no, args...)
	require.True(st.t, blocked, "%v returned %s", no, errName(r))
}

// sockaddr writes a struct sockaddr_un for path at va and returns its length.
func (st *sockTester) sockaddr(who string, va uint64, path string) uint64 {
	b := append([]byte{abi.AF_UNIX, 0}, path...)
	if path == "" || path[0] != 0 {
		b = append(b, 0)
	}
	st.write(who, va, b)
	return uint64(len(b))
}

func TestSocketpairStream(t *testing.T) {
	st := newSockTester(t)
	sv := st.mem("root", 0)
	st.ok("root", abi.SysSocketpair, abi.AF_UNIX, abi.SOCK_STREAM, 0, sv)
	fds := st.read("root", sv, 8)
	a, b := uint64(binary.LittleEndian.Uint32(fds)), uint64(binary.LittleEndian.Uint32(fds[4:]))
	buf := st.mem("root", 64)
	st.write("root", buf, []byte("hello"))
	require.Equal(t, int64(5), st.ok("root", abi.SysWrite, a, buf, 5))
	require.Equal(t, int64(3), st.ok("root", abi.SysWrite, a, buf, 3))
	out := st.mem("root", 128)
	require.Equal(t, int64(8), st.ok("root", abi.SysRead, b, out, 100), "a stream read takes what is there")
	require.Equal(t, "hellohel", string(st.read("root", out, 8)))
	st.blocks("root", abi.SysRead, b, out, 100)
	st.ok("root", abi.SysShutdown, a, abi.SHUT_WR)
	require.Equal(t, int64(0), st.ok("root", abi.SysRead, b, out, 100), "EOF after the peer's SHUT_WR")
	st.ok("root", abi.SysClose, b)
	st.tasks["root"].Sig.Mask = ^abi.SigSet(0) // SIGPIPE stays pending
	st.fails(abi.EPIPE, "root", abi.SysWrite, a, buf, 5)
	st.fails(abi.EAFNOSUPPORT, "root", abi.SysSocket, abi.AF_INET6, abi.SOCK_STREAM, 0) // IPv6 is not simulated
	st.fails(abi.EOPNOTSUPP, "root", abi.SysSocketpair, abi.AF_INET, abi.SOCK_STREAM, 0, sv)
	st.fails(abi.ESOCKTNOSUPPORT, "root", abi.SysSocket, abi.AF_UNIX, 4, 0)
	st.fails(abi.EINVAL, "root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM|0x10000, 0)
}

func TestStreamListenConnectAccept(t *testing.T) {
	st := newSockTester(t)
	srv := uint64(st.ok("user", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0))
	addr := st.mem("user", 0)
	n := st.sockaddr("user", addr, "/tmp/s")
	st.ok("user", abi.SysBind, srv, addr, n)
	st.fails(abi.EINVAL, "user", abi.SysBind, srv, addr+200, st.sockaddr("user", addr+200, "/tmp/t"))
	other := uint64(st.ok("user", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0))
	st.fails(abi.EADDRINUSE, "user", abi.SysBind, other, addr, n)
	cli := uint64(st.ok("other", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM|abi.SOCK_NONBLOCK, 0))
	caddr := st.mem("other", 0)
	cn := st.sockaddr("other", caddr, "/tmp/s")
	st.fails(abi.EACCES, "other", abi.SysConnect, cli, caddr, cn) // write permission comes first
	rc := uint64(st.ok("root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0))
	st.fails(abi.ECONNREFUSED, "root", abi.SysConnect, rc, st.mem("root", 900), st.sockaddr("root", st.mem("root", 900), "/tmp/s")) // not listening
	st.ok("user", abi.SysListen, srv, 0)
	st.fails(abi.EACCES, "other", abi.SysConnect, cli, caddr, cn) // the 0755 socket file is not writable by others
	// root connects: backlog 0 takes one connection, then EAGAIN.
	c1 := uint64(st.ok("root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM|abi.SOCK_NONBLOCK, 0))
	c2 := uint64(st.ok("root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM|abi.SOCK_NONBLOCK, 0))
	c3 := uint64(st.ok("root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0))
	raddr := st.mem("root", 0)
	rn := st.sockaddr("root", raddr, "/tmp/s")
	st.ok("root", abi.SysConnect, c1, raddr, rn)
	st.fails(abi.EAGAIN, "root", abi.SysConnect, c1, raddr, rn) // the backlog is tested first
	st.fails(abi.EAGAIN, "root", abi.SysConnect, c2, raddr, rn)
	st.blocks("root", abi.SysConnect, c3, raddr, rn)
	buf := st.mem("root", 256)
	st.write("root", buf, []byte("ping"))
	require.Equal(t, int64(4), st.ok("root", abi.SysWrite, c1, buf, 4), "data may go before accept")
	peer := st.mem("user", 512)
	plen := st.mem("user", 640)
	st.write("user", plen, []byte{110, 0, 0, 0})
	conn := uint64(st.ok("user", abi.SysAccept, srv, peer, plen))
	require.Equal(t, []byte{2, 0, 0, 0}, st.read("user", plen, 4), "an unbound client's name is the family alone")
	out := st.mem("user", 256)
	require.Equal(t, int64(4), st.ok("user", abi.SysRead, conn, out, 64))
	require.Equal(t, "ping", string(st.read("user", out, 4)))
	st.fails(abi.EISCONN, "root", abi.SysConnect, c1, raddr, rn)
	st.ok("root", abi.SysConnect, c2, raddr, rn) // room again
	// unlink: the socket stays bound, but nobody reaches it by name.
	st.ok("user", abi.SysUnlinkat, atFDCWD, addr+2, 0)
	c4 := uint64(st.ok("root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0))
	st.fails(abi.ENOENT, "root", abi.SysConnect, c4, raddr, rn)
	nl := st.mem("user", 700)
	st.write("user", nl, []byte{110, 0, 0, 0})
	st.ok("user", abi.SysGetsockname, srv, peer, nl)
	require.Equal(t, []byte("\x01\x00/tmp/s\x00"), st.read("user", peer, 9))
	require.Equal(t, []byte{9, 0, 0, 0}, st.read("user", nl, 4))
	// Closing the listener resets the connection not yet accepted.
	st.ok("user", abi.SysClose, srv)
	st.fails(abi.ECONNRESET, "root", abi.SysRead, c2, buf, 10)
	require.Equal(t, int64(0), st.ok("root", abi.SysRead, c2, buf, 10))
}

var atFDCWD = func() uint64 { v := int64(abi.AT_FDCWD); return uint64(v) }()

// SO_REUSEADDR and SO_KEEPALIVE: Linux keeps them for any socket (a server
// written for TCP sets them on its Unix socket too) and reads them back.
func TestSocketGenericOptions(t *testing.T) {
	st := newSockTester(t)
	fd := uint64(st.ok("root", abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0))
	one, val, vlen := st.mem("root", 0), st.mem("root", 8), st.mem("root", 16)
	st.write("root", one, []byte{1, 0, 0, 0})
	for _, opt := range []uint64{abi.SO_REUSEADDR, abi.SO_KEEPALIVE} {
		st.write("root", vlen, []byte{4, 0, 0, 0})
		st.ok("root", abi.SysGetsockopt, fd, abi.SOL_SOCKET, opt, val, vlen)
		require.Equal(t, uint32(0), binary.LittleEndian.Uint32(st.read("root", val, 4)), "option %d off at first", opt)
		st.ok("root", abi.SysSetsockopt, fd, abi.SOL_SOCKET, opt, one, 4)
		st.ok("root", abi.SysGetsockopt, fd, abi.SOL_SOCKET, opt, val, vlen)
		require.Equal(t, uint32(1), binary.LittleEndian.Uint32(st.read("root", val, 4)), "option %d on", opt)
	}
}

// A control buffer longer than the kernel allows for socket options'
// memory (sock_kmalloc against net.core.optmem_max) fails with ENOBUFS
// before anything is read: a guest must not make the simulator allocate
// the 2 GiB that msg_controllen may claim.
func TestSendmsgControlTooLong(t *testing.T) {
	st := newSockTester(t)
	sv := st.mem("root", 0)
	st.ok("root", abi.SysSocketpair, abi.AF_UNIX, abi.SOCK_DGRAM, 0, sv)
	a := uint64(binary.LittleEndian.Uint32(st.read("root", sv, 4)))
	hdr := st.mem("root", 64)
	var h [msghdrSize]byte
	binary.LittleEndian.PutUint64(h[32:], st.mem("root", 256)) // msg_control
	binary.LittleEndian.PutUint64(h[40:], 1<<31-1)             // msg_controllen
	st.write("root", hdr, h[:])
	st.fails(abi.ENOBUFS, "root", abi.SysSendmsg, a, hdr, 0)
}

// TestSocketPathsStartAtTheRoot: an absolute socket path is looked up from
// the root whatever the working directory is (ipcsim exec starts programs
// in the host's folder); it used to start at the working directory, so
// unix_bind's binds under /tmp said ENOENT there.
func TestSocketPathsStartAtTheRoot(t *testing.T) {
	dir := filepath.Join("..", "testdata", "linux")
	elf, err := os.ReadFile(filepath.Join(dir, "bin", "unix_bind"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(dir, "unix_bind.out"))
	require.NoError(t, err)
	var out bytes.Buffer
	k := New(Config{Stdout: &out, Files: []File{
		{Path: "/unix_bind", Data: elf, Mode: 0o755},
		{Path: "/home/user/notes", Data: []byte("x"), Mode: 0o644},
	}})
	require.NoError(t, k.SetWorkDir("/home/user"))
	_, err = k.Spawn("/unix_bind", []string{"bin/unix_bind"}, nil)
	require.NoError(t, err)
	res := k.Run()
	require.Equal(t, StopAllExited, res.Reason)
	require.Equal(t, string(want), out.String())
}
