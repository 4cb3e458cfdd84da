package kernel

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/sim/asm"
)

// clusterTicker writes "tick\n" five times, sleeping NAP ns after each,
// then exits 0.
const clusterTicker = `
	.data
msg:	.ascii "tick\n"
	.align 3
nap:	.dword 0, NAP
	.text
	.globl _start
_start:
	li s0, 5
1:	li a0, 1
	la a1, msg
	li a2, 5
	li a7, SYS_write
	ecall
	la a0, nap
	li a1, 0
	li a7, SYS_nanosleep
	ecall
	addi s0, s0, -1
	bnez s0, 1b
	li a0, 0
	li a7, SYS_exit
	ecall
`

// clusterPinger writes "ping\n" and reads a line from the terminal, three
// times, then exits 0.
const clusterPinger = `
	.data
msg:	.ascii "ping\n"
	.bss
buf:	.space 64
	.text
	.globl _start
_start:
	li s0, 3
1:	li a0, 1
	la a1, msg
	li a2, 5
	li a7, SYS_write
	ecall
	li a0, 0
	la a1, buf
	li a2, 64
	li a7, SYS_read
	ecall
	addi s0, s0, -1
	bnez s0, 1b
	li a0, 0
	li a7, SYS_exit
	ecall
`

// clusterEcho writes back every line it reads from the terminal, for ever.
const clusterEcho = `
	.bss
buf:	.space 64
	.text
	.globl _start
_start:
1:	li a0, 0
	la a1, buf
	li a2, 64
	li a7, SYS_read
	ecall
	mv a2, a0
	li a0, 1
	la a1, buf
	li a7, SYS_write
	ecall
	j 1b
`

func clusterProgram(t *testing.T, name, src string, defs map[string]int64) File {
	t.Helper()
	pre := map[string]int64{}
	for _, s := range abi.Symbols() {
		pre[s.Name] = s.Value
	}
	for k, v := range defs {
		pre[k] = v
	}
	p, err := asm.Assemble(name+".s", []byte(src), asm.Options{Predefined: pre})
	require.NoError(t, err)
	return File{Path: "/bin/" + name, Data: p.ELF, Mode: 0755}
}

// hostLine renders an event as a test compares it: "cycle host pid text".
func hostLine(e *Event) string {
	return fmt.Sprintf("%d %s pid %d %s", e.Cycle, e.Host, e.PID, e.Text)
}

// tickerConfig is a host that runs a ticker napping nap ns.
func tickerConfig(t *testing.T, host string, nap int64) Config {
	return Config{Host: host, Quantum: 300, CycleLimit: 1_000_000,
		Files: []File{clusterProgram(t, "ticker", clusterTicker, map[string]int64{"NAP": nap})}}
}

func spawn(t *testing.T, k *Kernel, name string) {
	t.Helper()
	_, err := k.Spawn("/bin/"+name, []string{name}, nil)
	require.NoError(t, err)
}

// runAlone runs one host as a machine alone and returns its trace.
func runAlone(t *testing.T, cfg Config, prog string) ([]string, Result) {
	var lines []string
	cfg.Trace = func(e *Event) { lines = append(lines, hostLine(e)) }
	k := New(cfg)
	spawn(t, k, prog)
	return lines, k.Run()
}

// Hosts without a network run as each would alone, whatever the other
// hosts are and however far MaxAhead lets one run ahead; the merged trace
// is in order of (cycle, host).
func TestClusterHostsRunAsAlone(t *testing.T) {
	cfgs := []Config{tickerConfig(t, "alice", 3000), tickerConfig(t, "bob", 1700), tickerConfig(t, "carol", 1)}
	var alone [][]string
	for _, cfg := range cfgs {
		lines, res := runAlone(t, cfg, "ticker")
		require.Equal(t, StopAllExited, res.Reason)
		alone = append(alone, lines)
	}
	for _, ahead := range []uint64{1, 7, 250, 0} {
		var merged []*Event
		c := NewCluster(ClusterConfig{Hosts: cfgs, MaxAhead: ahead, Trace: func(e *Event) {
			cp := e.Keep()
			merged = append(merged, &cp)
		}})
		for i := range cfgs {
			spawn(t, c.Host(i), "ticker")
		}
		res := c.Run()
		require.Len(t, res, 3)
		for i, r := range res {
			require.Equal(t, cfgs[i].Host, r.Name)
			require.Equal(t, StopAllExited, r.Reason)
			require.False(t, r.Down)
			require.Equal(t, 2, r.Exits[0].PID, "each host has its own pids")
		}
		order := map[string]int{"alice": 0, "bob": 1, "carol": 2}
		per := make([][]string, 3)
		for j, e := range merged {
			per[order[e.Host]] = append(per[order[e.Host]], hostLine(e))
			if j > 0 {
				p := merged[j-1]
				require.True(t, p.Cycle < e.Cycle || p.Cycle == e.Cycle && order[p.Host] <= order[e.Host],
					"MaxAhead %d: %s before %s", ahead, hostLine(p), hostLine(e))
			}
		}
		for i := range cfgs {
			require.Equal(t, alone[i], per[i], "MaxAhead %d: host %s", ahead, cfgs[i].Host)
		}
	}
}

