package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// TestLinuxConformance runs each program of testdata/linux on ipcsim and
// compares its stdout and exit status with what the same binary printed
// under qemu-riscv64 on real Linux (recorded by scripts/linux-oracle.sh).
func TestLinuxConformance(t *testing.T) {
	dir := filepath.Join("..", "testdata", "linux")
	list, err := os.ReadFile(filepath.Join(dir, "programs.txt"))
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		name := fields[0]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wantOut, err := os.ReadFile(filepath.Join(dir, name+".out"))
			require.NoError(t, err)
			wantStatus, err := os.ReadFile(filepath.Join(dir, name+".status"))
			require.NoError(t, err)

			prog := "bin/" + name
			if _, err := os.Stat(filepath.Join(dir, prog)); err != nil {
				t.Fatalf("committed ELF missing: %v (rebuild testdata/linux/bin with scripts/linux-oracle.sh)", err)
			}
			argv := append([]string{prog}, fields[1:]...)
			out, status := runLinuxProgram(t, dir, argv)
			if diff := cmp.Diff(string(wantOut), out); diff != "" {
				t.Errorf("stdout differs from Linux (-linux +ipcsim):\n%s", diff)
			}
			want, err := strconv.Atoi(strings.TrimSpace(string(wantStatus)))
			require.NoError(t, err)
			if status != want {
				t.Errorf("exit status %d, Linux gave %d", status, want)
			}
		})
	}
}

// linuxPrograms are the programs of testdata/linux/bin, installed at
// /bin/NAME: a program the machine runs as bin/NAME from / finds them
// there, as under qemu-riscv64 from testdata/linux (cloexec_exec execs
// bin/cloexec_helper).
var linuxPrograms = func() func(t *testing.T, dir string) []File {
	var once sync.Once
	var files []File
	var err error
	return func(t *testing.T, dir string) []File {
		once.Do(func() {
			var ents []os.DirEntry
			if ents, err = os.ReadDir(filepath.Join(dir, "bin")); err != nil {
				return
			}
			for _, e := range ents {
				var b []byte
				if b, err = os.ReadFile(filepath.Join(dir, "bin", e.Name())); err != nil {
					return
				}
				files = append(files, File{Path: "/bin/" + e.Name(), Data: b, Mode: 0755})
			}
		})
		require.NoError(t, err)
		return files
	}
}()

// runLinuxProgram runs argv[0] (relative to dir) as ipcsim exec would,
// with an empty environment, and returns stdout and the shell's status.
func runLinuxProgram(t *testing.T, dir string, argv []string) (string, int) {
	var stdout, stderr bytes.Buffer
	k := New(Config{
		Stdout:     &stdout,
		Stderr:     &stderr,
		Input:      strings.NewReader(""),
		Files:      linuxPrograms(t, dir),
		CycleLimit: 20_000_000_000,
	})
	_, err := k.Spawn(argv[0], argv, nil)
	require.NoError(t, err)
	res := k.Run()
	require.Equal(t, StopAllExited, res.Reason, "blocked: %v", res.Blocked)
	require.NotEmpty(t, res.Exits)
	require.NoError(t, k.CheckInvariants(), "after the run")
	for _, e := range res.Exits {
		if e.PID == 2 {
			return stdout.String(), e.ShellStatus()
		}
	}
	t.Fatalf("the program (pid 2) never exited: %v", res.Exits)
	return "", 0
}
