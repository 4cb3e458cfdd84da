// Package sysv is the System V IPC registry shared by message queues (and,
// later, shared memory and semaphores): keys, identifiers and the
// permission record of every object (Linux's ipc/util.c, struct
// kern_ipc_perm).
//
// "The System V IPC mechanisms all share a common authorization scheme"
// - sysvipc(7): each object has an owner (uid, gid), a creator (cuid,
// cgid) and nine permission bits, and is found by a key chosen by the
// programs (or IPC_PRIVATE) and named by an identifier the kernel makes.
package sysv

import "ipcsim/abi"

// Identifiers: Linux makes an id from the object's slot index and a
// sequence number, id = seq*SeqMultiplier + index (ipc_idr_alloc,
// IPCMNI_SHIFT = 15), so that a removed object's id is not at once handed
// out again: the slot is reused, but with the next sequence number.
const (
	SeqMultiplier = 32768           // IPCMNI: 1 << IPCMNI_SHIFT
	SeqMax        = 1<<31/32768 - 1 // IPCID_SEQ_MAX: INT_MAX >> IPCMNI_SHIFT
	ModeBits      = 0777            // S_IRWXUGO: the mode bits an object keeps
)

// Perm is the permission record of one object (struct kern_ipc_perm, shown
// to programs as struct ipc64_perm by IPC_STAT).
type Perm struct {
	ID   int    // the identifier programs use (msqid)
	Key  int32  // the key it was made with; IPC_PRIVATE (0) for none
	UID  int    // owner's user id (IPC_SET can change it)
	GID  int    // owner's group id (IPC_SET can change it)
	CUID int    // creator's user id (never changes)
	CGID int    // creator's group id (never changes)
	Mode int    // the nine permission bits rwxrwxrwx
	Seq  uint16 // the sequence number in the id
}

// Creds are the caller's credentials, as the permission checks use them.
type Creds struct {
	UID, EUID int
	GID, EGID int
	Groups    []int // the supplementary groups, sorted
}

// Privileged reports whether the caller holds the capabilities that the
// checks below ask for (CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_SYS_RESOURCE):
// root does, and nobody else in this machine has capabilities.
func (c Creds) Privileged() bool { return c.EUID == 0 }

// Permitted is Linux's ipcperms: may a caller with creds c use the object
// for requested (an access mode in the low three bits of each class:
// 0444 to read, 0222 to write, as msgget's flags carry them)?
//
// "If the caller's effective user ID matches uid or cuid, the owner bits
// apply; else if its effective group ID matches gid or cgid, the group
// bits; else the other bits" (sysvipc(7)); Linux's ipcperms counts the
// supplementary groups too (in_group_p). "The CAP_IPC_OWNER capability
// ... bypass[es] permission checks for System V IPC" (capabilities(7)).
func (p *Perm) Permitted(c Creds, requested int) bool {
	want := uint32(requested>>6|requested>>3|requested) & 07
	owner := c.EUID == p.CUID || c.EUID == p.UID
	group := abi.InGroup(p.CGID, c.EGID, c.Groups) || abi.InGroup(p.GID, c.EGID, c.Groups)
	return abi.ModeGrants(uint32(p.Mode), owner, group, want) || c.Privileged()
}

// OwnedBy reports whether the caller may remove the object or change its
// settings: "the effective user ID of the calling process must match the
// owner (msg_perm.uid) or creator (msg_perm.cuid) of the message queue, or
// the caller must be privileged" - msgctl(2) IPC_SET and IPC_RMID.
func (p *Perm) OwnedBy(c Creds) bool {
	return c.EUID == p.UID || c.EUID == p.CUID || c.Privileged()
}

// An Object is a System V IPC object: it carries its permission record.
type Object interface {
	IPCPerm() *Perm
}

// Registry is the set of objects of one kind (Linux's struct ipc_ids):
// slots by index, and a key index for the objects that have a key.
type Registry[T Object] struct {
	max     int           // most objects at once (MSGMNI for queues)
	slots   []slot[T]     // by index; the free ones are reused lowest first
	inUse   int           // objects in the registry
	byKey   map[int32]int // key -> slot index; IPC_PRIVATE objects are not here
	seq     uint16        // sequence number for the next id
	lastIdx int           // the index handed out last (-1: none yet)
}

type slot[T Object] struct {
	obj  T
	used bool
}

// New returns an empty registry holding at most max objects.
func New[T Object](max int) *Registry[T] {
	return &Registry[T]{max: max, byKey: map[int32]int{}, lastIdx: -1}
}

// Len returns the number of objects.
func (r *Registry[T]) Len() int { return r.inUse }

