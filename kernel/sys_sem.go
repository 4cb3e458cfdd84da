package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"ipcsim/abi"
	"ipcsim/ipc/sem"
	"ipcsim/ipc/sysv"
)

// System V semaphores: semget(2), semop(2), semtimedop(2), semctl(2). The
// set is package sem; the handlers decode arguments, call it and map its
// answers to errnos or a sleep. A process blocked in semop sleeps with a
// sem.Waiter record on the set's list; whoever changes the values
// completes its operations for it (ipc/sem.c update_queue) and wakes it,
// so the woken call only reads the answer from the record.

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSemget:     {sysSemget, "Kdi", noSleep},
		abi.SysSemctl:     {sysSemctl, "ddQ#", noSleep},
		abi.SysSemop:      {sysSemop, "dJu", restartNever},
		abi.SysSemtimedop: {sysSemtimedop, "dJuT", restartNever},
	})
}

// semctl commands not in abi (include/uapi/linux/sem.h).
const (
	semStat    = 18 // SEM_STAT: IPC_STAT by index, returns the id
	semInfo    = 19 // SEM_INFO: IPC_INFO with the usage
	semStatAny = 20 // SEM_STAT_ANY: SEM_STAT without the read check
)

// semRegistry is the type of Kernel.semIDs.
type semRegistry = sysv.Registry[*sem.Set]

// semSets returns the registry of semaphore sets, made at the first use.
func (k *Kernel) semSets() *semRegistry {
	if k.semIDs == nil {
		k.semIDs = sysv.New[*sem.Set](sem.SEMMNI)
	}
	return k.semIDs
}

// semget(2): (key, nsems, semflg).
func sysSemget(c *call) (int64, error) {
	k := c.t.k
	key, nsems, flags := int32(c.a[0]), int32(c.a[1]), int(int32(c.a[2]))
	// "EINVAL: nsems is less than 0 or greater than the limit on the
	// number of semaphores per semaphore set (SEMMSL)."
	if nsems < 0 || nsems > sem.SEMMSL {
		return 0, abi.EINVAL
	}
	now := k.realtime()
	s, err := k.semSets().Get(key, flags, c.t.creds(), func(p sysv.Perm) (*sem.Set, error) {
		// newary: "if (!nsems) return -EINVAL" - a new set needs
		// semaphores; 0 is only good for finding an existing one.
		if nsems == 0 {
			return nil, abi.EINVAL
		}
		return sem.New(p, int(nsems), now), nil
	})
	if err != nil {
		return 0, err
	}
	// "EINVAL: A semaphore set corresponding to key already exists, but
	// nsems is larger than the number of semaphores in that set."
	if int(nsems) > len(s.Sems) {
		return 0, abi.EINVAL
	}
	return int64(s.ID()), nil
}

// semop(2): (semid, sops, nsops).
func sysSemop(c *call) (int64, error) { return semtimedop(c, 0) }

// semtimedop(2): (semid, sops, nsops, timeout). "If the specified time
// limit has been reached, then semtimedop() fails with errno set to EAGAIN
// (and none of the operations in sops is performed)." The timeout is
// relative, measured on the virtual clock.
func sysSemtimedop(c *call) (int64, error) { return semtimedop(c, c.a[3]) }

const sembufSize = 6 // struct sembuf: unsigned short sem_num; short sem_op; short sem_flg

