package kernel

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// The calls glibc's startup makes (issue 17), each driven directly.

func putString(t *testing.T, tk *Task, off uint64, s string) uint64 {
	t.Helper()
	va := scratch(tk) + off
	require.NoError(t, tk.AS.WriteBytes(va, append([]byte(s), 0)))
	return va
}

func TestPrctlName(t *testing.T) {
	k, tk, _ := epollMachine(t)
	va := putString(t, tk, 0, "a-rather-long-thread-name")
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrctl, abi.PR_SET_NAME, va))
	require.Equal(t, "a-rather-long-t", tk.Name, "15 bytes and the NUL")
	out := scratch(tk) + 100
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrctl, abi.PR_GET_NAME, out))
	b := make([]byte, 16)
	require.NoError(t, tk.AS.ReadBytes(out, b))
	require.Equal(t, "a-rather-long-t\x00", string(b))
	require.Equal(t, -int64(abi.EFAULT), mustCall(t, tk, abi.SysPrctl, abi.PR_SET_NAME, 8))
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysPrctl, 9999, 0))
	require.Equal(t, int64(1), mustCall(t, tk, abi.SysPrctl, abi.PR_GET_DUMPABLE))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrctl, abi.PR_SET_DUMPABLE, 0))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrctl, abi.PR_GET_DUMPABLE))
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysPrctl, abi.PR_SET_DUMPABLE, 2))
	// The name goes with a fork; the exit list uses it.
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	require.Equal(t, "a-rather-long-t", k.tasks[int(pid)].Name)
}

func TestGetrandom(t *testing.T) {
	_, tk, _ := epollMachine(t)
	va := scratch(tk)
	require.NoError(t, tk.AS.WriteBytes(va, make([]byte, 600)))
	require.Equal(t, int64(600), mustCall(t, tk, abi.SysGetrandom, va, 600, 0))
	b := make([]byte, 600)
	require.NoError(t, tk.AS.ReadBytes(va, b))
	require.NotEqual(t, make([]byte, 600), b)
	for _, f := range []uint64{abi.GRND_NONBLOCK, abi.GRND_RANDOM, abi.GRND_INSECURE, abi.GRND_NONBLOCK | abi.GRND_RANDOM} {
		require.Equal(t, int64(16), mustCall(t, tk, abi.SysGetrandom, va, 16, f), "flags %#x", f)
	}
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysGetrandom, va, 16, abi.GRND_INSECURE|abi.GRND_RANDOM))
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysGetrandom, va, 16, 8))
	require.Equal(t, -int64(abi.EFAULT), mustCall(t, tk, abi.SysGetrandom, 8, 16, 0))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysGetrandom, va, 0, 0))

	// The same seed gives the same bytes.
	_, tk2, _ := epollMachine(t)
	require.NoError(t, tk2.AS.WriteBytes(va, make([]byte, 600)))
	require.Equal(t, int64(600), mustCall(t, tk2, abi.SysGetrandom, va, 600, 0))
	b2 := make([]byte, 600)
	require.NoError(t, tk2.AS.ReadBytes(va, b2))
	require.Equal(t, b, b2)
}

func TestRiscvHwprobe(t *testing.T) {
	_, tk, _ := epollMachine(t)
	va := scratch(tk)
	keys := []int64{abi.RISCV_HWPROBE_KEY_BASE_BEHAVIOR, abi.RISCV_HWPROBE_KEY_IMA_EXT_0, abi.RISCV_HWPROBE_KEY_CPUPERF_0, 99, abi.RISCV_HWPROBE_KEY_MVENDORID}
	var b bytes.Buffer
	for _, k := range keys {
		binary.Write(&b, binary.LittleEndian, [2]uint64{uint64(k), 12345})
	}
	require.NoError(t, tk.AS.WriteBytes(va, b.Bytes()))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysRiscvHwprobe, va, uint64(len(keys)), 0, 0, 0))
	got := make([]uint64, 2*len(keys))
	raw := make([]byte, 16*len(keys))
	require.NoError(t, tk.AS.ReadBytes(va, raw))
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, got)
	require.Equal(t, []uint64{
		3, abi.RISCV_HWPROBE_BASE_BEHAVIOR_IMA,
		4, abi.RISCV_HWPROBE_IMA_FD | hwprobeC(),
		5, abi.RISCV_HWPROBE_MISALIGNED_FAST,
		^uint64(0), 0,
		0, 0,
	}, got)
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysRiscvHwprobe, va, 1, 0, 0, 2))
	require.Equal(t, -int64(abi.EFAULT), mustCall(t, tk, abi.SysRiscvHwprobe, 8, 1, 0, 0, 0))
	// A CPU set: CPU 0 in it, or EINVAL.
	set := scratch(tk) + 512
	require.NoError(t, tk.AS.WriteBytes(set, []byte{1, 0, 0, 0, 0, 0, 0, 0}))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysRiscvHwprobe, va, 1, 8, set, 0))
	require.NoError(t, tk.AS.WriteBytes(set, []byte{2}))
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysRiscvHwprobe, va, 1, 8, set, 0))
}

