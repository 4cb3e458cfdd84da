package hw

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
)

// The network is the wire between simulated hosts: point-to-point links that
// carry frames as timed events on the one virtual clock. A host's kernel
// hands a frame to Send at the cycle it transmits; the frame arrives at the
// other end some cycles later, or is dropped, and the kernel collects what
// has arrived with Arrivals. The network never looks inside a frame.
//
// A frame's journey over one direction of a link, like a router port:
//
//	queue     it waits in the sender's buffer (at most QueueBytes bytes)
//	          while earlier frames are transmitted;
//	transmit  it takes Size*8/Bandwidth seconds to put on the wire
//	          (serialisation), during which the next frame waits;
//	propagate it travels Latency cycles, maybe held back longer (Reorder),
//	          maybe lost (Loss), maybe copied (Duplicate).
//
// So a frame sent at cycle t arrives at max(t, end of the previous frame's
// transmission) + transmission time + Latency, and never before t+Latency:
// MinLatency is the lookahead a multi-host scheduler may run hosts apart.
//
// Everything is deterministic. Each direction of each link draws from its own
// PCG stream seeded from the network's seed and the link's name (FNV-1a), so
// adding a link, or traffic the other way, does not change which frames a
// link loses. Every frame that reaches the random stage draws the same four
// numbers (loss, duplicate, reorder, delay), so raising Loss does not change
// which frames are duplicated. Nothing here iterates a map.

// A Packet is one frame on the wire. (It is not called Frame because in hw
// a Frame is a physical page frame.) The network does not look inside
// Payload.
type Packet struct {
	ID       uint64 // assigned by Send: 1, 2, 3... in send order (a duplicate keeps the ID, with Copy 1)
	From, To int    // host numbers (indexes the caller chose when adding hosts)
	Size     int    // bytes on the wire (for bandwidth and queue limits)
	Payload  any
	Copy     int    // 0 the original; 1 a duplicate the link made
	Sent     uint64 // cycle it was sent
	Arrive   uint64 // cycle it arrives (set by Send); 0 if dropped when sent
}

// Defaults for the limits of a link's direction, which keep the memory of a
// run bounded whatever the programs send.
const (
	// DefaultQueueBytes is the buffer of each direction of a link when
	// LinkConfig.QueueBytes is 0: 64 KiB, about 43 full-size Ethernet frames,
	// like a small router's port. Frames that would overflow it are dropped
	// ("queue full"), as a router drops at the tail.
	DefaultQueueBytes = 64 << 10
	// DefaultMaxInFlight is the most frames one direction of a link holds at
	// once (queued, on the wire, or arrived and not yet collected) when
	// LinkConfig.MaxInFlight is 0. On a link of unlimited bandwidth nothing
	// queues, so this is what bounds it.
	DefaultMaxInFlight = 4096
)

// LinkConfig describes a link. Both directions have the same properties and
// each its own queue, transmitter and randomness.
type LinkConfig struct {
	Name        string  // e.g. "alice-bob"; seeds the link's randomness
	A, B        int     // the two hosts it joins (either direction); 0 or more
	Latency     uint64  // cycles (1 cycle = 1 ns) from the end of transmission to arrival; at least 1
	Bandwidth   uint64  // bits per second; 0 = unlimited (no serialisation delay, no queueing)
	Loss        float64 // probability a frame is lost, in [0,1]
	Duplicate   float64 // probability a frame is delivered twice (the copy one transmission time, at least 1 cycle, after it)
	Reorder     float64 // probability a frame is held back by an extra delay uniform in [1, Latency], so later frames overtake it
	QueueBytes  int     // per-direction buffer of frames waiting or being transmitted; 0 = DefaultQueueBytes
	MaxInFlight int     // per-direction limit on frames not yet collected; 0 = DefaultMaxInFlight
}

// A DropReason says why a frame did not arrive.
type DropReason uint8

// Reasons a frame is dropped. NotDropped is the zero value.
const (
	NotDropped      DropReason = iota
	DropNoLink                 // no link joins the two hosts (or From == To, or a negative host)
	DropBadSize                // Size is negative
	DropPartitioned            // the link is cut, or was cut while the frame was on it
	DropHostDown               // the sender or the receiver is down, or went down while the frame was on its way
	DropQueueFull              // the sender's buffer on the link holds no room for it
	DropTooMany                // the direction already holds MaxInFlight frames
	DropLoss                   // lost on the wire (LinkConfig.Loss)
	NumDropReasons
)

