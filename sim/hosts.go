package sim

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"strings"
)

// Hosts: a scenario may declare several machines, each its own kernel
// (pids, name space, terminal, console), on one virtual clock
// (kernel.Cluster). Without a host line a scenario is one machine, as it
// always was, and nothing in its output names a host.
//
//	host NAME ip=10.0.0.1 [mem= quantum= trapcost= jitter= maxprocs= echo= insns=]
//	link NAME1 NAME2 latency=100us [bandwidth=10Mbit] [loss=1%] [reorder=1%] [duplicate=1%]
//	spawn on HOST [as UID[:GID]] FILE [ARG...]
//	install FILE at PATH [mode=OCTAL] on HOST
//	at CYCLE key on HOST "STRING"
//	at CYCLE down HOST
//	at CYCLE partition NAME1 NAME2 | at CYCLE heal NAME1 NAME2
//	expect exit on HOST WHO STATUS | expect signal on HOST WHO SIGNAL | expect console on HOST "STRING"
//
// The machine line's settings are every host's; a host line's settings
// replace them for that host. seed= and limit= are the scenario's: each
// host's seed is derived from the scenario's seed and its name (HostSeed).

// Host is one machine of a scenario with host lines.
type Host struct {
	Pos  Pos
	Name string     // as the host line names it: letters, digits and -, starting with a letter
	IP   netip.Addr // ip=: its IPv4 address

	own    Machine         // the host line's own settings
	ownSet map[string]bool // which of them it gives
}

// Link is a link line: a network link between two hosts. The sim package
// parses and checks it; the network (hw) carries the frames.
type Link struct {
	Pos        Pos
	A, B       int    // the hosts, by index in Scenario.Hosts, in the order written
	Latency    uint64 // latency=: cycles (nanoseconds) a frame takes, at least 1
	Bandwidth  uint64 // bandwidth=: bits per second; 0 is no limit
	Loss       uint32 // loss=: probability that a frame is lost, in millionths (1% is 10000)
	Reorder    uint32 // reorder=: probability that a frame overtakes the one before, in millionths
	Duplicate  uint32 // duplicate=: probability that a frame arrives twice, in millionths
	Params     []LinkParam
	seenParams map[string]bool
}

// LinkParam is one setting of a link line as written, for a reader (the
// network) that parses it its own way: "latency", "100us", and where.
type LinkParam struct {
	Pos        Pos
	Key, Value string
}

// Down is "at CYCLE down HOST": the host loses power at that cycle; with
// Up, "at CYCLE up HOST": its power comes back and it boots again (a new
// kernel with only init; kernel.Cluster.Up). A host's down and up lines
// alternate, down first, their cycles growing.
type Down struct {
	Pos  Pos
	At   uint64
	Host int
	Up   bool
}

// LinkEventKind is what a timed link line does.
type LinkEventKind int

const (
	Partition LinkEventKind = iota // at CYCLE partition A B: the link carries nothing
	Heal                           // at CYCLE heal A B: it carries frames again
)

func (k LinkEventKind) String() string {
	if k == Heal {
		return "heal"
	}
	return "partition"
}

// LinkEvent is "at CYCLE partition A B" or "at CYCLE heal A B".
type LinkEvent struct {
	Pos  Pos
	At   uint64
	Kind LinkEventKind
	Link int // index in Scenario.Links
}

