package sim

import (
	"bytes"
	"testing"

	"ipcsim/kernel"
)

// TestWriteRunJSON checks the documents of outcomes that the bundled
// scenarios do not give: a console that is not UTF-8, one beyond what a
// run keeps, a host that lost power, a process killed with a core dump,
// exits not kept.
func TestWriteRunJSON(t *testing.T) {
	o := &Outcome{Hosts: []HostOutcome{
		{Name: "alice", Console: []byte("a\xffb<&>"), ConsoleBytes: 6,
			Result: kernel.HostResult{Name: "alice", Result: kernel.Result{Reason: kernel.StopAllExited, Cycles: 90, Instructions: 80,
				Exits: []kernel.Exit{{PID: 2, Name: "crash", Status: 0x8b, Cycle: 50}}, ExitsDropped: 3}}},
		{Name: "bob", Console: []byte("xy"), ConsoleBytes: 5,
			Result: kernel.HostResult{Name: "bob", Down: true, Lost: []string{"pid 2 (server) in accept: ..."},
				Result: kernel.Result{Reason: kernel.StopDeadlock, Cycles: 40, Exits: []kernel.Exit{{PID: 3, Name: "w", Status: 0x300, Cycle: 50}}}}},
	}}
	var b bytes.Buffer
	if err := WriteRunJSON(&b, o, nil); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"console","host":"alice","text":"a\ufffdb<&>","base64":"Yf9iPCY+"}
{"type":"console","host":"bob","text":"xy","truncated":true,"bytes":5}
{"type":"exit","host":"alice","pid":2,"name":"crash","cycle":50,"status":139,"signal":"SIGSEGV","core_dumped":true,"wstatus":139,"describe":"killed by SIGSEGV (core dumped)"}
{"type":"exit","host":"bob","pid":3,"name":"w","cycle":50,"status":3,"wstatus":768,"describe":"exited with status 3"}
{"type":"stop","host":"alice","reason":"exited","describe":"all processes exited","cycle":90,"instructions":80,"exits_dropped":3}
{"type":"stop","host":"bob","reason":"down","describe":"power lost","cycle":40,"instructions":0,"lost":["pid 2 (server) in accept: ..."]}
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