func (r DropReason) String() string {
	switch r {
	case NotDropped:
		return "not dropped"
	case DropNoLink:
		return "no link"
	case DropBadSize:
		return "bad size"
	case DropPartitioned:
		return "partitioned"
	case DropHostDown:
		return "host down"
	case DropQueueFull:
		return "queue full"
	case DropTooMany:
		return "too many in flight"
	case DropLoss:
		return "loss"
	}
	return "drop?"
}

// A Verdict is what Send did with a frame.
type Verdict struct {
	ID         uint64     // the ID Send gave the frame
	Link       string     // the link it went on; "" if there is none
	Dropped    DropReason // why it was dropped; NotDropped if it is on its way
	Arrive     uint64     // cycle it arrives, if not dropped
	Duplicated bool       // the link made a copy, which arrives at CopyArrive
	CopyArrive uint64
	Reordered  bool // held back by an extra delay, so later frames may overtake it
}

// Queued reports whether the frame is on its way.
func (v Verdict) Queued() bool { return v.Dropped == NotDropped }

// NetEventKind says what happened on the network.
type NetEventKind uint8

// The kinds of network event.
const (
	NetSend      NetEventKind = iota // a frame went on a link (Packet.Arrive says when it arrives)
	NetDrop                          // a frame was dropped (Reason says why), when sent or on its way
	NetDuplicate                     // the link made a copy of a frame (the copy, Copy 1)
	NetReorder                       // the link held a frame back (Reason says by how much)
	NetDeliver                       // Arrivals handed a frame to its host (At is when it arrived)
	NetPartition                     // a link was cut
	NetHeal                          // a cut link was healed
	NetHostDown                      // a host went down (Host)
	NetHostUp                        // a host came back (Host)
)

func (k NetEventKind) String() string {
	switch k {
	case NetSend:
		return "send"
	case NetDrop:
		return "drop"
	case NetDuplicate:
		return "duplicate"
	case NetReorder:
		return "reorder"
	case NetDeliver:
		return "deliver"
	case NetPartition:
		return "partition"
	case NetHeal:
		return "heal"
	case NetHostDown:
		return "host down"
	case NetHostUp:
		return "host up"
	}
	return "net?"
}

// A NetEvent reports one thing the network did, for the kernel's trace.
type NetEvent struct {
	Kind   NetEventKind
	At     uint64     // the cycle it happened
	Link   string     // the link's name; "" for a host event or a frame with no link
	Packet Packet     // the frame, for frame events
	Host   int        // the host, for NetHostDown and NetHostUp
	Drop   DropReason // why, for NetDrop
	Reason string     // the drop reason, or the extra delay of a reorder, as text
}

// String renders the event as one line of a trace, e.g.
// "1000 alice-bob send #3 0->1 1500B arrive 101200".
func (e NetEvent) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", e.At)
	if e.Link != "" {
		fmt.Fprintf(&b, " %s", e.Link)
	}
	b.WriteString(" " + e.Kind.String())
	switch e.Kind {
	case NetPartition, NetHeal:
		return b.String()
	case NetHostDown, NetHostUp:
		fmt.Fprintf(&b, " %d", e.Host)
		return b.String()
	}
	f := e.Packet
	fmt.Fprintf(&b, " #%d", f.ID)
	if f.Copy != 0 {
		fmt.Fprintf(&b, ".%d", f.Copy)
	}
	fmt.Fprintf(&b, " %d->%d %dB", f.From, f.To, f.Size)
	switch e.Kind {
	case NetSend, NetDuplicate:
		fmt.Fprintf(&b, " arrive %d", f.Arrive)
	case NetReorder:
		fmt.Fprintf(&b, " %s arrive %d", e.Reason, f.Arrive)
	case NetDrop:
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	return b.String()
}

