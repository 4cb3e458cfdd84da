package kernel

import (
	"encoding/binary"

	"ipcsim/abi"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysGetrlimit: {sysGetrlimit, "dx", noSleep},
		abi.SysSetrlimit: {sysSetrlimit, "dx", noSleep},
		abi.SysPrlimit64: {sysPrlimit64, "ddxx", noSleep},
	})
}

// nrOpen is fs.nr_open, the most RLIMIT_NOFILE's hard limit may be.
const nrOpen = 1 << 20

// defaultLimits are init's resource limits, which every process inherits:
// those Linux gives init (include/asm-generic/resource.h INIT_RLIMITS),
// with RLIMIT_NPROC and RLIMIT_SIGPENDING the machine's process limit
// where Linux computes them from its memory (fork_init). The kernel
// enforces RLIMIT_NOFILE (the descriptor table) and RLIMIT_NPROC (fork,
// for users other than root); the others are reported and kept.
func (k *Kernel) defaultLimits() [abi.RLIM_NLIMITS]proc.Rlimit {
	const inf = abi.RLIM_INFINITY
	procs := uint64(k.cfg.MaxProcs)
	return [abi.RLIM_NLIMITS]proc.Rlimit{
		abi.RLIMIT_CPU:        {Cur: inf, Max: inf},
		abi.RLIMIT_FSIZE:      {Cur: inf, Max: inf},
		abi.RLIMIT_DATA:       {Cur: inf, Max: inf},
		abi.RLIMIT_STACK:      {Cur: proc.StackMax, Max: inf}, // _STK_LIM
		abi.RLIMIT_CORE:       {Cur: 0, Max: inf},
		abi.RLIMIT_RSS:        {Cur: inf, Max: inf},
		abi.RLIMIT_NPROC:      {Cur: procs, Max: procs},
		abi.RLIMIT_NOFILE:     {Cur: proc.MaxFDs, Max: 4096}, // INR_OPEN_CUR, INR_OPEN_MAX
		abi.RLIMIT_MEMLOCK:    {Cur: 8 << 20, Max: 8 << 20},  // MLOCK_LIMIT
		abi.RLIMIT_AS:         {Cur: inf, Max: inf},
		abi.RLIMIT_LOCKS:      {Cur: inf, Max: inf},
		abi.RLIMIT_SIGPENDING: {Cur: procs, Max: procs},
		abi.RLIMIT_MSGQUEUE:   {Cur: 819200, Max: 819200}, // MQ_BYTES_MAX
		abi.RLIMIT_NICE:       {Cur: 0, Max: 0},
		abi.RLIMIT_RTPRIO:     {Cur: 0, Max: 0},
		abi.RLIMIT_RTTIME:     {Cur: inf, Max: inf},
	}
}

func readRlimit(as userMemory, va uint64) (proc.Rlimit, error) {
	var b [16]byte
	if as.ReadBytes(va, b[:]) != nil {
		return proc.Rlimit{}, abi.EFAULT
	}
	return proc.Rlimit{Cur: binary.LittleEndian.Uint64(b[0:]), Max: binary.LittleEndian.Uint64(b[8:])}, nil
}

func writeRlimit(as *proc.AddressSpace, va uint64, r proc.Rlimit) error {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:], r.Cur)
	binary.LittleEndian.PutUint64(b[8:], r.Max)
	if as.WriteBytes(va, b[:]) != nil {
		return abi.EFAULT
	}
	return nil
}

// getrlimit(2): (resource, rlim).
func sysGetrlimit(c *call) (int64, error) {
	res := c.a[0]
	if res >= abi.RLIM_NLIMITS {
		return 0, abi.EINVAL
	}
	return 0, writeRlimit(c.t.AS, c.a[1], c.t.Limits[res])
}

// setrlimit(2): (resource, rlim).
func sysSetrlimit(c *call) (int64, error) {
	res := c.a[0]
	if res >= abi.RLIM_NLIMITS {
		return 0, abi.EINVAL
	}
	r, err := readRlimit(c.t.AS, c.a[1])
	if err != nil {
		return 0, err
	}
	return 0, c.t.k.setLimit(c.t, c.t, res, r)
}

// prlimit64(2): (pid, resource, new_limit, old_limit). pid 0 is the
// caller; the old limits are read before the new ones are set.
func sysPrlimit64(c *call) (int64, error) {
	k, t := c.t.k, c.t
	pid, res, newVA, oldVA := int32(c.a[0]), c.a[1], c.a[2], c.a[3]
	var r proc.Rlimit
	if newVA != 0 {
		var err error
		if r, err = readRlimit(t.AS, newVA); err != nil {
			return 0, err
		}
	}
	target := t
	if pid != 0 {
		target = k.tasks[int(pid)]
		if pid < 0 || target == nil { // a zombie keeps its limits until reaped
			return 0, abi.ESRCH
		}
	}
	// check_prlimit_permission: "the real, effective, and saved set user
	// IDs of the target process [must] match the real user ID of the
	// caller and the real, effective, and saved set group IDs of the
	// target process match the real group ID of the caller", or
	// CAP_SYS_RESOURCE.
	if target != t && t.EUID != 0 &&
		!(target.UID == t.UID && target.EUID == t.UID && target.SUID == t.UID &&
			target.GID == t.GID && target.EGID == t.GID && target.SGID == t.GID) {
		return 0, abi.EPERM
	}
	if res >= abi.RLIM_NLIMITS {
		return 0, abi.EINVAL
	}
	old := target.Limits[res]
	if newVA != 0 {
		if err := k.setLimit(t, target, res, r); err != nil {
			return 0, err
		}
	}
	if oldVA != 0 {
		if err := writeRlimit(t.AS, oldVA, old); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// setLimit is do_prlimit's change of target's limit res to r, asked by t.
func (k *Kernel) setLimit(t, target *Task, res uint64, r proc.Rlimit) error {
	// "EINVAL: ... rlim->rlim_cur was greater than rlim->rlim_max."
	if r.Cur > r.Max {
		return abi.EINVAL
	}
	// "EPERM: An unprivileged process tried to raise the hard limit; the
	// CAP_SYS_RESOURCE capability is required to do this." "EPERM: The
	// caller tried to increase the hard RLIMIT_NOFILE limit above the
	// maximum defined by /proc/sys/fs/nr_open".
	if res == abi.RLIMIT_NOFILE && r.Max > nrOpen {
		return abi.EPERM
	}
	if r.Max > target.Limits[res].Max && t.EUID != 0 {
		return abi.EPERM
	}
	target.Limits[res] = r
	if res == abi.RLIMIT_NOFILE {
		target.Files.SetLimit(int(r.Cur))
	}
	return nil
}

// overProcLimit reports whether t may not fork for RLIMIT_NPROC: its real
// user already has that many processes, and it is not root (copy_process
// exempts the root user and CAP_SYS_RESOURCE).
func (k *Kernel) overProcLimit(t *Task) bool {
	limit := t.Limits[abi.RLIMIT_NPROC].Cur
	if t.UID == 0 || t.EUID == 0 || limit >= uint64(len(k.tasks)) {
		return false
	}
	n := uint64(0)
	for _, o := range k.tasks {
		if o.UID == t.UID {
			n++
		}
	}
	return n >= limit
}
