package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

func TestUpdated(t *testing.T) {
	src := "# story\nspawn hello.s\n-- hello.s --\n" + helloSrc +
		"-- want/console --\nold\n-- README --\nkept as is\n-- want/exits --"
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	o := &Outcome{
		Console: []byte("no newline"),
		Result: kernel.Result{
			Reason: kernel.StopDeadlock, Cycles: 77,
			Exits:   []kernel.Exit{{PID: 3, Name: "child", Status: 0x300}},
			Blocked: []string{"pid 2 (hello) in wait4: no child has exited"},
		},
	}
	got, err := s.Updated(o)
	if err != nil {
		t.Fatal(err)
	}
	want := "# story\nspawn hello.s\n-- hello.s --\n" + helloSrc +
		"-- want/console --\nno newline\n\\ No newline at end of console\n" +
		"-- README --\nkept as is\n" +
		"-- want/exits --\npid 3 (child): exited with status 3\n" +
		"stopped at cycle 77: deadlock: every process is blocked\n" +
		"  pid 2 (hello) in wait4: no child has exited\n"
	if string(got) != want {
		t.Errorf("Updated:\n%s", Diff([]byte(want), got))
	}
	s2, err := parse("x.txtar", got, noDisk)
	if err != nil {
		t.Fatal(err)
	}
	if ms := s2.Check(o); len(ms) != 0 {
		t.Errorf("the updated scenario does not pass: %v", ms)
	}

	// A console line that reads as a file marker cannot be recorded.
	o.Console = []byte("ok\n-- want/trace --\n")
	if _, err := s.Updated(o); err == nil || !strings.Contains(err.Error(), "x.txtar:") {
		t.Errorf("marker in the output: error %v", err)
	}
}

func TestCheckExpect(t *testing.T) {
	src := "spawn hello.s\nexpect exit hello 0\nexpect signal pid 3 SIGSEGV\nexpect exit pid 4 0\nexpect console \"hi\"\n-- hello.s --\n" + helloSrc
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	o := &Outcome{
		Console: []byte("hi\n"),
		PIDs:    []int{2},
		Result: kernel.Result{Reason: kernel.StopCycleLimit, Exits: []kernel.Exit{
			{PID: 3, Name: "child", Status: 0x8b},
			{PID: 2, Name: "hello", Status: 0x100},
		}},
	}
	var got []string
	for _, m := range s.Check(o) {
		got = append(got, m.String())
	}
	want := []string{
		"x.txtar:2:1: expect exit hello 0: pid 2 (hello) exited with status 1",
		"x.txtar:4:1: expect exit pid 4 0: pid 4 did not exit (the run stopped: cycle limit reached)",
		"x.txtar:5:1: expect console \"hi\" differs (-want +got):\n--- want\n+++ got\n@@ -1 +1 @@\n-hi\n\\ No newline at end of file\n+hi\n",
	}
	if d := Diff([]byte(strings.Join(want, "\n")), []byte(strings.Join(got, "\n"))); d != "" {
		t.Error(d)
	}
}

// TestUpdateAddsMissingWants: --update records the console and exits of a
// scenario that has no section for them, at the end of the file.
func TestUpdateAddsMissingWants(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/x.txtar"
	src := "machine quantum=100 seed=1 limit=100000\nspawn hello.s\nexpect exit hello 0\n-- hello.s --\n" + helloSrc
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	s, err := Load(path)
	require.NoError(t, err)
	require.False(t, s.ChecksNothing())
	o, err := s.Run(Options{})
	require.NoError(t, err)
	require.NoError(t, s.Update(o))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, src+"-- want/console --\nhi\n-- want/exits --\npid 2 (hello): exited with status 0\n", string(got))
	s, err = Load(path)
	require.NoError(t, err)
	require.Empty(t, s.Check(o))
}
