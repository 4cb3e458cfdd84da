package kernel

import (
	"fmt"
	"net/netip"
	"strings"

	"ipcsim/hw"
	"ipcsim/ipc/inet"
)

// Net is the simulated network between hosts: the wire of package hw
// and, at each end, a host's kernel. A kernel hands it the packets its
// stack sends to other hosts (Sender, set as Config.Network); when a
// packet's arrival time comes the cluster asks Net to deliver it
// (Deliver), and the receiving kernel takes it as a network card's
// interrupt. Net is the Fabric of a Cluster.
type Net struct {
	wire   *hw.Network
	events []linkEvent // partitions and heals to come, by cycle
	hosts  []*Kernel
	byAddr map[netip.Addr]int // a host's number by its address (looked up, never iterated)
	buf    []hw.Packet        // reused by Deliver
	// changing is set while the network makes a change: a link event
	// (catchUp), a host's power going or coming back (Down, Up); telling
	// while traceWire tells a line of the change that is the network's
	// own (Changing): a link's cut or heal, a frame the change loses. A
	// host's "the host is down" or "up again" stays among its own lines.
	changing, telling bool
}

// A linkEvent is a link cut or healed at a cycle.
type linkEvent struct {
	at   uint64
	link string
	cut  bool
}

// NewNet returns a network with no hosts and no links; seed seeds the
// links' randomness (each link's from the seed and its name).
func NewNet(seed uint64) *Net {
	n := &Net{wire: hw.NewNetwork(seed), byAddr: map[netip.Addr]int{}}
	n.wire.OnEvent(n.traceWire)
	return n
}

// Wire is the network's links (to add links, cut and heal them, and to
// look at what is in flight).
func (n *Net) Wire() *hw.Network { return n.wire }

// Sender returns the Config.Network of the host numbered host: it puts
// each packet on the wire toward the host that has its destination
// address. A packet to an address no host has is lost, as an ARP request
// that nobody answers (a TCP connect then times out).
func (n *Net) Sender(host int) func(*inet.Packet) {
	return func(p *inet.Packet) {
		k := n.hosts[host]
		n.catchUp(k.Now())
		to, ok := n.byAddr[p.Dst]
		if !ok {
			to = -1
		}
		n.wire.Send(k.Now(), hw.Packet{From: host, To: to, Size: p.Size(), Payload: p})
	}
}

// AddHost adds the kernel of the next host (its number is the count of
// hosts before it), reachable at addr.
func (n *Net) AddHost(k *Kernel, addr netip.Addr) error {
	if _, dup := n.byAddr[addr]; dup && addr.IsValid() {
		return fmt.Errorf("two hosts have the address %s", addr)
	}
	if addr.IsValid() {
		n.byAddr[addr] = len(n.hosts)
	}
	n.hosts = append(n.hosts, k)
	return nil
}

// Lookahead is the least time between a send and an arrival: the
// smallest latency of any link (at least 1).
func (n *Net) Lookahead() uint64 { return max(n.wire.MinLatency(), 1) }

// Next is the next arrival at host.
func (n *Net) Next(host int) (uint64, bool) { return n.wire.Next(host) }

// Deliver hands host the packets that have arrived by now.
func (n *Net) Deliver(host int, now uint64) {
	n.catchUp(now)
	n.buf = n.wire.AppendArrivals(n.buf[:0], host, now)
	for i := range n.buf {
		p := n.buf[i].Payload.(*inet.Packet)
		n.buf[i] = hw.Packet{}
		n.hosts[host].Receive(p)
	}
}

// Down says host lost power at now: the wire drops what is on its way to
// it and what is sent to it later.
func (n *Net) Down(host int, now uint64) {
	n.catchUp(now)
	n.changing = true
	n.wire.SetHostDown(now, host, true)
	n.changing = false
}

