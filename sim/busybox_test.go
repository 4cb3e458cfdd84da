package sim

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBusyboxJobs runs busybox_jobs.txtar, Debian's busybox sh doing job
// control on the simulated terminal, and compares its console with what
// the same binary showed, given the same keys, in a Linux pseudo-terminal
// under qemu-riscv64 (testdata/busybox/jobs.out, recorded by
// scripts/busybox-oracle.sh). The scenario's own want/console is checked
// with every scenario; this test ties it to Linux.
func TestBusyboxJobs(t *testing.T) {
	linux, err := os.ReadFile("../testdata/busybox/jobs.out")
	if err != nil {
		t.Fatalf("Linux recording missing: %v (record it with scripts/busybox-oracle.sh)", err)
	}
	s, err := Load("../testdata/scenarios/busybox_jobs.txtar")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(linux), string(o.Console)); d != "" {
		t.Errorf("console differs from Linux (-linux +ipcsim):\n%s", d)
	}
	if exits := FormatExits(o.Result); exits != "pid 3 (sleep): killed by SIGINT\npid 2 (busybox): exited with status 0\n" {
		t.Errorf("exits:\n%s", exits)
	}
}
