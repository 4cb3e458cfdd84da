package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// pipeReboot is a scenario whose host boots again and reuses the name of
// a pipe of its first boot that held unread bytes when the power went.
const pipeReboot = `# A pipe of bob's first boot holds "abc", never read: bob loses power at
# 1000 and boots again at 2000; at 3000 the same program runs on the new
# boot, whose pipe is pipe#1 again, writes "abc" and reads it back.
machine mem=16M quantum=10000 seed=1
host bob ip=10.0.0.2
spawn on bob pipe.s
at 1000 down bob
at 2000 up bob
at 3000 spawn on bob pipe.s
-- pipe.s --
	.data
msg:	.ascii "abc"
	.align 3
fds:	.word 0, 0
nap:	.dword 0, 5000			# struct timespec: 5000 ns
	.bss
buf:	.space 8

	.text
	.globl _start
_start:
	la a0, fds
	li a1, 0
	li a7, SYS_pipe2
	ecall				# pipe2(fds, 0): pipe#1 on a fresh boot
	la t0, fds
	lw a0, 4(t0)
	la a1, msg
	li a2, 3
	li a7, SYS_write
	ecall				# write(fds[1], "abc", 3)
	la a0, nap
	li a1, 0
	li a7, SYS_nanosleep
	ecall				# the first boot loses power here
	la t0, fds
	lw a0, 0(t0)
	la a1, buf
	li a2, 8
	li a7, SYS_read
	ecall				# read(fds[0], buf, 8): the bytes of this boot's write
	li a0, 0
	li a7, SYS_exit
	ecall
`

// TestFlowsPipeAfterReboot: the new boot's read takes the bytes of the
// new boot's write, not those of the pipe of the same name that died with
// the first boot: the timeline's arrow starts at cycle 3016, on the
// track of pid 2 of the second boot; the Mermaid diagram draws one arrow,
// within the second boot.
func TestFlowsPipeAfterReboot(t *testing.T) {
	s, err := Parse("../testdata/scenarios/pipe_reboot.txtar", []byte(pipeReboot))
	require.NoError(t, err)
	var sink flowSink
	tl := NewTimeline(&sink, []string{"bob"}, true)
	var b strings.Builder
	m := NewMermaidHosts(&b, 100, []string{"bob"})
	o, err := s.Run(Options{Trace: func(e *kernel.Event) { tl.Event(e); m.Event(e) }})
	require.NoError(t, err)
	tl.Close(o.Result.Cycles)
	require.NoError(t, m.Close())
	p2 := 2 + TimelineBootStride // pid 2 of the second boot
	require.Equal(t, []string{fmt.Sprintf("bytes pipe#1: 3 bytes: 0/%d@3016 -> 0/%d@8027", p2, p2)},
		filterPrefix(sink.flows, "bytes "))
	require.Contains(t, b.String(), "    H1P2B2->>H1P2B2: pipe#35;1: 3 bytes\n")
	require.Equal(t, 1, strings.Count(b.String(), "pipe#35;1"), b.String())
}