// wire is a fake Fabric: what a host writes to its console arrives at the
// other host's keyboard latency cycles later (two hosts, 0 and 1).
type wire struct {
	t         *testing.T
	c         *Cluster
	latency   uint64
	queue     [2][]frame // by destination, in order of arrival
	log       []string   // "bob@1234 \"ping\\n\"" per delivery
	nextCalls int
}

type frame struct {
	at   uint64
	data []byte
}

func (w *wire) Lookahead() uint64 { return w.latency }

func (w *wire) Next(h int) (uint64, bool) {
	w.nextCalls++
	if len(w.queue[h]) == 0 {
		return 0, false
	}
	return w.queue[h][0].at, true
}

func (w *wire) Deliver(h int, now uint64) {
	for len(w.queue[h]) > 0 && w.queue[h][0].at <= now {
		f := w.queue[h][0]
		w.queue[h] = w.queue[h][1:]
		require.Equal(w.t, f.at, now, "a frame is handed over when it arrives, not later")
		w.c.Host(h).Type(now, f.data)
		w.log = append(w.log, fmt.Sprintf("%s@%d %q", w.c.Host(h).cfg.Host, now, f.data))
	}
}

func (w *wire) Down(h int, now uint64) { w.queue[h] = nil }

func (w *wire) Up(int, uint64, *Kernel) {}

func (w *wire) Change(uint64) bool { return false }

func (w *wire) NextChange() (uint64, bool) { return 0, false }

func (w *wire) Changing() bool { return false }

// console is host from's console: its bytes go on the wire.
type wireConsole struct {
	w    *wire
	from int
}

func (c wireConsole) Write(p []byte) (int, error) {
	w := c.w
	at := w.c.Host(c.from).Now() + w.latency
	to := 1 - c.from
	// The cluster's promise: no host is ever past the arrival of a frame
	// sent to it.
	require.GreaterOrEqual(w.t, at, w.c.Host(to).Now(), "frame from host %d arrives in host %d's past", c.from, to)
	w.queue[to] = append(w.queue[to], frame{at: at, data: append([]byte(nil), p...)})
	return len(p), nil
}

// pingPong runs a pinger on alice and an echo on bob joined by a wire.
func pingPong(t *testing.T, latency, ahead uint64) (*wire, []HostResult, []string) {
	w := &wire{t: t, latency: latency}
	pinger := clusterProgram(t, "pinger", clusterPinger, nil)
	echo := clusterProgram(t, "echo", clusterEcho, nil)
	var trace []string
	c := NewCluster(ClusterConfig{
		Hosts: []Config{
			{Host: "alice", Stdout: wireConsole{w, 0}, CycleLimit: 10_000_000, Files: []File{pinger}},
			{Host: "bob", Stdout: wireConsole{w, 1}, CycleLimit: 10_000_000, Files: []File{echo}},
		},
		MaxAhead: ahead,
		Trace:    func(e *Event) { trace = append(trace, hostLine(e)) },
	})
	w.c = c
	c.Connect(w)
	spawn(t, c.Host(0), "pinger")
	spawn(t, c.Host(1), "echo")
	return w, c.Run(), trace
}

