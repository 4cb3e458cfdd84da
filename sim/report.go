package sim

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"ipcsim/kernel"
	"ipcsim/sched"
)

// The HTML report of a run: one self-contained page (its CSS and script
// inline, nothing fetched) with the run's timeline as Timeline draws it
// (a track per process, its slices, instants and flow arrows), the
// console, how the processes ended, and the kernel's state at a clicked
// moment: what "ipcsim inspect --at=CYCLE" prints, kept for a bounded
// number of cycles.

// MaxReportSnapshots is how many states of the kernel a report keeps at
// most: a click on the timeline shows the latest one at or before the
// clicked cycle.
const MaxReportSnapshots = 200

// MaxReportItems is how many slices, instants and flows (each) a report
// draws at most; it says how many more there were.
const MaxReportItems = 20000

//go:embed report.html
var reportPage string

// ReportOptions change how a report is made.
type ReportOptions struct {
	// Policy, if not nil, schedules the run (a replayed schedule of
	// ipcsim explore), as Options.Policy. It must give the same
	// schedule twice: the report runs the scenario twice.
	Policy func() sched.Policy
	// Faults are the replayed schedule's fault plan, as Options.Faults.
	Faults []kernel.Fault
}

// WriteReport runs s and writes its report to w. It runs the scenario
// twice, which gives the same run both times: the first run draws the
// timeline and notes the cycles at which something happened; the second
// pauses at the cycle after each of them (at most MaxReportSnapshots,
// taken evenly from them, first and last included) and keeps the state
// there. The page is the same bytes for the same scenario.
func WriteReport(w io.Writer, s *Scenario, ropts ReportOptions) error {
	c := *s
	c.Wants = nil // no want/trace comparison
	s = &c
	hosts := s.HostNames()
	col := newReportCollector(hosts)
	tl := NewTimeline(col, hosts, true)
	cycles := newCycleSampler(MaxReportSnapshots)
	opts := Options{Faults: ropts.Faults}
	if ropts.Policy != nil {
		opts.Policy = ropts.Policy()
	}
	opts.Trace = func(e *kernel.Event) {
		tl.Event(e)
		if e.Kind != "insn" {
			cycles.add(e.Cycle + 1) // the state once the event's cycle is done
		}
	}
	o, err := s.Run(opts)
	if err != nil {
		return err
	}
	tl.Close(o.Result.Cycles)

	data := col.data(s, o)
	at, sampled := cycles.pick()
	data.SnapshotNote = snapshotNote(len(at), cycles.distinct, sampled)
	texts := map[string]int{}
	opts = Options{SnapshotAt: at, Faults: ropts.Faults}
	if ropts.Policy != nil {
		opts.Policy = ropts.Policy()
	}
	var werr error
	opts.Snapshot = func(at uint64, p *Outcome) {
		var b strings.Builder
		if err := WriteInspect(&b, s, p, at, false); err != nil && werr == nil {
			werr = err
		}
		i, ok := texts[b.String()]
		if !ok {
			i = len(data.Texts)
			texts[b.String()] = i
			data.Texts = append(data.Texts, b.String())
		}
		data.Snapshots = append(data.Snapshots, [2]uint64{at, uint64(i)})
	}
	if _, err := s.Run(opts); err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	js, err := json.Marshal(data) // escapes <, > and &: safe in a script element
	if err != nil {
		return err
	}
	page := strings.NewReplacer(
		"{{TITLE}}", html.EscapeString("ipcsim report: "+s.Path),
		"{{DATA}}", string(js),
	).Replace(reportPage)
	_, err = io.WriteString(w, page)
	return err
}

func snapshotNote(n, distinct int, sampled bool) string {
	if sampled {
		return fmt.Sprintf("%d states of the kernel are kept, at cycles taken evenly from the %d cycles after one at which something happened (at most %d are kept)",
			n, distinct, MaxReportSnapshots)
	}
	return fmt.Sprintf("%d states of the kernel are kept: at the cycle after each cycle at which something happened", n)
}