// Get finds or creates the object for key, as msgget(2), shmget(2) and
// semget(2) do (Linux's ipcget): create makes a new object from its
// permission record (already filled in) and may refuse with an error.
//
//   - "If key has the value IPC_PRIVATE" a new object is always made.
//   - A missing key without IPC_CREAT: ENOENT.
//   - "If both IPC_CREAT and IPC_EXCL are specified in msgflg and a message
//     queue already exists for key, then msgget() fails with errno set to
//     EEXIST."
//   - An existing key the caller may not use as flags asks: EACCES.
//   - No room left (MSGMNI objects): ENOSPC.
func (r *Registry[T]) Get(key int32, flags int, c Creds, create func(p Perm) (T, error)) (T, error) {
	var zero T
	if key != abi.IPC_PRIVATE {
		if idx, ok := r.byKey[key]; ok {
			obj := r.slots[idx].obj
			if flags&abi.IPC_CREAT != 0 && flags&abi.IPC_EXCL != 0 {
				return zero, abi.EEXIST
			}
			if !obj.IPCPerm().Permitted(c, flags) {
				return zero, abi.EACCES
			}
			return obj, nil
		}
		if flags&abi.IPC_CREAT == 0 {
			return zero, abi.ENOENT
		}
	}
	if r.inUse >= r.max {
		return zero, abi.ENOSPC
	}
	idx := r.freeIndex()
	// ipc_idr_alloc: "the seq value is incremented only when a new idr
	// index is reached", i.e. when the index is not above the last one.
	seq := r.seq
	if idx <= r.lastIdx {
		seq++
		if seq > SeqMax {
			seq = 0
		}
	}
	p := Perm{ID: int(seq)*SeqMultiplier + idx, Key: key, UID: c.EUID, GID: c.EGID,
		CUID: c.EUID, CGID: c.EGID, Mode: flags & ModeBits, Seq: seq}
	obj, err := create(p)
	if err != nil {
		return zero, err
	}
	r.seq, r.lastIdx = seq, idx
	if idx == len(r.slots) {
		r.slots = append(r.slots, slot[T]{})
	}
	r.slots[idx] = slot[T]{obj: obj, used: true}
	r.inUse++
	if key != abi.IPC_PRIVATE {
		r.byKey[key] = idx
	}
	return obj, nil
}

// freeIndex returns the lowest free slot index (idr_alloc).
func (r *Registry[T]) freeIndex() int {
	for i, s := range r.slots {
		if !s.used {
			return i
		}
	}
	return len(r.slots)
}

// Lookup returns the object named by id. "EINVAL: Invalid msqid value"
// covers a negative id, an empty slot and a slot whose object has a
// different sequence number (the id of a removed object: ipc_checkid).
func (r *Registry[T]) Lookup(id int) (T, bool) {
	var zero T
	if id < 0 {
		return zero, false
	}
	idx := id % SeqMultiplier
	if idx >= len(r.slots) || !r.slots[idx].used {
		return zero, false
	}
	obj := r.slots[idx].obj
	if obj.IPCPerm().ID != id {
		return zero, false
	}
	return obj, true
}

// AtIndex returns the object in slot idx, for MSG_STAT, which takes an
// index instead of an id.
func (r *Registry[T]) AtIndex(idx int) (T, bool) {
	var zero T
	if idx < 0 || idx >= len(r.slots) || !r.slots[idx].used {
		return zero, false
	}
	return r.slots[idx].obj, true
}

// MaxIndex returns the highest index in use, or -1 if none (ipc_get_maxidx).
func (r *Registry[T]) MaxIndex() int {
	for i := len(r.slots) - 1; i >= 0; i-- {
		if r.slots[i].used {
			return i
		}
	}
	return -1
}

// Remove takes the object out of the registry: its id and key are free at
// once (IPC_RMID). The caller destroys the object itself.
func (r *Registry[T]) Remove(obj T) {
	p := obj.IPCPerm()
	idx := p.ID % SeqMultiplier
	if idx >= len(r.slots) || !r.slots[idx].used || r.slots[idx].obj.IPCPerm() != p {
		return
	}
	r.slots[idx] = slot[T]{}
	r.inUse--
	if p.Key != abi.IPC_PRIVATE {
		delete(r.byKey, p.Key)
	}
	for len(r.slots) > 0 && !r.slots[len(r.slots)-1].used {
		r.slots = r.slots[:len(r.slots)-1]
	}
}

// All returns every object in index order (as ipcs lists them), never in
// map order.
func (r *Registry[T]) All() []T {
	out := make([]T, 0, r.inUse)
	for _, s := range r.slots {
		if s.used {
			out = append(out, s.obj)
		}
	}
	return out
}
