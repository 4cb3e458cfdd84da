package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// tsharkPath is where Debian's tshark package puts tshark.
const tsharkPath = "/usr/bin/tshark"

// tshark runs tshark with args and returns what it printed on standard
// output (it writes notes such as "Running as user root" on standard
// error); a failure, such as a display filter naming an unknown field,
// fails the test.
func tshark(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(tsharkPath, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// checkCaptureClean fails if tshark finds in the capture a bad IP, TCP,
// UDP or ICMP checksum, a malformed packet or an error of its expert
// system. tshark dissects every protocol it knows: the scenarios' ports
// are ones it dissects as no protocol (udpping's 7777, not mDNS's 5353,
// whose dissector read its text as malformed queries), so their payloads
// show as data.
func checkCaptureClean(t *testing.T, file string) {
	t.Helper()
	if bad := captureProblems(t, file); bad != "" {
		t.Errorf("%s: tshark finds bad packets:\n%s", filepath.Base(file), bad)
	}
}

// captureProblems returns tshark's lines for the packets of the capture
// that checkCaptureClean rejects, "" if none.
func captureProblems(t *testing.T, file string) string {
	t.Helper()
	return tshark(t, "-r", file,
		"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-Y", "ip.checksum.status==2 || tcp.checksum.status==2 || udp.checksum.status==2 || icmp.checksum.status==2 || _ws.malformed || _ws.expert.severity==error")
}

// epochNS reads tshark's frame.time_epoch ("0.000208089") as nanoseconds.
func epochNS(t *testing.T, s string) uint64 {
	t.Helper()
	sec, frac, _ := strings.Cut(s, ".")
	frac = (frac + "000000000")[:9]
	a, err1 := strconv.ParseUint(sec, 10, 64)
	b, err2 := strconv.ParseUint(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad time %q", s)
	}
	return a*1e9 + b
}

// hostPacketCycles are the cycles of what the text trace shows a host
// ("" for a scenario without hosts) send ("tcp: inet#1 sends ...") or receive from the wire ("link
// server-c1: frame #3 arrives"), in order: what its capture must hold.
func hostPacketCycles(t *testing.T, trace, host string) []uint64 {
	t.Helper()
	line := regexp.MustCompile(`^\s*(\d+)\s+(?:(\w[\w-]*)\s+)?pid \d+\s+(.*)$`) // the host column only with hosts
	packet := regexp.MustCompile(`^(?:(?:tcp|udp|icmp): (?:inet#\d+ )?sends |link \S+: frame #\d+ arrives)`)
	var cycles []uint64
	for _, l := range strings.Split(trace, "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil || m[2] != host && host != "" {
			continue
		}
		if packet.MatchString(m[3]) {
			n, _ := strconv.ParseUint(m[1], 10, 64)
			cycles = append(cycles, n)
		}
	}
	return cycles
}

// needTshark skips the test without tshark, unless CI is set (.ci/run
// installs it), as TestReportInBrowser does with chromium.
func needTshark(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(tsharkPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s in CI: .ci/run installs Debian's tshark package", tsharkPath)
		}
		t.Skipf("no %s: apt-get install tshark to run this test", tsharkPath)
	}
}

