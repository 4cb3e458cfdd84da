package kernel

import (
	"fmt"
	"slices"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/kernel/loader"
	"ipcsim/proc"
	"ipcsim/sched"
)

// hwcap is AT_HWCAP for an RV64IMAFDC hart: one bit per extension letter.
const hwcap = 1<<('i'-'a') | 1<<('m'-'a') | 1<<('a'-'a') | 1<<('f'-'a') | 1<<('d'-'a') | 1<<('c'-'a')

// exec replaces t's program with the executable at path (execve(2)). Every
// check that can fail comes before the point of no return, so a failed exec
// leaves the caller as it was.
func (k *Kernel) exec(t *Task, path string, argv, envp []string) error {
	exe, err := k.lookupProgram(t, path)
	if err != nil {
		return err
	}
	data := exe.file.data
	img, err := loader.LoadShared(path, data, proc.UserLimit)
	if err != nil {
		return err
	}
	as := proc.NewAddressSpace(k.mem)
	if err := loadImage(as, img, path); err != nil {
		as.Release()
		return abi.ENOMEM
	}
	aux := loader.Aux{
		Phdr: img.Phdr, Phent: img.Phent, Phnum: img.Phnum, Entry: img.Entry,
		PageSize: hw.PageSize, ExecFn: path, HWCap: hwcap,
	}
	for i := range aux.Random {
		aux.Random[i] = byte(k.rand.Uint32())
	}
	sp, stack, err := loader.BuildStack(proc.StackTop, argv, envp, aux, abi.ArgBytesMax)
	if err != nil {
		as.Release()
		return abi.E2BIG
	}
	if err := as.MapStack(sp); err != nil {
		as.Release()
		return abi.ENOMEM
	}
	if err := as.MapVDSO(); err != nil {
		as.Release()
		return abi.ENOMEM
	}
	if err := as.Fill(sp, stack); err != nil {
		as.Release()
		return abi.ENOMEM
	}

	// The point of no return: the old program is gone.
	if t.multithreaded() {
		k.deThread(t)
	}
	if t.AS != nil {
		k.mmRelease(t) // exec_mm_release: the old clear_child_tid is forgotten
		k.mmActor = t
		t.AS.Release()
		k.mmActor = nil
	}
	t.AS = as
	t.Files.CloseOnExec()
	t.Sig.Exec()
	t.SetComm(path)
	// begin_new_exec's __set_task_comm: a thread other than the first
	// that called execve is its process's first now, named by the program.
	t.comm = ""
	t.exe = exe
	t.RobustList = 0        // exec_mm_release -> futex_exec_release
	t.NotDumpable = false   // begin_new_exec: SUID_DUMP_USER
	t.altStack = noAltStack // "An execve(2) call removes any existing alternate signal stack"
	// Registers start at zero but for pc and sp (start_thread); a0 = 0 is
	// ELF_PLAT_INIT's "no rtld_fini" for riscv.
	t.Regs = proc.Regs{PC: img.Entry}
	t.Regs.X[2] = sp
	return nil
}

// lookupProgram finds the program execve runs, in the name space, from
// t's working directory, with Linux's errors (execve(2), do_open_execat):
// the path's own (ENOENT, ENOTDIR, ENAMETOOLONG, EACCES for a directory
// without search permission), "EACCES The file or a script interpreter is
// not a regular file", "EACCES Execute permission is denied for the file"
// (root too, unless some x bit is set), "ETXTBSY The specified executable
// was open for writing by one or more processes". /proc/self/exe is the
// caller's own program, even renamed. What is not an executable ELF fails
// later, in the loader, with ENOEXEC.
func (k *Kernel) lookupProgram(t *Task, path string) (*node, error) {
	if path == "" {
		return nil, abi.ENOENT
	}
	if len(path) >= pathMax {
		return nil, abi.ENAMETOOLONG
	}
	dir := t.cwd
	if path[0] == '/' {
		dir = k.root
	}
	r, err := walk(t, dir, path)
	if err != nil {
		return nil, err
	}
	n := r.n
	if n != nil && n.selfExe {
		if n = t.exe; n == nil || n.file == nil || n.file.data == nil && n.removed {
			return nil, abi.ENOENT
		}
	}
	switch {
	case n == nil:
		return nil, abi.ENOENT
	case n.file == nil:
		return nil, abi.EACCES
	}
	if err := n.permission(t, abi.MAY_EXEC); err != nil {
		return nil, err
	}
	if n.file.writers > 0 {
		return nil, abi.ETXTBSY
	}
	if err := k.load(n.file); err != nil {
		return nil, err
	}
	return n, nil
}

// loadImage maps the program's segments and copies their file bytes in.
// Two segments may share a page (the end of one and the start of the next);
// that page gets the permissions of both, as Linux's two overlapping mmaps
// in effect give it.
func loadImage(as *proc.AddressSpace, img *loader.Image, path string) error {
	var areas []*proc.VMA
	for _, s := range img.Segments {
		start, end := hw.PageDown(s.Vaddr), hw.PageUp(s.Vaddr+s.Memsz)
		var prot hw.PTE
		if s.Read {
			prot |= hw.PTERead
		}
		if s.Write {
			prot |= hw.PTEWrite
		}
		if s.Exec {
			prot |= hw.PTEExec
		}
		if n := len(areas); n > 0 && areas[n-1].End > start {
			prev := areas[n-1]
			shared := &proc.VMA{Start: start, End: prev.End, Prot: prev.Prot | prot, Name: path}
			prev.End = start
			if prev.Start == prev.End {
				areas = areas[:n-1]
			}
			areas = append(areas, shared)
			start = shared.End
		}
		if start < end {
			areas = append(areas, &proc.VMA{Start: start, End: end, Prot: prot, Name: path})
		}
	}
	for _, v := range areas {
		if err := as.Map(v); err != nil {
			return err
		}
	}
	for _, s := range img.Segments {
		if err := as.Fill(s.Vaddr, s.Data); err != nil {
			return err
		}
	}
	as.BrkStart = hw.PageUp(img.End)
	as.Brk = as.BrkStart
	return nil
}

// deThread is execve's end of the other threads (Linux's de_thread):
// "All threads other than the calling thread are destroyed during an
// execve()", and a thread other than the first takes over the process's
// id: "the thread ID of the calling thread becomes that of the process"
// - execve(2).
func (k *Kernel) deThread(t *Task) {
	for _, o := range slices.Clone(t.threads) {
		if o != t {
			k.endThread(o, "killed: another thread of its process called execve")
		}
	}
	if t.TID == t.PID {
		return
	}
	old := t.TID
	delete(k.tasks, old)
	first := k.tasks[t.PID] // the first thread, exited by now
	k.dropSleeper(first)
	t.TID = t.PID
	k.tasks[t.TID] = t
	k.readied[t.TID%len(k.readied)] = t // not first, whose tid t takes
	if k.tracing {
		k.emit(t, "exec", fmt.Sprintf("execve in thread tid %d: it becomes the process's only thread, tid %d", old, t.TID))
	}
	// The policy knows the running thread by its old id, which is gone;
	// it meets the new one at the next scheduling point.
	k.policy.Point(sched.Point{Kind: sched.PointExit, PID: old, Cycle: k.Now()})
}