// LinkStats counts what a link did, both directions together. Every frame
// offered to the link, and every copy it made, ends up exactly once in
// Delivered, Dropped or InFlight:
// Sent + Duplicated = Delivered + sum(Dropped) + InFlight.
type LinkStats struct {
	Sent, SentBytes           uint64                 // frames (and bytes) Send routed to the link, copies not included
	Delivered, DeliveredBytes uint64                 // frames (and bytes) Arrivals handed out, copies included
	Dropped                   [NumDropReasons]uint64 // frames dropped, by reason
	Duplicated                uint64                 // copies the link made
	Reordered                 uint64                 // frames it held back
	InFlight, InFlightBytes   uint64                 // frames (and bytes) not yet collected by Arrivals
}

// A Link joins two hosts. Its two directions are independent: each has its
// own buffer, transmitter and random stream.
type Link struct {
	cfg LinkConfig
	cut bool // partitioned: everything sent is dropped
	// cuts lists the cycles at which the link was cut or healed
	// (SetPartitioned), in order, so that a frame is judged by the link
	// at the cycle it is sent (cutAt) even if a host that ran ahead
	// already cut or healed it at a later cycle.
	cuts  []cutChange
	dir   [2]direction
	stats LinkStats
}

// cutChange is the link cut (cut) or healed at cycle at.
type cutChange struct {
	at  uint64
	cut bool
}

// cutAt reports whether the link was cut at cycle now, by the changes
// made so far (SetPartitioned), and if it was whole then, the cycle of
// the first cut made already but after now (later). The hosts of a run do
// not all stand at the same cycle: one may be up to a lookahead (the
// least latency of the links) ahead of another, and the first to send at
// or after a scheduled cut or heal makes it. A frame the other sends
// before that cycle is judged by the link as it was at its own cycle
// (Send): healed later, the link was still cut when the frame was sent;
// cut later, the frame goes as if sent before the cut was made, and the
// cut then takes it if it would still be on its way.
func (l *Link) cutAt(now uint64) (cut bool, next uint64, later bool) {
	for _, c := range l.cuts {
		if c.at > now {
			if cut {
				return true, 0, false
			}
			return false, c.at, true // from whole, the next change is a cut
		}
		cut = c.cut
	}
	return cut, 0, false
}

// direction is one way of a link: from cfg.A to cfg.B (dir[0]) or back.
type direction struct {
	from, to  int
	busyUntil uint64     // cycle the transmitter finishes the last frame queued
	queue     []txRecord // frames queued or being transmitted, in order, from queue[head]
	head      int
	queued    uint64     // bytes in queue
	inFlight  int        // frames not yet collected
	rng       *rand.Rand // PCG seeded from the network's seed, the name and the direction
}

// dequeue takes out of the buffer the frames whose transmission has ended by
// now. The buffer is a slice with a moving head, compacted when it empties
// or half of it is spent, so a busy link allocates nothing per frame.
func (d *direction) dequeue(now uint64) {
	for d.head < len(d.queue) && d.queue[d.head].end <= now {
		d.queued -= d.queue[d.head].size
		d.head++
	}
	switch {
	case d.head == len(d.queue):
		d.queue, d.head = d.queue[:0], 0
	case d.head > len(d.queue)/2:
		d.queue = d.queue[:copy(d.queue, d.queue[d.head:])]
		d.head = 0
	}
}

// txRecord is a frame in a direction's buffer: it leaves the buffer when its
// transmission ends.
type txRecord struct {
	end  uint64 // cycle its transmission ends
	size uint64
}

// Config returns the link's configuration, with the defaults filled in.
func (l *Link) Config() LinkConfig { return l.cfg }

// Name returns the link's name.
func (l *Link) Name() string { return l.cfg.Name }

// Partitioned reports whether the link is cut.
func (l *Link) Partitioned() bool { return l.cut }

// Stats returns what the link has done so far.
func (l *Link) Stats() LinkStats { return l.stats }

