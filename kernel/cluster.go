package kernel

import (
	"fmt"
	"slices"
	"strings"

	"ipcsim/hw"
	"ipcsim/proc"
)

// A Cluster runs several hosts, each its own Kernel with its own machine and
// clock, on one timeline. It is a conservative discrete-event simulation:
// the host whose clock is lowest (ties: the first in host order) runs next,
// with RunUntil, up to a horizon that nothing another host does can reach
// back before: the other hosts' clocks plus the network's lookahead (no
// frame sent at cycle t arrives before t+Lookahead), and its own next
// arrival. So a host never sees a frame from its past, and the run is the
// same however far each RunUntil got.
//
// A host that waits for nothing of its own (its kernel reports a deadlock,
// or that every process exited) does not spin: it idles until its next
// arrival, or the cycle of its power loss (Down), and its clock jumps
// there. A host that lost power and gets it back (Up) waits for nothing
// until then, and boots again with a new kernel whose clock starts at
// that cycle. The run ends when every host has ended: reached the cycle
// limit, lost power for good, or idles with nothing on the way to it and
// nobody left running who could send it anything.
//
// The trace is one stream in time order: each host's events are held back
// until no host can still emit an earlier one (their cycles are at or below
// every other host's clock), then written ordered by (cycle, host order,
// order of emission). What is held back is bounded: a host runs at most
// MaxAhead cycles beyond the lowest bound of the others while tracing.
// The network is a source of its own: the lines of a change it makes at a
// cycle (a link cut or healed, and the frames lost to a cut or to a host's
// power loss) come first in their cycle, whichever host's name they carry
// and whenever the change is made; until it is made, no event at or after
// its cycle is written (Fabric.NextChange, powerAt).
type Cluster struct {
	hosts    []*clusterHost
	fabric   Fabric
	trace    func(*Event)
	log      ClusterLog   // ClusterConfig.TraceLog, or nil
	recs     *RecordEvent // the Events of the network's Records (record)
	reboot   func(host int, k *Kernel)
	maxAhead uint64
	bound    bool // maxAhead applies untraced too (ClusterConfig.MaxAhead set)
	stepping int  // the host taking its arrivals and running now (step), or -1
	held     int  // events held back, over all hosts and the network
	// booting holds back every event from NewCluster until the first run:
	// the hosts' first lines (their boot, the scenario's spawns) are at
	// cycle 0, where the network's changes at 0, made once it is connected
	// and running, come first.
	booting bool
	netHeld heldQueue // the network's change lines held back (Fabric.Changing)
	// flushSafe is flush's safeBefore of each source, the network's
	// first: kept so that a flush allocates nothing.
	flushSafe []uint64

	heldRecords int // Records ever held back (for the tests)
}

// Fabric joins the hosts of a Cluster: the simulated network. Without one
// (Connect never called) the hosts share only the clock.
type Fabric interface {
	// Lookahead is the least time a frame takes: no frame sent at cycle t
	// arrives anywhere before t+Lookahead(). It is at least 1 and does not
	// change during a run.
	Lookahead() uint64
	// Next returns the cycle of the next frame due at host (its index in
	// ClusterConfig.Hosts), if one is on its way.
	Next(host int) (uint64, bool)
	// Deliver hands every frame due at host by now (the host's clock) to
	// its kernel. Afterwards Next(host) is later than now, or reports none.
	Deliver(host int, now uint64)
	// Down says that host lost power at cycle now: what is on its way to
	// it, and what is sent to it from now on, is lost; Next(host) reports
	// nothing again.
	Down(host int, now uint64)
	// Up says that host has power again at cycle now and runs kernel k,
	// booted afresh: frames to it are delivered again, to k.
	Up(host int, now uint64, k *Kernel)
	// Change makes the changes the network makes by itself at their
	// cycles (a link cut or healed) that are due by now, if they were not
	// made yet, and reports whether it made one: a cut loses frames on
	// their way, and Next may then report a later arrival, or none.
	Change(now uint64) bool
	// NextChange returns the cycle of the next change the network will
	// make by itself (Change), if one is to come: a host's event at or
	// after it waits in the trace until the change's lines are told.
	NextChange() (uint64, bool)
	// Changing says whether the event being traced is the network's own
	// line of a change: a link's cut or heal, a frame lost to a cut or to
	// a host's power loss (Down). The network tells it, first in its
	// cycle, whatever host it names.
	Changing() bool
}

