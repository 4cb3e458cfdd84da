package kernel

import (
	"strconv"

	"ipcsim/abi"
	"ipcsim/sched"
)

// /proc is small. /proc/self is the caller's process and /proc/PID any
// process's, each a directory holding:
//
//   - exe (in /proc/self only): "a symbolic link containing the actual
//     pathname of the executed command" - proc(5). It is the name space's
//     one symbolic link, and it points at the caller's program: readlinkat
//     reads its path, and openat, stat and execve follow it to the program
//     even if it has been renamed (execve of /proc/self/exe runs the
//     current program again; sys_readlink.go);
//   - comm: the name of the process's first thread;
//   - task: a directory per thread, by thread id, holding comm, that
//     thread's name. A thread id of another process is not there (ENOENT).
//
// "/proc/pid/comm ... /proc/pid/task/tid/comm: These files provide a
// method to access a task's comm value. It is possible for a thread to
// read the comm value of any thread, and to modify the comm value of
// threads in the same thread group, but not of other threads" - proc(5).
// glibc's and musl's pthread_setname_np and pthread_getname_np use
// /proc/self/task/TID/comm for a thread other than the caller.
//
// Only /proc and /proc/self are nodes of the tree; the rest is made for
// each look-up from the processes as they are then, and not listed by
// getdents64. The rest of /proc (/proc/self/fd, maps, status, ...) is not
// there.
func (k *Kernel) newProc(root *node) {
	p := k.addNode(root, "proc", abi.S_IFDIR|0555)
	p.children = map[string]*node{}
	p.proc = &procEntry{kind: procRoot}
	self := k.addNode(p, "self", abi.S_IFDIR|0555)
	self.children = map[string]*node{}
	self.proc = &procEntry{kind: procPID} // pid 0: the caller's
	k.addNode(self, "exe", abi.S_IFLNK|0777).selfExe = true
}

// procKind is what a directory or file of /proc stands for.
type procKind uint8

const (
	procRoot  procKind = iota + 1 // /proc: self, and a directory per process by pid
	procPID                       // /proc/PID or /proc/self: comm, task
	procTasks                     // task: a directory per thread of the process, by tid
	procTID                       // task/TID: comm
	procComm                      // comm: a thread's name
)

// procEntry marks a node of /proc: its kind and the process and thread it
// is about.
type procEntry struct {
	kind procKind
	pid  int // the process; 0 in /proc/self (the caller's)
	tid  int // the thread, for procTID and procComm
}

// lookup finds name in directory n for t: n's entry, or for a directory
// of /proc a node made for this look-up.
func (n *node) lookup(t *Task, name string) *node {
	if c := n.dirents()[name]; c != nil || n.proc == nil {
		return c
	}
	e := *n.proc
	if e.pid == 0 {
		e.pid = t.PID // /proc/self
	}
	k := t.k
	switch {
	case e.kind == procRoot:
		if pid, ok := procNumber(name); ok && k.tasks[pid] != nil && k.tasks[pid].TID == pid {
			return k.procNode(n, name, procEntry{kind: procPID, pid: pid})
		}
	case e.kind == procPID && name == "comm":
		return k.procNode(n, name, procEntry{kind: procComm, pid: e.pid, tid: e.pid})
	case e.kind == procPID && name == "task":
		return k.procNode(n, name, procEntry{kind: procTasks, pid: e.pid})
	case e.kind == procTasks:
		if tid, ok := procNumber(name); ok {
			return k.procNode(n, name, procEntry{kind: procTID, pid: e.pid, tid: tid})
		}
	case e.kind == procTID && name == "comm":
		return k.procNode(n, name, procEntry{kind: procComm, pid: e.pid, tid: e.tid})
	}
	return nil
}

// procNumber reads a pid or tid as a name of /proc: decimal digits, no
// leading zero (Linux's name_to_int).
func procNumber(name string) (int, bool) {
	if len(name) > 1 && name[0] == '0' || name == "" || name[0] < '0' || name[0] > '9' {
		return 0, false
	}
	v, err := strconv.Atoi(name)
	return v, err == nil && v > 0
}