// A fabric's frames arrive on time, idle hosts jump to them, and the run
// ends when the pinger is done and the echo waits for what never comes.
func TestClusterFabric(t *testing.T) {
	w, res, trace := pingPong(t, 5000, 0)
	require.Equal(t, StopAllExited, res[0].Reason)
	require.Equal(t, StopDeadlock, res[1].Reason, "bob's echo waits for ever")
	require.Equal(t, []string{"pid 2 (echo) in read: waiting for terminal input"}, res[1].Blocked)
	require.Len(t, w.log, 6, "three pings there, three back: %v", w.log)
	require.True(t, strings.HasPrefix(w.log[0], "bob@5"), w.log[0])
	for _, ahead := range []uint64{1, 999, 1 << 40} {
		for _, latency := range []uint64{5000} {
			w2, res2, trace2 := pingPong(t, latency, ahead)
			require.Equal(t, w.log, w2.log, "MaxAhead %d", ahead)
			require.Equal(t, trace, trace2, "MaxAhead %d", ahead)
			require.Equal(t, res, res2)
		}
	}
	// A shorter wire: the same exchange, sooner.
	w3, _, _ := pingPong(t, 1, 0)
	require.Len(t, w3.log, 6)
}

// Hosts that all wait for each other end the run (a deadlock each), after
// a bounded number of turns.
func TestClusterAllBlockedEnds(t *testing.T) {
	w := &wire{t: t, latency: 100}
	echo := clusterProgram(t, "echo", clusterEcho, nil)
	c := NewCluster(ClusterConfig{Hosts: []Config{
		{Host: "a", Stdout: wireConsole{w, 0}, Files: []File{echo}},
		{Host: "b", Stdout: wireConsole{w, 1}, Files: []File{echo}},
	}})
	w.c = c
	c.Connect(w)
	spawn(t, c.Host(0), "echo")
	spawn(t, c.Host(1), "echo")
	res := c.Run()
	require.Equal(t, StopDeadlock, res[0].Reason)
	require.Equal(t, StopDeadlock, res[1].Reason)
	require.Less(t, w.nextCalls, 100, "no spinning")
}

// A host that loses power stops where it stands, init included; the
// other runs on as if alone; the trace says so at the cycle. The result
// lists the processes lost but init, as results never list init.
func TestClusterDown(t *testing.T) {
	cfgs := []Config{tickerConfig(t, "alice", 3000), tickerConfig(t, "bob", 1700)}
	bobAlone, _ := runAlone(t, cfgs[1], "ticker")
	var trace []string
	c := NewCluster(ClusterConfig{Hosts: cfgs, Trace: func(e *Event) { trace = append(trace, hostLine(e)) }})
	spawn(t, c.Host(0), "ticker")
	spawn(t, c.Host(1), "ticker")
	c.Down(0, 5000)
	res := c.Run()
	require.True(t, res[0].Down)
	require.Equal(t, uint64(5000), res[0].Cycles)
	require.Len(t, res[0].Lost, 1)
	require.True(t, strings.HasPrefix(res[0].Lost[0], "pid 2 (ticker) in nanosleep: "), res[0].Lost)
	require.Empty(t, res[0].Exits)
	require.Zero(t, res[0].UpAt, "down for good")
	require.False(t, res[1].Down)
	require.Equal(t, StopAllExited, res[1].Reason)
	var bob []string
	downAt := -1
	for i, l := range trace {
		if strings.Contains(l, " bob ") {
			bob = append(bob, l)
		}
		if strings.HasPrefix(l, "5000 alice pid 0 power lost") {
			downAt = i
		}
		if strings.Contains(l, " alice ") {
			var cy uint64
			fmt.Sscan(l, &cy)
			require.LessOrEqual(t, cy, uint64(5000), "alice does nothing after her power loss: %s", l)
		}
	}
	require.GreaterOrEqual(t, downAt, 0, "the trace shows the power loss: %v", trace)
	require.Equal(t, "5000 alice pid 0 power lost: the host is down; init and 1 process die with it: pid 2 (ticker)", trace[downAt])
	require.Equal(t, "5000 alice pid 2 exit: lost with its host (power lost), no exit status", trace[downAt+1])
	require.Equal(t, "5000 alice pid 1 exit: lost with its host (power lost), no exit status", trace[downAt+2], "init dies too, last")
	require.Equal(t, bobAlone, bob)
}

