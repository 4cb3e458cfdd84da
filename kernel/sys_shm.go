package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/ipc/shm"
	"ipcsim/ipc/sysv"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysShmget: {sysShmget, "Kui", noSleep},
		abi.SysShmat:  {sysShmat, "dxi", noSleep},
		abi.SysShmdt:  {sysShmdt, "x", noSleep},
		abi.SysShmctl: {sysShmctl, "dQx", noSleep},
	})
}

// shmget and shmat flags not in abi (include/uapi/linux/shm.h).
const (
	shmRemap = 040000  // SHM_REMAP: attach over existing mappings
	shmExec  = 0100000 // SHM_EXEC: executable attach
	shmLock  = 11      // SHM_LOCK
	shmUnlck = 12      // SHM_UNLOCK
)

// segments returns the registry of shared memory segments.
func (k *Kernel) segments() *sysv.Registry[*shm.Segment] {
	if k.shmIDs == nil {
		k.shmIDs = sysv.New[*shm.Segment](shm.SHMMNI)
	}
	return k.shmIDs
}

// shmget(2): (key, size, shmflg).
func sysShmget(c *call) (int64, error) {
	k, t := c.t.k, c.t
	key, size, flags := int32(c.a[0]), c.a[1], int(int32(c.a[2]))
	seg, err := k.segments().Get(key, flags, t.creds(), func(p sysv.Perm) (*shm.Segment, error) {
		// "EINVAL: A new segment was to be created and size is less than
		// SHMMIN or greater than SHMMAX."
		if size < shm.SHMMIN || size > shm.SHMMAX {
			return nil, abi.EINVAL
		}
		pages := (size + hw.PageSize - 1) / hw.PageSize
		if pages > uint64(k.mem.Phys.Frames()) {
			return nil, abi.ENOMEM
		}
		mem, err := k.mem.NewShared(int(pages))
		if err != nil {
			return nil, abi.ENOMEM
		}
		now := k.realtime()
		k.shmMade++
		seg := &shm.Segment{Perm: p, Size: size, Pages: int(pages), Mem: mem, Ctime: now, CPID: t.PID,
			MadeKey: key, Nth: k.shmMade}
		seg.Perm.Mode = flags & sysv.ModeBits
		mem.OnUsers = func(n int) { k.shmAttached(seg, n) }
		k.watchSegmentMade(t, seg)
		return seg, nil
	})
	if err != nil {
		return 0, err
	}
	// "EINVAL: A segment for the given key exists, but size is greater
	// than the size of that segment."
	if size > seg.Size {
		return 0, abi.EINVAL
	}
	return int64(seg.Perm.ID), nil
}

// shmAttached follows a segment's attach count (areas mapping it, in every
// process: shmat, fork, shmdt, munmap, exit and execve all change it), and
// destroys a removed segment at its last detach.
func (k *Kernel) shmAttached(seg *shm.Segment, n int) {
	now := k.realtime()
	if n > seg.Nattch {
		seg.Atime = now
	} else {
		seg.Dtime = now
	}
	if k.mmActor != nil {
		seg.LPID = k.mmActor.PID
	}
	if seg.Attached(n) {
		k.segments().Remove(seg)
		seg.Destroy()
		if k.tracing {
			k.emit(k.mmActor, "ipc", fmt.Sprintf("shm id %d: last detach of a removed segment: destroyed, %s freed", seg.Perm.ID, plural(seg.Pages, "page")))
		}
	}
}

// shmat(2): (shmid, shmaddr, shmflg).
func sysShmat(c *call) (int64, error) {
	k, t := c.t.k, c.t
	id, addr, flags := int32(c.a[0]), c.a[1], int(int32(c.a[2]))
	seg, ok := k.segments().Lookup(int(id))
	if !ok || id < 0 {
		return 0, abi.EINVAL
	}
	// "If SHM_RDONLY is specified in shmflg, the segment is attached for
	// reading and the process must have read permission for the segment.
	// Otherwise the segment is attached for read and write and the process
	// must have read and write permission for the segment."
	want := 0444
	prot := hw.PTERead
	if flags&abi.SHM_RDONLY == 0 {
		want, prot = 0666, hw.PTERead|hw.PTEWrite
	}
	if flags&shmExec != 0 {
		want |= 0111
		prot |= hw.PTEExec
	}
	if !seg.Perm.Permitted(t.creds(), want) {
		return 0, abi.EACCES
	}
	size := uint64(seg.Pages) * hw.PageSize
	switch {
	case addr == 0:
		var ok bool
		if addr, ok = t.AS.FindFree(size); !ok {
			return 0, abi.ENOMEM
		}
	case addr%shm.SHMLBA != 0 && flags&abi.SHM_RND == 0:
		return 0, abi.EINVAL // "shmaddr is not aligned ... and SHM_RND was not specified"
	default:
		addr &^= shm.SHMLBA - 1
		if addr == 0 || addr+size > proc.UserLimit || addr+size < addr {
			return 0, abi.EINVAL
		}
		if !t.AS.Free(addr, addr+size) {
			if flags&shmRemap == 0 {
				return 0, abi.EINVAL
			}
			t.AS.Unmap(addr, addr+size)
		}
	}
	k.mmActor = t
	defer func() { k.mmActor = nil }()
	v := &proc.VMA{Start: addr, End: addr + size, Prot: prot, Shared: true,
		Obj: seg.Mem.(*proc.Shared), Name: fmt.Sprintf("[shm id %d]", seg.Perm.ID), Tag: seg,
		NoWrite: flags&abi.SHM_RDONLY != 0} // mprotect cannot make it writable (EACCES)
	if err := t.AS.Map(v); err != nil {
		return 0, abi.ENOMEM
	}
	return int64(addr), nil
}