// TestPcapInTshark runs the iterative server of four hosts with --pcap
// and reads the captures with tshark: no bad checksum or malformed
// packet, each client's three-way handshake dissected with the right
// ports, flags and MSS, and every packet stamped with the virtual cycle
// at which the trace shows it sent or arrived.
func TestPcapInTshark(t *testing.T) {
	needTshark(t)
	dir := filepath.Join(t.TempDir(), "captures") // made by --pcap
	st, out, stderr := run(t, "run", "--pcap="+dir, "../../testdata/scenarios/net_server_iterative.txtar")
	if st != exitOK || stderr != "" {
		t.Fatalf("ipcsim run: status %d, stderr %q", st, stderr)
	}
	syn := regexp.MustCompile(`(?m)^\s*\d+\s+(c\d)\s+pid \d+\s+tcp: inet#\d+ sends ([\d.]+):(\d+) > ([\d.]+):(\d+) \[S\] .* mss (\d+) len 0$`)
	syns := syn.FindAllStringSubmatch(out, -1)
	if len(syns) != 3 {
		t.Fatalf("the trace shows %d SYNs from the clients, want 3", len(syns))
	}
	for _, host := range []string{"server", "c1", "c2", "c3"} {
		file := filepath.Join(dir, host+".pcap")
		checkCaptureClean(t, file)
		times := strings.Fields(tshark(t, "-r", file, "-T", "fields", "-e", "frame.time_epoch"))
		want := hostPacketCycles(t, out, host)
		if len(times) != len(want) {
			t.Errorf("%s: %d frames, the trace shows %d packets sent and arrived", host, len(times), len(want))
			continue
		}
		for i := range times {
			if got := epochNS(t, times[i]); got != want[i] {
				t.Errorf("%s: frame %d at %d ns, the trace says cycle %d", host, i+1, got, want[i])
				break
			}
		}
	}
	for _, m := range syns {
		host, cAddr, cPort, sAddr, sPort, mss := m[1], m[2], m[3], m[4], m[5], m[6]
		got := tshark(t, "-r", filepath.Join(dir, host+".pcap"), "-c", "3", "-T", "fields", "-E", "separator=/s",
			"-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "tcp.options.mss_val")
		want := fmt.Sprintf("%s %s %s %s 0x0002 %s\n%s %s %s %s 0x0012 %s\n%s %s %s %s 0x0010 \n",
			cAddr, cPort, sAddr, sPort, mss, // SYN
			sAddr, sPort, cAddr, cPort, mss, // SYN-ACK, with the server's MSS (the same default)
			cAddr, cPort, sAddr, sPort) // ACK
		if got != want {
			t.Errorf("%s's handshake in tshark:\n%s\nwant:\n%s", host, got, want)
		}
	}
}

// TestPcapUDP runs net_udp, where alice pings bob and carol with
// udpping, with --pcap and reads the captures with tshark: nothing bad,
// every packet stamped with the cycle of the trace, and each datagram
// between the programs dissected as plain UDP whose data is the ping's
// text, on a port that no dissector of tshark claims (udpping's 7777;
// on 5353, mDNS's, the pings were malformed queries). Then it corrupts
// the capture, to show that the check finds it: a byte of a datagram's
// text changed breaks its UDP checksum, a byte of its IP header the IP
// checksum.
func TestPcapUDP(t *testing.T) {
	needTshark(t)
	dir := t.TempDir()
	st, out, stderr := run(t, "run", "--pcap="+dir, "../../testdata/scenarios/net_udp.txtar")
	if st != exitOK || stderr != "" {
		t.Fatalf("ipcsim run: status %d, stderr %q", st, stderr)
	}
	// A frame: its time, then a datagram's protocols, ports and text, or
	// the ICMP port unreachable that quotes one.
	frame := regexp.MustCompile(`^(\d+\.\d+)\t(?:raw:ip:udp:data\t(?:42563,7777|7777,42563|46631,7777)\tping \d|raw:ip:icmp:ip:udp\t46631,7777\t)$`)
	for _, host := range []string{"alice", "bob", "carol"} {
		file := filepath.Join(dir, host+".pcap")
		checkCaptureClean(t, file)
		frames := strings.Split(strings.TrimSuffix(tshark(t, "-r", file, "-o", "data.show_as_text:TRUE", "-T", "fields",
			"-e", "frame.time_epoch", "-e", "frame.protocols", "-e", "udp.port", "-e", "data.text"), "\n"), "\n")
		want := hostPacketCycles(t, out, host)
		if len(frames) != len(want) {
			t.Errorf("%s: %d frames, the trace shows %d packets sent and arrived", host, len(frames), len(want))
		}
		for i, f := range frames {
			m := frame.FindStringSubmatch(f)
			if m == nil {
				t.Errorf("%s: frame %d in tshark: %q, want %s", host, i+1, f, frame)
				continue
			}
			if got := epochNS(t, m[1]); i < len(want) && got != want[i] {
				t.Errorf("%s: frame %d at %d ns, the trace says cycle %d", host, i+1, got, want[i])
			}
		}
	}

	capture, err := os.ReadFile(filepath.Join(dir, "bob.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	// The first record: a 24-byte file header, a 16-byte record header,
	// then the raw IP packet: a 20-byte IP header, an 8-byte UDP header,
	// "ping 1".
	const packet = 24 + 16
	if len(capture) < packet+34 || string(capture[packet+28:packet+34]) != "ping 1" {
		t.Fatalf("bob's first packet is not alice's ping 1: % x", capture[packet:min(len(capture), packet+34)])
	}
	for _, c := range []struct {
		what string
		at   int
	}{
		{"a byte of the text", packet + 33},
		{"the IP header's TTL", packet + 8},
	} {
		file := filepath.Join(dir, "corrupted.pcap")
		b := bytes.Clone(capture)
		b[c.at] ^= 0x01
		writeFile(t, file, b, 0o644)
		bad := captureProblems(t, file)
		if !strings.HasPrefix(strings.TrimSpace(bad), "1 ") || strings.Count(bad, "\n") != 1 {
			t.Errorf("%s changed: tshark finds %q, want the first packet bad, only it", c.what, bad)
		}
	}
}

// TestPcapLoopback: a machine without host lines captures to
// DIR/ipcsim.pcap, and each packet round its loopback appears once.
func TestPcapLoopback(t *testing.T) {
	needTshark(t)
	elf, err := filepath.Abs("../../testdata/linux/bin/inet_tcp_basic")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	scenario := filepath.Join(dir, "lo.txtar")
	writeFile(t, scenario, []byte("# TCP over 127.0.0.1\nmachine seed=1\nspawn "+elf+"\nexpect exit inet_tcp_basic 0\n"), 0o644)
	st, out, stderr := run(t, "run", "--pcap", dir, scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("ipcsim run: status %d, stderr %q", st, stderr)
	}
	file := filepath.Join(dir, "ipcsim.pcap")
	checkCaptureClean(t, file)
	frames := strings.Fields(tshark(t, "-r", file, "-T", "fields", "-e", "frame.time_epoch"))
	sends := hostPacketCycles(t, out, "")
	if len(sends) == 0 || len(frames) != len(sends) {
		t.Errorf("%d frames, the trace shows %d packets sent round the loopback", len(frames), len(sends))
	}
	syns := tshark(t, "-r", file, "-Y", "tcp.flags==0x0002 && ip.src==127.0.0.1 && ip.dst==127.0.0.1", "-T", "fields", "-e", "tcp.srcport")
	if n := len(regexp.MustCompile(`sends \S+ > \S+ \[S\]`).FindAllString(out, -1)); n == 0 || strings.Count(syns, "\n") != n {
		t.Errorf("SYNs in the capture:\n%s\nthe trace sends %d", syns, n)
	}
}

// TestPcapErrors: a capture directory that cannot be made fails with
// status 2 and says why.
func TestPcapErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, nil, 0o644)
	st, _, stderr := run(t, "run", "--pcap="+filepath.Join(file, "dir"), "../../testdata/scenarios/hosts_two.txtar")
	if st != exitBadInput || !strings.HasPrefix(stderr, "ipcsim run: --pcap: mkdir ") || !strings.Contains(stderr, "not a directory") {
		t.Errorf("status %d, stderr %q", st, stderr)
	}
}

// TestPcapWriteFails: a capture that cannot be written (its file is
// /dev/full) fails the run with status 2 after the trace, which is
// written whole, as far as the run went.
func TestPcapWriteFails(t *testing.T) {
	scenario := "../../testdata/scenarios/net_udp.txtar"
	_, out, _ := run(t, "run", scenario)
	trace, _, ok := strings.Cut(out, "--- console")
	if !ok || trace == "" {
		t.Fatalf("no trace, then console:\n%s", out)
	}
	dir := t.TempDir()
	for _, h := range []string{"alice", "bob", "carol"} {
		if err := os.Symlink("/dev/full", filepath.Join(dir, h+".pcap")); err != nil {
			t.Fatal(err)
		}
	}
	st, got, stderr := run(t, "run", "--pcap="+dir, scenario)
	if st != exitBadInput || !strings.Contains(stderr, "ipcsim run: --pcap: ") || got != trace {
		t.Errorf("status %d, stderr %q, output:\n%s\nwant the trace:\n%s", st, stderr, got, trace)
	}
}

// TestPcapErrorsLeaveNoWriter: a run refused for its capture directory
// stops the trace's writer, whose goroutine would otherwise wait for ever
// with its batches (run called in-process, as the tests do).
func TestPcapErrorsLeaveNoWriter(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, nil, 0o644)
	before := runtime.NumGoroutine()
	for range 20 {
		if st, _, _ := run(t, "run", "--pcap="+filepath.Join(file, "dir"), "../../testdata/scenarios/hosts_two.txtar"); st != exitBadInput {
			t.Fatalf("status %d", st)
		}
	}
	// A goroutine that is ending may still be counted: some slack, far
	// below the 20 a leak leaves.
	if n := runtime.NumGoroutine(); n > before+5 {
		t.Errorf("%d goroutines after 20 refused runs, %d before", n, before)
	}
}
