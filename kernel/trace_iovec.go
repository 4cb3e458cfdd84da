package kernel

// The trace of the calls that move data through arrays of buffers and
// of those that return a socket address, as strace writes them:
//
//	writev(1, [{iov_base="hello", iov_len=5}, {iov_base=" world\n", iov_len=7}], 2) = 12
//	readv(3, [{iov_base="hel", iov_len=3}, {iov_base="lo", iov_len=64}], 2) = 5
//	sendmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hi", iov_len=2}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 2
//	accept(3, {sa_family=AF_INET, sin_port=htons(54372), sin_addr=inet_addr("10.0.0.1")}, [16]) = 4
//
// What a call fills (readv's buffers, recvmsg's header, accept's address)
// is shown once it has returned, as much as it returned; while it sleeps,
// or when it failed, its address. Everything is read through the peeker,
// like the rest of the trace.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const iovecSize = 16 // struct iovec {void *iov_base; size_t iov_len;}

// formatIovecs renders n iovecs at va: each buffer's bytes as a string,
// cut as the trace cuts a buffer. Of a call that wrote them (writev,
// sendmsg) data is -1 and every buffer is shown whole; of one that read
// into them (readv, recvmsg) data is how many bytes it read, which fill
// the buffers in order, and a buffer past them shows "". False if the
// array cannot be read at all.
func formatIovecs(as userMemory, va uint64, n, data int64) (string, bool) {
	if va != 0 && n < 0 {
		return "", false
	}
	return formatArray(as, va, uint64(n), iovecSize, func(sb *strings.Builder, b []byte) {
		base, size := binary.LittleEndian.Uint64(b[0:]), binary.LittleEndian.Uint64(b[8:])
		shown := size
		if data >= 0 {
			shown = min(size, uint64(data))
			data -= int64(shown)
		}
		sb.WriteString("{iov_base=")
		buf := make([]byte, min(shown, traceBytes+1))
		if as.ReadBytes(base, buf) == nil {
			sb.Write(appendQuoted(nil, buf, traceBytes))
		} else {
			sb.Write(appendPointer(nil, base))
		}
		fmt.Fprintf(sb, ", iov_len=%d}", size)
	})
}

// formatMsghdr renders sendmsg's or recvmsg's struct msghdr: its address
// decoded (msg_namelen bytes of it), its iovecs as formatIovecs does
// (data bytes of them, -1 for all), and the control buffer by its
// address and length.
func formatMsghdr(as userMemory, va uint64, data int64) (string, bool) {
	var b [msghdrSize]byte
	if va == 0 || as.ReadBytes(va, b[:]) != nil {
		return "", false
	}
	le := binary.LittleEndian
	h := msghdr{name: le.Uint64(b[0:]), namelen: le.Uint32(b[8:]), iov: le.Uint64(b[16:]), iovlen: le.Uint64(b[24:]),
		control: le.Uint64(b[32:]), controllen: le.Uint64(b[40:])}
	var sb strings.Builder
	sb.WriteString("{msg_name=")
	sb.WriteString(formatSockaddrAt(as, h.name, int64(h.namelen)))
	fmt.Fprintf(&sb, ", msg_namelen=%d, msg_iov=", h.namelen)
	if s, ok := formatIovecs(as, h.iov, int64(h.iovlen), data); ok {
		sb.WriteString(s)
	} else {
		sb.Write(appendPointer(nil, h.iov))
	}
	fmt.Fprintf(&sb, ", msg_iovlen=%d", h.iovlen)
	if h.controllen != 0 {
		sb.WriteString(", msg_control=")
		sb.Write(appendPointer(nil, h.control))
	}
	fmt.Fprintf(&sb, ", msg_controllen=%d, msg_flags=%s}", h.controllen, flagNames(uint64(le.Uint32(b[48:])), msgFlags))
	return sb.String(), true
}

// formatSockaddrAt renders the n bytes of socket address at va, as
// formatSockaddr does; NULL, or its address if it cannot be read.
func formatSockaddrAt(as userMemory, va uint64, n int64) string {
	if va == 0 {
		return "NULL"
	}
	if n < 0 || n > sockaddrMax {
		return pointerArg(va)
	}
	raw := make([]byte, n)
	if as.ReadBytes(va, raw) != nil {
		return pointerArg(va)
	}
	return formatSockaddr(raw)
}

// formatSockaddrOut renders the socket address a call returned at va,
// its socklen_t at lenVA: as many bytes as were written, the lesser of
// the length asked (c.addrlenIn) and the address's own; the address va
// when that is not even a family (a stream's recvfrom names no sender).
func formatSockaddrOut(c *call, va, lenVA uint64) (string, bool) {
	if va == 0 {
		return "NULL", true
	}
	out, ok := peekSocklen(c, lenVA)
	if !ok {
		return "", false
	}
	if n := min(out, c.addrlenIn); n >= 2 {
		return formatSockaddrAt(c.peek(), va, int64(n)), true
	}
	return pointerArg(va), true
}

// formatSocklen renders the socklen_t a call returned a socket address's
// length in: "[16]", or as strace does when the length asked differs,
// "[128 => 16]" (what the caller had room for, then the address's length).
func formatSocklen(c *call, lenVA uint64) (string, bool) {
	out, ok := peekSocklen(c, lenVA)
	if !ok {
		return "", false
	}
	if c.addrlenIn != out {
		return fmt.Sprintf("[%d => %d]", c.addrlenIn, out), true
	}
	return fmt.Sprintf("[%d]", out), true
}

// peekSocklen reads *addrlen of a call that copied a socket address out
// (putSockaddrRaw, which kept the length asked in c.addrlenIn).
func peekSocklen(c *call, lenVA uint64) (int32, bool) {
	var b [4]byte
	if !c.addrPut || lenVA == 0 || c.peek().ReadBytes(lenVA, b[:]) != nil {
		return 0, false
	}
	return int32(binary.LittleEndian.Uint32(b[:])), true
}