// procNode makes the node of /proc for e below dir, if its process (and
// thread) is there: owned by the process's effective ids, as proc(5) says
// of /proc/PID, directories 0555 and comm 0644. Its inode number is made
// from e (not handed out: a look-up must not change the numbers of files
// made later).
func (k *Kernel) procNode(dir *node, name string, e procEntry) *node {
	th := e.thread(k)
	if th == nil {
		return nil
	}
	n := &node{name: name, parent: dir, mode: abi.S_IFDIR | 0555, uid: th.EUID, gid: th.EGID, proc: &e,
		ino: 1<<40 | uint64(e.pid)<<20 | uint64(e.tid)<<4 | uint64(e.kind)}
	if e.kind == procComm {
		n.mode = abi.S_IFREG | 0644
	} else {
		n.children = map[string]*node{}
	}
	return n
}

// thread is the thread e is about (the process's first for a process's
// directory), or nil if it is gone or not of e's process.
func (e procEntry) thread(k *Kernel) *Task {
	tid := e.tid
	if tid == 0 {
		tid = e.pid
	}
	th := k.tasks[tid]
	if th == nil || th.PID != e.pid {
		return nil
	}
	return th
}

// commFile is an open comm file of /proc (fs/proc/base.c's comm_show and
// comm_write). A read gives the thread's name and a newline, from the
// file's offset; a write names the thread.
type commFile struct {
	k   *Kernel
	n   *node // the comm file looked up (n.proc: whose)
	pos int64 // the offset of the next read (lseek SEEK_SET, SEEK_CUR)
}

// openComm opens a comm file of /proc.
func (c *call) openComm(n *node, flags int) (int64, error) {
	f := &commFile{k: c.t.k, n: n}
	return c.install(newOpenFile(f, flags&(abi.O_ACCMODE|abi.O_NONBLOCK|abi.O_APPEND)|oLargefile), flags)
}

func (f *commFile) Name() string { return f.n.path() }

// Read: "%s\n" of the thread's name; a thread that has ended is ESRCH.
func (f *commFile) Read(_ *call, dst []byte, _ bool) (int, error) {
	th := f.n.proc.thread(f.k)
	if th == nil {
		return 0, abi.ESRCH
	}
	text := th.threadName() + "\n"
	if f.pos >= int64(len(text)) {
		return 0, nil
	}
	n := copy(dst, text[f.pos:])
	f.pos += int64(n)
	return n, nil
}

// Write names the thread with the first TASK_COMM_LEN-1 bytes written, up
// to a NUL (a newline stays part of the name), and takes every byte
// offered: comm_write copies min(count, 15) bytes and returns count.
// "modify the comm value of threads in the same thread group, but not of
// other threads" - proc(5): another process's thread is EINVAL. The
// offset is neither used nor moved.
func (f *commFile) Write(c *call, src []byte, _ bool) (int, error) {
	th := f.n.proc.thread(f.k)
	if th == nil {
		return 0, abi.ESRCH
	}
	if th.PID != c.t.PID {
		return 0, abi.EINVAL
	}
	if c.progress == 0 { // a long write comes in chunks: only its start names
		name := src[:min(len(src), commLen-1)]
		for i, b := range name {
			if b == 0 {
				name = name[:i]
				break
			}
		}
		th.setThreadName(string(name))
	}
	return len(src), nil
}

// seek is seq_lseek's: SEEK_SET and SEEK_CUR to an offset not negative.
func (f *commFile) seek(off int64, whence int32) (int64, error) {
	return seekSetCur(&f.pos, off, whence)
}

func (f *commFile) Readiness() sched.EventMask {
	return abi.POLLIN | abi.POLLRDNORM | abi.POLLOUT | abi.POLLWRNORM
}
func (f *commFile) Queue() *sched.WaitQueue { return nil }
func (f *commFile) Release()                {}
