package kernel

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// fileMachine is permMachine with a byte limit for the files.
func fileMachine(t *testing.T, limit int) (*Kernel, *Task) {
	t.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	require.NoError(t, err)
	k := New(Config{MemBytes: 4 << 20, FileBytes: limit, Files: []File{{Path: "/bin/argv", Data: elf, Mode: 0755}}})
	pid, err := k.SpawnAs("/bin/argv", []string{"root"}, nil, 0, 0)
	require.NoError(t, err)
	return k, k.tasks[pid]
}

// rootCall makes a call as the machine's one (root) process and returns a0.
func rootCall(t *testing.T, tk *Task, no abi.Sysno, args ...any) int64 {
	t.Helper()
	return permCall(t, tk, permStep{"root", no, args, 0})
}

// TestFileBytesLimit: the files of a machine hold at most Config.FileBytes
// together; a write that does not fit is short, then ENOSPC; an unlinked
// file counts until its last close.
func TestFileBytesLimit(t *testing.T) {
	k, tk := fileMachine(t, 2500)
	kb := strings.Repeat("x", 1000)
	fd := rootCall(t, tk, abi.SysOpenat, abi.AT_FDCWD, "/tmp/a", abi.O_CREAT|abi.O_RDWR, 0644)
	require.Equal(t, int64(3), fd)
	require.Equal(t, int64(1000), rootCall(t, tk, abi.SysWrite, int(fd), kb, 1000))
	require.Equal(t, int64(1000), rootCall(t, tk, abi.SysWrite, int(fd), kb, 1000))
	require.Equal(t, int64(500), rootCall(t, tk, abi.SysWrite, int(fd), kb, 1000), "what fits")
	require.Equal(t, -int64(abi.ENOSPC), rootCall(t, tk, abi.SysWrite, int(fd), kb, 1000))
	require.Equal(t, 2500, k.fileBytes)

	fd2 := rootCall(t, tk, abi.SysOpenat, abi.AT_FDCWD, "/tmp/b", abi.O_CREAT|abi.O_WRONLY, 0644)
	require.Equal(t, -int64(abi.ENOSPC), rootCall(t, tk, abi.SysWrite, int(fd2), kb, 1))
	require.Equal(t, -int64(abi.ENOSPC), rootCall(t, tk, abi.SysPwrite64, int(fd2), kb, 1, 1<<40))
	require.Equal(t, -int64(abi.EFBIG), rootCall(t, tk, abi.SysFtruncate, int(fd2), 2501))
	require.Equal(t, -int64(abi.ENOSPC), rootCall(t, tk, abi.SysFtruncate, int(fd2), 1))

	require.Zero(t, rootCall(t, tk, abi.SysUnlinkat, abi.AT_FDCWD, "/tmp/a", 0))
	require.Equal(t, 2500, k.fileBytes, "open after unlink: still there")
	require.Len(t, k.Snapshot().Files.Files, 2)
	require.Equal(t, "/tmp/a (deleted)", k.Snapshot().Files.Files[0].Path)
	require.Zero(t, rootCall(t, tk, abi.SysClose, int(fd)))
	require.Equal(t, 0, k.fileBytes, "the last close frees it")
	require.Len(t, k.files, 2, "/bin/argv and /tmp/b")
	require.Equal(t, int64(1000), rootCall(t, tk, abi.SysWrite, int(fd2), kb, 1000))
}

// TestDevTTY: /dev/tty is the controlling terminal; without one, ENXIO.
func TestDevTTY(t *testing.T) {
	_, tk := fileMachine(t, 0)
	fd := rootCall(t, tk, abi.SysOpenat, abi.AT_FDCWD, "/dev/tty", abi.O_RDWR, 0)
	require.Equal(t, int64(3), fd)
	f, _ := tk.Files.Get(3)
	require.IsType(t, &Terminal{}, f.(*OpenFile).ops)
	tk.SID = tk.PID // as after setsid(2): no controlling terminal
	require.Equal(t, -int64(abi.ENXIO), rootCall(t, tk, abi.SysOpenat, abi.AT_FDCWD, "/dev/tty", abi.O_RDWR, 0))
}

// TestGetdentsOrder: a directory lists ".", ".." and then its names in
// byte order, whatever order they were made in.
func TestGetdentsOrder(t *testing.T) {
	_, tk := fileMachine(t, 0)
	require.Zero(t, rootCall(t, tk, abi.SysMkdirat, abi.AT_FDCWD, "/tmp/d", 0755))
	for _, name := range []string{"/tmp/d/c", "/tmp/d/a", "/tmp/d/B", "/tmp/d/b"} {
		require.Equal(t, int64(3), rootCall(t, tk, abi.SysOpenat, abi.AT_FDCWD, name, abi.O_CREAT|abi.O_WRONLY, 0644))
		require.Zero(t, rootCall(t, tk, abi.SysClose, 3))
	}
	require.Zero(t, rootCall(t, tk, abi.SysMkdirat, abi.AT_FDCWD, "/tmp/d/sub", 0755))
	fd := rootCall(t, tk, abi.SysOpenat, abi.AT_FDCWD, "/tmp/d", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	buf := tk.Regs.X[2] - 2048
	n := rootCall(t, tk, abi.SysGetdents64, int(fd), int(buf), 1024)
	require.Positive(t, n)
	raw := make([]byte, n)
	require.NoError(t, tk.AS.ReadBytes(buf, raw))
	var got []string
	for off := 0; off < len(raw); {
		reclen := int(binary.LittleEndian.Uint16(raw[off+16:]))
		name := string(raw[off+19 : off+reclen])
		got = append(got, strings.TrimRight(name, "\x00")+"/"+string("0123456789ABCDEF"[raw[off+18]]))
		off += reclen
	}
	require.Equal(t, []string{"./4", "../4", "B/8", "a/8", "b/8", "c/8", "sub/4"}, got)
	require.Zero(t, rootCall(t, tk, abi.SysGetdents64, int(fd), int(buf), 1024), "end of the directory")
}

func TestModeString(t *testing.T) {
	for mode, want := range map[uint32]string{
		abi.S_IFREG | 0644:               "-rw-r--r--",
		abi.S_IFDIR | abi.S_ISVTX | 0777: "drwxrwxrwt",
		abi.S_IFREG | abi.S_ISUID | 0644: "-rwSr--r--",
		abi.S_IFREG | abi.S_ISGID | 0755: "-rwxr-sr-x",
		abi.S_IFIFO | 0600:               "prw-------",
	} {
		require.Equal(t, want, modeString(mode))
	}
}
