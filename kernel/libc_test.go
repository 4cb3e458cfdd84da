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

// TestLibcPrograms runs the ordinary C programs of testdata/libc, each
// built against glibc and against musl (static RV64GC ELFs), and compares
// their stdout and exit status with what the same binaries printed under
// qemu-riscv64 on real Linux (recorded by scripts/libc-programs.sh). The
// run is the recording's: argv[0] bin/NAME.LIBC, an empty environment,
// stdin an empty file and stdout a file (not the terminal: stdio then
// buffers fully, as it did under qemu), stderr apart. The programs must
// also make no call ipcsim leaves unimplemented.
func TestLibcPrograms(t *testing.T) {
	dir := filepath.Join("..", "testdata", "libc")
	list, err := os.ReadFile(filepath.Join(dir, "programs.txt"))
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		// "NAME", or "NAME LIBC..." for a program recorded with only
		// those libraries (programs.txt says why).
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		name, libcs := fields[0], fields[1:]
		if len(libcs) == 0 {
			libcs = []string{"glibc", "musl"}
		}
		for _, libc := range libcs {
			elf := name + "." + libc
			t.Run(elf, func(t *testing.T) {
				t.Parallel()
				wantOut, err := os.ReadFile(filepath.Join(dir, elf+".out"))
				require.NoError(t, err)
				wantStatus, err := os.ReadFile(filepath.Join(dir, elf+".status"))
				require.NoError(t, err)
				want, err := strconv.Atoi(strings.TrimSpace(string(wantStatus)))
				require.NoError(t, err)

				prog := "bin/" + elf
				data, err := os.ReadFile(filepath.Join(dir, prog))
				if err != nil {
					t.Fatalf("committed ELF missing: %v (rebuild with scripts/libc-programs.sh)", err)
				}
				var stdout, stderr bytes.Buffer
				k := New(Config{
					Stdout:     &stdout,
					Stderr:     &stderr,
					Input:      strings.NewReader(""),
					StdinFile:  true,
					StdoutFile: true,
					// The program at /bin/NAME: run as bin/NAME from /, as
					// under qemu-riscv64 from testdata/libc.
					Files:      []File{{Path: "/" + prog, Data: data, Mode: 0755}},
					CycleLimit: 20_000_000_000,
				})
				pid, err := k.Spawn(prog, []string{prog}, nil)
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
	}
}
