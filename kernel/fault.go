package kernel

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"

	"ipcsim/abi"
	"ipcsim/proc"
)

// Fault injection at the system-call boundary (issue 12). A fault plan
// (Config.Faults) is a list of rules; each picks calls, the Nth one that
// qualifies or each with a probability, and says what happens to it:
//
//   - an error Linux can give there (ENOMEM from clone, ENOSPC from
//     shmget, EPIPE from a write on a pipe, ...). Only the errors of the
//     call's row in injectable are allowed, and some only where Linux could
//     give them: EAGAIN on a non-blocking descriptor, EPIPE and ECONNRESET
//     on a pipe or a socket. A call where the error is impossible does not
//     qualify (it is not counted).
//   - EINTR, which is not returned but made: when a qualifying call goes
//     to sleep, the kernel sends its process a signal it has a handler for,
//     and the one blocking path (block.go, interruptCall) decides, as for
//     any signal, whether the call fails with EINTR or restarts after the
//     handler (SA_RESTART). A process with no handler cannot see EINTR on
//     Linux: its calls do not qualify.
//   - a short transfer: a read or write on a pipe or a stream socket moves
//     fewer bytes than asked (1 to n-1), as when a signal interrupts it
//     part way; the program must loop.
//   - death: SIGKILL as the process enters the call.
//
// Every choice comes from the plan, the order of the calls and a PRNG
// seeded from the machine's seed and the name "faults", which nothing else
// draws from: the same plan gives the same run. A machine without a plan
// pays one nil check per call (Kernel.faults).

// FaultAction is what a fault does to the call it picks.
type FaultAction uint8

const (
	FaultErrno FaultAction = iota + 1 // the call fails with Fault.Errno
	FaultShort                        // the read or write moves fewer bytes
	FaultKill                         // SIGKILL as the process enters the call
)

// A Fault is one rule of a fault plan.
type Fault struct {
	// Call is the system call as the trace names it ("clone", "write");
	// "fork" and "vfork" name clone and clone3 (riscv64 has no fork). ""
	// is any call, for FaultKill only.
	Call string
	// Nth picks the Nth call that qualifies (1 is the first); with Nth 0,
	// each qualifying call is picked with probability P.
	Nth    uint64
	P      float64
	Action FaultAction
	Errno  abi.Errno // FaultErrno: the error
	PID    int       // only calls of this process (0: any)
	Prog   string    // only calls of processes of this name ("": any)
}

// String writes the fault as a scenario's fault line says it, without
// "fault": "clone 2 ENOMEM", "write p=0.1 short by child", "kill pid 3 at
// call 2".
func (f Fault) String() string {
	if f.Call == "" && f.Action == FaultKill && f.Nth != 0 && (f.PID != 0 || f.Prog != "") {
		who := f.Prog
		if f.PID != 0 {
			who = fmt.Sprintf("pid %d", f.PID)
		}
		return fmt.Sprintf("kill %s at call %d", who, f.Nth)
	}
	call := f.Call
	if call == "" {
		call = "any"
	}
	when := fmt.Sprint(f.Nth)
	if f.Nth == 0 {
		when = fmt.Sprintf("p=%g", f.P)
	}
	s := call + " " + when + " " + f.Action.name(f.Errno)
	switch {
	case f.PID != 0:
		s += fmt.Sprintf(" by pid %d", f.PID)
	case f.Prog != "":
		s += " by " + f.Prog
	}
	return s
}

func (a FaultAction) name(e abi.Errno) string {
	switch a {
	case FaultShort:
		return "short"
	case FaultKill:
		return "kill"
	}
	return e.String()
}