// String describes the link in one line for inspect, as a person would
// write it: "alice-bob 0 <-> 1 latency 100us bandwidth 10Mbit/s loss 1%
// queue 64KiB". Zero probabilities are left out.
func (l *Link) String() string {
	c := l.cfg
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d <-> %d latency %s bandwidth %s", c.Name, c.A, c.B,
		FormatDuration(c.Latency), FormatBandwidth(c.Bandwidth))
	for _, p := range []struct {
		name string
		p    float64
	}{{"loss", c.Loss}, {"duplicate", c.Duplicate}, {"reorder", c.Reorder}} {
		if p.p != 0 {
			fmt.Fprintf(&b, " %s %s", p.name, FormatProbability(p.p))
		}
	}
	if c.QueueBytes%1024 == 0 {
		fmt.Fprintf(&b, " queue %dKiB", c.QueueBytes/1024)
	} else {
		fmt.Fprintf(&b, " queue %dB", c.QueueBytes)
	}
	if l.cut {
		b.WriteString(" partitioned")
	}
	if l.stats.InFlight > 0 {
		fmt.Fprintf(&b, " in flight %d", l.stats.InFlight)
	}
	return b.String()
}

// Network is the set of links between hosts and the frames on them.
type Network struct {
	seed    uint64
	links   []*Link          // in the order added
	byName  map[string]*Link // for lookup only
	byPair  map[[2]int]*Link // by {smaller host, larger host}; lookup only
	hosts   []*netHost       // every host a link or SetHostDown named, by number
	nextID  uint64           // the ID of the last frame sent
	onEvent func(NetEvent)   // nil: nobody listens, and no event is built
}

// netHost is one end of links: the frames on their way to it, and whether it
// is up.
type netHost struct {
	num   int
	down  bool
	inbox inbox
}

// inflight is a frame on its way, with the link and direction that carry it.
type inflight struct {
	Packet
	link *Link
	dir  int
}

// NewNetwork returns an empty network whose links draw their randomness from
// seed.
func NewNetwork(seed uint64) *Network {
	return &Network{seed: seed, byName: map[string]*Link{}, byPair: map[[2]int]*Link{}}
}

// AddLink adds a link. It fails, saying what is wrong, if the configuration
// is not one: a negative host, A == B, a name already taken or empty, a
// second link between the same two hosts, latency 0, a probability outside
// [0,1], a negative limit.
func (n *Network) AddLink(cfg LinkConfig) (*Link, error) {
	if err := n.checkLink(cfg); err != nil {
		return nil, fmt.Errorf("link %q: %v", cfg.Name, err)
	}
	if cfg.QueueBytes == 0 {
		cfg.QueueBytes = DefaultQueueBytes
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	l := &Link{cfg: cfg}
	for d, ends := range [2][2]int{{cfg.A, cfg.B}, {cfg.B, cfg.A}} {
		s1 := linkSeed(n.seed, cfg.Name, d)
		l.dir[d] = direction{from: ends[0], to: ends[1], rng: rand.New(rand.NewPCG(s1, splitmix64(s1)))}
	}
	n.links = append(n.links, l)
	n.byName[cfg.Name] = l
	n.byPair[pair(cfg.A, cfg.B)] = l
	n.host(cfg.A)
	n.host(cfg.B)
	return l, nil
}

func (n *Network) checkLink(cfg LinkConfig) error {
	switch {
	case cfg.Name == "":
		return fmt.Errorf("a link needs a name")
	case n.byName[cfg.Name] != nil:
		return fmt.Errorf("a link of that name already exists")
	case cfg.A < 0 || cfg.B < 0:
		return fmt.Errorf("hosts %d and %d: host numbers are 0 or more", cfg.A, cfg.B)
	case cfg.A == cfg.B:
		return fmt.Errorf("joins host %d to itself; a link joins two different hosts", cfg.A)
	case n.byPair[pair(cfg.A, cfg.B)] != nil:
		return fmt.Errorf("hosts %d and %d are already joined by link %q; at most one link joins two hosts",
			cfg.A, cfg.B, n.byPair[pair(cfg.A, cfg.B)].cfg.Name)
	case cfg.Latency == 0:
		return fmt.Errorf("latency 0; a link's latency is at least 1 cycle")
	case cfg.QueueBytes < 0:
		return fmt.Errorf("queue of %d bytes; expected 0 (the default, %d) or more", cfg.QueueBytes, DefaultQueueBytes)
	case cfg.MaxInFlight < 0:
		return fmt.Errorf("at most %d frames in flight; expected 0 (the default, %d) or more", cfg.MaxInFlight, DefaultMaxInFlight)
	}
	for _, p := range []struct {
		name string
		p    float64
	}{{"loss", cfg.Loss}, {"duplicate", cfg.Duplicate}, {"reorder", cfg.Reorder}} {
		if !(p.p >= 0 && p.p <= 1) { // also refuses NaN
			return fmt.Errorf("%s probability %v; expected a probability between 0 and 1", p.name, p.p)
		}
	}
	return nil
}

func pair(a, b int) [2]int {
	if a > b {
		a, b = b, a
	}
	return [2]int{a, b}
}

// linkSeed derives the seed of one direction of a link: FNV-1a over the
// network's seed, the link's name and the direction. Other links do not
// enter it, so adding one changes nothing for the rest.
func linkSeed(seed uint64, name string, dir int) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(name))
	h.Write([]byte{0, byte(dir)}) // 0 ends the name: no name is a prefix of another's bytes here
	return h.Sum64()
}