// Up says host has power again at now and runs kernel k, booted afresh:
// the wire carries frames to and from it again, and Deliver hands them to k.
func (n *Net) Up(host int, now uint64, k *Kernel) {
	n.catchUp(now)
	n.hosts[host] = k
	n.changing = true
	n.wire.SetHostDown(now, host, false)
	n.changing = false
}

// Schedule cuts (cut) or heals the link called name at cycle at. Events
// are given in cycle order.
func (n *Net) Schedule(at uint64, name string, cut bool) error {
	if n.wire.Link(name) == nil {
		return fmt.Errorf("no link %s", name)
	}
	n.events = append(n.events, linkEvent{at, name, cut})
	return nil
}

// Change makes the link events due by now (catchUp), for the cluster:
// it calls it before it runs a host from cycle now, when every host is
// at now or later.
func (n *Net) Change(now uint64) bool { return n.catchUp(now) }

// NextChange is the cycle of the next link event not made yet.
func (n *Net) NextChange() (uint64, bool) {
	if len(n.events) == 0 {
		return 0, false
	}
	return n.events[0].at, true
}

// Changing says whether the line being traced is the network's own, of a
// change it makes (changing, telling).
func (n *Net) Changing() bool { return n.telling }

// catchUp applies the link events due by now, and reports whether there
// was one. Each is applied at its own cycle, before any send or delivery
// at or after it: by the first host to send or take a frame at or after
// it, or by the cluster once every host has reached it (Change),
// whichever comes first. A frame a lagging host sends before the cut
// but would deliver after it is lost with the others (hw.Link.cutAt).
func (n *Net) catchUp(now uint64) bool {
	made := false
	for len(n.events) > 0 && n.events[0].at <= now {
		// The change's lines are traced with the change still to come
		// (NextChange): no event at or after its cycle is written before
		// them.
		e := n.events[0]
		n.changing = true
		n.wire.SetPartitioned(e.at, e.link, e.cut) // the link exists: Schedule checked
		n.changing = false
		n.events = n.events[1:]
		made = true
	}
	return made
}

// traceWire tells the trace of the host concerned what the wire did: the
// sender's for a send and for a drop, at the send or on the way (a cut, the
// receiver's power loss), the receiver's for a delivery, the host's whose
// power went or came back, and the first end's of a link cut or healed
// (its A: alice of "link alice bob").
func (n *Net) traceWire(e hw.NetEvent) {
	host := e.Packet.From
	switch e.Kind {
	case hw.NetDeliver:
		host = e.Packet.To
	case hw.NetHostDown, hw.NetHostUp:
		host = e.Host
	case hw.NetPartition, hw.NetHeal:
		if l := n.wire.Link(e.Link); l != nil {
			host = l.Config().A
		}
	}
	if host < 0 || host >= len(n.hosts) {
		host = 0
	}
	k := n.hosts[host]
	if !k.tracing {
		return // nothing to format: every frame passes here
	}
	what := ""
	p, isPacket := e.Packet.Payload.(*inet.Packet)
	if isPacket {
		what = " " + p.String()
	}
	var text string
	switch e.Kind {
	case hw.NetSend:
		text = fmt.Sprintf("link %s: frame #%d (%d bytes) on the wire, arrives at %d:%s", e.Link, e.Packet.ID, e.Packet.Size, e.Packet.Arrive, what)
	case hw.NetDeliver:
		text = fmt.Sprintf("link %s: frame #%d arrives%s", e.Link, e.Packet.ID, what)
	case hw.NetDrop:
		text = fmt.Sprintf("link %s: frame #%d dropped (%s):%s", e.Link, e.Packet.ID, e.Drop, what)
	case hw.NetDuplicate:
		text = fmt.Sprintf("link %s: frame #%d duplicated, the copy arrives at %d", e.Link, e.Packet.ID, e.Packet.Arrive)
	case hw.NetReorder:
		text = fmt.Sprintf("link %s: frame #%d held back, arrives at %d", e.Link, e.Packet.ID, e.Packet.Arrive)
	case hw.NetHostDown:
		text = "network: the host is down: every frame to or from it is dropped"
	case hw.NetHostUp:
		text = "network: the host is up again"
	case hw.NetPartition:
		text = fmt.Sprintf("link %s: cut (partition): the frames on it are lost, and it carries nothing until it heals", e.Link)
	case hw.NetHeal:
		text = fmt.Sprintf("link %s: healed: it carries frames again", e.Link)
	default:
		text = e.String()
	}
	// Stamped with when it happened on the wire: a loss is decided at the
	// send, a partition's losses when the link is cut. An arrival is told
	// when its host takes it: at the frame's arrival, or later if a system
	// call of the host ran past it (its trace is at that cycle already).
	at := e.At
	if e.Kind == hw.NetDeliver {
		at = max(at, k.Now())
	}
	ev := &Event{Cycle: at, Host: k.cfg.Host, Kind: "net", Text: text}
	if isPacket {
		ev.Packet = packetEvent(p)
		ev.Packet.Link, ev.Packet.Frame = e.Link, e.Packet.ID
		switch e.Kind {
		case hw.NetSend, hw.NetDuplicate, hw.NetReorder:
			ev.Packet.Arrive = e.Packet.Arrive
		case hw.NetDrop:
			ev.Packet.Drop = e.Drop.String()
		}
	}
	n.telling = n.changing && e.Kind != hw.NetHostDown && e.Kind != hw.NetHostUp
	k.trace(ev)
	n.telling = false
}

