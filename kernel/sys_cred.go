package kernel

import (
	"encoding/binary"
	"slices"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSetuid:    {sysSetuid, "d", noSleep},
		abi.SysSetgid:    {sysSetgid, "d", noSleep},
		abi.SysSetreuid:  {sysSetreuid, "dd", noSleep},
		abi.SysSetregid:  {sysSetregid, "dd", noSleep},
		abi.SysSetresuid: {sysSetresuid, "ddd", noSleep},
		abi.SysSetresgid: {sysSetresgid, "ddd", noSleep},
		abi.SysGetresuid: {sysGetresuid, "xxx", noSleep},
		abi.SysGetresgid: {sysGetresgid, "xxx", noSleep},
		abi.SysGetgroups: {sysGetgroups, "dx", noSleep},
		abi.SysSetgroups: {sysSetgroups, "dx", noSleep},
	})
}

// ids is one of a process's two id triples: (real, effective, saved) user
// or group ids, with the privilege that may change them freely
// (CAP_SETUID or CAP_SETGID: root, in this machine).
type ids struct {
	r, e, s    *int
	privileged bool
}

func (t *Task) uids() ids { return ids{&t.UID, &t.EUID, &t.SUID, t.EUID == 0} }
func (t *Task) gids() ids { return ids{&t.GID, &t.EGID, &t.SGID, t.EUID == 0} }

// unchanged is the -1 that leaves an id as it is.
const unchanged = ^uint32(0)

// mayBecome reports whether an unprivileged process may take id v: only
// one of its current three (credentials(7)).
func (x ids) mayBecome(v uint32) bool {
	return x.privileged || v == unchanged || int(v) == *x.r || int(v) == *x.e || int(v) == *x.s
}

// setres is setresuid(2)/setresgid(2): "An unprivileged process may change
// its real UID, effective UID, and saved set-user-ID, each to one of: the
// current real UID, the current effective UID, or the current saved
// set-user-ID. A privileged process ... may set [them] to arbitrary values.
// If one of the arguments equals -1, the corresponding value is not
// changed."
func (x ids) setres(r, e, s uint32) error {
	if !x.mayBecome(r) || !x.mayBecome(e) || !x.mayBecome(s) {
		return abi.EPERM
	}
	for _, p := range [3]struct {
		v   uint32
		dst *int
	}{{r, x.r}, {e, x.e}, {s, x.s}} {
		if p.v != unchanged {
			*p.dst = int(p.v)
		}
	}
	return nil
}

// set is setuid(2)/setgid(2): privileged, all three ids; otherwise the
// effective id only, to the real or saved id.
func (x ids) set(v uint32) error {
	if v == unchanged {
		return abi.EINVAL
	}
	if x.privileged {
		*x.r, *x.e, *x.s = int(v), int(v), int(v)
		return nil
	}
	if int(v) != *x.r && int(v) != *x.s {
		return abi.EPERM
	}
	*x.e = int(v)
	return nil
}

// setre is setreuid(2)/setregid(2): an unprivileged process may set the
// real id to the real or effective one, and the effective id to any of the
// three; "If the real user ID is set ... or the effective user ID is set to
// a value not equal to the previous real user ID, the saved set-user-ID
// will be set to the new effective user ID."
func (x ids) setre(r, e uint32) error {
	if !x.privileged {
		if r != unchanged && int(r) != *x.r && int(r) != *x.e {
			return abi.EPERM
		}
		if !x.mayBecome(e) {
			return abi.EPERM
		}
	}
	oldR := *x.r
	if r != unchanged {
		*x.r = int(r)
	}
	if e != unchanged {
		*x.e = int(e)
	}
	if r != unchanged || e != unchanged && int(e) != oldR {
		*x.s = *x.e
	}
	return nil
}