// ClusterConfig sets up a Cluster.
type ClusterConfig struct {
	// Hosts configures each host's kernel, in host order (the order of ties
	// and of the trace within a cycle). Each names its host (Config.Host);
	// Config.Trace is replaced by the cluster's merge when Trace is set,
	// and ignored otherwise.
	Hosts []Config
	// Trace receives the events of every host, in time order; nil turns
	// tracing off. An event is valid only during the call (Event.Keep).
	Trace func(*Event)
	// TraceLog, if not nil, takes the trace in place of Trace: the hosts'
	// Records (Config.TraceLog) as they are when nothing is held back
	// before them, and every other event, a Record held back among them,
	// as an Event. A machine alone (one host, no network) thus passes
	// every Record on.
	TraceLog ClusterLog
	// MaxAhead bounds how many cycles a host runs beyond the lowest clock
	// of the others while tracing, so that the events held back for the
	// merge stay few (DefaultMaxAhead if 0). Set (not 0), it bounds them
	// untraced too, for tests and experiments: untraced, a host runs up to
	// the lookahead ahead unless MaxAhead is set. It changes no run, only
	// how often the hosts take turns.
	MaxAhead uint64
	// Reboot, if not nil, prepares the new kernel of a host that boots
	// again (Cluster.Up) before it runs: installs its files, schedules its
	// keys and timed spawns to come. The kernel has only init; its
	// configuration is the host's (Hosts[host]) but for its seed (BootSeed),
	// its clock (it is switched on at the cycle of Up), and no Policy and
	// no Faults: an explorer's steering and a fault plan are for the first
	// boot. Its trace, console and capture go on where the first boot's
	// left off.
	Reboot func(host int, k *Kernel)
}

// DefaultMaxAhead is ClusterConfig.MaxAhead's default: one default time
// slice. A host holds back at most the events of that many cycles (about
// one per instruction with Config.TraceInstructions, a few hundred
// otherwise).
const DefaultMaxAhead = DefaultQuantum

// hostState is where a host stands in the cluster's run.
type hostState uint8

const (
	hostRunning hostState = iota // its kernel has work of its own: it runs when its clock is lowest
	hostIdle                     // every process exited or sleeps with nothing inside the host to wake it: only an arrival or Down can
	hostOff                      // it lost power and boots again at its next Up
	hostEnded                    // cycle limit, power lost for good, or idle at the end of the run
)

// powerEvent is a host's power going (Down) or coming back (Up) at a cycle.
type powerEvent struct {
	at uint64
	up bool
}

// clusterHost is one host of a Cluster.
type clusterHost struct {
	k     *Kernel
	cfg   Config // its kernel's configuration, to boot it again (Up)
	state hostState
	res   Result       // the last result of its kernel's run
	power []powerEvent // Down and Up, in cycle order (stable)
	used  int          // power events taken or skipped, a prefix of power
	boots int          // how many times it booted: 1, and one more for each Up
	down  bool         // it lost power at res.Cycles
	lost  []string     // the processes that died with it
	past  []Boot       // its earlier boots, each ended by a power loss
	// What the earlier boots did, for the result of the last one.
	pastExits   []Exit
	pastDropped uint64
	pastInsns   uint64
	held        heldQueue // trace events not yet written, in order of emission
}

// nextPower is the cycle of the host's next power event that changes
// something: a Down while it has power, an Up while it is off. An Up of
// a host that has power, or a Down of one that is off, does nothing.
//
// An Up at or after the cycle limit does not count: the run has ended by
// then, so a host off until it stays off for good.
func (h *clusterHost) nextPower() (uint64, bool) {
	for _, e := range h.power[h.used:] {
		if e.up == (h.state == hostOff) {
			if lim := h.k.cfg.CycleLimit; e.up && lim != 0 && e.at >= lim {
				return 0, false
			}
			return e.at, true
		}
	}
	return 0, false
}

// powerAt is the cycle at which the host will take its next power event
// (nextPower), if it has one and has not ended: the event's cycle, or its
// clock if that is later. A host's clock may pass its own power loss by
// the end of a system call (RunUntil does not split one), and it takes
// the loss at its clock then.
func (h *clusterHost) powerAt() (uint64, bool) {
	d, ok := h.nextPower()
	if !ok || h.state == hostEnded {
		return 0, false
	}
	return max(d, h.k.Now()), true
}

// takePower marks the power event at cycle at, the next one that changes
// something, as taken.
func (h *clusterHost) takePower() {
	for h.used < len(h.power) {
		e := h.power[h.used]
		h.used++
		if e.up == (h.state == hostOff) {
			return
		}
	}
}

// HostResult is how one host of a cluster ended.
type HostResult struct {
	Name   string // Config.Host
	Result        // its kernel's last result: why it stopped, its exits
	// Down says that the host lost power (Cluster.Down) at cycle
	// Result.Cycles; Lost lists the processes that died with it ("pid 2
	// (server) in read: ..."), as Result.Blocked would.
	Down bool
	Lost []string
	// UpAt, if not 0, is the cycle at which a host that is Down boots
	// again (a later Cluster.Up): the run was paused (RunUntil) while the
	// host was off, awaiting its next boot, so the host has not ended; it
	// goes on. It is 0 if the host is up, or down for good.
	UpAt uint64
	// Past are the host's earlier boots, each ended by a power loss and
	// followed by a new boot (Cluster.Up), in order. Result is then the
	// last boot's, but for its Exits: those of every boot, in order.
	Past []Boot
}

// Boot is one of a host's earlier boots, which ended by a power loss.
type Boot struct {
	Down uint64   // the cycle it lost power
	Up   uint64   // the cycle it booted again
	Lost []string // the processes that died with it, as HostResult.Lost
}