// shmdt(2): (shmaddr). "shmaddr must be the address returned by an earlier
// shmat"; the areas of that attachment from there on are unmapped.
func sysShmdt(c *call) (int64, error) {
	k, t := c.t.k, c.t
	addr := c.a[0]
	if addr%hw.PageSize != 0 {
		return 0, abi.EINVAL
	}
	var seg *shm.Segment
	for _, v := range t.AS.VMAs() {
		if s, ok := v.Tag.(*shm.Segment); ok && v.Start == addr && v.Off == 0 {
			seg = s
			break
		}
	}
	if seg == nil {
		return 0, abi.EINVAL
	}
	k.mmActor = t
	defer func() { k.mmActor = nil }()
	end := addr + uint64(seg.Pages)*hw.PageSize
	var ranges [][2]uint64
	for _, v := range t.AS.VMAs() {
		if v.Tag == any(seg) && v.Start >= addr && v.End <= end {
			ranges = append(ranges, [2]uint64{v.Start, v.End})
		}
	}
	for _, r := range ranges {
		t.AS.Unmap(r[0], r[1])
	}
	return 0, nil
}

// The layout of struct shmid64_ds on riscv64 (include/uapi/asm-generic/
// shmbuf.h): shm_perm, then size, three times, two pids, nattch.
const (
	shmidDsSize = 112
	shmSegsz    = 48
	shmAtime    = 56
	shmDtime    = 64
	shmCtime    = 72
	shmCPID     = 80
	shmLPID     = 84
	shmNattch   = 88
)

func shmidDs(seg *shm.Segment) [shmidDsSize]byte {
	var b [shmidDsSize]byte
	le := binary.LittleEndian
	putPerm(b[:], &seg.Perm)
	le.PutUint32(b[20:], uint32(seg.Mode()))
	le.PutUint64(b[shmSegsz:], seg.Size)
	le.PutUint64(b[shmAtime:], uint64(seg.Atime))
	le.PutUint64(b[shmDtime:], uint64(seg.Dtime))
	le.PutUint64(b[shmCtime:], uint64(seg.Ctime))
	le.PutUint32(b[shmCPID:], uint32(seg.CPID))
	le.PutUint32(b[shmLPID:], uint32(seg.LPID))
	le.PutUint64(b[shmNattch:], uint64(seg.Nattch))
	return b
}

// shmctl(2): (shmid, cmd, buf).
func sysShmctl(c *call) (int64, error) {
	k, t := c.t.k, c.t
	id, cmd, va := int32(c.a[0]), int32(c.a[1]), c.a[2]
	if id < 0 || cmd < 0 {
		return 0, abi.EINVAL
	}
	seg, ok := k.segments().Lookup(int(id))
	if !ok {
		return 0, abi.EINVAL
	}
	cr := t.creds()
	switch cmd {
	case abi.IPC_STAT:
		if !seg.Perm.Permitted(cr, 0444) {
			return 0, abi.EACCES
		}
		b := shmidDs(seg)
		if t.AS.WriteBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	case abi.IPC_SET:
		var b [shmidDsSize]byte
		if t.AS.ReadBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
		if !seg.Perm.OwnedBy(cr) {
			return 0, abi.EPERM
		}
		le := binary.LittleEndian
		seg.Perm.UID, seg.Perm.GID = int(le.Uint32(b[4:])), int(le.Uint32(b[8:]))
		seg.Perm.Mode = int(le.Uint32(b[20:])) & sysv.ModeBits
		seg.Ctime = k.realtime()
		return 0, nil
	case abi.IPC_RMID:
		if !seg.Perm.OwnedBy(cr) {
			return 0, abi.EPERM
		}
		// "Mark the segment to be destroyed. The segment will actually be
		// destroyed only after the last process detaches it"; its key is
		// free at once.
		seg.Marked = true
		k.segments().Dissociate(seg)
		seg.Ctime = k.realtime()
		if seg.Nattch == 0 {
			k.segments().Remove(seg)
			seg.Destroy()
		}
		return 0, nil
	case shmLock, shmUnlck:
		if !cr.Privileged() {
			return 0, abi.EPERM
		}
		seg.Lock = cmd == shmLock
		return 0, nil
	}
	return 0, abi.EINVAL
}
