package kernel

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// iovecs lays out struct iovec {base, len} pairs.
func iovecs(pairs ...uint64) []byte {
	var b []byte
	for _, v := range pairs {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

// msghdrOf is a struct msghdr with no name and no control buffer.
func msghdrOf(iov, iovlen uint64) []byte {
	b := make([]byte, msghdrSize)
	binary.LittleEndian.PutUint64(b[16:], iov)
	binary.LittleEndian.PutUint64(b[24:], iovlen)
	return b
}

func socklen(n uint32) []byte { return binary.LittleEndian.AppendUint32(nil, n) }

// writev shows each buffer it writes, cut as other buffers are; readv,
// after the call, the bytes it read, filling its buffers in order; while
// it sleeps, or when it failed, the array's address.
func TestTraceIovec(t *testing.T) {
	p := newPollTrace(t)
	r, w := p.pipe()
	b1, b2 := p.put(256, []byte("hello")), p.put(272, []byte(" world\n"))
	iov := p.put(128, iovecs(b1, 5, b2, 7))
	require.Equal(t, int64(12), p.call(abi.SysWritev, uint64(w), iov, 2))
	require.Equal(t, fmt.Sprintf(`writev(%d, [{iov_base="hello", iov_len=5}, {iov_base=" world\n", iov_len=7}], 2) = 12`, w), p.lines["syscall"])

	in := p.put(160, iovecs(scratch(p.tk)+512, 3, scratch(p.tk)+768, 64, scratch(p.tk)+1024, 8))
	require.Equal(t, int64(12), p.call(abi.SysReadv, uint64(r), in, 3))
	require.Equal(t, fmt.Sprintf(`readv(%d, [{iov_base="hel", iov_len=3}, {iov_base="lo world\n", iov_len=64}, {iov_base="", iov_len=8}], 3) = 12`, r),
		p.lines["syscall"])

	// A long buffer is cut at 32 bytes; an array that cannot be read is
	// its address, and so is readv's when the call failed.
	long := p.put(2048, []byte(strings.Repeat("y", 40)))
	require.Equal(t, int64(40), p.call(abi.SysWritev, uint64(w), p.put(128, iovecs(long, 40)), 1))
	require.Equal(t, fmt.Sprintf(`writev(%d, [{iov_base="%s"..., iov_len=40}], 1) = 40`, w, strings.Repeat("y", 32)), p.lines["syscall"])
	require.Equal(t, -int64(abi.EFAULT), p.call(abi.SysWritev, uint64(w), 8, 1))
	require.Equal(t, fmt.Sprintf("writev(%d, 0x8, 1) = -1 EFAULT (Bad address)", w), p.lines["syscall"])
	require.Equal(t, -int64(abi.EINVAL), p.call(abi.SysWritev, uint64(w), iov, 0xffffffff)) // an int: -1
	require.Equal(t, fmt.Sprintf("writev(%d, %#x, -1) = -1 EINVAL (Invalid argument)", w, iov), p.lines["syscall"])
	require.Equal(t, -int64(abi.EBADF), p.call(abi.SysReadv, 40, in, 3))
	require.Equal(t, fmt.Sprintf("readv(40, %#x, 3) = -1 EBADF (Bad file descriptor)", in), p.lines["syscall"])

	// A readv that sleeps shows the array's address.
	require.Equal(t, int64(40), p.call(abi.SysRead, uint64(r), scratch(p.tk)+1024, 40))
	_, blocked := ecall(p.tk, abi.SysReadv, uint64(r), in, 3)
	require.True(t, blocked)
	require.Contains(t, p.lines["block"], fmt.Sprintf("readv(%d, %#x, 3) blocks: ", r, in))
}

// The socket address a call returns is shown after it, as many bytes as
// it wrote, with the length asked and the address's own: [110 => 6].
func TestTraceSockaddrOut(t *testing.T) {
	p := newPollTrace(t)
	s := p.call(abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0)
	name := p.put(0, []byte("\x01\x00\x00srv")) // AF_UNIX, abstract "srv"
	require.Zero(t, p.call(abi.SysBind, uint64(s), name, 6))
	require.Zero(t, p.call(abi.SysListen, uint64(s), 4))
	c := p.writerCall(abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0)
	wname := scratch(p.writer)
	require.NoError(t, p.writer.AS.WriteBytes(wname, []byte("\x01\x00\x00srv")))
	require.Zero(t, p.writerCall(abi.SysConnect, uint64(c), wname, 6))

	addr, lenp := scratch(p.tk)+128, p.put(256, socklen(110))
	fd := p.call(abi.SysAccept, uint64(s), addr, lenp)
	require.Equal(t, fmt.Sprintf("accept(%d, {sa_family=AF_UNIX}, [110 => 2]) = %d", s, fd), p.lines["syscall"])

	p.put(256, socklen(110))
	require.Zero(t, p.call(abi.SysGetsockname, uint64(s), addr, lenp))
	require.Equal(t, fmt.Sprintf(`getsockname(%d, {sa_family=AF_UNIX, sun_path=@"srv"}, [110 => 6]) = 0`, s), p.lines["syscall"])
	p.put(256, socklen(6))
	require.Zero(t, p.call(abi.SysGetpeername, uint64(fd), addr, lenp))
	require.Equal(t, fmt.Sprintf(`getpeername(%d, {sa_family=AF_UNIX}, [6 => 2]) = 0`, fd), p.lines["syscall"])
	wlen := scratch(p.writer) + 256
	require.NoError(t, p.writer.AS.WriteBytes(wlen, socklen(6)))
	require.Zero(t, p.writerCall(abi.SysGetpeername, uint64(c), wname, wlen))
	require.Equal(t, fmt.Sprintf(`getpeername(%d, {sa_family=AF_UNIX, sun_path=@"srv"}, [6]) = 0`, c), p.lines["syscall"])

	// Room for the family only: that much is written, and shown (the
	// bytes after it are an earlier call's "srv").
	p.put(256, socklen(2))
	require.Zero(t, p.call(abi.SysGetsockname, uint64(s), addr, lenp))
	require.Equal(t, fmt.Sprintf(`getsockname(%d, {sa_family=AF_UNIX}, [2 => 6]) = 0`, s), p.lines["syscall"])

	// A failed call shows the addresses.
	require.Equal(t, -int64(abi.EBADF), p.call(abi.SysGetsockname, 40, addr, lenp))
	require.Equal(t, fmt.Sprintf("getsockname(40, %#x, %#x) = -1 EBADF (Bad file descriptor)", addr, lenp), p.lines["syscall"])

	// recvfrom's sender, from a bound datagram socket.
	d := p.call(abi.SysSocket, abi.AF_UNIX, abi.SOCK_DGRAM, 0)
	require.Zero(t, p.call(abi.SysBind, uint64(d), p.put(0, []byte("\x01\x00\x00dst")), 6))
	wd := p.writerCall(abi.SysSocket, abi.AF_UNIX, abi.SOCK_DGRAM, 0)
	require.NoError(t, p.writer.AS.WriteBytes(wname, []byte("\x01\x00\x00src\x01\x00\x00dstping")))
	require.Zero(t, p.writerCall(abi.SysBind, uint64(wd), wname, 6))
	require.Equal(t, int64(4), p.writerCall(abi.SysSendto, uint64(wd), wname+12, 4, 0, wname+6, 6))
	buf := scratch(p.tk) + 512
	p.put(256, socklen(16))
	require.Equal(t, int64(4), p.call(abi.SysRecvfrom, uint64(d), buf, 64, 0, addr, lenp))
	require.Equal(t, fmt.Sprintf(`recvfrom(%d, "ping", 64, 0, {sa_family=AF_UNIX, sun_path=@"src"}, [16 => 6]) = 4`, d), p.lines["syscall"])

	// A call that sleeps has written nothing yet: its addresses, shown
	// as NULL when it asks for none.
	_, blocked := ecall(p.tk, abi.SysAccept4, uint64(s), 0, 0, abi.SOCK_CLOEXEC)
	require.True(t, blocked)
	require.Contains(t, p.lines["block"], fmt.Sprintf("accept4(%d, NULL, NULL, SOCK_CLOEXEC) blocks: ", s))
	require.NoError(t, p.writer.AS.WriteBytes(wname, []byte("\x01\x00\x00srv")))
	require.Zero(t, p.writerCall(abi.SysConnect, uint64(p.writerCall(abi.SysSocket, abi.AF_UNIX, abi.SOCK_STREAM, 0)), wname, 6))
	p.k.retry(p.tk)
	require.Nil(t, p.tk.call)
	require.Equal(t, fmt.Sprintf("accept4(%d, NULL, NULL, SOCK_CLOEXEC) = %d", s, p.tk.Regs.X[10]), p.lines["syscall"])
}

// sendmsg's and recvmsg's struct msghdr, its iovecs as writev's and
// readv's: those sent, and after the call those received.
func TestTraceMsghdr(t *testing.T) {
	p := newPollTrace(t)
	sv := p.put(0, make([]byte, 8))
	require.Zero(t, p.call(abi.SysSocketpair, abi.AF_UNIX, abi.SOCK_DGRAM, 0, sv))
	var b [8]byte
	require.NoError(t, p.tk.AS.ReadBytes(sv, b[:]))
	a, z := binary.LittleEndian.Uint32(b[:]), binary.LittleEndian.Uint32(b[4:])

	iov := p.put(64, iovecs(p.put(512, []byte("ping")), 4))
	msg := p.put(128, msghdrOf(iov, 1))
	require.Equal(t, int64(4), p.call(abi.SysSendmsg, uint64(a), msg, abi.MSG_DONTWAIT))
	require.Equal(t, fmt.Sprintf(`sendmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="ping", iov_len=4}], msg_iovlen=1, `+
		`msg_controllen=0, msg_flags=0}, MSG_DONTWAIT) = 4`, a), p.lines["syscall"])

	iov = p.put(64, iovecs(scratch(p.tk)+1024, 64))
	msg = p.put(128, msghdrOf(iov, 1))
	require.Equal(t, int64(4), p.call(abi.SysRecvmsg, uint64(z), msg, 0))
	require.Equal(t, fmt.Sprintf(`recvmsg(%d, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="ping", iov_len=64}], msg_iovlen=1, `+
		`msg_controllen=0, msg_flags=0}, 0) = 4`, z), p.lines["syscall"])

	// A sender with no name: *addrlen becomes 0, and the address is
	// shown as strace does, by where it is.
	msg = p.put(128, msghdrOf(p.put(64, iovecs(scratch(p.tk)+512, 4)), 1))
	require.Equal(t, int64(4), p.call(abi.SysSendmsg, uint64(a), msg, 0))
	addr, lenp := scratch(p.tk)+256, p.put(320, socklen(16))
	require.Equal(t, int64(4), p.call(abi.SysRecvfrom, uint64(z), scratch(p.tk)+1024, 64, 0, addr, lenp))
	require.Equal(t, fmt.Sprintf(`recvfrom(%d, "ping", 64, 0, %#x, [16 => 0]) = 4`, z, addr), p.lines["syscall"])

	_, blocked := ecall(p.tk, abi.SysRecvmsg, uint64(z), msg, 0)
	require.True(t, blocked)
	require.Contains(t, p.lines["block"], fmt.Sprintf("recvmsg(%d, %#x, 0) blocks: ", z, msg))
}

// mq_open's attributes as asked, and mq_getsetattr's new ones and, after
// the call, the old.
func TestTraceMqAttr(t *testing.T) {
	p := newPollTrace(t)
	name := p.put(0, []byte("jobs\000"))
	attr := make([]byte, mqAttrSize)
	binary.LittleEndian.PutUint64(attr[8:], 4)
	binary.LittleEndian.PutUint64(attr[16:], 16)
	mq := p.call(abi.SysMqOpen, name, abi.O_RDWR|abi.O_CREAT, 0600, p.put(64, attr))
	require.Equal(t, fmt.Sprintf(`mq_open("jobs", O_RDWR|O_CREAT, 0600, {mq_flags=0, mq_maxmsg=4, mq_msgsize=16, mq_curmsgs=0}) = %d`, mq),
		p.lines["syscall"])

	set := make([]byte, mqAttrSize)
	binary.LittleEndian.PutUint64(set, abi.O_NONBLOCK)
	old := scratch(p.tk) + 256
	require.Zero(t, p.call(abi.SysMqGetsetattr, uint64(mq), p.put(128, set), old))
	require.Equal(t, fmt.Sprintf("mq_getsetattr(%d, {mq_flags=O_NONBLOCK, mq_maxmsg=0, mq_msgsize=0, mq_curmsgs=0}, "+
		"{mq_flags=0, mq_maxmsg=4, mq_msgsize=16, mq_curmsgs=0}) = 0", mq), p.lines["syscall"])
	require.Equal(t, -int64(abi.EBADF), p.call(abi.SysMqGetsetattr, 40, 0, old))
	require.Equal(t, fmt.Sprintf("mq_getsetattr(40, NULL, %#x) = -1 EBADF (Bad file descriptor)", old), p.lines["syscall"])
}
