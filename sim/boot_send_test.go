package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// bootSendSrc: alice sends a UDP datagram to bob 50 us after he boots
// again, and reads 3 ms later without waiting (scenario text below).
const bootSendSrc = `# alice spins until rdtime reaches 2050000, then sends one UDP datagram on
# a connected socket to bob, who lost power at 1000 and booted again at
# 2000000 with nothing on port 7777. 3 ms later she reads without
# waiting: ECONNREFUSED (exit 111) if bob's ICMP port unreachable came
# back, EAGAIN (exit 11) if the datagram was lost.
machine mem=16M quantum=10000 trapcost=0 seed=1 limit=100000000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
at 1000 down bob
at 2000000 up bob
spawn on alice send.s
expect exit on alice pid 2 111
-- send.s --
	.data
addr:	.half 2
	.byte 0x1e, 0x61
	.byte 10, 0, 0, 2
	.dword 0
msg:	.ascii "hi"
	.align 3
nap:	.dword 0, 3000000
buf:	.space 8
	.text
	.globl _start
_start:
	li s1, 2050000
spin:	rdtime t0
	bltu t0, s1, spin
	li a0, 2
	li a1, 2
	li a2, 0
	li a7, SYS_socket
	ecall
	mv s0, a0
	la a1, addr
	li a2, 16
	li a7, SYS_connect
	ecall
	mv a0, s0
	la a1, msg
	li a2, 2
	li a7, SYS_write
	ecall
	la a0, nap
	li a1, 0
	li a7, SYS_nanosleep
	ecall
	mv a0, s0
	la a1, buf
	li a2, 8
	li a3, 0x40
	li a4, 0
	li a5, 0
	li a7, SYS_recvfrom
	ecall
	neg a0, a0
	li a7, SYS_exit
	ecall
`

// TestSendJustAfterBoot: a frame sent to a host just after it boots
// again reaches the new boot (here, its ICMP port unreachable comes back:
// exit 111), whether the run is traced or not.
//
// The cluster used to let the other hosts run past the boot of a host
// that was off (up to their lookahead, or further while tracing) before
// powering it on, so the wire dropped the frame as sent to a host down,
// and only when traced. And with a reboot sooner than the link's latency
// after the power loss, alice ran past both before bob lost power: her
// frame, sent after his boot, was on its way when he lost power, and
// died with him (a drop at cycle 1000 of a frame sent at 3000).
func TestSendJustAfterBoot(t *testing.T) {
	for _, c := range []struct{ spin, up string }{
		{"2050000", "2000000"}, // sent 50 us after the boot
		{"3000", "2000"},       // down 1 us, far less than the link's 1 ms
	} {
		src := strings.Replace(strings.Replace(bootSendSrc, "li s1, 2050000", "li s1, "+c.spin, 1),
			"at 2000000 up bob", "at "+c.up+" up bob", 1)
		s, err := parse("boot_send.txtar", []byte(src), noDisk)
		require.NoError(t, err)
		for _, traced := range []bool{false, true} {
			o, err := s.Run(Options{KeepTrace: traced})
			require.NoError(t, err)
			require.Empty(t, s.Check(o), "up at %s, traced %v", c.up, traced)
			for _, e := range o.Trace {
				require.NotContains(t, e.Text, "dropped (host down)", "at cycle %d", e.Cycle)
			}
		}
	}
}

// TestUpPastTheLimit: a host whose next boot comes at or after the cycle
// limit stays down for good: its run ended when it lost power, it does
// not boot past the limit, and a pause while it is off announces no boot.
func TestUpPastTheLimit(t *testing.T) {
	s, err := Load("../testdata/scenarios/hosts_two.txtar")
	require.NoError(t, err)
	s.Downs = append(s.Downs, Down{Host: 1, At: s.Machine.CycleLimit * 5, Up: true})
	o, err := s.Run(Options{})
	require.NoError(t, err)
	bob := o.Hosts[1].Result
	require.True(t, bob.Down)
	require.Equal(t, uint64(10000), bob.Cycles, "down for good at its power loss")
	require.Equal(t, "lost power at cycle 10000", HostEnd(bob).String())

	o, err = s.Run(Options{PauseAt: s.Machine.CycleLimit * 2})
	require.NoError(t, err)
	require.Zero(t, o.Hosts[1].Result.UpAt, "no boot after the limit")
	require.NotNil(t, HostEnd(o.Hosts[1].Result))
}

// TestPowerLossPastItsCycle: a host whose clock passes its own power loss
// by the end of a system call (bob: trap cost 1000, the loss at 5000,
// taken at 5012) does not stall the others. horizon bounded every other
// host by the loss's cycle, and alice, standing between it and bob's
// clock, was picked for ever without moving. Traced and untraced, the
// run ends: alice at the cycle limit, bob down at 5012.
func TestPowerLossPastItsCycle(t *testing.T) {
	const src = `machine mem=16M quantum=10000 trapcost=1000 seed=1 limit=1000000
host alice ip=10.0.0.1 trapcost=7
host bob ip=10.0.0.2
link alice bob latency=1us
spawn on alice busy.s
spawn on bob busy.s
at 5000 down bob
` + busySrc
	s, err := parse("overshoot.txtar", []byte(src), noDisk)
	require.NoError(t, err)
	for _, traced := range []bool{false, true} { // before the fix, each hung (go test's -timeout ends it)
		o, err := s.Run(Options{KeepTrace: traced})
		require.NoError(t, err)
		require.True(t, o.Hosts[1].Result.Down)
		require.Equal(t, uint64(5012), o.Hosts[1].Result.Cycles, "bob takes the loss at his clock")
		require.Equal(t, uint64(1000001), o.Hosts[0].Result.Cycles, "alice runs to the limit")
	}
}
