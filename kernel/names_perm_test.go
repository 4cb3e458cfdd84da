package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// Permissions in the name space (issue 15): search, read and write
// permission as path_resolution(7) describes them, the sticky bit of
// inode(7), and the sticky root of the POSIX queues (mq_overview(7)).
// Each case runs a few calls on a fresh machine, made directly by three
// processes that never run: root, user 1000 (group 100) and user 1001
// (also group 100).

// permStep is one call: who makes it, the call, its arguments (a string
// is a path or queue name, written into the caller's memory) and the
// error expected (0: success).
type permStep struct {
	who  string // "root", "user" (1000:100) or "other" (1001:100)
	no   abi.Sysno
	args []any
	want abi.Errno
}

// The calls the cases make, in the order of their arguments.
func mkdir(who, path string, mode int, want abi.Errno) permStep {
	return permStep{who, abi.SysMkdirat, []any{abi.AT_FDCWD, path, mode}, want}
}
func mkfifo(who, path string, mode int, want abi.Errno) permStep {
	return permStep{who, abi.SysMknodat, []any{abi.AT_FDCWD, path, abi.S_IFIFO | mode, 0}, want}
}
func open(who, path string, flags int, want abi.Errno) permStep {
	return permStep{who, abi.SysOpenat, []any{abi.AT_FDCWD, path, flags, 0}, want}
}
func unlink(who, path string, flags int, want abi.Errno) permStep {
	return permStep{who, abi.SysUnlinkat, []any{abi.AT_FDCWD, path, flags}, want}
}
func chdir(who, path string, want abi.Errno) permStep {
	return permStep{who, abi.SysChdir, []any{path}, want}
}
func mqOpen(who, name string, oflag, mode int, want abi.Errno) permStep {
	return permStep{who, abi.SysMqOpen, []any{name, oflag, mode, 0}, want}
}
func mqUnlink(who, name string, want abi.Errno) permStep {
	return permStep{who, abi.SysMqUnlink, []any{name}, want}
}

// rootDirs makes /d700 and /d755, root's, and a root FIFO in each.
var rootDirs = []permStep{
	mkdir("root", "/d700", 0700, 0),
	mkdir("root", "/d755", 0755, 0),
	mkfifo("root", "/d700/f", 0666, 0),
	mkfifo("root", "/d755/f", 0666, 0),
}