// cycleSampler keeps an even sample of an ascending sequence of cycles in
// bounded memory: every cycle while they are few, then every second, every
// fourth... (always the first), and the last.
type cycleSampler struct {
	max      int
	kept     []uint64
	stride   int // the distinct cycles kept are those whose index is a multiple of stride
	distinct int // how many distinct cycles were added
	last     uint64
}

func newCycleSampler(max int) *cycleSampler { return &cycleSampler{max: max, stride: 1} }

func (c *cycleSampler) add(cycle uint64) {
	if c.distinct > 0 && cycle <= c.last {
		return
	}
	if c.distinct%c.stride == 0 {
		c.kept = append(c.kept, cycle)
		if len(c.kept) > 4*c.max {
			half := c.kept[:0]
			for i := 0; i < len(c.kept); i += 2 {
				half = append(half, c.kept[i])
			}
			c.kept, c.stride = half, 2*c.stride
		}
	}
	c.distinct++
	c.last = cycle
}

// pick returns at most max cycles, evenly taken from those kept (the first
// and the last included), and whether some were left out.
func (c *cycleSampler) pick() ([]uint64, bool) {
	all := c.kept
	if c.distinct > 0 && (len(all) == 0 || all[len(all)-1] != c.last) {
		all = append(slices.Clone(all), c.last)
	}
	if len(all) <= c.max && c.stride == 1 {
		return all, false
	}
	out := make([]uint64, 0, c.max)
	for i := range c.max {
		at := all[i*(len(all)-1)/(c.max-1)]
		if len(out) == 0 || out[len(out)-1] != at {
			out = append(out, at)
		}
	}
	return out, true
}

// reportData is what the page's script draws: tracks, and items that
// name them by index; strings that repeat are indexes into Strings.
type reportData struct {
	Title        string      `json:"title"`
	End          uint64      `json:"end"`   // the last cycle of the run
	Stop         string      `json:"stop"`  // why the run stopped
	Hosts        []string    `json:"hosts"` // with hosts, their names
	Tracks       []string    `json:"tracks"`
	TrackHost    []int       `json:"trackHost"`
	Strings      []string    `json:"strings"`
	Slices       [][6]uint64 `json:"slices"`   // track, state, from, to, name, call (string index+1, 0 for none)
	Instants     [][5]uint64 `json:"instants"` // track, cat, at, name, text
	Flows        [][6]uint64 `json:"flows"`    // from track, to track, cat, at (the receive), label, sent (the send; at but for bytes and messages)
	Dropped      string      `json:"dropped,omitempty"`
	Consoles     []string    `json:"consoles"` // one per host
	Exits        string      `json:"exits"`
	Snapshots    [][2]uint64 `json:"snapshots"` // cycle, index in Texts
	Texts        []string    `json:"texts"`
	SnapshotNote string      `json:"snapshotNote"`
}

// reportStates are the slice states, by index in the page.
var reportStates = []string{"running", "ready", "blocked", "stopped"}

// reportCollector keeps what a Timeline gives it (TimelineSink), up to
// MaxReportItems of each kind.
type reportCollector struct {
	hosts    []string
	names    map[[2]int]string // each track's name, by host and pid
	strings  map[string]int
	list     []string
	slices   []reportItem
	instants []reportItem
	flows    []reportItem
	dropped  [3]int // slices, instants, flows left out
}

// reportItem is a slice, an instant or a flow before its tracks are
// numbered.
type reportItem struct {
	track, other [2]int // host and pid; other is a flow's target
	kind         int    // state or category, as a string index
	from, to     uint64
	name, text   int // string indexes (text+1 for a slice's call)
}

func newReportCollector(hosts []string) *reportCollector {
	return &reportCollector{hosts: hosts, names: map[[2]int]string{}, strings: map[string]int{}}
}

func (r *reportCollector) str(s string) int {
	i, ok := r.strings[s]
	if !ok {
		i = len(r.list)
		r.strings[s] = i
		r.list = append(r.list, s)
	}
	return i
}

// track makes sure host's pid has a track.
func (r *reportCollector) track(host, pid int) [2]int {
	k := [2]int{host, pid}
	if _, ok := r.names[k]; !ok {
		r.names[k] = fmt.Sprintf("pid %d", pid)
		if p, boot := TimelineTrackPID(pid); boot > 0 {
			r.names[k] = fmt.Sprintf("pid %d boot %d", p, boot+1)
		}
		if pid == 0 {
			r.names[k] = "machine (interrupts, terminal)"
		}
	}
	return k
}