// HostSeed returns the seed of the host called name in a scenario whose
// seed is seed: FNV-1a of the name, mixed with the seed by SplitMix64's
// finaliser. A host's seed depends on nothing but these two, so adding,
// removing or reordering other hosts leaves its run as it was.
func HostSeed(seed uint64, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	z := seed ^ h.Sum64()
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// HostMachine returns the settings host i runs with: the machine line's,
// replaced by the host line's own, and the host's seed (HostSeed).
func (s *Scenario) HostMachine(i int) Machine {
	m := s.Machine
	h := &s.Hosts[i]
	o := h.own
	for _, key := range []string{"mem", "quantum", "trapcost", "jitter", "maxprocs", "echo", "insns"} {
		if !h.ownSet[key] {
			continue
		}
		switch key {
		case "mem":
			m.MemBytes = o.MemBytes
		case "quantum":
			m.Quantum = o.Quantum
		case "trapcost":
			m.TrapCost = o.TrapCost
		case "jitter":
			m.Jitter = o.Jitter
		case "maxprocs":
			m.MaxProcs = o.MaxProcs
		case "echo":
			m.Echo = o.Echo
		case "insns":
			m.TraceInstructions = o.TraceInstructions
		}
	}
	m.Seed = HostSeed(s.Machine.Seed, h.Name)
	return m
}

// HostNames returns the names of the scenario's hosts, in order (nil
// without hosts): what a trace names them by (NewTraceWriter, TraceFilter).
func (s *Scenario) HostNames() []string {
	var names []string
	for _, h := range s.Hosts {
		names = append(names, h.Name)
	}
	return names
}

// HostWidth is the width of the longest host name: the column the text
// trace gives host names (0 without hosts).
func (s *Scenario) HostWidth() int {
	w := 0
	for _, h := range s.Hosts {
		w = max(w, len(h.Name))
	}
	return w
}

// hostSettings are the machine settings a host line may give (Machine.set).
const hostSettings = "mem, quantum, trapcost, jitter, maxprocs, echo or insns"

// hostLine parses "host NAME ip=ADDRESS [setting=value...]". Host lines
// are read before every other line, so that any line may name any host.
func (h *header) hostLine(words []word, end int) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a host name after host, found end of line")
		return
	}
	nw := words[0]
	if msg := checkHostName(nw.val); msg != "" || nw.quoted {
		if msg == "" {
			msg = "expected a name, not a string"
		}
		h.errs.Add(h.at(nw.col), "bad host name %s: %s", nw.text, msg)
		return
	}
	for _, o := range h.s.Hosts {
		if o.Name == nw.val {
			h.errs.Add(h.at(nw.col), "duplicate host %s (first at line %d)", nw.val, o.Pos.Line)
			return
		}
	}
	host := Host{Pos: h.at(nw.col), Name: nw.val, ownSet: map[string]bool{}}
	settings := map[string]bool{}
	for _, w := range words[1:] {
		key, val, ok := strings.Cut(w.val, "=")
		if !ok || w.quoted {
			h.errs.Add(h.at(w.col), "expected setting=value (ip=ADDRESS, or one of %s), found %s", hostSettings, w.text)
			return
		}
		if settings[key] {
			h.errs.Add(h.at(w.col), "duplicate setting %s in host %s", key, nw.val)
			return
		}
		settings[key] = true
		vcol := w.col + len(key) + 1
		if key == "ip" {
			ip, msg := parseHostIP(val)
			if msg != "" {
				h.errs.Add(h.at(vcol), "bad ip %q: %s", val, msg)
				return
			}
			for _, o := range h.s.Hosts {
				if o.IP == ip {
					h.errs.Add(h.at(vcol), "duplicate ip %s: host %s (line %d) has it", val, o.Name, o.Pos.Line)
					return
				}
			}
			host.IP = ip
			continue
		}
		if key == "seed" || key == "limit" {
			h.errs.Add(h.at(w.col), "%s= is the scenario's, in its machine line: each host's seed derives from it and the host's name; expected ip= or one of %s", key, hostSettings)
			return
		}
		err, known := host.own.set(key, val)
		if !known {
			h.errs.Add(h.at(w.col), "unknown host setting %q: expected ip or one of %s", key, hostSettings)
			return
		}
		if err != "" {
			h.errs.Add(h.at(vcol), "bad %s %q: %s", key, val, err)
			return
		}
		host.ownSet[key] = true
	}
	if !host.IP.IsValid() {
		h.errs.Add(h.at(end), "expected ip=ADDRESS (such as ip=10.0.0.1) in host %s, found end of line", nw.val)
		return
	}
	h.s.Hosts = append(h.s.Hosts, host)
}

// checkHostName says what is wrong with a host name, or "": a label as a
// host name has (RFC 1123), starting with a letter.
func checkHostName(s string) string {
	if s == "" || len(s) > 63 {
		return "expected 1 to 63 letters, digits and -"
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return "expected letters, digits and -, starting with a letter"
		}
	}
	if s[len(s)-1] == '-' {
		return "expected a name that does not end in -"
	}
	return ""
}

