package hw

// An IRQ is an interrupt line of the interrupt controller.
type IRQ uint8

// Interrupt lines, lowest number = highest priority.
const (
	IRQTimer    IRQ = 0 // the timer reached its deadline
	IRQKeyboard IRQ = 1 // the keyboard has input
	numIRQ          = 2
)

func (l IRQ) String() string {
	switch l {
	case IRQTimer:
		return "timer"
	case IRQKeyboard:
		return "keyboard"
	}
	return "irq?"
}

// IntC is the interrupt controller: a pending bit per line, like the pending
// register of a RISC-V PLIC. Devices raise lines; the kernel claims them
// between two instructions (the CPU runs in slices that end at the next
// device event, so no interrupt is ever taken late).
type IntC struct {
	pending uint32 // bit l set: line l has been raised and not yet claimed
}

// Raise marks line l pending.
func (ic *IntC) Raise(l IRQ) { ic.pending |= 1 << l }

// Pending reports whether any line is pending.
func (ic *IntC) Pending() bool { return ic.pending != 0 }

// Claim returns the highest-priority pending line and clears it.
func (ic *IntC) Claim() (IRQ, bool) {
	for l := IRQ(0); l < numIRQ; l++ {
		if ic.pending&(1<<l) != 0 {
			ic.pending &^= 1 << l
			return l, true
		}
	}
	return 0, false
}