// NewCluster boots every host of cfg.
func NewCluster(cfg ClusterConfig) *Cluster {
	c := &Cluster{trace: cfg.Trace, log: cfg.TraceLog, reboot: cfg.Reboot, maxAhead: cfg.MaxAhead, bound: cfg.MaxAhead != 0, stepping: -1, booting: true}
	if c.maxAhead == 0 {
		c.maxAhead = DefaultMaxAhead
	}
	if c.log != nil {
		c.trace, c.recs = c.log.Event, new(RecordEvent)
	}
	for i, hc := range cfg.Hosts {
		hc.Trace, hc.TraceLog = nil, nil
		if c.trace != nil {
			hc.Trace = func(e *Event) { c.event(i, e) }
		}
		if c.log != nil {
			hc.TraceLog = hostLog{c, i}
		}
		h := &clusterHost{cfg: hc, boots: 1}
		c.hosts = append(c.hosts, h) // before New: booting emits events
		h.k = New(hc)
	}
	return c
}

// Connect joins the hosts with a fabric, before the run. The fabric may
// hold the hosts' kernels (Host) to hand them their frames.
func (c *Cluster) Connect(f Fabric) { c.fabric = f }

// Hosts returns how many hosts the cluster runs.
func (c *Cluster) Hosts() int { return len(c.hosts) }

// Host returns the kernel of host i, to install files, spawn processes,
// type keys, or look at its state.
func (c *Cluster) Host(i int) *Kernel { return c.hosts[i].k }

// Release gives the memory of every host's machine back for the next
// machines to take (Kernel.Release): a caller that builds a cluster per
// run calls it once it has what it wants of the run. The cluster must not
// run, nor be inspected, afterwards.
func (c *Cluster) Release() {
	for _, h := range c.hosts {
		h.k.Release()
	}
}

// Down makes host i lose power at cycle at: its processes die where they
// stand (no exit status, no signal, nothing closed: as by a power cut, its
// peers see only silence), its kernel stops, and the fabric drops what
// comes for it. A host may go down again after an Up; a Down of a host
// that is already down does nothing.
func (c *Cluster) Down(i int, at uint64) { c.hosts[i].addPower(at, false) }

// Up gives host i, down since an earlier Down, its power back at cycle at:
// it boots again, a new kernel with only init (Reboot prepares it), as a
// machine switched on afresh: no process, socket or connection of the
// earlier boot is left, so a peer's segment on an old connection is
// answered with a reset (RFC 9293 3.10.7.1). Its clock starts at the
// cycle of Up (Config.PowerOn), and the clocks that count from a boot
// (CLOCK_MONOTONIC: Kernel.Uptime) from 0. An Up of a host that has power
// does nothing.
func (c *Cluster) Up(i int, at uint64) { c.hosts[i].addPower(at, true) }

// addPower puts a power event in cycle order, after those of its cycle.
func (h *clusterHost) addPower(at uint64, up bool) {
	j := len(h.power)
	for j > h.used && h.power[j-1].at > at {
		j--
	}
	h.power = slices.Insert(h.power, j, powerEvent{at, up})
}

// Run runs every host until each has ended, and returns how each ended, in
// host order.
func (c *Cluster) Run() []HostResult { return c.run(0) }

// RunUntil runs like Run but pauses when every host still running has
// reached cycle at (its Result says StopPaused), so that its state can be
// looked at; the trace is written up to there (the events of a host whose
// system call ran past the pause wait for the run to go on). Run or
// RunUntil continues.
func (c *Cluster) RunUntil(at uint64) []HostResult { return c.run(max(at, 1)) }

// never is the bound of what has none.
const never uint64 = hw.LastCycle

func (c *Cluster) run(pause uint64) []HostResult {
	c.booting = false // what was held since NewCluster is written from now on
	over := false     // every host has ended, or idles with nothing to come
	for {
		i, t := c.pick()
		if i < 0 {
			over = true
			break
		}
		if pause != 0 && t >= pause {
			break
		}
		if c.fabric != nil && c.fabric.Change(t) {
			// A link cut or healed by now: every host is at t or later,
			// and a frame the cut lost no longer wakes its receiver.
			continue
		}
		c.step(i, t, pause)
		c.flush()
	}
	if pause == 0 {
		for _, h := range c.hosts {
			if h.state != hostEnded {
				h.state = hostEnded // idle with nothing on its way: its last result stands
			}
		}
	}
	if c.fabric != nil {
		// The network makes its changes up to the pause, or, if the run
		// ended, up to where the last host stopped, whatever the hosts did
		// meanwhile: a run paused on the way tells the changes a run not
		// paused does, up to the pause.
		c.fabric.Change(c.changesUntil(pause, over))
	}
	if pause == 0 {
		c.flushAll()
	} else {
		// Every host stands at the pause or later: what comes before it
		// is written; a host whose system call ran past the pause keeps
		// its later events held, to be written in order when the run
		// goes on (the trace is written up to the pause).
		c.flush()
	}
	out := make([]HostResult, len(c.hosts))
	for i, h := range c.hosts {
		out[i] = HostResult{Name: h.k.cfg.Host, Result: h.res, Down: h.down, Lost: h.lost, Past: h.past}
		if up, ok := h.nextPower(); ok && h.state == hostOff {
			out[i].UpAt = up
		}
		if pause != 0 && h.state != hostEnded && h.state != hostOff { // an idle host waits: paused too
			out[i].Result = h.k.result(StopPaused)
			// A host whose processes all sleep, or that idles, does
			// nothing before its next event, at or after the pause
			// (pick): it stands at the pause, though its clock lags
			// where the cluster happened to leave it; but not past its
			// own cycle limit, which it cannot run past.
			out[i].Result.Cycles = max(out[i].Result.Cycles, pause)
			if lim := h.k.cfg.CycleLimit; lim != 0 {
				out[i].Result.Cycles = min(out[i].Result.Cycles, lim)
			}
		}
		if h.boots > 1 {
			out[i].Result.Exits, out[i].Result.ExitsDropped = h.exits(out[i].Result)
			out[i].Result.Instructions += h.pastInsns
		}
	}
	return out
}

