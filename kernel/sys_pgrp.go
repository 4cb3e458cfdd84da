package kernel

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSetpgid: {sysSetpgid, "dd", noSleep},
		abi.SysGetpgid: {sysGetpgid, "d", noSleep},
		abi.SysSetsid:  {sysSetsid, "", noSleep},
		abi.SysGetsid:  {sysGetsid, "d", noSleep},
	})
}

// target returns the process pid names (0: the caller), or ESRCH.
func (c *call) target(pid int32) (*Task, error) {
	if pid == 0 {
		return c.t, nil
	}
	t := c.t.k.tasks[int(pid)]
	if t == nil || pid < 0 {
		return nil, abi.ESRCH
	}
	return t, nil
}

// setpgid(2): (pid, pgid). "If pid is zero, then the process ID of the
// calling process is used. If pgid is zero, then the PGID of the process
// specified by pid is made the same as its process ID."
func sysSetpgid(c *call) (int64, error) {
	k, t := c.t.k, c.t
	pid, pgid := int32(c.a[0]), int32(c.a[1])
	if pid == 0 {
		pid = int32(t.PID)
	}
	if pgid == 0 {
		pgid = pid // so setpgid(-1, 0) is EINVAL, as on Linux
	}
	if pgid < 0 {
		return 0, abi.EINVAL
	}
	p, err := c.target(pid)
	if err != nil {
		return 0, err
	}
	// "ESRCH: pid is not the calling process and not a child of the calling
	// process."
	if p != t && (p.Parent == nil || p.Parent.PID != t.PID) {
		return 0, abi.ESRCH
	}
	switch {
	case p != t && p.execed:
		// "EACCES: An attempt was made to change the process group ID of
		// one of the children of the calling process and the child had
		// already performed an execve(2)."
		return 0, abi.EACCES
	case p.SID == p.PID:
		return 0, abi.EPERM // "EPERM: ... to move a session leader"
	case p.SID != t.SID:
		return 0, abi.EPERM // "... a child ... in a different session"
	}
	if int(pgid) != p.PID {
		// "... to move a process into a process group in a different
		// session": the group must exist in the caller's session.
		found := false
		for _, m := range k.group(int(pgid)) {
			if m.SID == t.SID {
				found = true
			}
		}
		if !found {
			return 0, abi.EPERM
		}
	}
	p.PGID = int(pgid)
	return 0, nil
}

// getpgid(2).
func sysGetpgid(c *call) (int64, error) {
	p, err := c.target(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return int64(p.PGID), nil
}

// getsid(2).
func sysGetsid(c *call) (int64, error) {
	p, err := c.target(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return int64(p.SID), nil
}

// setsid(2): "creates a new session if the calling process is not a
// process group leader. The calling process is the leader of the new
// session ..., the process group leader of the new process group, and has
// no controlling terminal." EPERM: "The process group ID of any process
// equals the PID of the calling process."
func sysSetsid(c *call) (int64, error) {
	k, t := c.t.k, c.t
	if len(k.group(t.PID)) > 0 {
		return 0, abi.EPERM
	}
	t.SID, t.PGID = t.PID, t.PID
	return int64(t.PID), nil
}
