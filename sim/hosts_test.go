package sim

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ipcsim/kernel"
)

// TestParseHostErrors checks the errors of every host directive: each
// says where, what was expected and what was found.
func TestParseHostErrors(t *testing.T) {
	const two = "host alice ip=10.0.0.1\nhost bob ip=10.0.0.2\n"
	const prog = "-- hello.s --\n" + helloSrc
	tests := []struct {
		name, src, want string
	}{
		{"host", "host\nhost 1x ip=10.0.0.9\nhost alice\nhost alice ip=10.0.0.1\nhost bob ip=10.0.0.1\nhost carol ip=300.1.1.1\nhost dave ip=127.0.0.1\nhost eve ip=::1\nhost fay ip=10.0.0.7 seed=3\nhost gus ip=10.0.0.8 speed=3\nhost hal ip=10.0.0.9 quantum=0\nhost ian ip=10.0.0.10 ip=10.0.0.11\nhost alice ip=10.0.0.50\nspawn on alice hello.s\n" + prog,
			`x.txtar:1:5: expected a host name after host, found end of line
x.txtar:2:6: bad host name 1x: expected letters, digits and -, starting with a letter
x.txtar:3:11: expected ip=ADDRESS (such as ip=10.0.0.1) in host alice, found end of line
x.txtar:5:13: duplicate ip 10.0.0.1: host alice (line 4) has it
x.txtar:6:15: bad ip "300.1.1.1": expected an IPv4 address such as 10.0.0.1
x.txtar:7:14: bad ip "127.0.0.1": expected the address of a host: not 0.0.0.0, 127.x.x.x (each host has its own loopback), multicast or broadcast
x.txtar:8:13: bad ip "::1": expected an IPv4 address such as 10.0.0.1
x.txtar:9:22: seed= is the scenario's, in its machine line: each host's seed derives from it and the host's name; expected ip= or one of mem, quantum, trapcost, jitter, maxprocs, echo or insns
x.txtar:10:22: unknown host setting "speed": expected ip or one of mem, quantum, trapcost, jitter, maxprocs, echo or insns
x.txtar:11:30: bad quantum "0": expected a quantum from 1 to 1_000_000_000_000 cycles
x.txtar:12:23: duplicate setting ip in host ian
x.txtar:13:6: duplicate host alice (first at line 4)`},
		{"spawn and key", two + "spawn hello.s\nspawn on carol hello.s\nspawn on\nspawn on bob as 1 hello.s\nat 5 key \"a\"\nat 5 key on carol \"a\"\nat 5 key on bob\n" + prog,
			`x.txtar:3:7: expected on HOST after spawn (the scenario has hosts alice, bob), found hello.s
x.txtar:4:10: unknown host carol: expected one of alice, bob
x.txtar:5:9: expected a host after spawn on, found end of line
x.txtar:7:10: expected on HOST after key (the scenario has hosts alice, bob), found "a"
x.txtar:8:13: unknown host carol: expected one of alice, bob
x.txtar:9:16: expected a quoted string (at CYCLE key "STRING"), found end of line`},
		{"no hosts", "spawn on alice hello.s\nspawn hello.s\n" + prog,
			`x.txtar:1:10: unknown host alice: the scenario declares no hosts (host NAME ip=ADDRESS)`},
		{"link", two + "host carol ip=10.0.0.3\nspawn on alice hello.s\nlink alice alice latency=1us\nlink alice dave latency=1us\nlink alice bob\nlink alice bob latency=0ns\nlink alice bob latency=5 loss=1%\nlink alice bob latency=5us loss=101%\nlink alice bob latency=5us bandwidth=fast\nlink alice bob latency=5us jitter=1us\nlink alice bob latency=5us latency=6us\nlink alice bob latency=1ms bandwidth=10Mbit loss=0.5% reorder=1% duplicate=0.01%\nlink bob alice latency=1ms\n" + prog,
			`x.txtar:5:12: link from alice to itself: expected two different hosts (each host has its own loopback)
x.txtar:6:12: unknown host dave: expected one of alice, bob, carol
x.txtar:7:15: expected latency=DURATION (such as latency=100us) in link alice bob, found end of line
x.txtar:8:24: bad latency "0ns": expected a latency of at least 1ns: a frame takes time
x.txtar:9:24: bad latency "5": expected a whole number and a unit: ns, us, ms or s (such as 100us)
x.txtar:10:33: bad loss "101%": expected a percentage from 0% to 100% such as 1% or 0.25%
x.txtar:11:38: bad bandwidth "fast": expected a whole number and a unit: bit, Kbit, Mbit or Gbit (per second, such as 10Mbit)
x.txtar:12:28: unknown link setting "jitter": expected latency, bandwidth, loss, reorder or duplicate
x.txtar:13:28: duplicate setting latency in link alice bob
x.txtar:15:6: duplicate link between bob and alice (first at line 14)`},
		{"timed", two + "host carol ip=10.0.0.3\nspawn on alice hello.s\nlink alice bob latency=1us\nat 5 down\nat 5 down carol\nat 5 down bob\nat 6 down bob\nat 7 down alice now\nat 5 partition alice\nat 5 partition alice carol\nat 5 heal bob alice\nat 5 partition alice bob\nat 5 explode alice\n" + prog,
			`x.txtar:6:10: expected a host after down, found end of line
x.txtar:9:11: duplicate down bob (down since line 8): expected at CYCLE up bob between them
x.txtar:10:17: expected end of line after down alice, found now
x.txtar:11:21: expected two hosts after partition (at CYCLE partition NAME1 NAME2), found end of line
x.txtar:12:16: no link between alice and carol: expected two hosts joined by a link line
x.txtar:15:6: expected key, kill, spawn, inspect, down, up, partition or heal, found explode`},
		{"power", two + "spawn on alice hello.s\nat 5 up alice\nat 10 down alice\nat 10 up alice\nat 20 up alice\nat 30 up alice\nat 40 down alice\nat 50 down alice\nat 60 up bob now\nat 70 up\n" + prog,
			`x.txtar:4:9: up alice, which is not down: expected an earlier at CYCLE down alice (up brings back a host that lost power)
x.txtar:6:10: up alice at cycle 10: expected a cycle after its down at line 5 (cycle 10)
x.txtar:8:10: duplicate up alice (up again since line 7): expected at CYCLE down alice between them
x.txtar:10:12: duplicate down alice (down since line 9): expected at CYCLE up alice between them
x.txtar:11:14: expected end of line after up bob, found now
x.txtar:12:9: expected a host after up, found end of line`},
		{"expect", two + "spawn on alice hello.s\nexpect exit hello 0\nexpect exit on bob hello 0\nexpect console \"hi\\n\"\nexpect console on carol \"hi\\n\"\nexpect exit on alice hello 0\nexpect seeds 1..3 always exit on alice hello 0\n" + prog,
			`x.txtar:4:13: expected on HOST after expect exit (the scenario has hosts alice, bob), found hello
x.txtar:5:20: no process spawned as "hello" on bob: no spawn line starts a process there
x.txtar:6:16: expected on HOST after expect console (the scenario has hosts alice, bob), found "hi\n"
x.txtar:7:19: unknown host carol: expected one of alice, bob`},
		{"sections", two + "spawn on alice hello.s\n" + prog + "-- want/console --\nhi\n-- want/console/carol --\n-- want/console/bob --\n",
			`x.txtar:17:1: want/console in a scenario with hosts: expected want/console/HOST, one per host (alice, bob)
x.txtar:19:1: unknown section want/console/carol: expected want/console/HOST for one of alice, bob`},
		{"sections without hosts", "spawn hello.s\n" + prog + "-- want/console/alice --\n",
			`x.txtar:15:1: unknown section want/console/alice: the scenario declares no hosts, expected want/console`},
		{"install", two + "spawn on alice hello.s\ninstall d at /etc/d on alice\ninstall d at /etc/d on bob\ninstall d at /etc/d\ninstall d at /etc/e\ninstall d at /etc/e on bob\ninstall d at /etc/f mode=0600 on carol\n" + prog + "-- d --\ndata\n",
			`x.txtar:6:14: /etc/d is already installed (line 4)
x.txtar:8:14: /etc/e is already installed (line 7)
x.txtar:9:34: unknown host carol: expected one of alice, bob`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse("x.txtar", []byte(tt.src), noDisk)
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T), want an ErrorList", err, err)
			}
			if d := cmp.Diff(strings.Split(tt.want, "\n"), strings.Split(err.Error(), "\n")); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}