// changesUntil is the cycle up to which the network makes its changes
// when a run stops: the pause, or if the run is over (every host ended or
// idles with nothing to come, paused or not) the cycle at which the last
// host stopped: a change after that, which the simulated world never
// reached, is not told.
func (c *Cluster) changesUntil(pause uint64, over bool) uint64 {
	if pause != 0 && !over {
		return pause
	}
	end := uint64(0)
	for _, h := range c.hosts {
		end = max(end, h.res.Cycles)
	}
	return end
}

// pick returns the host to advance next and the cycle it advances from:
// the host with the earliest next thing to do (its clock, an idle host's
// next arrival or power loss, an off host's boot), the first in host
// order on a tie, except that a host whose power goes or comes back at
// that cycle goes first: the others may not run past it (horizon).
// -1 if none has anything.
func (c *Cluster) pick() (int, uint64) {
	best, at := -1, never
	for i := range c.hosts {
		t := c.nextAt(i)
		if t < at || t == at && c.powerDue(i, t) && !c.powerDue(best, at) {
			best, at = i, t
		}
	}
	return best, at
}

// powerDue reports whether host i's power goes or comes back at cycle t
// or before: its next step takes it down or boots it.
func (c *Cluster) powerDue(i int, t uint64) bool {
	d, ok := c.hosts[i].powerAt()
	return ok && d <= t
}

// nextAt is when host i next has something to do: its clock if it runs,
// its next arrival or power loss if it idles; never if it ended or waits
// for nothing.
func (c *Cluster) nextAt(i int) uint64 {
	t := c.nextThing(i)
	// Not past its cycle limit: a host whose next thing comes later ends
	// at its limit (step), and the network makes its changes (run) only
	// up to that.
	h := c.hosts[i]
	if lim := h.k.cfg.CycleLimit; lim != 0 && t != never && (h.state == hostRunning || h.state == hostIdle) {
		t = min(t, max(lim, h.k.Now()))
	}
	return t
}

// nextThing is nextAt without the cycle limit.
func (c *Cluster) nextThing(i int) uint64 {
	h := c.hosts[i]
	switch h.state {
	case hostRunning:
		q, ok := h.k.QuietUntil()
		if !ok {
			return h.k.Now()
		}
		// Every process sleeps: nothing happens before its next event
		// or something from outside.
		t := q
		if d, ok := h.nextPower(); ok {
			t = min(t, d)
		}
		if c.fabric != nil {
			if a, ok := c.fabric.Next(i); ok && a < t {
				t = a
			}
		}
		return max(t, h.k.Now())
	case hostIdle:
		t := never
		if d, ok := h.nextPower(); ok {
			t = d
		}
		if c.fabric != nil {
			if a, ok := c.fabric.Next(i); ok && a < t {
				t = a
			}
		}
		return max(t, h.k.Now())
	case hostOff:
		if u, ok := h.nextPower(); ok {
			return max(u, h.k.Now())
		}
	}
	return never
}

// step advances host i, whose next thing to do is at cycle t.
func (c *Cluster) step(i int, t uint64, pause uint64) {
	h := c.hosts[i]
	if h.state == hostOff {
		c.powerOn(i, t)
		return
	}
	k := h.k
	if h.state == hostIdle {
		if lim := k.cfg.CycleLimit; lim != 0 && t >= lim {
			// What it idles for comes too late: it ends at the limit, or
			// stays as it ended if every process exited.
			h.state = hostEnded
			if h.res.Reason != StopAllExited {
				k.m.Clock.JumpTo(lim)
				h.res = k.result(StopCycleLimit)
			}
			return
		}
		k.m.Clock.JumpTo(t)
		h.state = hostRunning
	}
	now := k.Now()
	if d, ok := h.nextPower(); ok && now >= d {
		c.powerOff(i)
		return
	}
	c.stepping = i // its events from now on are at its clock or later (eventBound)
	defer func() { c.stepping = -1 }()
	if c.fabric != nil {
		if a, ok := c.fabric.Next(i); ok && a <= now {
			c.fabric.Deliver(i, now)
			if a, ok := c.fabric.Next(i); ok && a <= now {
				panic(fmt.Sprintf("kernel: Fabric.Deliver(%d, %d) left a frame due at cycle %d", i, now, a))
			}
		}
	}
	horizon := c.horizon(i, pause)
	var r Result
	if horizon == never {
		r = k.Run()
	} else {
		r = k.RunUntil(horizon)
	}
	h.res = r
	switch r.Reason {
	case StopPaused:
	case StopCycleLimit:
		h.state = hostEnded
	default: // every process exited, or none can run by itself
		h.state = hostIdle
		if _, power := h.nextPower(); c.fabric == nil && !power {
			h.state = hostEnded // nothing from outside can ever come
		}
	}
}