// injectable lists, per call, the errors a fault may give it: errors Linux
// returns from that call for a reason the program does not control (no
// memory, a limit, the peer, a signal). The man page of each call lists
// them under ERRORS.
func injectable(no abi.Sysno) []abi.Errno {
	switch no {
	case abi.SysClone, abi.SysClone3:
		// "ENOMEM: fork() failed to allocate the necessary kernel
		// structures because memory is tight." "EAGAIN: A system-imposed
		// limit on the number of threads was encountered" - fork(2).
		return []abi.Errno{abi.ENOMEM, abi.EAGAIN}
	case abi.SysExecve:
		return []abi.Errno{abi.ENOMEM}
	case abi.SysMmap, abi.SysMprotect, abi.SysShmat:
		return []abi.Errno{abi.ENOMEM}
	case abi.SysShmget, abi.SysMsgget, abi.SysSemget:
		// "ENOMEM: No memory could be allocated for segment overhead."
		// "ENOSPC: All possible shared memory IDs have been taken" -
		// shmget(2); msgget(2) and semget(2) alike.
		return []abi.Errno{abi.ENOMEM, abi.ENOSPC}
	case abi.SysMsgsnd:
		return []abi.Errno{abi.EINTR, abi.ENOMEM}
	case abi.SysMsgrcv, abi.SysSemop, abi.SysSemtimedop, abi.SysWait4, abi.SysWaitid,
		abi.SysNanosleep, abi.SysClockNanosleep, abi.SysPpoll, abi.SysPselect6, abi.SysEpollPwait:
		return []abi.Errno{abi.EINTR}
	case abi.SysPipe2:
		return []abi.Errno{abi.EMFILE, abi.ENFILE}
	case abi.SysSocket, abi.SysSocketpair:
		return []abi.Errno{abi.EMFILE, abi.ENFILE, abi.ENOBUFS, abi.ENOMEM}
	case abi.SysOpenat:
		return []abi.Errno{abi.EMFILE, abi.ENFILE, abi.ENOMEM, abi.EINTR}
	case abi.SysAccept, abi.SysAccept4:
		return []abi.Errno{abi.EMFILE, abi.ENFILE, abi.ENOMEM, abi.ECONNABORTED, abi.EINTR, abi.EAGAIN}
	case abi.SysConnect:
		return []abi.Errno{abi.ECONNREFUSED, abi.EINTR, abi.EAGAIN}
	case abi.SysMqOpen:
		return []abi.Errno{abi.EMFILE, abi.ENFILE, abi.ENOMEM, abi.ENOSPC}
	case abi.SysMqTimedsend, abi.SysMqTimedreceive:
		return []abi.Errno{abi.EINTR, abi.EAGAIN}
	case abi.SysRead, abi.SysReadv, abi.SysRecvfrom, abi.SysRecvmsg:
		return []abi.Errno{abi.EINTR, abi.EAGAIN, abi.ECONNRESET}
	case abi.SysWrite, abi.SysWritev, abi.SysSendto, abi.SysSendmsg:
		return []abi.Errno{abi.EINTR, abi.EAGAIN, abi.EPIPE, abi.ECONNRESET}
	}
	return nil
}

// shortable reports whether a short transfer can be injected into the
// call: one buffer, its length in a2.
func shortable(no abi.Sysno) bool {
	switch no {
	case abi.SysRead, abi.SysWrite, abi.SysRecvfrom, abi.SysSendto:
		return true
	}
	return false
}

// sysnoByName maps every name Linux gives a call to its number.
var sysnoByName = func() map[string]abi.Sysno {
	m := map[string]abi.Sysno{}
	for _, no := range abi.Sysnos() {
		m[no.String()] = no
	}
	return m
}()

// FaultCalls returns the calls a fault's Call names: "fork" and "vfork"
// are clone and clone3. ok is false for a name Linux does not define.
func FaultCalls(name string) (calls []abi.Sysno, ok bool) {
	switch name {
	case "fork", "vfork":
		return []abi.Sysno{abi.SysClone, abi.SysClone3}, true
	}
	no, ok := sysnoByName[name]
	if !ok {
		return nil, false
	}
	return []abi.Sysno{no}, true
}