// TestParseHosts checks what host, link and timed lines hold.
func TestParseHosts(t *testing.T) {
	src := `machine quantum=500 jitter=7 seed=9
host alice ip=10.0.0.1 quantum=300 echo=on
host bob ip=192.168.1.20 mem=32M
link alice bob latency=1ms bandwidth=10Mbit loss=0.5% reorder=1% duplicate=0.01%
spawn on bob as 1000 hello.s x
spawn on alice hello.s
install d at /etc/d on bob
at 5 key on bob "hi\n"
at 50 partition bob alice
at 60 heal alice bob
at 70 down alice
expect exit on bob hello 0
expect console on alice "hi\n"
-- hello.s --
` + helloSrc + "-- d --\ndata\n-- want/console/alice --\nhi\n"
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Hosts) != 2 || s.Hosts[0].Name != "alice" || s.Hosts[1].IP.String() != "192.168.1.20" {
		t.Fatalf("hosts %+v", s.Hosts)
	}
	a, b := s.HostMachine(0), s.HostMachine(1)
	if a.Quantum != 300 || !a.Echo || a.Jitter != 7 || b.Quantum != 500 || b.MemBytes != 32<<20 || b.Echo {
		t.Errorf("host machines: alice %+v, bob %+v", a, b)
	}
	if a.Seed != HostSeed(9, "alice") || b.Seed != HostSeed(9, "bob") || a.Seed == b.Seed {
		t.Errorf("seeds: alice %d, bob %d", a.Seed, b.Seed)
	}
	l := s.Links[0]
	if l.A != 0 || l.B != 1 || l.Latency != 1_000_000 || l.Bandwidth != 10_000_000 || l.Loss != 5000 || l.Reorder != 10_000 || l.Duplicate != 100 {
		t.Errorf("link %+v", l)
	}
	if len(l.Params) != 5 || l.Params[1] != (LinkParam{Pos: Pos{Filename: "x.txtar", Line: 4, Col: 28}, Key: "bandwidth", Value: "10Mbit"}) {
		t.Errorf("link params %+v", l.Params)
	}
	if s.Spawns[0].Host != 1 || s.Spawns[0].UID != 1000 || s.Spawns[1].Host != 0 || s.Installs[0].Host != 1 || s.Keys[0].Host != 1 {
		t.Errorf("spawns %+v, installs %+v, keys %+v", s.Spawns, s.Installs, s.Keys)
	}
	if d := cmp.Diff([]LinkEvent{{Pos: Pos{Filename: "x.txtar", Line: 9, Col: 1}, At: 50, Kind: Partition}, {Pos: Pos{Filename: "x.txtar", Line: 10, Col: 1}, At: 60, Kind: Heal}}, s.LinkEvents); d != "" {
		t.Errorf("link events (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]Down{{Pos: Pos{Filename: "x.txtar", Line: 11, Col: 1}, At: 70}}, s.Downs); d != "" {
		t.Errorf("downs (-want +got):\n%s", d)
	}
	if e := s.Expects[0]; e.Host != 1 || e.Who.Spawn != 0 {
		t.Errorf("expect exit on bob: %+v", e)
	}
	if e := s.Expects[1]; e.Host != 0 || string(e.Console) != "hi\n" {
		t.Errorf("expect console on alice: %+v", e)
	}
}