// splitmix64 scrambles x into the PCG's second word.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// host returns the host numbered num, adding it if it is new. Hosts are kept
// sorted by number so that walking them is deterministic.
func (n *Network) host(num int) *netHost {
	i, found := slices.BinarySearchFunc(n.hosts, num, func(h *netHost, num int) int { return h.num - num })
	if found {
		return n.hosts[i]
	}
	h := &netHost{num: num}
	n.hosts = slices.Insert(n.hosts, i, h)
	return h
}

// lookupHost returns the host numbered num, or nil if no link or call has
// named it.
func (n *Network) lookupHost(num int) *netHost {
	i, found := slices.BinarySearchFunc(n.hosts, num, func(h *netHost, num int) int { return h.num - num })
	if !found {
		return nil
	}
	return n.hosts[i]
}

// Link returns the link named name, or nil.
func (n *Network) Link(name string) *Link { return n.byName[name] }

// Links returns every link, in the order added.
func (n *Network) Links() []*Link { return slices.Clone(n.links) }

// MinLatency returns the smallest latency of any link, 0 if there are none:
// no frame sent at cycle t arrives before t+MinLatency, so hosts may run
// that far apart.
func (n *Network) MinLatency() uint64 {
	var m uint64
	for i, l := range n.links {
		if i == 0 || l.cfg.Latency < m {
			m = l.cfg.Latency
		}
	}
	return m
}

// emit reports an event to the listener, if there is one.
func (n *Network) emit(e NetEvent) {
	if n.onEvent != nil {
		n.onEvent(e)
	}
}

// OnEvent sets the function told of every send, drop, duplicate, reorder,
// delivery, partition, heal and host change, in the order they happen; nil
// stops the reports. Reporting never changes the run.
func (n *Network) OnEvent(f func(NetEvent)) { n.onEvent = f }