func TestNamespacePermissions(t *testing.T) {
	const (
		wrNB = abi.O_WRONLY | abi.O_NONBLOCK
		rdNB = abi.O_RDONLY | abi.O_NONBLOCK
	)
	cases := []struct {
		name  string
		steps []permStep
	}{
		{"open FIFO needs r for reading, w for writing, both for O_RDWR", []permStep{
			mkfifo("root", "/tmp/f600", 0600, 0),
			open("user", "/tmp/f600", wrNB, abi.EACCES),
			open("user", "/tmp/f600", rdNB, abi.EACCES),
			open("user", "/tmp/f600", abi.O_RDWR, abi.EACCES),
			open("user", "/tmp/f600", abi.O_ACCMODE, abi.EACCES), // may_open before the FIFO's EINVAL
			open("root", "/tmp/f600", abi.O_ACCMODE, abi.EINVAL),
			open("root", "/tmp/f600", abi.O_RDWR, 0), // CAP_DAC_OVERRIDE
			mkfifo("root", "/tmp/f644", 0644, 0),
			open("user", "/tmp/f644", rdNB, 0),
			open("user", "/tmp/f644", wrNB, abi.EACCES),
			open("root", "/tmp/f644", wrNB, 0),
		}},
		{"the owner's bits, then the group's, then the others'", []permStep{
			mkfifo("user", "/tmp/mine", 0640, 0),
			open("user", "/tmp/mine", abi.O_RDWR, 0),
			open("other", "/tmp/mine", rdNB, 0), // group 100
			open("other", "/tmp/mine", wrNB, abi.EACCES),
			mkfifo("user", "/tmp/g", 0047, 0), // the owner's bits alone apply to the owner
			open("user", "/tmp/g", rdNB, abi.EACCES),
			open("other", "/tmp/g", rdNB, 0),
		}},
		{"the umask clears bits of the created mode", []permStep{
			mkfifo("user", "/tmp/u", 0666, 0), // 0644 after umask 022
			open("other", "/tmp/u", rdNB, 0),
			open("other", "/tmp/u", wrNB, abi.EACCES),
		}},
		{"creating an entry needs w and x on the directory", append(rootDirs[:2:2],
			mkdir("user", "/d755/x", 0755, abi.EACCES),
			mkfifo("user", "/d755/f", 0666, abi.EACCES),
			mkdir("user", "/d700/x", 0755, abi.EACCES),
			mkfifo("user", "/d700/f", 0666, abi.EACCES),
			mkdir("root", "/d700/x", 0755, 0),
			mkdir("root", "/d755/x", 0755, 0),
			mkdir("user", "/d755/x", 0755, abi.EEXIST), // an existing name: EEXIST before w
			mkdir("user", "/d700/x", 0755, abi.EACCES), // ... but x first
			mkdir("user", "/tmp/ud", 0755, 0),
			mkdir("user", "/tmp/ud/x", 0755, 0),
			mkfifo("user", "/tmp/ud/f", 0666, 0),
			mkdir("other", "/tmp/ud/y", 0755, abi.EACCES),
		)},
		{"every directory on the path needs x", append(rootDirs,
			open("user", "/d700/f", rdNB, abi.EACCES),
			open("user", "/d700/missing", rdNB, abi.EACCES), // EACCES before ENOENT
			open("user", "/d700/x/y", rdNB, abi.EACCES),
			open("user", "/d755/f", rdNB, 0),
			open("root", "/d700/f", rdNB, 0),
			mkdir("user", "/tmp/p", 0700, 0),
			mkdir("user", "/tmp/p/q", 0755, 0),
			mkfifo("user", "/tmp/p/q/f", 0666, 0),
			open("other", "/tmp/p/q/f", rdNB, abi.EACCES),
			open("user", "/tmp/p/q/f", rdNB, 0),
			open("other", "/tmp/p/..", abi.O_RDONLY, abi.EACCES), // ".." is looked up in p
		)},
		{"opening a directory needs r", append(rootDirs,
			open("user", "/d700", abi.O_RDONLY|abi.O_DIRECTORY, abi.EACCES),
			open("user", "/d755", abi.O_RDONLY|abi.O_DIRECTORY, 0),
			open("root", "/d700", abi.O_RDONLY|abi.O_DIRECTORY, 0),
		)},
		{"chdir needs x on the target", append(rootDirs,
			chdir("user", "/d700", abi.EACCES),
			chdir("user", "/d755", 0),
			chdir("root", "/d700", 0),
			mkdir("root", "/tmp/none", 0, 0),
			chdir("root", "/tmp/none", 0), // CAP_DAC_READ_SEARCH
			mkdir("user", "/tmp/rw", 0600, 0),
			chdir("user", "/tmp/rw", abi.EACCES), // r and w without x: still no
			mkdir("user", "/tmp/x", 0100, 0),
			chdir("user", "/tmp/x", 0),
			mkfifo("user", "f", 0666, abi.EACCES),       // in the cwd, which has no w
			open("user", ".", abi.O_RDONLY, abi.EACCES), // nor r
		)},
		{"sticky /tmp: only the file's owner, the directory's owner or root unlinks", []permStep{
			mkfifo("root", "/tmp/rootf", 0666, 0),
			unlink("user", "/tmp/rootf", 0, abi.EPERM),
			mkfifo("user", "/tmp/uf", 0666, 0),
			unlink("other", "/tmp/uf", 0, abi.EPERM),
			unlink("user", "/tmp/uf", 0, 0),
			unlink("root", "/tmp/rootf", 0, 0),
			mkfifo("user", "/tmp/uf", 0666, 0),
			unlink("root", "/tmp/uf", 0, 0),
			mkdir("root", "/tmp/rd", 0777, 0),
			unlink("user", "/tmp/rd", abi.AT_REMOVEDIR, abi.EPERM),
			unlink("user", "/tmp/rd", 0, abi.EPERM), // may_delete before EISDIR
			unlink("user", "/tmp/missing", 0, abi.ENOENT),
			// A sticky directory of user's (mkdir keeps S_ISVTX; the umask
			// takes the w of group and others, so root fills it).
			mkdir("user", "/tmp/s", abi.S_ISVTX|0777, 0),
			mkfifo("root", "/tmp/s/rootf", 0666, 0),
			unlink("user", "/tmp/s/rootf", 0, 0), // the directory's owner
			unlink("root", "/tmp/rd", abi.AT_REMOVEDIR, 0),
		}},
		{"removing needs w and x on the directory", append(rootDirs,
			unlink("user", "/d755/f", 0, abi.EACCES),
			unlink("user", "/d700/f", 0, abi.EACCES),
			unlink("user", "/d700/missing", 0, abi.EACCES),
			unlink("root", "/d755/f", 0, 0),
			mkdir("user", "/tmp/ud", 0755, 0),
			mkfifo("root", "/tmp/ud/rootf", 0666, 0),
			mkdir("root", "/tmp/ud/rootd", 0700, 0),
			unlink("other", "/tmp/ud/rootf", 0, abi.EACCES),
			unlink("user", "/tmp/ud/rootf", 0, 0), // not sticky: w on the directory is enough
			unlink("user", "/tmp/ud/rootd", abi.AT_REMOVEDIR, 0),
		)},
		{"mq_open of an existing queue checks its mode", []permStep{
			mqOpen("root", "q", abi.O_CREAT|abi.O_RDONLY, 0666, 0), // 0644 after umask
			mqOpen("user", "q", abi.O_RDONLY, 0, 0),
			mqOpen("user", "q", abi.O_WRONLY, 0, abi.EACCES),
			mqOpen("user", "q", abi.O_CREAT|abi.O_RDWR, 0666, abi.EACCES),
			mqOpen("root", "q", abi.O_RDWR, 0, 0),
		}},
		{"mq_unlink: the queue root is sticky", []permStep{
			mqOpen("root", "q", abi.O_CREAT|abi.O_RDONLY, 0666, 0),
			mqUnlink("user", "q", abi.EPERM),
			mqOpen("user", "uq", abi.O_CREAT|abi.O_RDONLY, 0666, 0),
			mqUnlink("other", "uq", abi.EPERM),
			mqUnlink("user", "uq", 0),
			mqUnlink("user", "uq", abi.ENOENT),
			mqUnlink("root", "q", 0),
			mqOpen("user", "uq", abi.O_CREAT|abi.O_RDONLY, 0600, 0),
			mqUnlink("root", "uq", 0),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, tasks := permMachine(t)
			for i, s := range tc.steps {
				got := permCall(t, tasks[s.who], s)
				want := int64(0)
				if s.want != 0 {
					want = -int64(s.want)
				}
				if got >= 0 && want == 0 {
					continue
				}
				if got != want {
					t.Fatalf("step %d: %s: %s = %s, want %s", i+1, s.who, s.describe(), errName(got), errName(want))
				}
			}
		})
	}
}

