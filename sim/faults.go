package sim

import (
	"strconv"
	"strings"

	"ipcsim/kernel"
)

// Fault lines: the fault plan of a scenario (kernel/fault.go).
//
//	fault CALL WHEN ACTION [by NAME | by pid N]
//	fault kill WHO at call N
//
// CALL is a system call as the trace names it (fork names clone); WHEN is
// N, the Nth call that qualifies, or p=PROB, each call with that
// probability (from a PRNG of the machine's seed that nothing else draws
// from); ACTION is an errno Linux can give that call (fault fork 2
// ENOMEM), short (a read or write moves fewer bytes: fault write 1 short),
// or kill (SIGKILL as the process enters the call). "by NAME" keeps the
// fault to processes of that name (a spawned program, its forked
// children), "by pid N" to one process. The second form kills process WHO
// as it makes its Nth system call: "fault kill child at call 3". In a
// scenario with hosts the plan is the first host's.

// faultForms is the syntax, for errors.
const faultForms = "fault CALL N|p=PROB ERRNO|short|kill [by NAME|by pid N], or fault kill WHO at call N"

// fault parses a fault line (the words after "fault").
func (h *header) fault(words []word, end int) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a system call after fault (%s), found end of line", faultForms)
		return
	}
	for _, w := range words {
		if w.quoted {
			h.errs.Add(h.at(w.col), "expected %s, found %s", faultForms, w.text)
			return
		}
	}
	if n := len(words); words[0].val == "kill" && n >= 4 && words[n-3].val == "at" {
		h.faultKill(words[1:], end)
		return
	}
	var f kernel.Fault
	call := words[0]
	f.Call = call.val
	if f.Call == "any" {
		f.Call = ""
	} else if _, ok := kernel.FaultCalls(f.Call); !ok {
		h.errs.Add(h.at(call.col), "unknown system call %s: expected a name as the trace writes it (fork or clone, write, shmget, ...), or any", call.text)
		return
	}
	if len(words) < 2 {
		h.errs.Add(h.at(end), "expected N (the Nth call) or p=PROB after fault %s, found end of line", call.val)
		return
	}
	when := words[1]
	if p, ok := strings.CutPrefix(when.val, "p="); ok {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || !(v > 0 && v <= 1) {
			h.errs.Add(h.at(when.col+2), "bad probability %s: expected a number above 0, at most 1", p)
			return
		}
		f.P = v
	} else {
		n, msg := parseCount(when.val)
		if msg != "" || n < 1 {
			h.errs.Add(h.at(when.col), "bad call count %s: expected N (1 for the first call) or p=PROB", when.text)
			return
		}
		f.Nth = n
	}
	if len(words) < 3 {
		h.errs.Add(h.at(end), "expected an errno, short or kill after fault %s %s, found end of line", call.val, when.val)
		return
	}
	act := words[2]
	switch act.val {
	case "short":
		f.Action = kernel.FaultShort
	case "kill":
		f.Action = kernel.FaultKill
	default:
		e, ok := kernel.ErrnoByName(act.val)
		if !ok {
			h.errs.Add(h.at(act.col), "expected an errno such as ENOMEM, short or kill, found %s", act.text)
			return
		}
		f.Action, f.Errno = kernel.FaultErrno, e
	}
	if err := kernel.CheckFault(f); err != nil {
		col := act.col
		if f.Call == "" {
			col = call.col
		}
		h.errs.Add(h.at(col), "%v", err)
		return
	}
	rest := words[3:]
	if len(rest) > 0 {
		if rest[0].val != "by" {
			h.errs.Add(h.at(rest[0].col), "expected by NAME, by pid N or end of line, found %s", rest[0].text)
			return
		}
		used, ok := h.faultWho(&f, rest[1:], end, "by")
		if !ok {
			return
		}
		rest = rest[1+used:]
	}
	if len(rest) > 0 {
		h.errs.Add(h.at(rest[0].col), "expected end of line, found %s", rest[0].text)
		return
	}
	h.s.Faults = append(h.s.Faults, f)
}

// faultKill parses "WHO at call N", the words after "fault kill".
func (h *header) faultKill(words []word, end int) {
	f := kernel.Fault{Action: kernel.FaultKill}
	used, ok := h.faultWho(&f, words, end, "fault kill")
	if !ok {
		return
	}
	words = words[used:]
	if len(words) != 3 || words[0].val != "at" || words[1].val != "call" {
		col := end
		if len(words) > 0 {
			col = words[0].col
		}
		h.errs.Add(h.at(col), "expected at call N after fault kill %s (N: its Nth system call)", f.Prog+pidText(f.PID))
		return
	}
	n, msg := parseCount(words[2].val)
	if msg != "" || n < 1 {
		h.errs.Add(h.at(words[2].col), "bad call count %s: expected N (1 for the process's first system call)", words[2].text)
		return
	}
	f.Nth = n
	h.s.Faults = append(h.s.Faults, f)
}

func pidText(pid int) string {
	if pid == 0 {
		return ""
	}
	return "pid " + strconv.Itoa(pid)
}

// faultWho parses NAME or "pid N" into f; it returns how many words it
// used.
func (h *header) faultWho(f *kernel.Fault, words []word, end int, after string) (int, bool) {
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected a process (a program's name, or pid N) after %s, found end of line", after)
		return 0, false
	}
	if words[0].val != "pid" {
		f.Prog = words[0].val
		return 1, true
	}
	if len(words) < 2 {
		h.errs.Add(h.at(end), "expected a process id after pid, found end of line")
		return 0, false
	}
	n, msg := parseCount(words[1].val)
	if msg != "" || n < 2 || n > 1<<22 {
		h.errs.Add(h.at(words[1].col), "bad pid %s: expected a process id from 2 up (init, pid 1, makes no calls a fault can pick)", words[1].text)
		return 0, false
	}
	f.PID = int(n)
	return 2, true
}

// faultPlan is the plan of the run's first host: the scenario's fault
// lines, then the options' faults (an explorer's).
func (s *Scenario) faultPlan(opts Options) []kernel.Fault {
	if len(s.Faults) == 0 {
		return opts.Faults
	}
	return append(append([]kernel.Fault(nil), s.Faults...), opts.Faults...)
}

// A FaultPlan is the faults of a scenario's fault lines, in order.
type FaultPlan []kernel.Fault