// Send puts frame f, sent by host f.From at cycle now, on the link between
// f.From and f.To. It gives the frame its ID, Sent and Arrive, and says in
// the Verdict whether it is on its way (and when it arrives) or why it was
// dropped. Size must be 0 or more; Copy is ignored.
func (n *Network) Send(now uint64, f Packet) Verdict {
	n.nextID++
	f.ID, f.Copy, f.Sent, f.Arrive = n.nextID, 0, now, 0
	v := Verdict{ID: f.ID}
	var l *Link
	if f.From >= 0 && f.To >= 0 {
		l = n.byPair[pair(f.From, f.To)]
	}
	if l == nil {
		return n.dropAtSend(nil, f, v, DropNoLink)
	}
	v.Link = l.cfg.Name
	l.stats.Sent++
	if f.Size < 0 {
		return n.dropAtSend(l, f, v, DropBadSize)
	}
	l.stats.SentBytes += uint64(f.Size)
	cutNow, cut, cutLater := l.cutAt(now)
	if cutNow {
		return n.dropAtSend(l, f, v, DropPartitioned)
	}
	if n.isDown(f.From) || n.isDown(f.To) {
		return n.dropAtSend(l, f, v, DropHostDown)
	}
	d := 0
	if f.From != l.cfg.A {
		d = 1
	}
	dir := &l.dir[d]
	size := uint64(f.Size)

	// The buffer: frames whose transmission has ended have left it.
	dir.dequeue(now)
	tx := transmitTime(size, l.cfg.Bandwidth)
	if tx > 0 && dir.queued+size > uint64(l.cfg.QueueBytes) {
		return n.dropAtSend(l, f, v, DropQueueFull)
	}
	if dir.inFlight >= l.cfg.MaxInFlight {
		return n.dropAtSend(l, f, v, DropTooMany)
	}

	// Four draws for every frame that gets this far, whatever the
	// probabilities, so that one setting does not shift another's choices.
	lost := dir.rng.Float64() < l.cfg.Loss
	dup := dir.rng.Float64() < l.cfg.Duplicate
	reorder := dir.rng.Float64() < l.cfg.Reorder
	extra := 1 + dir.rng.Uint64N(l.cfg.Latency) // in [1, Latency]

	// A cut already made after now (cutLater): the frame goes as if sent
	// before the cut was made, and the cut takes what it would have taken
	// (SetPartitioned): the transmitter, busy with the frame until the cut
	// at most, and the frame if it is still on its way then (below).

	// Transmission: after the frames before it, for tx cycles (at unlimited
	// bandwidth, at once: nothing queues). A lost frame was transmitted too,
	// and cost the link that time; it is lost on the wire.
	end := now
	if l.cfg.Bandwidth != 0 {
		end = AddCycles(max(now, dir.busyUntil), tx)
		switch {
		case cutLater && end > cut: // the cut stops it and empties the buffer
			dir.busyUntil = max(dir.busyUntil, cut)
		default:
			dir.busyUntil = end
			if end > now && size > 0 {
				dir.queue = append(dir.queue, txRecord{end: end, size: size})
				dir.queued += size
			}
		}
	}
	if lost {
		return n.dropAtSend(l, f, v, DropLoss)
	}

	f.Arrive = AddCycles(end, l.cfg.Latency)
	if reorder {
		f.Arrive = AddCycles(f.Arrive, extra)
		l.stats.Reordered++
		v.Reordered = true
	}
	// The frame took its draws as if sent before the cut was made, and is
	// lost now if it would be on its way at the cut, as SetPartitioned
	// loses the frames it finds (those that arrive by the cut's cycle
	// stay); so is its copy, if the link made one, counted as the cut
	// would have counted it. What is not the same: the buffer's and
	// in-flight limits were judged above by the link as the cut left it,
	// not as it was at now.
	if cutLater && f.Arrive > cut {
		if dup && dir.inFlight < l.cfg.MaxInFlight {
			l.stats.Duplicated++
			c := copyOf(f, tx)
			n.dropAtSend(l, c, Verdict{ID: c.ID}, DropPartitioned)
		}
		return n.dropAtSend(l, f, v, DropPartitioned)
	}
	v.Arrive = f.Arrive
	n.enqueue(l, d, f)
	if n.onEvent != nil {
		n.emit(NetEvent{Kind: NetSend, At: now, Link: l.cfg.Name, Packet: f})
		if reorder {
			n.emit(NetEvent{Kind: NetReorder, At: now, Link: l.cfg.Name, Packet: f,
				Reason: "held back " + FormatDuration(extra)})
		}
	}
	// The copy, if the direction has room for one more frame.
	if dup && dir.inFlight < l.cfg.MaxInFlight {
		c := copyOf(f, tx)
		if cutLater && c.Arrive > cut { // on its way at the cut: lost
			l.stats.Duplicated++
			n.dropAtSend(l, c, Verdict{ID: c.ID}, DropPartitioned)
			return v
		}
		l.stats.Duplicated++
		v.Duplicated, v.CopyArrive = true, c.Arrive
		n.enqueue(l, d, c)
		n.emit(NetEvent{Kind: NetDuplicate, At: now, Link: l.cfg.Name, Packet: c})
	}
	return v
}

// copyOf is the copy of frame f that a link duplicating it sends: it
// arrives one transmission time (tx) after the original, at least a cycle.
func copyOf(f Packet, tx uint64) Packet {
	f.Copy = 1
	f.Arrive = AddCycles(f.Arrive, max(tx, 1))
	return f
}

// transmitTime is the cycles (ns) it takes to put size bytes on a wire of
// bps bits per second, rounded up: size*8*1e9/bps. 0 if bps is 0
// (unlimited); LastCycle if it does not fit.
func transmitTime(size, bps uint64) uint64 {
	if bps == 0 || size == 0 {
		return 0
	}
	hi, lo := bits.Mul64(size, 8e9)
	if hi >= bps {
		return LastCycle
	}
	q, r := bits.Div64(hi, lo, bps)
	if r != 0 {
		q = AddCycles(q, 1)
	}
	return q
}