// A run paused on every host and then continued is the run without the
// pause.
func TestClusterPause(t *testing.T) {
	run := func(pause uint64) ([]string, []HostResult) {
		var trace []string
		w := &wire{t: t, latency: 700}
		pinger := clusterProgram(t, "pinger", clusterPinger, nil)
		echo := clusterProgram(t, "echo", clusterEcho, nil)
		c := NewCluster(ClusterConfig{Hosts: []Config{
			{Host: "alice", Stdout: wireConsole{w, 0}, Files: []File{pinger}},
			{Host: "bob", Stdout: wireConsole{w, 1}, Files: []File{echo}},
		}, Trace: func(e *Event) { trace = append(trace, hostLine(e)) }})
		w.c = c
		c.Connect(w)
		spawn(t, c.Host(0), "pinger")
		spawn(t, c.Host(1), "echo")
		if pause != 0 {
			res := c.RunUntil(pause)
			// Both are paused: running, or idle waiting for the wire
			// (an idle host's clock stays where it began to wait).
			require.Equal(t, StopPaused, res[0].Reason, "alice is still pinging at %d", pause)
			require.Equal(t, StopPaused, res[1].Reason, "bob waits at %d", pause)
		}
		return trace, c.Run()
	}
	whole, res := run(0)
	for _, pause := range []uint64{1, 800, 1500, 2100} {
		got, res2 := run(pause)
		require.Equal(t, whole, got, "paused at %d", pause)
		require.Equal(t, res, res2)
	}
}

// A host that lost power and gets it back boots again: a new kernel with
// only init, switched on at the cycle of Up, which Reboot prepares (here:
// a ticker again). Nothing of it runs in between; the other host runs as
// if alone; the result keeps the earlier boot (Past) and the exits of
// both. Paused while it is off, the run is the same.
func TestClusterUp(t *testing.T) {
	cfgs := []Config{tickerConfig(t, "alice", 3000), tickerConfig(t, "bob", 1700)}
	bobAlone, _ := runAlone(t, cfgs[1], "ticker")
	run := func(pause uint64) ([]string, []HostResult) {
		var trace []string
		var booted []uint64
		c := NewCluster(ClusterConfig{Hosts: cfgs, Trace: func(e *Event) { trace = append(trace, hostLine(e)) },
			Reboot: func(host int, k *Kernel) {
				require.Equal(t, 0, host)
				booted = append(booted, k.Now())
				spawn(t, k, "ticker")
			}})
		spawn(t, c.Host(0), "ticker")
		spawn(t, c.Host(1), "ticker")
		c.Up(0, 8000) // given before its Down: the cycles order them
		c.Down(0, 5000)
		c.Up(1, 100) // bob has power: nothing to do
		if pause != 0 {
			res := c.RunUntil(pause)
			require.True(t, res[0].Down, "alice is off at %d", pause)
			require.Equal(t, uint64(8000), res[0].UpAt, "alice boots again at 8000: she has not ended")
		}
		res := c.Run()
		require.Equal(t, []uint64{8000}, booted)
		return trace, res
	}
	trace, res := run(0)
	require.False(t, res[0].Down)
	require.Equal(t, StopAllExited, res[0].Reason)
	require.Len(t, res[0].Past, 1)
	require.Equal(t, uint64(5000), res[0].Past[0].Down)
	require.Equal(t, uint64(8000), res[0].Past[0].Up)
	require.Len(t, res[0].Past[0].Lost, 1)
	require.True(t, strings.HasPrefix(res[0].Past[0].Lost[0], "pid 2 (ticker) in nanosleep: "), res[0].Past)
	require.Len(t, res[0].Exits, 1, "the ticker of the second boot exits; the first died with its host")
	require.Greater(t, res[0].Exits[0].Cycle, uint64(8000))
	var alice, bob []string
	up := -1
	for i, l := range trace {
		var cy uint64
		fmt.Sscan(l, &cy)
		switch {
		case strings.Contains(l, " bob "):
			bob = append(bob, l)
		case strings.Contains(l, " alice "):
			alice = append(alice, l)
			require.False(t, cy > 5000 && cy < 8000, "alice is off: %s", l)
		}
		if l == "8000 alice pid 0 power restored: the host boots (init starts)" {
			up = i
		}
	}
	require.GreaterOrEqual(t, up, 0, "the trace shows the power coming back: %v", alice)
	require.Equal(t, "8000 alice pid 1 init starts: it reaps every child, orphans included", trace[up+1])
	require.Equal(t, bobAlone, bob)
	for _, pause := range []uint64{6000, 8000} {
		again, res2 := run(pause)
		require.Equal(t, trace, again, "paused at %d", pause)
		require.Equal(t, res, res2)
	}
}

