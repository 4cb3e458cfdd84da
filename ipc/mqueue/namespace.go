package mqueue

import (
	"slices"
	"strings"

	"ipcsim/abi"
)

// Namespace is the queues' file system (Linux mounts it at /dev/mqueue):
// the names, and every queue still alive, named or not.
type Namespace struct {
	byName map[string]*Queue
	live   []*Queue // every queue not yet destroyed, in creation order
}

// The root directory of the queues' file system: "S_IFDIR | S_ISVTX |
// S_IRWXUGO", owned by root (mqueue_fill_super in ipc/mqueue.c). Anyone
// may create a queue in it; the sticky bit keeps others' queues from being
// unlinked.
const (
	RootMode = abi.S_IFDIR | abi.S_ISVTX | 0777
	RootUID  = 0
	RootGID  = 0
)

// NewNamespace returns an empty namespace.
func NewNamespace() *Namespace { return &Namespace{byName: map[string]*Queue{}} }

// CheckName is lookup_one_len's check of a raw syscall's name (without the
// leading slash): "ENAMETOOLONG: name was too long", "EACCES: The name
// contained more than one slash" - mq_open(3); an empty name is ENOENT
// (getname), "." and ".." are EACCES.
func CheckName(name string) error {
	switch {
	case name == "":
		return abi.ENOENT
	case len(name) > NameMax:
		return abi.ENAMETOOLONG
	case name == "." || name == ".." || strings.ContainsRune(name, '/'):
		return abi.EACCES
	}
	return nil
}

// Attr is struct mq_attr's settable part at creation.
type Attr struct {
	MaxMsg, MsgSize int64
}

// Creator is who creates, opens or unlinks a queue: the effective ids.
type Creator struct {
	UID, GID   int
	Groups     []int // the supplementary groups, sorted
	Privileged bool  // CAP_SYS_RESOURCE: root
}

// Open finds or creates the queue name for mq_open(3) with oflag
// (O_CREAT, O_EXCL, O_ACCMODE), mode and attr (nil: the defaults).
//
//   - "ENOENT: The O_CREAT flag was not specified in oflag, and no queue
//     with this name exists."
//   - "EEXIST: Both O_CREAT and O_EXCL were specified in oflag, but a queue
//     with this name already exists."
//   - "EINVAL: O_CREAT was specified in oflag, and attr was not NULL, but
//     attr->mq_maxmsg or attr->mq_msqsize was invalid. Both of these fields
//     must be greater than zero. In a process that is unprivileged ...
//     attr->mq_maxmsg must be less than or equal to the msg_max limit, and
//     attr->mq_msgsize must be less than or equal to the msgsize_max limit."
//     A privileged one is held to HARD_MSGMAX and HARD_MSGSIZEMAX.
//   - "ENOSPC: Insufficient space for the creation of a new message queue"
//     (queues_max, which a privileged caller may pass).
//   - "EACCES: The queue exists, but the caller does not have permission to
//     open it in the specified mode."
func (ns *Namespace) Open(name string, oflag, mode int, attr *Attr, c Creator) (*Queue, error) {
	if q, ok := ns.byName[name]; ok {
		if oflag&(abi.O_CREAT|abi.O_EXCL) == abi.O_CREAT|abi.O_EXCL {
			return nil, abi.EEXIST
		}
		if oflag&abi.O_ACCMODE == abi.O_ACCMODE {
			return nil, abi.EINVAL
		}
		if !c.Privileged && !q.permits(c, oflag&abi.O_ACCMODE) {
			return nil, abi.EACCES
		}
		return q, nil
	}
	if oflag&abi.O_CREAT == 0 {
		return nil, abi.ENOENT
	}
	q := &Queue{Name: name, MaxMsg: MsgDefault, MsgSize: MsgSizeDefault, UID: c.UID, GID: c.GID, Mode: mode & 0777, Size: FileSize}
	if attr != nil {
		if attr.MaxMsg <= 0 || attr.MsgSize <= 0 {
			return nil, abi.EINVAL
		}
		maxMsg, maxSize := int64(MsgMax), int64(MsgSizeMax)
		if c.Privileged {
			maxMsg, maxSize = HardMsgMax, HardMsgSizeMax
		}
		if attr.MaxMsg > maxMsg || attr.MsgSize > maxSize {
			return nil, abi.EINVAL
		}
		q.MaxMsg, q.MsgSize = int(attr.MaxMsg), int(attr.MsgSize)
	}
	if len(ns.live) >= QueuesMax && !c.Privileged {
		return nil, abi.ENOSPC
	}
	ns.byName[name] = q
	ns.live = append(ns.live, q)
	return q, nil
}

// permits checks the mode bits for an open with access acc (O_RDONLY,
// O_WRONLY, O_RDWR).
func (q *Queue) permits(c Creator, acc int) bool {
	want := [...]uint32{abi.MAY_READ, abi.MAY_WRITE, abi.MAY_READ | abi.MAY_WRITE}[acc]
	return abi.ModeGrants(uint32(q.Mode), c.UID == q.UID, abi.InGroup(q.GID, c.GID, c.Groups), want)
}

// Unlink removes name for c: "mq_unlink() removes the specified message
// queue name. The message queue name is removed immediately. The queue
// itself is destroyed once any other processes that have the queue open
// close their descriptors" - mq_unlink(3). A missing name is ENOENT.
//
// "EACCES: The caller does not have permission to unlink this message
// queue" - mq_unlink(3). Linux removes the name with vfs_unlink, whose
// may_delete asks for write and search permission on the root directory
// (EACCES, which its mode 01777 always grants) and, the root being sticky,
// that the caller owns the queue or the root or is privileged
// (check_sticky): EPERM otherwise. So another user's queue gives EPERM.
func (ns *Namespace) Unlink(name string, c Creator) error {
	q, ok := ns.byName[name]
	if !ok {
		return abi.ENOENT
	}
	if !c.Privileged && !abi.ModeGrants(RootMode, c.UID == RootUID, abi.InGroup(RootGID, c.GID, c.Groups), abi.MAY_WRITE|abi.MAY_EXEC) {
		return abi.EACCES
	}
	if RootMode&abi.S_ISVTX != 0 && c.UID != q.UID && c.UID != RootUID && !c.Privileged {
		return abi.EPERM
	}
	delete(ns.byName, name)
	q.unlinked = true
	if q.opens == 0 {
		ns.destroy(q)
	}
	return nil
}

// Close drops an open description of q; the last one destroys an unlinked
// queue.
func (ns *Namespace) Close(q *Queue) {
	if q.Close() {
		ns.destroy(q)
	}
}

func (ns *Namespace) destroy(q *Queue) {
	if i := slices.Index(ns.live, q); i >= 0 {
		ns.live = slices.Delete(ns.live, i, i+1)
	}
}

// Queues returns every live queue, named ones by name, then the unlinked
// ones still open, in creation order (never map order).
func (ns *Namespace) Queues() []*Queue {
	out := slices.Clone(ns.live)
	slices.SortStableFunc(out, func(a, b *Queue) int {
		switch {
		case a.unlinked != b.unlinked:
			if a.unlinked {
				return 1
			}
			return -1
		case a.unlinked:
			return 0
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}