// dropAtSend counts and reports a frame dropped when it was sent.
func (n *Network) dropAtSend(l *Link, f Packet, v Verdict, why DropReason) Verdict {
	v.Dropped = why
	name := ""
	if l != nil {
		l.stats.Dropped[why]++
		name = l.cfg.Name
	}
	n.emit(NetEvent{Kind: NetDrop, At: f.Sent, Link: name, Packet: f, Drop: why, Reason: why.String()})
	return v
}

// enqueue puts f on its way over direction d of link l.
func (n *Network) enqueue(l *Link, d int, f Packet) {
	l.dir[d].inFlight++
	l.stats.InFlight++
	l.stats.InFlightBytes += uint64(max(f.Size, 0))
	n.host(f.To).inbox.push(inflight{Packet: f, link: l, dir: d})
}

// leave takes a frame off its link's books as it is delivered or dropped.
func leave(x inflight) {
	x.link.dir[x.dir].inFlight--
	x.link.stats.InFlight--
	x.link.stats.InFlightBytes -= uint64(max(x.Size, 0))
}

func (n *Network) isDown(num int) bool {
	h := n.lookupHost(num)
	return h != nil && h.down
}

// Next returns the cycle of the earliest frame on its way to host.
func (n *Network) Next(host int) (uint64, bool) {
	h := n.lookupHost(host)
	if h == nil || len(h.inbox) == 0 {
		return 0, false
	}
	return h.inbox[0].Arrive, true
}

// NextAny returns the cycle of the earliest frame on its way anywhere.
func (n *Network) NextAny() (uint64, bool) {
	var t uint64
	ok := false
	for _, h := range n.hosts {
		if len(h.inbox) > 0 && (!ok || h.inbox[0].Arrive < t) {
			t, ok = h.inbox[0].Arrive, true
		}
	}
	return t, ok
}

// Arrivals removes and returns the frames for host that arrive at or before
// cycle now, in compareInflight's order, reporting each as delivered.
func (n *Network) Arrivals(host int, now uint64) []Packet {
	return n.AppendArrivals(nil, host, now)
}

// AppendArrivals is Arrivals that appends to out, so that a caller that
// reuses one slice allocates nothing per frame.
func (n *Network) AppendArrivals(out []Packet, host int, now uint64) []Packet {
	h := n.lookupHost(host)
	if h == nil {
		return out
	}
	for len(h.inbox) > 0 && h.inbox[0].Arrive <= now {
		x := h.inbox.pop()
		leave(x)
		x.link.stats.Delivered++
		x.link.stats.DeliveredBytes += uint64(max(x.Size, 0))
		out = append(out, x.Packet)
		n.emit(NetEvent{Kind: NetDeliver, At: x.Arrive, Link: x.link.cfg.Name, Packet: x.Packet})
	}
	return out
}

// InFlight returns every frame not yet collected by Arrivals, in
// compareInflight's order, for inspect.
func (n *Network) InFlight() []Packet {
	var all []inflight
	for _, h := range n.hosts {
		all = append(all, h.inbox...)
	}
	slices.SortFunc(all, compareInflight)
	out := make([]Packet, len(all))
	for i, x := range all {
		out[i] = x.Packet
	}
	return out
}

// SetPartitioned cuts the link named name at cycle now, or heals it. While
// cut it drops every frame sent on it; cutting it loses the frames on it
// that had not arrived by now (each reported), and empties its buffers.
// Frames that arrived before the cut stay for Arrivals. Cutting a cut link,
// or healing a whole one, does nothing.
func (n *Network) SetPartitioned(now uint64, name string, cut bool) error {
	l := n.byName[name]
	if l == nil {
		return fmt.Errorf("no link named %q", name)
	}
	if l.cut == cut {
		return nil
	}
	l.cut = cut
	l.cuts = append(l.cuts, cutChange{now, cut})
	if !cut {
		n.emit(NetEvent{Kind: NetHeal, At: now, Link: name})
		return nil
	}
	n.emit(NetEvent{Kind: NetPartition, At: now, Link: name})
	for d := range l.dir {
		dir := &l.dir[d]
		dir.queue, dir.head, dir.queued = nil, 0, 0
		dir.busyUntil = min(dir.busyUntil, now)
	}
	var lost []inflight
	for _, end := range []int{l.cfg.A, l.cfg.B} {
		lost = n.host(end).inbox.remove(lost, func(x inflight) bool { return x.link == l && x.Arrive > now })
	}
	n.dropInFlight(now, lost, DropPartitioned)
	return nil
}