// horizon is how far host i may run now: up to its next arrival, its power
// loss, the network's next change and the pause; up to what another host
// could still send it (their lower bounds plus the lookahead) and another
// host's next power loss or boot; and, while tracing (or untraced with
// ClusterConfig.MaxAhead set), at most MaxAhead beyond what the others may
// still emit, to bound the events held back.
func (c *Cluster) horizon(i int, pause uint64) uint64 {
	h := c.hosts[i]
	at := never
	if pause != 0 {
		at = pause
	}
	if d, ok := h.nextPower(); ok {
		at = min(at, d)
	}
	if c.fabric != nil {
		if a, ok := c.fabric.Next(i); ok {
			at = min(at, a)
		}
		// Not past the network's next change: run makes it (Change)
		// before the next turn, and no event at or after it is written
		// until then. (Changes due by now are made: the host moves on.)
		if nc, ok := c.fabric.NextChange(); ok && nc > h.k.Now() {
			at = min(at, nc)
		}
	}
	for j, o := range c.hosts {
		if j == i {
			continue
		}
		if c.fabric != nil {
			at = min(at, hw.AddCycles(c.sendBound(j), c.fabric.Lookahead()))
			// Not past another host's power loss or boot either: the
			// wire learns of them when that host takes them (powerOff,
			// powerOn), and judges a frame by the power of its
			// receiver when it is sent and on its way, so a frame sent
			// after a boot must wait for the boot, and one sent after a
			// power loss for the loss.
			if d, ok := o.powerAt(); ok {
				at = min(at, d)
			}
		}
		if c.trace != nil || c.bound {
			at = min(at, hw.AddCycles(c.eventBound(j), c.maxAhead))
		}
	}
	return at
}

// sendBound is the earliest cycle at which host j could send a frame: its
// clock if it runs; if it idles, its next arrival or the earliest a frame
// from a host that runs could reach it; never if it ended.
func (c *Cluster) sendBound(j int) uint64 {
	h := c.hosts[j]
	t := never
	switch h.state {
	case hostRunning:
		q, quiet := h.k.QuietUntil()
		if !quiet {
			return h.k.Now()
		}
		// Asleep: it sends at its next event, or after a frame reaches
		// it, as an idle host does.
		t = q
	case hostOff:
		return c.nextAt(j) // it boots then, and sends nothing before
	case hostEnded:
		return never
	}
	if c.fabric != nil {
		if a, ok := c.fabric.Next(j); ok {
			t = min(t, a)
		}
		// A frame sent by another host now reaches j a lookahead later;
		// one relayed through a third host takes longer still.
		for m, o := range c.hosts {
			if m != j && o.state != hostEnded {
				t = min(t, hw.AddCycles(c.nextAt(m), c.fabric.Lookahead()))
			}
		}
	}
	return max(t, h.k.Now())
}

// eventBound is the earliest cycle of any trace event host j may still
// emit: when it next sends (it emits nothing before it runs) or its power
// goes or comes back (an idle host's, or a running one's whose processes
// all sleep past it).
//
// The host that step advances emits its next event at its clock or later:
// that is its bound while it takes its arrivals and runs. Its state may
// say otherwise meanwhile: a host whose processes all sleep is quiet
// (QuietUntil) until it runs, and a frame it takes has left the fabric
// (Next) before the frame's arrival and what the kernel does with it are
// traced, at its clock.
func (c *Cluster) eventBound(j int) uint64 {
	h := c.hosts[j]
	if j == c.stepping {
		return h.k.Now()
	}
	t := c.sendBound(j)
	if d, ok := h.powerAt(); ok {
		t = min(t, d)
	}
	return t
}

// powerOff takes host i down now: every process dies with it, init
// included, as by a power cut: nothing runs again, nothing is closed or
// sent. The host's result lists the processes lost but init (HostResult.Lost,
// want/exits), as a run's result never lists init; the trace says that
// init dies too, with an exit event of its own after the others', so that
// the views (the process tree, the timeline) show it dead.
func (c *Cluster) powerOff(i int) {
	h := c.hosts[i]
	k := h.k
	var lost []*Task
	for _, t := range k.sortedProcs() {
		if t != k.init && t.Process.State != proc.Zombie {
			lost = append(lost, t)
			h.lost = append(h.lost, k.describeLost(t))
		}
	}
	h.res = k.result(StopPaused)
	h.res.Blocked = nil
	// What it emits now is written in time order only while the host's
	// state still bounds its events by the power loss (eventBound): the
	// state changes last.
	if k.tracing {
		names := make([]string, len(lost))
		for j, t := range lost {
			names[j] = fmt.Sprintf("pid %d (%s)", t.PID, t.Name)
		}
		what := "init dies with it, the only process left"
		if len(lost) > 0 {
			what = "init and " + plural(len(lost), "process") + " die with it: " + strings.Join(names, ", ")
		}
		k.emit(nil, "down", "power lost: the host is down; "+what)
		for _, t := range lost {
			k.emit(t, "exit", "exit: lost with its host (power lost), no exit status")
		}
		if k.init != nil {
			k.emit(k.init, "exit", "exit: lost with its host (power lost), no exit status")
		}
	}
	if c.fabric != nil {
		c.fabric.Down(i, k.Now())
	}
	h.takePower()
	h.down, h.state = true, hostOff
	if _, ok := h.nextPower(); !ok {
		h.state = hostEnded // for good
	}
}