// TestNamespaceOwners checks that nodes belong to their creator's
// effective ids, and the defaults of / and /tmp.
func TestNamespaceOwners(t *testing.T) {
	k, tasks := permMachine(t)
	require.Equal(t, uint32(abi.S_IFDIR|0755), k.root.mode)
	tmp := k.root.children["tmp"]
	require.Equal(t, uint32(abi.S_IFDIR|abi.S_ISVTX|0777), tmp.mode)
	require.Equal(t, [2]int{0, 0}, [2]int{tmp.uid, tmp.gid})
	u := tasks["user"]
	u.EUID, u.EGID = 1002, 102 // the effective ids count, not the real ones
	require.Zero(t, permCall(t, u, mkdir("user", "/tmp/d", 0777, 0)))
	require.Zero(t, permCall(t, u, mkfifo("user", "/tmp/f", 0666, 0)))
	d, f := tmp.children["d"], tmp.children["f"]
	require.Equal(t, [3]int{1002, 102, abi.S_IFDIR | 0755}, [3]int{d.uid, d.gid, int(d.mode)})
	require.Equal(t, [3]int{1002, 102, abi.S_IFIFO | 0644}, [3]int{f.uid, f.gid, int(f.mode)})
}

// permMachine returns a machine with three processes that make calls
// directly, by name: root, user (1000:100) and other (1001:100).
func permMachine(t *testing.T) (*Kernel, map[string]*Task) {
	t.Helper()
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "linux", "bin", "argv"))
	require.NoError(t, err)
	k := New(Config{MemBytes: 4 << 20, Files: []File{{Path: "/bin/argv", Data: elf, Mode: 0755}}})
	tasks := map[string]*Task{}
	for _, p := range []struct {
		name     string
		uid, gid int
	}{{"root", 0, 0}, {"user", 1000, 100}, {"other", 1001, 100}} {
		pid, err := k.SpawnAs("/bin/argv", []string{p.name}, nil, p.uid, p.gid)
		require.NoError(t, err)
		tasks[p.name] = k.tasks[pid]
	}
	return k, tasks
}

// permCall makes the call of s as task tk and returns a0.
func permCall(t *testing.T, tk *Task, s permStep) int64 {
	t.Helper()
	va := tk.Regs.X[2] - 4096 // strings go below the stack pointer
	for i, a := range s.args {
		switch a := a.(type) {
		case string:
			require.NoError(t, tk.AS.WriteBytes(va, append([]byte(a), 0)))
			tk.Regs.X[10+i] = va
			va += uint64(len(a)) + 1
		case int:
			tk.Regs.X[10+i] = uint64(int64(a))
		default:
			t.Fatalf("argument %v of type %T", a, a)
		}
	}
	tk.Regs.X[17] = uint64(s.no)
	tk.k.syscall(tk)
	require.Nil(t, tk.call, "%s blocked", s.describe())
	return int64(tk.Regs.X[10])
}

func (s permStep) describe() string {
	out := s.no.String() + "("
	for i, a := range s.args {
		if i > 0 {
			out += ", "
		}
		switch a := a.(type) {
		case string:
			out += fmt.Sprintf("%q", a)
		case int:
			if a < 0 {
				out += fmt.Sprint(a) // AT_FDCWD
			} else {
				out += fmt.Sprintf("%#o", a)
			}
		}
	}
	return out + ")"
}

func errName(ret int64) string {
	if ret >= 0 {
		return fmt.Sprint(ret)
	}
	return abi.Errno(-ret).String()
}