// SetHostDown takes host down at cycle now, or brings it back up. A down
// host sends and receives nothing: every frame on its way to it and not yet
// collected is lost (each reported), including those that had arrived, since
// they die with the host. Frames it sent before going down travel on.
func (n *Network) SetHostDown(now uint64, host int, down bool) error {
	if host < 0 {
		return fmt.Errorf("host %d: host numbers are 0 or more", host)
	}
	h := n.host(host)
	if h.down == down {
		return nil
	}
	h.down = down
	if !down {
		n.emit(NetEvent{Kind: NetHostUp, At: now, Host: host})
		return nil
	}
	n.emit(NetEvent{Kind: NetHostDown, At: now, Host: host})
	lost := h.inbox.remove(nil, func(inflight) bool { return true })
	n.dropInFlight(now, lost, DropHostDown)
	return nil
}

// dropInFlight counts and reports frames lost on their way, in
// compareInflight's order.
func (n *Network) dropInFlight(now uint64, lost []inflight, why DropReason) {
	slices.SortFunc(lost, compareInflight)
	for _, x := range lost {
		leave(x)
		x.link.stats.Dropped[why]++
		n.emit(NetEvent{Kind: NetDrop, At: now, Link: x.link.cfg.Name, Packet: x.Packet, Drop: why, Reason: why.String()})
	}
}

// inbox is a binary min-heap of the frames on their way to one host, by
// (Arrive, Sent, From, ID, Copy) (compareInflight): each frame has a
// distinct key, so the order in which equal arrival times come out is
// fixed.
type inbox []inflight

// compareInflight orders frames on their way by arrival, and frames that
// arrive at the same cycle as they were sent in simulated time: by the
// send's cycle, then the sender, then the ID. Not by the ID alone: IDs
// count sends in the order the simulator made them, and hosts run in
// turns, each up to a lookahead ahead of the others (and less while
// tracing), so two hosts' sends can be made out of their cycles' order,
// and the order of their frames would depend on how far each host ran.
// One sender's sends are made in its own time order, so among them the
// ID is their order. (The IDs themselves, which the trace and inspect
// show, still count in the simulator's order.)
func compareInflight(a, b inflight) int {
	switch {
	case a.Arrive != b.Arrive:
		return cmpUint64(a.Arrive, b.Arrive)
	case a.Sent != b.Sent:
		return cmpUint64(a.Sent, b.Sent)
	case a.From != b.From:
		return a.From - b.From
	case a.ID != b.ID:
		return cmpUint64(a.ID, b.ID)
	}
	return a.Copy - b.Copy
}

func cmpUint64(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

func (q *inbox) push(x inflight) {
	*q = append(*q, x)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if compareInflight(h[i], h[p]) >= 0 {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// pop removes and returns the earliest frame. Precondition: q is not empty.
func (q *inbox) pop() inflight {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = inflight{} // let the payload go
	h = h[:last]
	h.down(0)
	*q = h
	return top
}

func (q inbox) down(i int) {
	for {
		l, m := 2*i+1, i
		if l < len(q) && compareInflight(q[l], q[m]) < 0 {
			m = l
		}
		if r := l + 1; r < len(q) && compareInflight(q[r], q[m]) < 0 {
			m = r
		}
		if m == i {
			return
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}

// remove takes out every frame for which drop is true, appends them to out,
// and restores the heap.
func (q *inbox) remove(out []inflight, drop func(inflight) bool) []inflight {
	h := *q
	keep := h[:0]
	for _, x := range h {
		if drop(x) {
			out = append(out, x)
		} else {
			keep = append(keep, x)
		}
	}
	clear(h[len(keep):])
	for i := len(keep)/2 - 1; i >= 0; i-- {
		keep.down(i)
	}
	*q = keep
	return out
}