func semtimedop(c *call, timeoutVA uint64) (int64, error) {
	t, k := c.t, c.t.k
	if w, ok := record[*sem.Waiter](c); ok {
		switch {
		case w.Answered():
			// Another process's change completed the operations for us,
			// or IPC_RMID ended them: that answer wins over a signal or a
			// deadline that came at the same time, as in Linux ("fastpath:
			// the semop has completed").
			if w.Err != nil {
				return 0, w.Err
			}
			return 0, nil
		case c.expired():
			return 0, abi.EAGAIN
		}
		// Still waiting: a spurious wakeup. It keeps its place.
		return 0, semBlock(c, w)
	}
	var ts timespec
	if timeoutVA != 0 {
		var err error
		if ts, err = readTimespec(t.AS, timeoutVA); err != nil {
			return 0, err
		}
	}
	// do_semtimedop: "E2BIG: The argument nsops is greater than SEMOPM",
	// then "EINVAL: ... nsops is not a positive value", then the copy of
	// sops (EFAULT).
	nsops := uint32(c.a[2])
	if nsops > sem.SEMOPM {
		return 0, abi.E2BIG
	}
	if nsops < 1 {
		return 0, abi.EINVAL
	}
	buf := make([]byte, nsops*sembufSize)
	if t.AS.ReadBytes(c.a[1], buf) != nil {
		return 0, abi.EFAULT
	}
	ops := make([]sem.Op, nsops)
	le := binary.LittleEndian
	for i := range ops {
		b := buf[i*sembufSize:]
		ops[i] = sem.Op{Num: le.Uint16(b), Op: int16(le.Uint16(b[2:])), Flg: int16(le.Uint16(b[4:]))}
	}
	id := int32(c.a[0])
	if id < 0 {
		return 0, abi.EINVAL
	}
	if timeoutVA != 0 && !c.started {
		// "EINVAL: The timeout argument is invalid" (timespec64_valid).
		if err := c.setTimeout(ts, timeoutRelative); err != nil {
			return 0, err
		}
	}
	c.started = true
	s, ok := k.semSets().Lookup(int(id))
	if !ok {
		return 0, abi.EINVAL
	}
	before := k.semWaiters(s)
	blocking, err := s.Do(ops, t.PID, t.creds(), k.realtime())
	switch {
	case err == nil:
		k.semTraceCompleted(t, s, before)
		return 0, nil
	case errors.Is(err, sem.ErrWouldBlock):
		if c.expired() {
			return 0, abi.EAGAIN
		}
		return 0, semBlock(c, sem.NewWaiter(s, t, t.PID, ops, blocking))
	}
	return 0, err
}

// semBlock is the sleep of a semop: its record on the set's pending list
// until a change answers it, a signal, or (semtimedop) the deadline.
func semBlock(c *call, w *sem.Waiter) error {
	return &blockError{q: w.Set.Pending(), rec: w, why: c.orUntil(w.Reason())}
}

// semWaiters returns the set's waiters before a change, for
// semTraceCompleted, when tracing (nil otherwise: no cost).
func (k *Kernel) semWaiters(s *sem.Set) []*sem.Waiter {
	if !k.tracing {
		return nil
	}
	return s.Waiters()
}

// semTraceCompleted tells the trace which of the waiters in before the
// change just made completed or ended.
func (k *Kernel) semTraceCompleted(t *Task, s *sem.Set, before []*sem.Waiter) {
	if !k.tracing {
		return
	}
	for _, w := range before {
		switch {
		case !w.Answered():
		case w.Err == nil:
			k.emit(t, "ipc", fmt.Sprintf("%s: the change completes pid %d's semop %s", s.Name(), w.PID, semOpsString(w.Ops)))
		default:
			k.emit(t, "ipc", fmt.Sprintf("%s: the change ends pid %d's semop %s with %v", s.Name(), w.PID, semOpsString(w.Ops), w.Err))
		}
	}
}

// semOpsString renders operations as a C initializer: "{{0, -1, 0}}".
func semOpsString(ops []sem.Op) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = op.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// semExit applies the SEM_UNDO adjustments of the exiting task t to every
// set it has some in (exit_sem): "semadj values ... are automatically
// applied when the process terminates" - semop(2). A forked child has none:
// "A child process created by fork(2) does not inherit its parent's semadj
// values" (ipcsim has no CLONE_SYSVSEM). Sets are visited in index order.
func (k *Kernel) semExit(t *Task) {
	if k.semIDs == nil {
		return
	}
	now := k.realtime()
	for _, s := range k.semIDs.All() {
		before := k.semWaiters(s)
		var adj string
		if k.tracing {
			for _, u := range s.Undos() {
				if u.PID != t.PID {
					continue
				}
				for n, a := range u.Adj {
					if a != 0 {
						adj += fmt.Sprintf(" [%d] %+d", n, a)
					}
				}
			}
		}
		if s.Exit(t.PID, now) && k.tracing {
			if adj == "" {
				adj = " none left"
			}
			k.emit(t, "ipc", fmt.Sprintf("exit applies pid %d's SEM_UNDO adjustments to %s:%s", t.PID, s.Name(), adj))
			k.semTraceCompleted(t, s, before)
		}
	}
}