// HostSeed depends on the seed and the name only.
func TestHostSeed(t *testing.T) {
	seen := map[uint64]string{}
	for _, seed := range []uint64{0, 1, 2} {
		for _, name := range []string{"alice", "bob", "alicf"} {
			v := HostSeed(seed, name)
			if other, dup := seen[v]; dup {
				t.Errorf("HostSeed(%d, %s) = HostSeed of %s", seed, name, other)
			}
			seen[v] = name
			if HostSeed(seed, name) != v {
				t.Errorf("HostSeed(%d, %s) changes", seed, name)
			}
		}
	}
}

// hostTraces runs s and returns each host's trace lines by host name.
func hostTraces(t *testing.T, s *Scenario) map[string][]string {
	t.Helper()
	traces := map[string][]string{}
	o, err := s.Run(Options{Trace: func(e *kernel.Event) {
		c := *e
		c.Host = "" // compare the hosts' lines themselves
		traces[e.Host] = append(traces[e.Host], FormatEvent(&c))
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range o.Hosts {
		traces[h.Name] = append(traces[h.Name], FormatHostExits([]HostOutcome{h}), string(h.Console))
	}
	return traces
}

// Adding a host, or putting the hosts in another order, changes no host's
// run: each host's seed comes from its name, and the hosts share only the
// clock (no network yet). The timer's jitter makes the runs depend on the
// seed.
func TestAddingAHostChangesNoOther(t *testing.T) {
	racer := `	.text
	.globl _start
_start:	li a7, SYS_clone
	li a0, SIGCHLD
	li a1, 0
	ecall
	li s0, 3000
1:	addi s0, s0, -1
	bnez s0, 1b
	li a7, SYS_getpid
	ecall
	li a7, SYS_exit
	ecall
`
	base := "machine quantum=200 jitter=150 seed=4 limit=5000000\n"
	prog := "-- racer.s --\n" + racer
	two, err := parse("two.txtar", []byte(base+"host alice ip=10.0.0.1\nhost bob ip=10.0.0.2\nspawn on alice racer.s\nspawn on bob racer.s\n"+prog), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	three, err := parse("three.txtar", []byte(base+"host carol ip=10.0.0.3\nhost bob ip=10.0.0.2\nhost alice ip=10.0.0.1\nspawn on carol racer.s\nspawn on bob racer.s\nspawn on alice racer.s\nspawn on carol racer.s\n"+prog), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	got2, got3 := hostTraces(t, two), hostTraces(t, three)
	for _, h := range []string{"alice", "bob"} {
		if d := cmp.Diff(got2[h], got3[h]); d != "" {
			t.Errorf("host %s (-two hosts +three):\n%s", h, d)
		}
	}
	if cmp.Equal(got2["alice"][2:], got2["bob"][2:]) {
		t.Errorf("alice and bob ran alike: their seeds should differ")
	}
}

// inspect of a scenario with hosts shows each host under its heading, and
// a host that lost power as down; JSON trace lines name their host.
func TestHostsInspectAndJSON(t *testing.T) {
	s, err := Load("../testdata/scenarios/hosts_two.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   uint64
		want []string
	}{
		{3006, []string{"=== host alice (10.0.0.1)\nstate at cycle 3006\n", "=== host bob (10.0.0.2)\nstate at cycle 3006\n", "ticker          nanosleep: sleeping until cycle 4014"}},
		{20000, []string{"=== host alice (10.0.0.1)\n", "=== host bob (10.0.0.2): down since cycle 10000 (power lost)\n"}},
	} {
		o, err := s.Run(Options{PauseAt: tc.at})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := WriteHostSnapshots(&b, s, o, false); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("inspect --at=%d lacks %q:\n%s", tc.at, w, b.String())
			}
		}
	}
	var b strings.Builder
	trace, _ := HostTracer(&b, true, 0)
	if _, err := s.Run(Options{Trace: trace}); err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(b.String(), "\n", 2)[0]; !strings.HasPrefix(first, `{"cycle":0,"host":"alice","pid":1,`) {
		t.Errorf("first JSON line %s", first)
	}
}

// The Chrome trace of a run with hosts has a Chrome process per host, so
// that alice's pid 2 and bob's pid 2 are two tracks.
func TestHostsChrome(t *testing.T) {
	s, err := Load("../testdata/scenarios/hosts_two.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c := NewChromeTraceHosts(&b, "x", []string{"alice", "bob"})
	o, err := s.Run(Options{Trace: c.Event})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(o.Result.Cycles); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`{"name":"process_name","ph":"M","ts":0,"pid":2,"tid":0,"args":{"name":"ipcsim x: host bob"}}`,
		`{"name":"thread_name","ph":"M","ts":0.000,"pid":1,"tid":2,"args":{"name":"pid 2 (reader)"}}`,
		`{"name":"thread_name","ph":"M","ts":0.000,"pid":2,"tid":2,"args":{"name":"pid 2 (ticker)"}}`,
		`"cat":"down","ph":"i","ts":10.000,"pid":2,"tid":0`,
	} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("chrome trace lacks %s:\n%s", w, b.String())
		}
	}
}

// A host that goes down and boots again gives the same run every time,
// paused or not (a pause while it is off, one after it is back), and its
// want/exits shows both boots.
func TestRebootDeterministic(t *testing.T) {
	s, err := Load("../testdata/scenarios/net_host_reboot.txtar")
	if err != nil {
		t.Fatal(err)
	}
	run := func(pauses ...uint64) (string, string) {
		var snaps []uint64
		o, err := s.Run(Options{KeepTrace: true, SnapshotAt: pauses, Snapshot: func(at uint64, _ *Outcome) { snaps = append(snaps, at) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(snaps) != len(pauses) {
			t.Fatalf("snapshots at %v, want %v", snaps, pauses)
		}
		var b strings.Builder
		WriteText(&b, o.Trace)
		return b.String(), FormatHostExits(o.Hosts)
	}
	trace, exits := run()
	for _, pauses := range [][]uint64{nil, {600_000_000}, {600_000_000, 900_000_000}, {700_000_000}} {
		tr, ex := run(pauses...)
		if tr != trace || ex != exits {
			t.Errorf("paused at %v: the run differs", pauses)
		}
	}
	if !strings.Contains(exits, "bob: down at cycle 500000000: power lost; up again at cycle 700000000") {
		t.Errorf("want/exits:\n%s", exits)
	}
	if !strings.Contains(trace, "700000000  bob   pid 0   power restored: the host boots (init starts)") {
		t.Errorf("no power restored line in the trace")
	}
}

// The tree of a host that booted again draws each boot's processes apart:
// the second boot's pids start again at 1.
func TestRebootTree(t *testing.T) {
	s, err := Load("../testdata/scenarios/net_host_reboot.txtar")
	if err != nil {
		t.Fatal(err)
	}
	tree := NewRunTree([]string{s.Hosts[0].Name, s.Hosts[1].Name})
	if _, err := s.Run(Options{Trace: tree.Event}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tree.Write(&b, 1); err != nil {
		t.Fatal(err)
	}
	want := `pid 1 (init): lost with its host (power lost), no exit status
└─ pid 2 (reboot): lost with its host (power lost), no exit status
pid 1 (init) boot 2: still alive
└─ pid 2 (reboot): exited with status 0
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("bob's tree (-want +got):\n%s", d)
	}
}

// The views of a host that booted again keep each boot's processes
// apart: the second boot's pid 2 has its own Chrome track, Mermaid
// participant and report track, named "pid 2 (reboot) boot 2", and its
// slices are on that track, not on the first boot's pid 2.
func TestRebootViews(t *testing.T) {
	s, err := Load("../testdata/scenarios/net_host_reboot.txtar")
	if err != nil {
		t.Fatal(err)
	}
	hosts := []string{s.Hosts[0].Name, s.Hosts[1].Name}
	var chrome, mermaid strings.Builder
	c := NewChromeTraceHosts(&chrome, "net_host_reboot", hosts)
	m := NewMermaidHosts(&mermaid, MaxMermaidItems, hosts)
	col := newReportCollector(hosts)
	tl := NewTimeline(col, hosts, true)
	o, err := s.Run(Options{Trace: func(e *kernel.Event) { c.Event(e); m.Event(e); tl.Event(e) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(o.Result.Cycles); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	tl.Close(o.Result.Cycles)

	var tr struct {
		TraceEvents []struct {
			Name, Ph string
			PID, TID int
			TS       float64
			Args     map[string]string
		}
	}
	if err := json.Unmarshal([]byte(chrome.String()), &tr); err != nil {
		t.Fatal(err)
	}
	tids := map[string]int{}  // bob's tracks by name
	last := map[int]float64{} // the latest slice's start on each of bob's tracks
	for _, e := range tr.TraceEvents {
		if e.PID != chromePID+1 {
			continue
		}
		if e.Name == "thread_name" && e.TID != 0 {
			if old, ok := tids[e.Args["name"]]; ok && old != e.TID {
				t.Errorf("%q names tracks %d and %d", e.Args["name"], old, e.TID)
			}
			tids[e.Args["name"]] = e.TID
		}
		if e.Ph == "X" {
			last[e.TID] = max(last[e.TID], e.TS)
		}
	}
	first, second := tids["pid 2 (reboot)"], tids["pid 2 (reboot) boot 2"]
	if first == 0 || second == 0 || first == second {
		t.Fatalf("bob's tracks %v: want distinct tracks for each boot's pid 2", tids)
	}
	if last[first] >= 500_000 || last[second] < 800_000 { // microseconds
		t.Errorf("slices: the first boot's pid 2 up to %v us, the second's up to %v us", last[first], last[second])
	}
	for _, want := range []string{"participant H2P2 as bob pid 2 (reboot)\n", "participant H2P2B2 as bob pid 2 (reboot) boot 2\n",
		"participant H2P1B2 as bob pid 1 (init) boot 2\n", "H1P2->>H2P2B2: "} {
		if !strings.Contains(mermaid.String(), want) {
			t.Errorf("the diagram has no %q:\n%s", want, mermaid.String())
		}
	}
	var names []string
	for k, name := range col.names {
		if k[0] == 1 && strings.HasPrefix(name, "pid 2 ") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if d := cmp.Diff([]string{"pid 2 (reboot)", "pid 2 (reboot) boot 2"}, names); d != "" {
		t.Errorf("bob's report tracks of pid 2 (-want +got):\n%s", d)
	}
}
