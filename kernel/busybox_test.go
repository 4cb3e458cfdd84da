package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// TestBusybox runs each line of testdata/busybox/commands.txt as
// `busybox sh -c COMMAND`, with Debian's riscv64 busybox-static, and
// compares stdout and the exit status with what the same binary gave under
// qemu-riscv64 (recorded by scripts/busybox-oracle.sh). The shell forks and
// runs its applets (cat, sort, wc, seq, sleep...) by execve of
// /proc/self/exe, as on Linux; pipelines, background jobs, wait, kill and
// trap go through the kernel's pipes, process table and signals. The run
// is the recording's: argv[0] ./busybox from /, an empty environment,
// stdin an empty file and stdout a file.
func TestBusybox(t *testing.T) {
	dir := filepath.Join("..", "testdata", "busybox")
	bin, err := os.ReadFile(filepath.Join(dir, "busybox"))
	if err != nil {
		t.Fatalf("committed busybox missing: %v (fetch it with scripts/busybox-oracle.sh)", err)
	}
	list, err := os.ReadFile(filepath.Join(dir, "commands.txt"))
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(list), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, command, ok := strings.Cut(line, " ")
		require.True(t, ok, "commands.txt: %q has no command", line)
		n++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wantOut, err := os.ReadFile(filepath.Join(dir, name+".out"))
			require.NoError(t, err)
			wantStatus, err := os.ReadFile(filepath.Join(dir, name+".status"))
			require.NoError(t, err)
			want, err := strconv.Atoi(strings.TrimSpace(string(wantStatus)))
			require.NoError(t, err)

			var stdout, stderr bytes.Buffer
			k := New(Config{
				Stdout:     &stdout,
				Stderr:     &stderr,
				Input:      strings.NewReader(""),
				StdinFile:  true,
				StdoutFile: true,
				Files:      []File{{Path: "/busybox", Data: bin, Mode: 0755}},
				MemBytes:   256 << 20,
				CycleLimit: 20_000_000_000,
			})
			pid, err := k.Spawn("./busybox", []string{"./busybox", "sh", "-c", command}, nil)
			require.NoError(t, err)
			res := k.Run()
			require.Equal(t, StopAllExited, res.Reason, "blocked: %v", res.Blocked)
			status := -1
			for _, e := range res.Exits {
				if e.PID == pid {
					status = e.ShellStatus()
				}
			}
			if diff := cmp.Diff(string(wantOut), stdout.String()); diff != "" {
				t.Errorf("stdout differs from Linux (-linux +ipcsim):\n%s", diff)
			}
			if status != want {
				t.Errorf("exit status %d, Linux gave %d (stderr %q)", status, want, stderr.String())
			}
			if len(res.Unimplemented) > 0 {
				t.Errorf("unimplemented calls: %v", res.Unimplemented)
			}
		})
	}
	require.NotZero(t, n, "commands.txt lists no command")
}