// Layout of struct semid64_ds on LP64 (include/uapi/asm-generic/sembuf.h):
// struct ipc64_perm (48 bytes), sem_otime, sem_ctime, sem_nsems (8 bytes
// each) and two unused longs.
const (
	semidDsSize = 88
	semOTime    = 48
	semCTime    = 56
	semNSems    = 64
	semInfoSize = 40 // struct seminfo: ten ints
)

func semidDs(s *sem.Set) [semidDsSize]byte {
	var b [semidDsSize]byte
	le := binary.LittleEndian
	putPerm(b[:], s.IPCPerm())
	le.PutUint64(b[semOTime:], uint64(s.OTime))
	le.PutUint64(b[semCTime:], uint64(s.CTime))
	le.PutUint64(b[semNSems:], uint64(len(s.Sems)))
	return b
}

// semctl(2): (semid, semnum, cmd, arg). arg is union semun passed by
// value: SETVAL's value is in a3 itself (riscv64-abi-notes), the others
// take a pointer there. riscv64 has no IPC_64 flag to strip.
func sysSemctl(c *call) (int64, error) {
	t, k := c.t, c.t.k
	id, num, cmd, arg := int32(c.a[0]), int(int32(c.a[1])), int32(c.a[2]), c.a[3]
	if id < 0 {
		return 0, abi.EINVAL
	}
	reg := k.semSets()
	switch cmd {
	case abi.IPC_INFO, semInfo:
		return semctlInfo(c, cmd == semInfo)
	case abi.IPC_STAT, semStat, semStatAny:
		var s *sem.Set
		var ok bool
		if cmd == abi.IPC_STAT {
			s, ok = reg.Lookup(int(id))
		} else {
			s, ok = reg.AtIndex(int(id)) // SEM_STAT takes an index
		}
		if !ok {
			return 0, abi.EINVAL
		}
		// "EACCES: The argument cmd has one of the values GETALL, GETPID,
		// GETVAL, GETNCNT, GETZCNT, IPC_STAT, SEM_STAT, SETALL, or SETVAL
		// and the calling process does not have the required permissions"
		if cmd != semStatAny && !s.IPCPerm().Permitted(t.creds(), 0444) {
			return 0, abi.EACCES
		}
		b := semidDs(s)
		if t.AS.WriteBytes(arg, b[:]) != nil {
			return 0, abi.EFAULT
		}
		if cmd == abi.IPC_STAT {
			return 0, nil
		}
		return int64(s.ID()), nil
	case abi.GETALL, abi.GETVAL, abi.GETPID, abi.GETNCNT, abi.GETZCNT, abi.SETALL:
		return semctlMain(c, int(id), num, cmd, arg)
	case abi.SETVAL:
		// semctl_setval: ERANGE first, then the id, semnum, permission.
		// "ERANGE: The argument cmd has the value SETALL or SETVAL and the
		// value to which semval is to be set ... is less than 0 or greater
		// than the implementation limit SEMVMX."
		val := int(int32(arg))
		if val < 0 || val > sem.SEMVMX {
			return 0, abi.ERANGE
		}
		s, ok := reg.Lookup(int(id))
		if !ok {
			return 0, abi.EINVAL
		}
		if num < 0 || num >= len(s.Sems) {
			return 0, abi.EINVAL
		}
		if !s.IPCPerm().Permitted(t.creds(), 0222) {
			return 0, abi.EACCES
		}
		before := k.semWaiters(s)
		s.SetVal(num, val, t.PID, k.realtime())
		k.semTraceCompleted(t, s, before)
		return 0, nil
	case abi.IPC_SET, abi.IPC_RMID:
		var b [semidDsSize]byte
		if cmd == abi.IPC_SET && t.AS.ReadBytes(arg, b[:]) != nil {
			return 0, abi.EFAULT
		}
		s, ok := reg.Lookup(int(id))
		if !ok {
			return 0, abi.EINVAL
		}
		// "EPERM: The argument cmd has the value IPC_SET or IPC_RMID but
		// the effective user ID of the calling process is not the creator
		// (as found in sem_perm.cuid) or the owner (as found in
		// sem_perm.uid) of the semaphore set, and the process does not
		// have the CAP_SYS_ADMIN capability."
		if !s.IPCPerm().OwnedBy(t.creds()) {
			return 0, abi.EPERM
		}
		if cmd == abi.IPC_RMID {
			reg.Remove(s)
			if k.tracing && len(s.Waiters()) > 0 {
				k.emit(t, "ipc", fmt.Sprintf("semctl(IPC_RMID) removes %s: every waiter wakes with EIDRM", s.Name()))
			}
			s.Remove()
			return 0, nil
		}
		le := binary.LittleEndian
		uid, gid := le.Uint32(b[4:]), le.Uint32(b[8:])
		// ipc_update_perm: "if (!uid_valid(uid) || !gid_valid(gid))
		// return -EINVAL" - (uid_t)-1 is no user.
		if uid == math.MaxUint32 || gid == math.MaxUint32 {
			return 0, abi.EINVAL
		}
		s.Set(int(uid), int(gid), int(le.Uint32(b[20:])), k.realtime())
		return 0, nil
	}
	return 0, abi.EINVAL
}