// hwprobeC is the C bit of IMA_EXT_0 if the hart has compressed
// instructions.
func hwprobeC() uint64 {
	if hwcap&(1<<('c'-'a')) != 0 {
		return abi.RISCV_HWPROBE_IMA_C
	}
	return 0
}

func TestRobustListAndRseq(t *testing.T) {
	k, tk, _ := epollMachine(t)
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysSetRobustList, 0x5000, 16))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysSetRobustList, 0x5000, 24))
	head, size := scratch(tk), scratch(tk)+8
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysGetRobustList, 0, head, size))
	var b [16]byte
	require.NoError(t, tk.AS.ReadBytes(head, b[:]))
	require.Equal(t, uint64(0x5000), binary.LittleEndian.Uint64(b[0:]))
	require.Equal(t, uint64(24), binary.LittleEndian.Uint64(b[8:]))
	require.Equal(t, -int64(abi.ESRCH), mustCall(t, tk, abi.SysGetRobustList, 9999, head, size))
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	require.Zero(t, k.tasks[int(pid)].RobustList, "a child starts without a list")

	require.Equal(t, -int64(abi.ENOSYS), mustCall(t, tk, abi.SysRseq, 0, 32, 0, 0))
	require.Empty(t, k.unimpl, "rseq's ENOSYS is deliberate, not an unimplemented call")
}

func TestSendfile(t *testing.T) {
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	require.NoError(t, err)
	k := New(Config{MemBytes: 4 << 20, Input: strings.NewReader(""), StdinFile: true,
		Files: []File{{Path: "/bin/argv", Data: elf, Mode: 0755}}})
	pid, err := k.Spawn("/bin/argv", []string{"argv"}, nil)
	require.NoError(t, err)
	tk := k.tasks[pid]
	fds := scratch(tk)
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPipe2, fds, 0))
	a := make([]byte, 8)
	require.NoError(t, tk.AS.ReadBytes(fds, a))
	r, w := uint64(binary.LittleEndian.Uint32(a[0:])), uint64(binary.LittleEndian.Uint32(a[4:]))

	// From standard input (a host file) into a pipe. The host's bytes
	// arrive (the run loop would read them once every process sleeps).
	in, _ := tk.Files.Get(0)
	in.(*OpenFile).ops.(*hostFile).receive([]byte("hello, sendfile"), io.EOF)
	require.Equal(t, int64(10), mustCall(t, tk, abi.SysSendfile, w, 0, 0, 10))
	require.Equal(t, int64(5), mustCall(t, tk, abi.SysSendfile, w, 0, 0, 100), "what is left")
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysSendfile, w, 0, 0, 100), "end of file")
	buf := scratch(tk) + 200
	require.Equal(t, int64(15), mustCall(t, tk, abi.SysRead, r, buf, 100))
	got := make([]byte, 15)
	require.NoError(t, tk.AS.ReadBytes(buf, got))
	require.Equal(t, "hello, sendfile", string(got))

	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysSendfile, w, r, 0, 1), "a pipe has no splice_read")
	require.Equal(t, -int64(abi.EBADF), mustCall(t, tk, abi.SysSendfile, r, 0, 0, 1), "out not writable")
	require.Equal(t, -int64(abi.EBADF), mustCall(t, tk, abi.SysSendfile, w, w, 0, 1), "in not readable")
	require.Equal(t, -int64(abi.EBADF), mustCall(t, tk, abi.SysSendfile, w, 99, 0, 1))
	require.Equal(t, -int64(abi.ESPIPE), mustCall(t, tk, abi.SysSendfile, w, 0, scratch(tk)+300, 1))
}

func TestReadlinkProcSelfExe(t *testing.T) {
	_, tk, _ := epollMachine(t)
	buf := scratch(tk) + 512
	for _, name := range []string{"/proc/self/exe", "/proc//self/./exe"} {
		p := putString(t, tk, 0, name)
		n := mustCall(t, tk, abi.SysReadlinkat, atFDCWD, p, buf, 100)
		require.Equal(t, int64(len("/bin/argv")), n, name)
		got := make([]byte, n)
		require.NoError(t, tk.AS.ReadBytes(buf, got))
		require.Equal(t, "/bin/argv", string(got))
	}
	p := putString(t, tk, 0, "/proc/self/exe")
	require.Equal(t, int64(4), mustCall(t, tk, abi.SysReadlinkat, atFDCWD, p, buf, 4), "truncated")
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysReadlinkat, atFDCWD, p, buf, 0))
	p = putString(t, tk, 0, "/tmp")
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysReadlinkat, atFDCWD, p, buf, 100), "not a link")
	p = putString(t, tk, 0, "/nowhere")
	require.Equal(t, -int64(abi.ENOENT), mustCall(t, tk, abi.SysReadlinkat, atFDCWD, p, buf, 100))
	p = putString(t, tk, 0, "/proc/9999/exe")
	require.Equal(t, -int64(abi.ENOENT), mustCall(t, tk, abi.SysReadlinkat, atFDCWD, p, buf, 100))
}