// InjectableErrnos returns the errors a fault may give the call named
// name, in the order of the table (nil if none or no such call).
func InjectableErrnos(name string) []abi.Errno {
	calls, _ := FaultCalls(name)
	var out []abi.Errno
	for _, no := range calls {
		for _, e := range injectable(no) {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// CheckFault says what is wrong with f, or returns nil: an unknown call,
// an error Linux cannot give there, a short transfer of a call that moves
// no bytes, a probability out of range.
func CheckFault(f Fault) error {
	if f.Nth == 0 && !(f.P > 0 && f.P <= 1) {
		return fmt.Errorf("probability %g out of range: expected above 0, at most 1", f.P)
	}
	if f.Call == "" {
		if f.Action != FaultKill {
			return fmt.Errorf("a fault on any call can only kill: name the call for %s", f.Action.name(f.Errno))
		}
		return nil
	}
	calls, ok := FaultCalls(f.Call)
	if !ok {
		return fmt.Errorf("unknown system call %q: expected a name as the trace writes it (clone or fork, write, shmget, ...)", f.Call)
	}
	switch f.Action {
	case FaultKill:
		return nil
	case FaultShort:
		if !shortable(calls[0]) {
			return fmt.Errorf("%s moves no bytes through one buffer: a short transfer is for read, write, recvfrom and sendto", f.Call)
		}
		return nil
	case FaultErrno:
		allowed := InjectableErrnos(f.Call)
		if len(allowed) == 0 {
			return fmt.Errorf("ipcsim injects no errors into %s: Linux fails it only for what the program itself passes", f.Call)
		}
		if !slices.Contains(allowed, f.Errno) {
			names := make([]string, len(allowed))
			for i, e := range allowed {
				names[i] = e.String()
			}
			return fmt.Errorf("%v is not an error Linux gives %s for a fault: expected %s", f.Errno, f.Call, strings.Join(names, ", "))
		}
		return nil
	}
	return fmt.Errorf("fault %q has no action", f.Call)
}

// faultState is a machine's fault plan as it runs.
type faultState struct {
	rules []faultRule
	rand  *rand.Rand // seeded from the machine's seed and "faults"
}

// faultRule is one Fault and how many calls have qualified for it.
type faultRule struct {
	Fault
	calls []abi.Sysno // nil: any call
	n     uint64      // qualifying calls so far
}

// newFaultState builds the plan of a machine. The faults are the
// caller's own, checked (CheckFault): a bad one panics.
func newFaultState(seed uint64, faults []Fault) *faultState {
	h := fnv.New64a()
	h.Write([]byte("faults"))
	fs := &faultState{rand: rand.New(rand.NewPCG(seed, h.Sum64()))}
	for _, f := range faults {
		if err := CheckFault(f); err != nil {
			panic(fmt.Sprintf("kernel: fault %v: %v", f, err))
		}
		r := faultRule{Fault: f}
		if f.Call != "" {
			r.calls, _ = FaultCalls(f.Call)
		}
		fs.rules = append(fs.rules, r)
	}
	return fs
}

// fire counts one qualifying call of r and reports whether the fault
// picks it.
func (fs *faultState) fire(r *faultRule) bool {
	r.n++
	if r.Nth != 0 {
		return r.n == r.Nth
	}
	return fs.rand.Float64() < r.P
}

// matches reports whether r is about call no of task t.
func (r *faultRule) matches(t *Task, no abi.Sysno) bool {
	if r.calls != nil && !slices.Contains(r.calls, no) {
		return false
	}
	if r.PID != 0 && t.PID != r.PID {
		return false
	}
	return r.Prog == "" || t.Name == r.Prog
}

// An injection is what a fault did to a call in progress: the trace marks
// the call's line with it, and a short transfer's count is put back.
type injection struct {
	what  string // "ENOMEM", "EINTR", "short"
	count uint64 // FaultShort: the count the program asked for
}

// injectEntry applies the plan to call c as it begins. It reports true if
// the call is done with (failed, or its process killed); false lets the
// call run (perhaps with a shorter count).
func (k *Kernel) injectEntry(c *call) bool {
	var hit *faultRule
	for i := range k.faults.rules {
		r := &k.faults.rules[i]
		if r.Action == FaultErrno && r.Errno == abi.EINTR {
			continue // at sleep (injectSleep)
		}
		if !r.matches(c.t, c.no) || !qualifies(c, r) {
			continue
		}
		if k.faults.fire(r) && hit == nil {
			hit = r // every rule counts the call; the first that fires acts
		}
	}
	if hit == nil {
		return false
	}
	t := c.t
	switch hit.Action {
	case FaultKill:
		k.sendSignal(t, abi.SIGKILL, proc.SigInfo{Code: abi.SI_KERNEL},
			fmt.Sprintf("fault %v, entering %v", hit.Fault, c.no))
		return true // the call never runs: the pc stays on the ecall, and SIGKILL ends the process on the way out
	case FaultShort:
		n := c.a[2]
		m := max(1, n/2)
		if hit.Nth == 0 {
			m = 1 + k.faults.rand.Uint64N(n-1)
		}
		c.inject = &injection{what: "short", count: n}
		c.a[2] = m
		return false
	}
	c.inject = &injection{what: hit.Errno.String()}
	if hit.Errno == abi.EPIPE && !noSignal(c) {
		// "EPIPE: fd is connected to a pipe or socket whose reading end
		// is closed. When this happens the writing process will also
		// receive a SIGPIPE signal" - write(2).
		k.sendThreadSignal(t, abi.SIGPIPE, proc.SigInfo{Code: abi.SI_USER, PID: t.PID}, fmt.Sprintf("fault %v", hit.Fault))
	}
	k.complete(c, 0, hit.Errno)
	return true
}

// noSignal reports whether a send asked for no SIGPIPE (MSG_NOSIGNAL).
func noSignal(c *call) bool {
	switch c.no {
	case abi.SysSendto:
		return c.a[3]&abi.MSG_NOSIGNAL != 0
	case abi.SysSendmsg:
		return c.a[2]&abi.MSG_NOSIGNAL != 0
	}
	return false
}

// qualifies reports whether Linux could do what r does to c here: EAGAIN
// only on a non-blocking descriptor, EPIPE and ECONNRESET only on a pipe
// or socket that could give them, a short transfer only of two bytes or
// more on a pipe or a stream socket.
func qualifies(c *call, r *faultRule) bool {
	switch {
	case r.Action == FaultKill:
		return true
	case r.Action == FaultShort:
		return c.a[2] >= 2 && streamLike(c, true)
	}
	switch r.Errno {
	case abi.EAGAIN:
		if c.no == abi.SysClone || c.no == abi.SysClone3 {
			return true
		}
		f, err := c.file(int32(c.a[0]))
		if err != nil {
			return false
		}
		dontWait := (c.no == abi.SysSendto || c.no == abi.SysRecvfrom) && c.a[3]&abi.MSG_DONTWAIT != 0
		return f.nonblock() || dontWait
	case abi.EPIPE:
		return streamLike(c, true)
	case abi.ECONNRESET:
		return streamLike(c, false)
	}
	return true
}

// streamLike reports whether the call's descriptor is a stream socket (or
// a pipe, if pipes count).
func streamLike(c *call, pipes bool) bool {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return false
	}
	switch ops := f.ops.(type) {
	case *pipeEnd:
		return pipes
	case *socketFile:
		return ops.s.Type == abi.SOCK_STREAM
	case *inetFile:
		return ops.s.Type == abi.SOCK_STREAM
	}
	return false
}

// injectSleep applies the EINTR faults of the plan to call c, which is
// about to sleep for the first time: a fault that fires sends the process
// the lowest signal it has a handler for and does not block, and the
// blocking path interrupts the call as that signal would.
func (k *Kernel) injectSleep(c *call) {
	t := c.t
	sig := handledSignal(t)
	if sig == 0 {
		return // no handler: no signal makes Linux fail a call with EINTR
	}
	var hit *faultRule
	for i := range k.faults.rules {
		r := &k.faults.rules[i]
		if r.Action != FaultErrno || r.Errno != abi.EINTR || !r.matches(t, c.no) {
			continue
		}
		if k.faults.fire(r) && hit == nil {
			hit = r
		}
	}
	if hit == nil {
		return
	}
	c.inject = &injection{what: "EINTR"}
	k.sendThreadSignal(t, sig, proc.SigInfo{Code: abi.SI_KERNEL},
		fmt.Sprintf("fault %v", hit.Fault))
}

// handledSignal returns the lowest signal t has a handler for and does not
// block, or 0.
func handledSignal(t *Task) abi.Signal {
	for sig := abi.Signal(1); sig <= abi.NSIG; sig++ {
		h := t.Sig.Actions[sig].Handler
		if h != abi.SIG_DFL && h != abi.SIG_IGN && !t.Sig.Mask.Has(sig) {
			return sig
		}
	}
	return 0
}

// injected finishes the injection of a call that completes: the count the
// program passed goes back (for the trace), and the trace's line says what
// was injected.
func (inj *injection) undo(c *call) {
	if inj.what == "short" {
		c.a[2] = inj.count
	}
}

// mark adds the injection to the trace event of the call's return.
func (inj *injection) mark(e *Event, ret int64) {
	e.Injected = inj.what
	if inj.what == "short" {
		e.Text += fmt.Sprintf(" (injected: short, %d of %d bytes)", ret, inj.count)
		return
	}
	e.Text += " (injected)"
}

// ErrnoByName reads an errno's name: "ENOMEM".
func ErrnoByName(name string) (abi.Errno, bool) {
	for _, e := range abi.Errnos() {
		if e.String() == name {
			return e, true
		}
	}
	return 0, false
}