// semctlMain is Linux's semctl_main: GETALL, SETALL and the commands on
// one semaphore.
func semctlMain(c *call, id, num int, cmd int32, arg uint64) (int64, error) {
	t, k := c.t, c.t.k
	s, ok := k.semSets().Lookup(id)
	if !ok {
		return 0, abi.EINVAL
	}
	want := 0444
	if cmd == abi.SETALL {
		want = 0222
	}
	if !s.IPCPerm().Permitted(t.creds(), want) {
		return 0, abi.EACCES
	}
	le := binary.LittleEndian
	switch cmd {
	case abi.GETALL:
		// "Return semval (i.e., the current value) for all semaphores of
		// the set into arg.array."
		b := make([]byte, 2*len(s.Sems))
		for i, sm := range s.Sems {
			le.PutUint16(b[2*i:], uint16(sm.Val))
		}
		if t.AS.WriteBytes(arg, b) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	case abi.SETALL:
		b := make([]byte, 2*len(s.Sems))
		if t.AS.ReadBytes(arg, b) != nil {
			return 0, abi.EFAULT
		}
		vals := make([]uint16, len(s.Sems))
		for i := range vals {
			if vals[i] = le.Uint16(b[2*i:]); vals[i] > sem.SEMVMX {
				return 0, abi.ERANGE
			}
		}
		before := k.semWaiters(s)
		s.SetAll(vals, t.PID, k.realtime())
		k.semTraceCompleted(t, s, before)
		return 0, nil
	}
	// "EINVAL: ... semnum less than 0 or greater than or equal to nsems"
	if num < 0 || num >= len(s.Sems) {
		return 0, abi.EINVAL
	}
	switch cmd {
	case abi.GETVAL:
		return int64(s.Sems[num].Val), nil
	case abi.GETPID:
		return int64(s.Sems[num].PID), nil
	case abi.GETNCNT:
		return int64(s.NCnt(num)), nil
	}
	return int64(s.ZCnt(num)), nil // GETZCNT
}

// semctlInfo is IPC_INFO and SEM_INFO: struct seminfo with the limits
// (and, for SEM_INFO, semusz = sets, semaem = semaphores in use); the
// result is the highest index in use.
func semctlInfo(c *call, usage bool) (int64, error) {
	reg := c.t.k.semSets()
	const semmns = sem.SEMMNI * sem.SEMMSL
	vals := [10]int32{
		semmns,     // semmap (SEMMAP)
		sem.SEMMNI, // semmni
		semmns,     // semmns
		semmns,     // semmnu (SEMMNU)
		sem.SEMMSL, // semmsl
		sem.SEMOPM, // semopm
		sem.SEMOPM, // semume (SEMUME)
		20,         // semusz (SEMUSZ)
		sem.SEMVMX, // semvmx
		sem.SEMAEM, // semaem
	}
	if usage {
		n := 0
		for _, s := range reg.All() {
			n += len(s.Sems)
		}
		vals[7], vals[9] = int32(reg.Len()), int32(n)
	}
	var b [semInfoSize]byte
	for i, v := range vals {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	if c.t.AS.WriteBytes(c.a[3], b[:]) != nil {
		return 0, abi.EFAULT
	}
	return int64(max(reg.MaxIndex(), 0)), nil
}