// Each boot after the first has a seed of its own, the same every run.
func TestBootSeed(t *testing.T) {
	require.Equal(t, uint64(42), BootSeed(42, 1))
	require.Equal(t, BootSeed(42, 2), BootSeed(42, 2))
	require.NotEqual(t, BootSeed(42, 2), BootSeed(42, 3))
	require.NotEqual(t, BootSeed(42, 2), BootSeed(43, 2))
}

// A machine with only init until a timed action starts a process (a host
// booted again before its "at CYCLE spawn") idles to the action: init
// does not spin in wait4 with no child (ECHILD).
func TestOnlyInitIdlesToAction(t *testing.T) {
	cfg := tickerConfig(t, "", 100)
	var trace []string
	cfg.Trace = func(e *Event) { trace = append(trace, hostLine(e)) }
	k := New(cfg)
	k.At(5000, func() { spawn(t, k, "ticker") })
	res := k.Run()
	require.Equal(t, StopAllExited, res.Reason)
	require.Len(t, res.Exits, 1)
	for _, l := range trace {
		require.NotContains(t, l, "ECHILD", "init spins: %v", trace[:min(len(trace), 10)])
	}
	require.Equal(t, "0  pid 1 init starts: it reaps every child, orphans included", trace[0])
	require.Equal(t, "5000  pid 0 timer interrupt", trace[1])
}

// TestHeldEventsStayFewWhileAChangeIsDue: alice runs system calls on her
// own (bob is down for good) past a link cut she never sends on. No event
// at or after a change is written before the change is told, so a turn
// that ran past it held every later event to the end of the run (97,519
// at once with this limit); a turn now stops at the change.
func TestHeldEventsStayFewWhileAChangeIsDue(t *testing.T) {
	cfgs, net, wire := aliceBob(t, 200_000)
	var c *Cluster
	most, cut := 0, false
	c = NewCluster(ClusterConfig{Hosts: cfgs, Trace: func(e *Event) {
		if c != nil {
			most = max(most, c.held)
		}
		cut = cut || e.Kind == "net" && e.Cycle == 5000
	}})
	wire(c)
	require.NoError(t, net.Schedule(5000, "alice-bob", true))
	c.Connect(net)
	c.Down(1, 100)
	spawn(t, c.Host(0), "busy")
	c.Run()
	require.True(t, cut, "the cut at 5000 is told")
	require.Less(t, most, 1000, "events held back at once")
}

// TestEventsBeforeTheRunWaitForIt: what the hosts trace before the first
// run (their boot, a spawn made before the network is connected) is held
// until the run, where the network's change at cycle 0 comes first.
func TestEventsBeforeTheRunWaitForIt(t *testing.T) {
	cfgs, net, wire := aliceBob(t, 2000)
	var lines []string
	c := NewCluster(ClusterConfig{Hosts: cfgs, Trace: func(e *Event) { lines = append(lines, hostLine(e)) }})
	spawn(t, c.Host(0), "busy") // before Connect
	wire(c)
	require.NoError(t, net.Schedule(0, "alice-bob", true))
	c.Connect(net)
	require.Empty(t, lines, "written before the run")
	c.Run()
	require.NotEmpty(t, lines)
	require.Contains(t, lines[0], "cut", "the first line")
}

// aliceBob returns the configs of two hosts with a cycle limit, alice with
// a program "busy" that calls getpid for ever, and a network for them;
// wire adds the hosts of the cluster built from the configs to it, and a
// link alice-bob of 1 ms.
func aliceBob(t *testing.T, limit uint64) (cfgs []Config, net *Net, wire func(*Cluster)) {
	busy := clusterProgram(t, "busy", `
	.text
	.globl _start
_start:
1:	li a7, SYS_getpid
	ecall
	j 1b
`, nil)
	cfgs = []Config{
		{Host: "alice", Quantum: 10000, CycleLimit: limit, Files: []File{busy}, Addr: netip.MustParseAddr("10.0.0.1")},
		{Host: "bob", Quantum: 10000, CycleLimit: limit, Addr: netip.MustParseAddr("10.0.0.2")},
	}
	net = NewNet(1)
	for i := range cfgs {
		cfgs[i].Network = net.Sender(i)
	}
	return cfgs, net, func(c *Cluster) {
		for i := range cfgs {
			require.NoError(t, net.AddHost(c.Host(i), cfgs[i].Addr))
		}
		_, err := net.Wire().AddLink(hw.LinkConfig{Name: "alice-bob", A: 0, B: 1, Latency: 1_000_000})
		require.NoError(t, err)
	}
}
