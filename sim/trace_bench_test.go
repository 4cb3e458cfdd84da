package sim

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ipcsim/kernel"
)

// benchTrace runs testdata/bench/bin/pipepingpong for b.N round trips with
// the trace off, given to a function that does nothing ("kernel"), or
// written by Tracer to io.Discard as text or JSON: the
// cost of tracing is the ratio of Text or JSON to Off (issue 13's target:
// under 2x; BENCHMARKS.md).
func benchTrace(b *testing.B, mode string) {
	benchTraceOf(b, filepath.Join("..", "testdata", "bench", "bin", "pipepingpong"), mode)
}

// benchTraceOf is benchTrace of the program at path, which takes the
// number of round trips as its argument.
func benchTraceOf(b *testing.B, path, mode string) {
	name := filepath.Base(path)
	elf, err := os.ReadFile(path)
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/build.sh or testdata/bench/musl/build.sh)", err)
	}
	cfg := kernel.Config{
		Stdout: io.Discard,
		Files:  []kernel.File{{Path: "/" + name, Data: elf, Mode: 0755}},
	}
	switch mode {
	case "kernel":
		cfg.Trace = func(*kernel.Event) {}
	case "text", "json":
		cfg.Trace, _ = Tracer(io.Discard, mode == "json")
	case "records":
		cfg.TraceLog = dropLog{}
	case "writer text", "writer json":
		w := NewTraceWriter(io.Discard, mode == "writer json", nil, 0, nil)
		defer w.Close() // timed: the run is over when every line is made
		cfg.TraceLog = w
	}
	b.ReportAllocs()
	k := kernel.New(cfg)
	if _, err := k.Spawn(name, []string{name, strconv.Itoa(b.N)}, nil); err != nil {
		b.Fatal(err)
	}
	if res := k.Run(); res.Reason != kernel.StopAllExited || res.Exits[len(res.Exits)-1].Status != 0 {
		b.Fatalf("%s ended badly: %v %v", name, res.Reason, res.Exits)
	}
}

func BenchmarkTraceOff(b *testing.B)  { benchTrace(b, "off") }
func BenchmarkTraceText(b *testing.B) { benchTrace(b, "text") }
func BenchmarkTraceJSON(b *testing.B) { benchTrace(b, "json") }

// BenchmarkTraceWriterText and BenchmarkTraceWriterJSON write the trace
// with a TraceWriter, which makes the Records' lines on a goroutine of
// its own: run them with GOMAXPROCS=2 to give it a core.
func BenchmarkTraceWriterText(b *testing.B) { benchTrace(b, "writer text") }
func BenchmarkTraceWriterJSON(b *testing.B) { benchTrace(b, "writer json") }

// BenchmarkTraceIPC is BenchmarkTraceOff and BenchmarkTraceWriterText
// of the other ping-pongs of issue 13 (testdata/bench/musl): one op is a
// round trip. Run it with GOMAXPROCS=2, as BenchmarkTraceWriterText.
func BenchmarkTraceIPC(b *testing.B) {
	for _, prog := range []string{"sockpingpong", "msgqpingpong", "mqpingpong", "sigwaitpingpong", "sigsuspendpingpong", "tcppingpong", "threadpingpong"} {
		for _, mode := range []string{"off", "writer text"} {
			b.Run(prog+"/"+strings.Fields(mode)[0], func(b *testing.B) {
				benchTraceOf(b, filepath.Join("..", "testdata", "bench", "musl", "bin", prog), mode)
			})
		}
	}
}

// dropLog is a kernel.TraceLog that drops what it takes.
type dropLog struct{}

func (dropLog) Record(*kernel.Record) {}
func (dropLog) Event(*kernel.Event)   {}

// BenchmarkTraceRecords gives the Records and Events to a log that drops
// them: the kernel's share of BenchmarkTraceWriterText, making the Records,
// without the TraceWriter's copies and lines.
func BenchmarkTraceRecords(b *testing.B) { benchTrace(b, "records") }

// BenchmarkTraceKernel gives the events to a trace function that does
// nothing: the kernel's share of BenchmarkTraceText, making the events and
// their sentences, without the tracer's lines.
func BenchmarkTraceKernel(b *testing.B) { benchTrace(b, "kernel") }

// benchAppend formats the events of 100 traced round trips of
// testdata/bench/bin/pipepingpong, kept beforehand, again and again: the
// tracer's own share of BenchmarkTraceText or BenchmarkTraceJSON, without
// the kernel's (making the events) or the run's. One op is one event.
func benchAppend(b *testing.B, json bool) {
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", "pipepingpong"))
	if err != nil {
		b.Fatalf("committed ELF missing: %v (rebuild with testdata/bench/build.sh)", err)
	}
	var events []kernel.Event
	k := kernel.New(kernel.Config{
		Stdout: io.Discard,
		Files:  []kernel.File{{Path: "/pipepingpong", Data: elf, Mode: 0755}},
		Trace:  func(e *kernel.Event) { events = append(events, e.Keep()) },
	})
	if _, err := k.Spawn("pipepingpong", []string{"pipepingpong", "100"}, nil); err != nil {
		b.Fatal(err)
	}
	if res := k.Run(); res.Reason != kernel.StopAllExited {
		b.Fatalf("pipepingpong ended badly: %v", res.Reason)
	}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		e := &events[i%len(events)]
		if json {
			buf = AppendEventJSON(buf[:0], e)
		} else {
			buf = AppendHostEvent(buf[:0], e, 0)
		}
	}
}

func BenchmarkAppendText(b *testing.B) { benchAppend(b, false) }
func BenchmarkAppendJSON(b *testing.B) { benchAppend(b, true) }