func (r *reportCollector) Track(host, pid int, name string, at uint64) {
	r.track(host, pid)
	r.names[[2]int{host, pid}] = name
}

func (r *reportCollector) Slice(host, pid int, state, name string, from, to uint64, args map[string]string) {
	if len(r.slices) >= MaxReportItems {
		r.dropped[0]++
		return
	}
	call := 0
	if c, ok := args["call"]; ok {
		call = r.str(c) + 1
	}
	r.slices = append(r.slices, reportItem{track: r.track(host, pid), kind: slices.Index(reportStates, state),
		from: from, to: to, name: r.str(name), text: call})
}

func (r *reportCollector) Instant(host, pid int, cat, name, text string, at uint64) {
	if len(r.instants) >= MaxReportItems {
		r.dropped[1]++
		return
	}
	r.instants = append(r.instants, reportItem{track: r.track(host, pid), kind: r.str(cat), from: at,
		name: r.str(name), text: r.str(text)})
}

func (r *reportCollector) Flow(cat, label string, fromHost, from int, sent uint64, toHost, to int, at uint64) {
	if len(r.flows) >= MaxReportItems {
		r.dropped[2]++
		return
	}
	r.flows = append(r.flows, reportItem{track: r.track(fromHost, from), other: r.track(toHost, to), kind: r.str(cat),
		from: at, to: sent, name: r.str(label)})
}

// data numbers the tracks, by host and pid, and gives the page its data.
func (r *reportCollector) data(s *Scenario, o *Outcome) *reportData {
	d := &reportData{Title: s.Path, End: o.Result.Cycles, Hosts: r.hosts, Strings: r.list,
		Slices: [][6]uint64{}, Instants: [][5]uint64{}, Flows: [][6]uint64{}, Snapshots: [][2]uint64{}, Texts: []string{}}
	d.Stop = o.End()
	keys := make([][2]int, 0, len(r.names))
	for k := range r.names {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	index := map[[2]int]uint64{}
	for i, k := range keys {
		index[k] = uint64(i)
		name := r.names[k]
		if len(r.hosts) > 0 {
			name = r.hosts[k[0]] + ": " + name
		}
		d.Tracks = append(d.Tracks, name)
		d.TrackHost = append(d.TrackHost, k[0])
	}
	for _, it := range r.slices {
		d.Slices = append(d.Slices, [6]uint64{index[it.track], uint64(it.kind), it.from, it.to, uint64(it.name), uint64(it.text)})
	}
	for _, it := range r.instants {
		d.Instants = append(d.Instants, [5]uint64{index[it.track], uint64(it.kind), it.from, uint64(it.name), uint64(it.text)})
	}
	for _, it := range r.flows {
		d.Flows = append(d.Flows, [6]uint64{index[it.track], index[it.other], uint64(it.kind), it.from, uint64(it.name), it.to})
	}
	if r.dropped != [3]int{} {
		d.Dropped = fmt.Sprintf("the timeline shows at most %d slices, instants and flows each: %d slices, %d instants and %d flows are left out",
			MaxReportItems, r.dropped[0], r.dropped[1], r.dropped[2])
	}
	for i := range o.Hosts {
		d.Consoles = append(d.Consoles, string(consoleText(&o.Hosts[i])))
	}
	if len(s.Hosts) > 0 {
		d.Exits = FormatHostExits(o.Hosts)
	} else {
		d.Exits = FormatExits(o.Result)
	}
	return d
}

// consoleText is a host's console output as the page shows it, with a
// last line if the run kept only part of it.
func consoleText(h *HostOutcome) []byte {
	var b bytes.Buffer
	b.Write(h.Console)
	if h.ConsoleExceeded() {
		fmt.Fprintf(&b, "\n[console output exceeds %d bytes: %d bytes written, the first %d shown]\n", MaxConsoleBytes, h.ConsoleBytes, len(h.Console))
	}
	return b.Bytes()
}
