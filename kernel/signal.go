package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
)

// sendSignal generates sig for t, as the kernel itself does (SIGPIPE,
// SIGCHLD, a fault). "A signal may be blocked, which means that it will not
// be delivered until it is later unblocked" - signal(7). An unblocked signal
// whose disposition is to ignore it is dropped at once.
func (k *Kernel) sendSignal(t *Task, sig abi.Signal, info proc.SigInfo, why string) {
	if t.State == proc.Zombie {
		return
	}
	s := &t.Sig
	blocked := s.Mask.Has(sig)
	if s.Ignored(sig) && !blocked && sig != abi.SIGCONT {
		if k.tracing {
			k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	// "The only signals that can be sent to process ID 1, the init process,
	// are those for which init has explicitly installed signal handlers.
	// This is done to assure the system is not brought down accidentally."
	// - kill(2). (Linux's SIGNAL_UNKILLABLE: even SIGKILL.)
	if t == k.init && s.Actions[sig].Handler == abi.SIG_DFL {
		if k.tracing {
			k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): init takes no signal it has no handler for", sig, why))
		}
		return
	}
	k.generateSideEffects(t, sig)
	if s.Ignored(sig) && !blocked {
		if k.tracing {
			k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	s.Add(sig, info)
	if k.tracing {
		state := "pending"
		if blocked {
			state = "pending, blocked"
		}
		k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): %s", sig, why, state))
	}
	if !blocked && t.State == proc.Sleeping {
		// "A signal interrupts a sleeping task only if that task does not
		// block the signal": it wakes, and on its way back to user mode
		// meets the signal (deliverSignals decides EINTR or restart).
		k.wake(t, k.cur, fmt.Sprintf("interrupted by %v", sig))
	}
}

// lowestSignal returns the lowest-numbered signal in a non-empty set:
// "Linux ... delivers the lowest-numbered signal first" - signal(7).
func lowestSignal(set abi.SigSet) abi.Signal {
	for s := abi.Signal(1); s <= abi.NSIG; s++ {
		if set.Has(s) {
			return s
		}
	}
	return 0
}

// sigactionSize is struct sigaction as the riscv64 kernel reads it: handler,
// flags, mask; no sa_restorer (riscv64-abi-notes).
const sigactionSize = 24