// LinkState is one link of the network as inspect shows it: its settings,
// what it has carried and dropped, and the frames on it now.
type LinkState struct {
	Name      string   `json:"name"`
	Link      string   `json:"link"` // its settings, as a person would write them
	Cut       bool     `json:"partitioned,omitempty"`
	Sent      uint64   `json:"sent"`
	Delivered uint64   `json:"delivered"`
	Dropped   []string `json:"dropped,omitempty"` // "loss 12", "partitioned 3"
	InFlight  []string `json:"in_flight"`         // "#12 10.0.0.1:40000 > 10.0.0.2:80 [.] ... arrives at 1234"
}

// Snapshot lists the links, in the order they were added, as they stand
// at a pause: the cluster has made the changes due by then, or, if the run
// ended before the pause, those up to its end (a change the simulated
// world never reached is not made: Cluster.changesUntil). Snapshot only
// looks, and makes no change.
func (n *Net) Snapshot() []LinkState {
	var out []LinkState
	flights := n.wire.InFlight()
	for _, l := range n.wire.Links() {
		st := l.Stats()
		cfg := l.Config()
		desc := strings.Replace(l.String(), fmt.Sprintf("%s %d <-> %d", cfg.Name, cfg.A, cfg.B),
			fmt.Sprintf("%s (%s <-> %s)", cfg.Name, n.hosts[cfg.A].cfg.Host, n.hosts[cfg.B].cfg.Host), 1)
		ls := LinkState{Name: l.Name(), Link: desc, Cut: l.Partitioned(), Sent: st.Sent, Delivered: st.Delivered, InFlight: []string{}}
		for r := hw.DropReason(1); r < hw.NumDropReasons; r++ {
			if st.Dropped[r] > 0 {
				ls.Dropped = append(ls.Dropped, fmt.Sprintf("%s %d", r, st.Dropped[r]))
			}
		}
		for _, f := range flights {
			if !(f.From == cfg.A && f.To == cfg.B || f.From == cfg.B && f.To == cfg.A) {
				continue
			}
			what := ""
			if p, ok := f.Payload.(*inet.Packet); ok {
				what = " " + p.String()
			}
			ls.InFlight = append(ls.InFlight, fmt.Sprintf("#%d%s, sent at %d, arrives at %d", f.ID, what, f.Sent, f.Arrive))
		}
		out = append(out, ls)
	}
	return out
}