// parseHostIP parses a host's IPv4 address: a unicast address a host can
// have (not 0.0.0.0, loopback, multicast or broadcast).
func parseHostIP(s string) (netip.Addr, string) {
	ip, err := netip.ParseAddr(s)
	switch {
	case err != nil || !ip.Is4():
		return ip, "expected an IPv4 address such as 10.0.0.1"
	case ip.IsUnspecified(), ip.IsLoopback(), ip.IsMulticast(), ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return ip, "expected the address of a host: not 0.0.0.0, 127.x.x.x (each host has its own loopback), multicast or broadcast"
	}
	return ip, ""
}

// hostNames lists the declared hosts for messages: "alice, bob".
func (h *header) hostNames() string {
	names := make([]string, len(h.s.Hosts))
	for i, o := range h.s.Hosts {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

// host looks up a host name; it reports an error and -1 if there is none.
func (h *header) host(w word) int {
	for i, o := range h.s.Hosts {
		if o.Name == w.val && !w.quoted {
			return i
		}
	}
	if len(h.s.Hosts) == 0 {
		h.errs.Add(h.at(w.col), "unknown host %s: the scenario declares no hosts (host NAME ip=ADDRESS)", w.text)
	} else {
		h.errs.Add(h.at(w.col), "unknown host %s: expected one of %s", w.text, h.hostNames())
	}
	return -1
}

// onHost parses "on HOST" at the start of words, where a directive names
// its host. It returns the host (0 in a scenario without hosts), how many
// words it used, and false after an error. what is the directive, for
// messages ("spawn").
func (h *header) onHost(words []word, end int, what string) (host, used int, ok bool) {
	if len(words) == 0 || words[0].val != "on" || words[0].quoted {
		if len(h.s.Hosts) == 0 {
			return 0, 0, true
		}
		col, found := end, "end of line"
		if len(words) > 0 {
			col, found = words[0].col, words[0].text
		}
		h.errs.Add(h.at(col), "expected on HOST after %s (the scenario has hosts %s), found %s", what, h.hostNames(), found)
		return 0, 0, false
	}
	if len(words) < 2 {
		h.errs.Add(h.at(end), "expected a host after %s on, found end of line", what)
		return 0, 0, false
	}
	if host = h.host(words[1]); host < 0 {
		return 0, 0, false
	}
	return host, 2, true
}

// linkLine parses "link NAME1 NAME2 latency=DURATION [setting=value...]".
func (h *header) linkLine(words []word, end int) {
	if len(words) < 2 {
		h.errs.Add(h.at(end), "expected two hosts after link (link NAME1 NAME2 latency=100us), found end of line")
		return
	}
	a, b := h.host(words[0]), h.host(words[1])
	if a < 0 || b < 0 {
		return
	}
	if a == b {
		h.errs.Add(h.at(words[1].col), "link from %s to itself: expected two different hosts (each host has its own loopback)", words[0].val)
		return
	}
	for _, l := range h.s.Links {
		if l.A == a && l.B == b || l.A == b && l.B == a {
			h.errs.Add(h.at(words[0].col), "duplicate link between %s and %s (first at line %d)", words[0].val, words[1].val, l.Pos.Line)
			return
		}
	}
	l := Link{Pos: h.at(words[0].col), A: a, B: b, seenParams: map[string]bool{}}
	for _, w := range words[2:] {
		key, val, ok := strings.Cut(w.val, "=")
		if !ok || w.quoted {
			h.errs.Add(h.at(w.col), "expected setting=value (latency, bandwidth, loss, reorder or duplicate), found %s", w.text)
			return
		}
		if l.seenParams[key] {
			h.errs.Add(h.at(w.col), "duplicate setting %s in link %s %s", key, words[0].val, words[1].val)
			return
		}
		l.seenParams[key] = true
		vcol := w.col + len(key) + 1
		var msg string
		switch key {
		case "latency":
			l.Latency, msg = parseDuration(val)
			if msg == "" && l.Latency == 0 {
				msg = "expected a latency of at least 1ns: a frame takes time"
			}
		case "bandwidth":
			l.Bandwidth, msg = parseBandwidth(val)
		case "loss":
			l.Loss, msg = parseProbability(val)
		case "reorder":
			l.Reorder, msg = parseProbability(val)
		case "duplicate":
			l.Duplicate, msg = parseProbability(val)
		default:
			h.errs.Add(h.at(w.col), "unknown link setting %q: expected latency, bandwidth, loss, reorder or duplicate", key)
			return
		}
		if msg != "" {
			h.errs.Add(h.at(vcol), "bad %s %q: %s", key, val, msg)
			return
		}
		l.Params = append(l.Params, LinkParam{Pos: h.at(w.col), Key: key, Value: val})
	}
	if !l.seenParams["latency"] {
		h.errs.Add(h.at(end), "expected latency=DURATION (such as latency=100us) in link %s %s, found end of line", words[0].val, words[1].val)
		return
	}
	l.seenParams = nil
	h.s.Links = append(h.s.Links, l)
}

// parseDuration parses a time as cycles (nanoseconds): a whole number with
// a unit, ns, us, ms or s ("100us", "2ms").
func parseDuration(s string) (uint64, string) {
	const expected = "expected a whole number and a unit: ns, us, ms or s (such as 100us)"
	units := []struct {
		suffix string
		ns     uint64
	}{{"ns", 1}, {"us", 1_000}, {"µs", 1_000}, {"ms", 1_000_000}, {"s", 1_000_000_000}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, msg := parseCount(num)
		if msg != "" {
			return 0, expected
		}
		if n > MaxCycleLimit/u.ns {
			return 0, "expected at most 2^62 ns"
		}
		return n * u.ns, ""
	}
	return 0, expected
}

// parseBandwidth parses a rate in bits per second: a whole number with a
// unit, bit, Kbit, Mbit or Gbit (decimal: 1Kbit is 1000 bit/s).
func parseBandwidth(s string) (uint64, string) {
	const expected = "expected a whole number and a unit: bit, Kbit, Mbit or Gbit (per second, such as 10Mbit)"
	units := []struct {
		suffix string
		bits   uint64
	}{{"Kbit", 1_000}, {"Mbit", 1_000_000}, {"Gbit", 1_000_000_000}, {"bit", 1}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, msg := parseCount(num)
		if msg != "" || n == 0 {
			return 0, expected
		}
		if n > 1_000_000_000_000/u.bits {
			return 0, "expected at most 1000Gbit"
		}
		return n * u.bits, ""
	}
	return 0, expected
}

// parseProbability parses a percentage, with up to four decimals ("1%",
// "0.5%", "100%"), as millionths.
func parseProbability(s string) (uint32, string) {
	const expected = "expected a percentage from 0% to 100% such as 1% or 0.25%"
	num, ok := strings.CutSuffix(s, "%")
	if !ok || num == "" {
		return 0, expected
	}
	whole, frac, _ := strings.Cut(num, ".")
	if len(frac) > 4 || whole == "" {
		return 0, expected
	}
	w, msg := parseCount(whole)
	if msg != "" || strings.Contains(whole, "_") {
		return 0, expected
	}
	f := uint64(0)
	if frac != "" {
		var msg string
		if f, msg = parseCount(frac); msg != "" || strings.Contains(frac, "_") {
			return 0, expected
		}
		for range 4 - len(frac) {
			f *= 10
		}
	}
	if w > 100 || w == 100 && f > 0 {
		return 0, expected
	}
	return uint32(w*10_000 + f), ""
}

// timed parses the words after "at CYCLE" that are not keys: "down HOST",
// "up HOST", "partition A B", "heal A B".
func (h *header) timed(at uint64, words []word, end int, pos Pos) {
	kind := words[0]
	switch kind.val {
	case "down", "up":
		if len(words) < 2 {
			h.errs.Add(h.at(end), "expected a host after %s, found end of line", kind.val)
			return
		}
		host := h.host(words[1])
		if host < 0 {
			return
		}
		if len(words) > 2 {
			h.errs.Add(h.at(words[2].col), "expected end of line after %s %s, found %s", kind.val, words[1].val, words[2].text)
			return
		}
		d := Down{Pos: pos, At: at, Host: host, Up: kind.val == "up"}
		if msg := h.powerOrder(d, words[1].val); msg != "" {
			h.errs.Add(h.at(words[1].col), "%s", msg)
			return
		}
		h.s.Downs = append(h.s.Downs, d)
	case "partition", "heal":
		if len(words) < 3 {
			h.errs.Add(h.at(end), "expected two hosts after %s (at CYCLE %s NAME1 NAME2), found end of line", kind.val, kind.val)
			return
		}
		a, b := h.host(words[1]), h.host(words[2])
		if a < 0 || b < 0 {
			return
		}
		if len(words) > 3 {
			h.errs.Add(h.at(words[3].col), "expected end of line after %s %s %s, found %s", kind.val, words[1].val, words[2].val, words[3].text)
			return
		}
		link := -1
		for i, l := range h.s.Links {
			if l.A == a && l.B == b || l.A == b && l.B == a {
				link = i
			}
		}
		if link < 0 {
			h.errs.Add(h.at(words[1].col), "no link between %s and %s: expected two hosts joined by a link line", words[1].val, words[2].val)
			return
		}
		e := LinkEvent{Pos: pos, At: at, Kind: Partition, Link: link}
		if kind.val == "heal" {
			e.Kind = Heal
		}
		h.s.LinkEvents = append(h.s.LinkEvents, e)
	}
}

// powerOrder says what is wrong with power line d of the host called
// name, given the host's lines before it: they alternate, down first (an
// up brings back a host that is down), each at a later cycle than the one
// before. "" if nothing is.
func (h *header) powerOrder(d Down, name string) string {
	var last *Down
	for i := range h.s.Downs {
		if h.s.Downs[i].Host == d.Host {
			last = &h.s.Downs[i]
		}
	}
	what := map[bool]string{false: "down", true: "up"}
	switch {
	case last == nil && d.Up:
		return fmt.Sprintf("up %s, which is not down: expected an earlier at CYCLE down %s (up brings back a host that lost power)", name, name)
	case last != nil && last.Up == d.Up && d.Up:
		return fmt.Sprintf("duplicate up %s (up again since line %d): expected at CYCLE down %s between them", name, last.Pos.Line, name)
	case last != nil && last.Up == d.Up:
		return fmt.Sprintf("duplicate down %s (down since line %d): expected at CYCLE up %s between them", name, last.Pos.Line, name)
	case last != nil && d.At <= last.At:
		return fmt.Sprintf("%s %s at cycle %d: expected a cycle after its %s at line %d (cycle %d)", what[d.Up], name, d.At, what[last.Up], last.Pos.Line, last.At)
	}
	return ""
}

// checkHostSections checks the want/console sections against the hosts:
// one want/console without hosts; want/console/HOST, one per host at most,
// with them.
func (h *header) checkHostSections() {
	s := h.s
	for _, w := range s.Wants {
		name, isHost := strings.CutPrefix(w.Name, "want/console/")
		switch {
		case !isHost && w.Name == "want/console" && len(s.Hosts) > 0:
			h.errs.Add(w.Pos, "want/console in a scenario with hosts: expected want/console/HOST, one per host (%s)", hostList(s))
		case isHost && len(s.Hosts) == 0:
			h.errs.Add(w.Pos, "unknown section %s: the scenario declares no hosts, expected want/console", w.Name)
		case isHost && s.hostIndex(name) < 0:
			h.errs.Add(w.Pos, "unknown section %s: expected want/console/HOST for one of %s", w.Name, hostList(s))
		}
	}
}

func hostList(s *Scenario) string {
	names := make([]string, len(s.Hosts))
	for i, o := range s.Hosts {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

// hostIndex returns the index of the host called name, or -1.
func (s *Scenario) hostIndex(name string) int {
	for i, o := range s.Hosts {
		if o.Name == name {
			return i
		}
	}
	return -1
}

// hostPrefix is "alice: " for host i of a scenario with hosts, "" without.
func (s *Scenario) hostPrefix(i int) string {
	if len(s.Hosts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: ", s.Hosts[i].Name)
}