// powerOn boots host i, off since its power loss, again at cycle at: a
// new kernel with only init, switched on at the cluster's time (its clock
// starts there), seeded afresh for this boot (BootSeed), writing to the
// same console, trace and capture as the earlier boot. The trace says
// "power restored: the host boots (init starts)", then init starts; the
// fabric delivers to the host again.
func (c *Cluster) powerOn(i int, at uint64) {
	h := c.hosts[i]
	old := h.k
	h.past = append(h.past, Boot{Down: h.res.Cycles, Up: at, Lost: h.lost})
	h.pastExits = append(h.pastExits, h.res.Exits...)
	h.pastDropped += h.res.ExitsDropped
	h.pastInsns += h.res.Instructions
	h.boots++
	cfg := h.cfg
	cfg.Seed = BootSeed(h.cfg.Seed, h.boots)
	cfg.PowerOn = at
	cfg.Policy, cfg.Faults = nil, nil
	cfg.Pcap = nil // the earlier boot's capture goes on (below): one file header
	if cfg.Trace != nil {
		cfg.Trace(&Event{Cycle: at, Host: cfg.Host, Kind: "down", Text: PowerRestored})
	}
	h.k = New(cfg) // init's birth is traced while the host is still off at cycle at (eventBound)
	h.k.pcap = old.pcap
	h.takePower()
	h.state, h.down, h.lost, h.res = hostRunning, false, nil, Result{Cycles: at}
	if c.fabric != nil {
		c.fabric.Up(i, at, h.k)
	}
	if c.reboot != nil {
		c.reboot(i, h.k)
	}
}

// PowerRestored is the text of the trace event (kind "down") of a host
// booting again (Cluster.Up): the processes after it are the new boot's,
// whose pids start again at 1.
const PowerRestored = "power restored: the host boots (init starts)"

// exits returns the exits of every boot of a host that booted more than
// once, given the last boot's result r: the earlier boots' first, at most
// Config.MaxExits in all (the others counted as dropped).
func (h *clusterHost) exits(r Result) ([]Exit, uint64) {
	all := append(slices.Clip(h.pastExits), r.Exits...)
	dropped := h.pastDropped + r.ExitsDropped
	if n := h.cfg.MaxExits; n > 0 && len(all) > n {
		dropped += uint64(len(all) - n)
		all = all[:n]
	}
	return all, dropped
}

