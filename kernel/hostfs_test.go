package kernel

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// hostMachine shows fsys at /work (the working directory of its one root
// process), with small limits on what it reads of the host.
func hostMachine(t *testing.T, fsys fstest.MapFS, fileLimit, total int) (*Kernel, *Task) {
	t.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	require.NoError(t, err)
	k := New(Config{MemBytes: 4 << 20, HostFileBytes: fileLimit, HostBytes: total,
		Files: []File{{Path: "/bin/argv", Data: elf, Mode: 0755}}})
	require.NoError(t, k.MountHost("/work", fsys))
	require.NoError(t, k.SetWorkDir("/work"))
	pid, err := k.SpawnAs("/bin/argv", []string{"root"}, nil, 0, 0)
	require.NoError(t, err)
	return k, k.tasks[pid]
}

// readFD reads fd into memory below the stack and returns what came.
func readFD(t *testing.T, tk *Task, fd int64) string {
	t.Helper()
	va := tk.Regs.X[2] - 8192
	tk.Regs.X[10], tk.Regs.X[11], tk.Regs.X[12], tk.Regs.X[17] = uint64(fd), va, 256, uint64(abi.SysRead)
	tk.k.syscall(tk)
	n := int64(tk.Regs.X[10])
	require.GreaterOrEqual(t, n, int64(0), "read")
	b := make([]byte, n)
	require.NoError(t, tk.AS.ReadBytes(va, b))
	return string(b)
}

// The lower layer: host files are read at their first open, within the
// limits (EOVERFLOW for one too big, ENOMEM past the total); a write
// copies a file up and the host's bytes never change; an unlinked host
// name stays gone; listings are in name order; a host file without x is
// not executable.
func TestHostLayer(t *testing.T) {
	fsys := fstest.MapFS{
		"a.txt":      {Data: []byte("alpha\n"), Mode: 0644},
		"sub/b.txt":  {Data: []byte("beta\n"), Mode: 0600},
		"big.bin":    {Data: make([]byte, 100), Mode: 0644},
		"c.txt":      {Data: []byte("0123456789"), Mode: 0644},
		"d.txt":      {Data: []byte("0123456789"), Mode: 0644},
		"noexec":     {Data: []byte("\x7fELF"), Mode: 0644},
		"sub/deep/e": {Data: []byte("e"), Mode: 0644},
	}
	k, tk := hostMachine(t, fsys, 64, 24)
	call := func(no abi.Sysno, args ...any) int64 { return rootCall(t, tk, no, args...) }

	fd := call(abi.SysOpenat, abi.AT_FDCWD, "a.txt", abi.O_RDONLY)
	require.Equal(t, int64(3), fd)
	require.Equal(t, "alpha\n", readFD(t, tk, fd))
	require.Equal(t, 6, k.hostBytes)
	require.Equal(t, 0, k.fileBytes, "read, not changed: no copy")
	require.Equal(t, -int64(abi.EOVERFLOW), call(abi.SysOpenat, abi.AT_FDCWD, "big.bin", abi.O_RDONLY), "over HostFileBytes")

	fd = call(abi.SysOpenat, abi.AT_FDCWD, "/work/sub/b.txt", abi.O_RDWR)
	require.Equal(t, "beta\n", readFD(t, tk, fd))
	require.Equal(t, int64(3), call(abi.SysWrite, int(fd), "BET", 3))
	require.Equal(t, int64(0), call(abi.SysLseek, int(fd), 0, abi.SEEK_SET))
	require.Equal(t, "beta\nBET", readFD(t, tk, fd))
	require.Equal(t, "beta\n", string(fsys["sub/b.txt"].Data), "the host's bytes")
	require.Equal(t, 8, k.fileBytes, "copied up")

	require.Equal(t, int64(5), call(abi.SysOpenat, abi.AT_FDCWD, "c.txt", abi.O_RDONLY))
	require.Equal(t, -int64(abi.ENOMEM), call(abi.SysOpenat, abi.AT_FDCWD, "d.txt", abi.O_RDONLY), "over HostBytes")

	require.Zero(t, call(abi.SysUnlinkat, abi.AT_FDCWD, "a.txt", 0))
	require.Equal(t, -int64(abi.ENOENT), call(abi.SysOpenat, abi.AT_FDCWD, "a.txt", abi.O_RDONLY))
	require.Contains(t, fsys, "a.txt")
	require.Equal(t, []string{"big.bin", "c.txt", "d.txt", "noexec", "sub"}, k.init.cwd.entries())
	require.Equal(t, []string{"/", "/bin", "/dev", "/proc", "/tmp", "/work"}, func() []string {
		out := []string{"/"}
		for _, n := range k.root.entries() {
			out = append(out, "/"+n)
		}
		return out
	}())

	require.Equal(t, -int64(abi.EACCES), call(abi.SysExecve, "noexec", 0, 0), "no x bit")
	require.Equal(t, -int64(abi.EACCES), call(abi.SysExecve, "sub", 0, 0), "a directory")
	require.Zero(t, call(abi.SysFchmodat, abi.AT_FDCWD, "sub/deep/e", 0755))
	require.Equal(t, -int64(abi.ENOEXEC), call(abi.SysExecve, "sub/deep/e", 0, 0), "not an ELF")
}

// execve refuses a file open for writing: "ETXTBSY The specified
// executable was open for writing by one or more processes".
func TestExecveBusy(t *testing.T) {
	_, tk := hostMachine(t, fstest.MapFS{}, 64, 64)
	call := func(no abi.Sysno, args ...any) int64 { return rootCall(t, tk, no, args...) }
	fd := call(abi.SysOpenat, abi.AT_FDCWD, "/bin/argv", abi.O_WRONLY)
	require.Equal(t, int64(3), fd)
	require.Equal(t, -int64(abi.ETXTBSY), call(abi.SysExecve, "/bin/argv", 0, 0))
	require.Zero(t, call(abi.SysClose, int(fd)))
	fd = call(abi.SysOpenat, abi.AT_FDCWD, "/proc/self/exe", abi.O_RDONLY)
	require.Equal(t, int64(3), fd)
	require.Equal(t, "\x7fELF", readFD(t, tk, fd)[:4], "/proc/self/exe opens the program")
}