// filterPrefix returns the strings of ss that begin with prefix.
func filterPrefix(ss []string, prefix string) []string {
	var out []string
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// TestIPCFlowsReboot: bob (host 1) loses power at 30 and boots again at
// 50. What alice sent him before the new boot began, on a TCP connection
// whose name a connection of the new boot takes again, is never
// received; what he sent her before, she may still read, and its arrow
// starts in his first boot; his pipes and queues of the new boot reuse
// the old ones' names but none of their sends. A datagram sent to him at
// the very cycle of his boot reaches the new boot (the cluster powers a
// host on before the others run past that cycle).
func TestIPCFlowsReboot(t *testing.T) {
	f := newIPCFlows()
	var got []string
	arrow := func(a flowArrow) {
		got = append(got, fmt.Sprintf("%s: %d/%d/%d@%d -> %d/%d/%d@%d", a.label,
			a.from.host, a.from.boot, a.from.pid, a.from.at, a.to.host, a.to.boot, a.to.pid, a.to.at))
	}
	ret := func(n int64) *int64 { return &n }
	const toBob, toAlice = "tcp 10.0.0.1:40000>10.0.0.2:80", "tcp 10.0.0.2:80>10.0.0.1:40000"
	type ev struct {
		host int
		e    kernel.Event
	}
	for _, x := range []ev{
		{0, kernel.Event{Cycle: 10, PID: 2, Kind: "syscall", Syscall: "write", Ret: ret(5), Obj: "inet#1", Via: toBob}},
		{1, kernel.Event{Cycle: 20, PID: 2, Kind: "syscall", Syscall: "write", Ret: ret(7), Obj: "inet#2", Via: toAlice}},
		{1, kernel.Event{Cycle: 25, PID: 2, Kind: "syscall", Syscall: "write", Ret: ret(3), Obj: "pipe#1"}},
		{1, kernel.Event{Cycle: 26, PID: 2, Kind: "syscall", Syscall: "msgsnd", Ret: ret(0), Obj: "msq#0", Msg: 1}},
		{1, kernel.Event{Cycle: 27, PID: 2, Kind: "syscall", Syscall: "sendto", Ret: ret(4), Via: "udp 127.0.0.1:5000>127.0.0.1:6000", Msg: 1}},
		{1, kernel.Event{Cycle: 30, Kind: "down", Text: "power lost: the host is down; init and 1 process die with it: pid 2 (x)"}},
		{0, kernel.Event{Cycle: 40, PID: 2, Kind: "syscall", Syscall: "write", Ret: ret(6), Obj: "inet#1", Via: toBob}},
		{1, kernel.Event{Cycle: 50, Kind: "down", Text: kernel.PowerRestored}},
		{0, kernel.Event{Cycle: 45, PID: 2, Kind: "syscall", Syscall: "write", Ret: ret(2), Obj: "inet#1", Via: toBob}},
		{0, kernel.Event{Cycle: 50, PID: 2, Kind: "syscall", Syscall: "sendto", Ret: ret(3), Via: "udp 10.0.0.1:5000>10.0.0.2:7777", Msg: 1}},
		{1, kernel.Event{Cycle: 55, PID: 3, Kind: "syscall", Syscall: "recvfrom", Ret: ret(3), Via: "udp 10.0.0.1:5000>10.0.0.2:7777", Msg: 1}},
		{0, kernel.Event{Cycle: 60, PID: 2, Kind: "syscall", Syscall: "read", Ret: ret(7), Obj: "inet#1", Via: toAlice}},
		{1, kernel.Event{Cycle: 70, PID: 3, Kind: "syscall", Syscall: "write", Ret: ret(4), Obj: "pipe#1"}},
		{1, kernel.Event{Cycle: 71, PID: 3, Kind: "syscall", Syscall: "read", Ret: ret(4), Obj: "pipe#1"}},
		{1, kernel.Event{Cycle: 72, PID: 3, Kind: "syscall", Syscall: "msgrcv", Ret: ret(1), Obj: "msq#0", Msg: 1}},
		{1, kernel.Event{Cycle: 73, PID: 4, Kind: "syscall", Syscall: "msgsnd", Ret: ret(0), Obj: "msq#0", Msg: 1}},
		{1, kernel.Event{Cycle: 74, PID: 3, Kind: "syscall", Syscall: "recvfrom", Ret: ret(4), Via: "udp 127.0.0.1:5000>127.0.0.1:6000", Msg: 1}},
		{0, kernel.Event{Cycle: 80, PID: 2, Kind: "syscall", Syscall: "write", Ret: ret(8), Obj: "inet#3", Via: toBob}},
		{1, kernel.Event{Cycle: 90, PID: 3, Kind: "syscall", Syscall: "read", Ret: ret(8), Obj: "inet#1", Via: toBob}},
	} {
		e := x.e
		if e.Kind == "down" {
			f.power(x.host, &e)
			continue
		}
		f.take(x.host, &e, arrow)
	}
	require.Equal(t, []string{
		"10.0.0.1:5000>10.0.0.2:7777: datagram 1 (3 bytes): 0/0/2@50 -> 1/1/3@55",
		"10.0.0.2:80>10.0.0.1:40000: 7 bytes: 1/0/2@20 -> 0/0/2@60",
		"pipe#1: 4 bytes: 1/1/3@70 -> 1/1/3@71",
		"msq#0: message 1 (1 byte): 1/1/4@72 -> 1/1/3@72", // received before its send's event (early), as a POSIX queue's
		"10.0.0.1:40000>10.0.0.2:80: 8 bytes: 0/0/2@80 -> 1/1/3@90",
	}, got)
	require.Equal(t, 1, f.boot(1))
	require.Zero(t, f.boot(0))
	require.Empty(t, f.unread, "every send received or retired")
	require.Empty(t, f.msgs)
	require.Empty(t, f.early)
}

// TestIPCFlowsLoopbackTCP: a TCP connection over the loopback is named
// per host, as every host has its own: bob's read takes his own write,
// not alice's on the connection of the same name on her host.
func TestIPCFlowsLoopbackTCP(t *testing.T) {
	f := newIPCFlows()
	var got []string
	arrow := func(a flowArrow) {
		got = append(got, fmt.Sprintf("%d/%d@%d -> %d/%d@%d", a.from.host, a.from.pid, a.from.at, a.to.host, a.to.pid, a.to.at))
	}
	ret := func(n int64) *int64 { return &n }
	const via = "tcp 127.0.0.1:40000>127.0.0.1:80"
	f.take(0, &kernel.Event{Cycle: 10, PID: 2, Syscall: "write", Ret: ret(5), Via: via}, arrow)
	f.take(1, &kernel.Event{Cycle: 20, PID: 3, Syscall: "write", Ret: ret(5), Via: via}, arrow)
	f.take(1, &kernel.Event{Cycle: 30, PID: 4, Syscall: "read", Ret: ret(5), Via: via}, arrow)
	f.take(0, &kernel.Event{Cycle: 40, PID: 5, Syscall: "read", Ret: ret(5), Via: via}, arrow)
	require.Equal(t, []string{"1/3@20 -> 1/4@30", "0/2@10 -> 0/5@40"}, got)
}