// BootSeed is the seed of a host's boot number boot (1 for the first):
// the host's seed for the first, and for each later boot (Cluster.Up) the
// seed mixed with the boot's number by SplitMix64's finaliser, so that a
// host that boots again draws new numbers (its TCP's initial sequence
// numbers, its ports), the same ones every run.
func BootSeed(seed uint64, boot int) uint64 {
	if boot <= 1 {
		return seed
	}
	z := seed + uint64(boot)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// describeLost says what a process was doing when its host lost power:
// "pid 2 (server) in read: pipe#1 empty (0/65536)", or running, ready,
// stopped.
func (k *Kernel) describeLost(t *Task) string {
	s := fmt.Sprintf("pid %d (%s)", t.PID, t.Name)
	switch {
	case t.State == proc.Sleeping && t.call != nil:
		return fmt.Sprintf("%s in %v: %s", s, t.call.no, t.blocked.text())
	case t == k.cur:
		return s + " running"
	case t.State == proc.Stopped:
		return s + " stopped"
	}
	return s + " ready to run"
}

// netSource numbers the network among the sources of the trace: it comes
// before host 0 in a cycle.
const netSource = -1

// event takes an event of host i during its run (or of the network, while
// it makes a change: Fabric.Changing): it is written at once if nothing is
// held back and no other source can still emit an earlier one, and held
// back otherwise.
func (c *Cluster) event(i int, e *Event) {
	if c.fabric != nil && c.fabric.Changing() {
		i = netSource
	}
	if c.writable(i, e.Cycle) {
		c.trace(e)
		return
	}
	c.queue(i).pushEvent(e)
	c.held++
	c.flushSometimes()
}

// record takes a Record of host i (ClusterConfig.TraceLog): given on if
// it can be written at once, held back otherwise, as a Record still: a
// host of several runs in turns, and most of its events wait for the
// others to catch up.
func (c *Cluster) record(i int, r *Record) {
	if c.fabric != nil && c.fabric.Changing() {
		c.event(i, c.recs.Event(r, c.hosts[i].cfg.Host)) // the network's: not a Record's shape
		return
	}
	if c.writable(i, r.Cycle) {
		c.log.HostRecord(i, r)
		return
	}
	c.hosts[i].held.pushRecord(r)
	c.held++
	c.heldRecords++
	c.flushSometimes()
}

// writable reports whether an event of source i at cycle cy can be
// written at once: nothing is held back and no other source can still
// emit an earlier one.
func (c *Cluster) writable(i int, cy uint64) bool {
	return !c.booting && c.held == 0 && c.safe(i, cy)
}

// heldFlush is how many events may be held back before an event held
// back more makes the cluster write what it can (flush). The held events
// are written in order whenever they are (flush writes only what is
// safe), so this sets the memory they take and how late their lines come,
// not the trace: run flushes after each host's turn anyway. Flushing at
// every event cost a two-host run a quarter of its time: most of a host's
// events during its turn are held, and the checks were made at each.
const heldFlush = 256

// flushSometimes writes what it can of the held events when heldFlush
// more have come.
func (c *Cluster) flushSometimes() {
	if !c.booting && c.held%heldFlush == 0 {
		c.flush()
	}
}

// A ClusterLog takes a cluster's trace in time order (ClusterConfig.TraceLog).
type ClusterLog interface {
	// HostRecord takes a Record of the cluster's host number host.
	// r is the host's, valid during the call only.
	HostRecord(host int, r *Record)
	// Event takes any other event, as ClusterConfig.Trace does.
	Event(e *Event)
}

// hostLog is the TraceLog of host i of a cluster with a ClusterLog: its
// Records and its events go through the merge.
type hostLog struct {
	c *Cluster
	i int
}

func (l hostLog) Record(r *Record) { l.c.record(l.i, r) }
func (l hostLog) Event(e *Event)   { l.c.event(l.i, e) }

// queue returns the events held back of source i: a host, or netSource.
func (c *Cluster) queue(i int) *heldQueue {
	if i == netSource {
		return &c.netHeld
	}
	return &c.hosts[i].held
}

// safe reports whether an event of source i (a host, or netSource) at
// cycle cy can be written: every other source's events still to come are
// later, or at the same cycle but after it (the network first, then the
// hosts in their order).
func (c *Cluster) safe(i int, cy uint64) bool { return cy < c.safeBefore(i) }

// safeBefore returns the cycle before which an event of source i can be
// written (safe): the network's next change and the next power event,
// for a host's; each other host's bound on the events it can still emit
// (eventBound), an event at the bound itself coming first if i comes
// first in order.
func (c *Cluster) safeBefore(i int) uint64 {
	limit := never
	if c.fabric != nil && i != netSource {
		if nc, ok := c.fabric.NextChange(); ok {
			limit = nc
		}
		// A host's power going or coming back is a change of the
		// network too (Down, Up): the lines of the frames it loses
		// come first in its cycle.
		limit = min(limit, c.nextPowerAt())
	}
	for j := range c.hosts {
		if j != i {
			limit = min(limit, before(i, j, c.eventBound(j)))
		}
	}
	return limit
}

// nextRun returns the source whose first held event comes first (at a
// tie, the first source in order: the network, then the hosts) and the
// cycle before which its events come before every other source's held
// ones. Both come from one pass over the sources: the source whose first
// held event comes second bounds the run, since every other source's
// first event is at least as late and, at the same cycle, no earlier in
// order.
//
// Preconditions: c.held > 0.
func (c *Cluster) nextRun() (first int, limit uint64) {
	const none = netSource - 1
	first, second := none, none
	var firstAt, secondAt uint64
	for j := netSource; j < len(c.hosts); j++ {
		q := c.queue(j)
		if q.len() == 0 {
			continue
		}
		// Sources come in order, so at a tie the one seen first stays
		// ahead.
		switch cy := q.firstCycle(); {
		case first == none || cy < firstAt:
			second, secondAt = first, firstAt
			first, firstAt = j, cy
		case second == none || cy < secondAt:
			second, secondAt = j, cy
		}
	}
	if second == none {
		return first, never
	}
	return first, before(first, second, secondAt)
}

// before returns the cycle before which an event of source i comes before
// an event of source j at cycle cy: cy, or the cycle after it if i comes
// first in order at a tie.
func before(i, j int, cy uint64) uint64 {
	if i < j {
		return hw.AddCycles(cy, 1)
	}
	return cy
}

// flush writes the held-back events that are safe, in order. It writes a
// source's events a run at a time, up to the first that another source's
// held event or safeBefore keeps back: the first worked out once a run
// (nextRun), safeBefore once a source for the whole flush, rather than
// once an event (a host of several holds most of its events, and the
// checks took a quarter of a two-host run's time). Writing changes
// neither: no host's clock, no bound on what a host can send, not the
// network or the power plan.
func (c *Cluster) flush() {
	safe := c.flushSafe[:0]
	for i := netSource; i < len(c.hosts); i++ {
		safe = append(safe, c.safeBefore(i))
	}
	c.flushSafe = safe
	for c.held > 0 {
		i, held := c.nextRun()
		if !c.writeRun(i, min(safe[i-netSource], held)) {
			return
		}
	}
}

// FlushHeld writes the trace events still held back, in order: after a
// pause at which the run stops for good, the events of a host whose system
// call ran past the pause (RunUntil keeps them for the run going on). The
// network first makes the changes those events went past, whose lines
// come before them. A host's power event that they went past is not taken
// at a pause, so the events at or after it stay untold, as they must not
// come before it.
func (c *Cluster) FlushHeld() {
	stop := c.nextPowerAt()
	if c.fabric != nil && c.held > 0 {
		last := uint64(0)
		for _, h := range c.hosts {
			for _, cy := range h.held.cycles() {
				if cy < stop {
					last = max(last, cy)
				}
			}
		}
		c.fabric.Change(last)
	}
	c.writeBefore(stop)
}

// flushAll writes every held-back event, in order: at the end of a run.
func (c *Cluster) flushAll() { c.writeBefore(never) }

// writeBefore writes the held-back events earlier than cycle stop, in
// order, whether safe or not.
func (c *Cluster) writeBefore(stop uint64) {
	for c.held > 0 {
		i, held := c.nextRun()
		if !c.writeRun(i, min(stop, held)) {
			return
		}
	}
}

// nextPowerAt is the earliest cycle at which a host will take a power
// event (powerAt); never if none will.
func (c *Cluster) nextPowerAt() uint64 {
	at := never
	for _, h := range c.hosts {
		if d, ok := h.powerAt(); ok {
			at = min(at, d)
		}
	}
	return at
}

// writeRun writes the held events of source i earlier than cycle limit,
// from its first on, and reports whether there was one. It walks the
// queue's arrays itself, where a call to write each event and another to
// drop it made a sixth of what the merge of a two-host trace cost.
func (c *Cluster) writeRun(i int, limit uint64) bool {
	q := c.queue(i)
	start := q.head
	for q.head < len(q.isRec) {
		if q.isRec[q.head] {
			r := &q.recs[q.rHead]
			if r.Cycle >= limit {
				break
			}
			c.log.HostRecord(i, r) // only a host's, with a ClusterLog, are Records
			q.rHead++
		} else {
			e := &q.evs[q.eHead]
			if e.Cycle >= limit {
				break
			}
			c.trace(e)
			*e = Event{} // its strings go
			q.eHead++
		}
		q.head++
	}
	n := q.head - start
	c.held -= n
	q.settle()
	return n > 0
}

// A heldQueue holds a source's events back, in the order they came:
// Records as they are, other events as their Events (kept). isRec says
// which each is, in turn, from head on; evs and recs hold them, from
// their heads on. The arrays are reused: a host of several holds back
// most of its events, a quantum's worth at a time.
type heldQueue struct {
	isRec              []bool
	evs                []Event
	recs               []Record
	head, eHead, rHead int
}

func (q *heldQueue) len() int { return len(q.isRec) - q.head }

func (q *heldQueue) pushEvent(e *Event) {
	q.isRec, q.evs = append(q.isRec, false), append(q.evs, e.Keep())
}

func (q *heldQueue) pushRecord(r *Record) {
	q.isRec = append(q.isRec, true)
	if n := len(q.recs); n < cap(q.recs) {
		q.recs = q.recs[:n+1]
		q.recs[n] = *r // in place: append(q.recs, *r) copies r to the stack first
	} else {
		q.recs = append(q.recs, *r)
	}
}

// firstCycle returns the cycle of the first event.
func (q *heldQueue) firstCycle() uint64 {
	if q.isRec[q.head] {
		return q.recs[q.rHead].Cycle
	}
	return q.evs[q.eHead].Cycle
}

// cycles returns the cycles of the events, in order.
func (q *heldQueue) cycles() []uint64 {
	out := make([]uint64, 0, q.len())
	e, r := q.eHead, q.rHead
	for _, rec := range q.isRec[q.head:] {
		if rec {
			out, r = append(out, q.recs[r].Cycle), r+1
		} else {
			out, e = append(out, q.evs[e].Cycle), e+1
		}
	}
	return out
}

// settle makes room after events were dropped from the front
// (Cluster.writeRun): the arrays start again from their beginning when the
// queue is empty, and move their events down when more than half of them
// are gone, so that a queue that never empties does not grow without end.
func (q *heldQueue) settle() {
	switch {
	case q.head == len(q.isRec):
		q.isRec, q.evs, q.recs = q.isRec[:0], q.evs[:0], q.recs[:0]
		q.head, q.eHead, q.rHead = 0, 0, 0
	case q.head >= 1024 && 2*q.head >= len(q.isRec):
		n := len(q.evs)
		q.isRec = q.isRec[:copy(q.isRec, q.isRec[q.head:])]
		q.evs = q.evs[:copy(q.evs, q.evs[q.eHead:])]
		q.recs = q.recs[:copy(q.recs, q.recs[q.rHead:])]
		clear(q.evs[len(q.evs):n]) // the moved Events' old places: their strings go
		q.head, q.eHead, q.rHead = 0, 0, 0
	}
}