func sysSetuid(c *call) (int64, error) {
	return c.t.setIDs(func(t *Task) error { return t.uids().set(uint32(c.a[0])) })
}
func sysSetgid(c *call) (int64, error) {
	return c.t.setIDs(func(t *Task) error { return t.gids().set(uint32(c.a[0])) })
}
func sysSetreuid(c *call) (int64, error) {
	return c.t.setIDs(func(t *Task) error { return t.uids().setre(uint32(c.a[0]), uint32(c.a[1])) })
}
func sysSetregid(c *call) (int64, error) {
	return c.t.setIDs(func(t *Task) error { return t.gids().setre(uint32(c.a[0]), uint32(c.a[1])) })
}
func sysSetresuid(c *call) (int64, error) {
	return c.t.setIDs(func(t *Task) error { return t.uids().setres(uint32(c.a[0]), uint32(c.a[1]), uint32(c.a[2])) })
}
func sysSetresgid(c *call) (int64, error) {
	return c.t.setIDs(func(t *Task) error { return t.gids().setres(uint32(c.a[0]), uint32(c.a[1]), uint32(c.a[2])) })
}

// setIDs runs set, a change of t's ids, then does what Linux's
// commit_creds does after one: a process whose effective user or group id
// changed is no longer dumpable (set_dumpable(mm, suid_dumpable), and
// /proc/sys/fs/suid_dumpable is 0 by default), so prctl(PR_GET_DUMPABLE)
// says 0 until its next execve.
func (t *Task) setIDs(set func(t *Task) error) (int64, error) {
	euid, egid := t.EUID, t.EGID
	if err := set(t); err != nil {
		return 0, err
	}
	if t.EUID != euid || t.EGID != egid {
		t.NotDumpable = true
	}
	return 0, nil
}

// getgroups(2): (size, list). "If size is zero, list is not modified, but
// the total number of supplementary group IDs for the process is
// returned"; a size below that number, or negative, is EINVAL.
func sysGetgroups(c *call) (int64, error) {
	size, groups := int32(c.a[0]), c.t.Groups
	switch {
	case size < 0:
		return 0, abi.EINVAL
	case size == 0:
		return int64(len(groups)), nil
	case int(size) < len(groups):
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*len(groups))
	for i, g := range groups {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(g))
	}
	if c.t.AS.WriteBytes(c.a[1], b) != nil {
		return 0, abi.EFAULT
	}
	return int64(len(groups)), nil
}

// setgroups(2): (size, list) replaces the supplementary groups; it needs
// CAP_SETGID (root here: EPERM), at most NGROUPS_MAX of them (EINVAL), a
// readable list (EFAULT), and no group -1 (EINVAL: not a valid gid). The
// kernel keeps them sorted (groups_sort), so getgroups returns them in
// ascending order, repeats kept. The checks come in that order, and the
// list is read one group at a time, as in Linux's setgroups.
func sysSetgroups(c *call) (int64, error) {
	t, size := c.t, int32(c.a[0])
	if t.EUID != 0 {
		return 0, abi.EPERM
	}
	if size < 0 || size > abi.NGROUPS_MAX {
		return 0, abi.EINVAL
	}
	groups := make([]int, size)
	for i := range groups {
		var b [4]byte // one at a time: a -1 before a bad address is EINVAL
		if t.AS.ReadBytes(c.a[1]+4*uint64(i), b[:]) != nil {
			return 0, abi.EFAULT
		}
		g := binary.LittleEndian.Uint32(b[:])
		if g == unchanged {
			return 0, abi.EINVAL
		}
		groups[i] = int(g)
	}
	slices.Sort(groups)
	t.Groups = groups
	return 0, nil
}

// getresuid(2), getresgid(2): the three ids, each to its own pointer.
func sysGetresuid(c *call) (int64, error) { return 0, c.putIDs(c.t.uids()) }
func sysGetresgid(c *call) (int64, error) { return 0, c.putIDs(c.t.gids()) }

func (c *call) putIDs(x ids) error {
	for i, v := range [3]int{*x.r, *x.e, *x.s} {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(v))
		if c.t.AS.WriteBytes(c.a[i], b[:]) != nil {
			return abi.EFAULT
		}
	}
	return nil
}
