package kernel

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// The AF_INET calls on one host's loopback, made directly (sockTester):
// connect's answers blocking and not, SO_ERROR, the names, and the
// argument checks of socket, bind and setsockopt.
func TestInetCalls(t *testing.T) {
	st := newSockTester(t)
	name := st.mem("root", 0)
	putName := func(a string) uint64 {
		st.write("root", name, sockaddrIn(netip.MustParseAddrPort(a)))
		return name
	}
	nameLen := st.mem("root", 64)
	getName := func() netip.AddrPort {
		st.write("root", nameLen, []byte{16, 0, 0, 0})
		_, a, err := parseSockaddrIn(st.read("root", name, 16))
		require.NoError(t, err)
		return a
	}

	st.fails(abi.EPROTONOSUPPORT, "root", abi.SysSocket, abi.AF_INET, abi.SOCK_STREAM, abi.IPPROTO_UDP)
	st.fails(abi.ESOCKTNOSUPPORT, "root", abi.SysSocket, abi.AF_INET, abi.SOCK_SEQPACKET, 0)
	l := uint64(st.ok("root", abi.SysSocket, abi.AF_INET, abi.SOCK_STREAM, 0))
	st.ok("root", abi.SysGetsockname, l, name, nameLen)
	require.Equal(t, netip.MustParseAddrPort("0.0.0.0:0"), getName(), "an unbound socket's name")
	st.fails(abi.EINVAL, "root", abi.SysBind, l, putName("127.0.0.1:80"), 15)
	st.ok("root", abi.SysBind, l, putName("127.0.0.1:80"), 16)
	st.fails(abi.ENOTCONN, "root", abi.SysGetpeername, l, name, nameLen)
	st.ok("root", abi.SysListen, l, 1)

	c := uint64(st.ok("root", abi.SysSocket, abi.AF_INET, abi.SOCK_STREAM|abi.SOCK_NONBLOCK, 0))
	st.fails(abi.EINPROGRESS, "root", abi.SysConnect, c, putName("127.0.0.1:80"), 16)
	st.ok("root", abi.SysConnect, c, putName("127.0.0.1:80"), 16) // the loopback handshake is done
	st.fails(abi.EISCONN, "root", abi.SysConnect, c, putName("127.0.0.1:80"), 16)
	st.ok("root", abi.SysGetpeername, c, name, nameLen)
	require.Equal(t, netip.MustParseAddrPort("127.0.0.1:80"), getName())
	a := uint64(st.ok("root", abi.SysAccept4, l, name, nameLen, abi.SOCK_NONBLOCK))
	st.ok("root", abi.SysGetsockname, c, name, nameLen)
	cname := getName()
	st.ok("root", abi.SysGetpeername, a, name, nameLen)
	require.Equal(t, cname, getName(), "the accepted socket's peer is the client")

	// A refused non-blocking connect: EINPROGRESS, then SO_ERROR
	// ECONNREFUSED once, then 0.
	r := uint64(st.ok("root", abi.SysSocket, abi.AF_INET, abi.SOCK_STREAM|abi.SOCK_NONBLOCK, 0))
	st.fails(abi.EINPROGRESS, "root", abi.SysConnect, r, putName("127.0.0.1:81"), 16)
	val, vlen := st.mem("root", 128), st.mem("root", 136)
	for _, want := range []uint32{uint32(abi.ECONNREFUSED), 0} {
		st.write("root", vlen, []byte{4, 0, 0, 0})
		st.ok("root", abi.SysGetsockopt, r, abi.SOL_SOCKET, abi.SO_ERROR, val, vlen)
		require.Equal(t, want, binary.LittleEndian.Uint32(st.read("root", val, 4)))
	}

	// TCP options: TCP_NODELAY read back, a keepalive count out of range.
	st.write("root", val, []byte{1, 0, 0, 0})
	st.ok("root", abi.SysSetsockopt, c, abi.SOL_TCP, abi.TCP_NODELAY, val, 4)
	st.write("root", val, []byte{0, 0, 0, 0})
	st.write("root", vlen, []byte{4, 0, 0, 0})
	st.ok("root", abi.SysGetsockopt, c, abi.SOL_TCP, abi.TCP_NODELAY, val, vlen)
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(st.read("root", val, 4)))
	st.write("root", val, []byte{200, 0, 0, 0})
	st.fails(abi.EINVAL, "root", abi.SysSetsockopt, c, abi.SOL_TCP, abi.TCP_KEEPCNT, val, 4)
	st.fails(abi.EINVAL, "root", abi.SysSetsockopt, c, abi.SOL_TCP, abi.TCP_NODELAY, val, 3)

	// Data through the pair, and a UDP datagram to a closed port.
	buf := st.mem("root", 256)
	st.write("root", buf, []byte("ping"))
	require.Equal(t, int64(4), st.ok("root", abi.SysWrite, c, buf, 4))
	require.Equal(t, int64(4), st.ok("root", abi.SysRead, a, buf+16, 16))
	require.Equal(t, "ping", string(st.read("root", buf+16, 4)))
	st.fails(abi.EAGAIN, "root", abi.SysRead, a, buf, 16)
	u := uint64(st.ok("root", abi.SysSocket, abi.AF_INET, abi.SOCK_DGRAM, 0))
	st.ok("root", abi.SysConnect, u, putName("127.0.0.1:9"), 16)
	require.Equal(t, int64(4), st.ok("root", abi.SysWrite, u, buf, 4))
	st.fails(abi.ECONNREFUSED, "root", abi.SysRead, u, buf, 16)
}

// TestMqOpenSlashHint: a raw mq_open of "/name" fails with EACCES, as on
// Linux, and the trace says the system call wants the name without its
// slash.
func TestMqOpenSlashHint(t *testing.T) {
	st := newSockTester(t)
	var notes []string
	st.k.cfg.Trace = func(e *Event) {
		if e.Kind == "note" {
			notes = append(notes, e.Text)
		}
	}
	st.k.tracing = true
	name := st.mem("root", 0)
	st.write("root", name, []byte("/queue\x00"))
	st.fails(abi.EACCES, "root", abi.SysMqOpen, name, abi.O_RDWR|abi.O_CREAT, 0600, 0)
	require.Len(t, notes, 1)
	require.Contains(t, notes[0], `without the leading '/'`)
	require.Contains(t, notes[0], `"queue"`)
}
