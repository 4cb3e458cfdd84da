package sim

import (
	"bytes"
	"encoding/binary"
	"io"
	"regexp"
	"strings"
	"testing"

	"ipcsim/kernel"
)

// pcapRecords splits a capture (package pcap's format: a 24-byte file
// header, then records of a 16-byte header and the packet) into its
// timestamps (in ns) and packets.
func pcapRecords(t *testing.T, b []byte) (times []uint64, packets [][]byte) {
	t.Helper()
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b23c4d {
		t.Fatalf("not a nanosecond pcap file: % x", b[:min(len(b), 24)])
	}
	for b = b[24:]; len(b) > 0; {
		if len(b) < 16 {
			t.Fatalf("a record header cut short: % x", b)
		}
		sec, ns, n := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), int(binary.LittleEndian.Uint32(b[8:]))
		if len(b) < 16+n {
			t.Fatalf("a record of %d bytes has %d", n, len(b)-16)
		}
		times = append(times, uint64(sec)*1e9+uint64(ns))
		packets = append(packets, b[16:16+n])
		b = b[16+n:]
	}
	return times, packets
}

// runCaptured runs a scenario with a capture per host and its trace, and
// returns the captures.
func runCaptured(t *testing.T, path string, trace func(*kernel.Event)) []*bytes.Buffer {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	caps := make([]*bytes.Buffer, max(1, len(s.Hosts)))
	ws := make([]io.Writer, len(caps))
	for i := range caps {
		caps[i] = &bytes.Buffer{}
		ws[i] = caps[i]
	}
	if _, err := s.Run(Options{Pcap: ws, Trace: trace}); err != nil {
		t.Fatal(err)
	}
	return caps
}

// TestPcapDeterministic: a multi-host TCP scenario (and one whose link
// loses frames) gives the same capture bytes, host by host, on every run.
func TestPcapDeterministic(t *testing.T) {
	for _, name := range []string{"net_server_iterative", "net_lossy"} {
		path := "../testdata/scenarios/" + name + ".txtar"
		a, b := runCaptured(t, path, nil), runCaptured(t, path, nil)
		for i := range a {
			if !bytes.Equal(a[i].Bytes(), b[i].Bytes()) {
				t.Errorf("%s: host %d's capture differs between two runs", name, i)
			}
			if _, ps := pcapRecords(t, a[i].Bytes()); len(ps) == 0 {
				t.Errorf("%s: host %d captured nothing", name, i)
			}
		}
	}
}

// TestPcapHoldsSendsAndArrivals: over a lossy link each host's capture
// holds exactly the packets its stack sent and the frames that arrived
// at it, at the cycles the trace gives: a frame the link lost is in the
// sender's capture, not in the receiver's. Tracing changes no capture.
func TestPcapHoldsSendsAndArrivals(t *testing.T) {
	const path = "../testdata/scenarios/net_lossy.txtar"
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	host := map[string]int{}
	for i, h := range s.Hosts {
		host[h.Name] = i
	}
	arrives := regexp.MustCompile(`^link \S+: frame #\d+ arrives`)
	want := make([][]uint64, len(s.Hosts)) // the cycles of each host's sends and arrivals, in order
	drops := 0
	caps := runCaptured(t, path, func(e *kernel.Event) {
		if e.Kind != "net" {
			return
		}
		switch {
		case strings.Contains(e.Text, " sends "), arrives.MatchString(e.Text):
			want[host[e.Host]] = append(want[host[e.Host]], e.Cycle)
		case strings.Contains(e.Text, "dropped (loss)"):
			drops++
		}
	})
	if drops == 0 {
		t.Fatal("the link lost nothing: the test checks nothing of losses")
	}
	for i, c := range caps {
		times, _ := pcapRecords(t, c.Bytes())
		if len(times) != len(want[i]) {
			t.Errorf("%s: %d packets captured, the trace shows %d sends and arrivals", s.Hosts[i].Name, len(times), len(want[i]))
			continue
		}
		for j := range times {
			if times[j] != want[i][j] {
				t.Errorf("%s: packet %d stamped %d ns, the trace says cycle %d", s.Hosts[i].Name, j+1, times[j], want[i][j])
				break
			}
		}
	}
	if untraced := runCaptured(t, path, nil); !bytes.Equal(untraced[2].Bytes(), caps[2].Bytes()) {
		t.Error("the capture of a traced run differs from an untraced one")
	}
}
