package hw

import "io"

// Config sets the machine's size.
type Config struct {
	MemBytes uint64    // physical memory; rounded down to whole frames
	Stdout   io.Writer // the console
}

// DefaultMemBytes is the physical memory of a machine whose Config leaves it 0.
const DefaultMemBytes = 64 << 20

// Machine is the hardware the kernel runs on: one hart, memory, an interrupt
// controller with a timer and a keyboard, a console and the clock.
type Machine struct {
	Clock    Clock
	Mem      *PhysMem
	CPU      *CPU
	IntC     IntC
	Timer    Timer
	Keyboard Keyboard
	Console  *Console
}

// NewMachine powers on a machine.
func NewMachine(cfg Config) *Machine {
	if cfg.MemBytes == 0 {
		cfg.MemBytes = DefaultMemBytes
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	mem := NewPhysMem(cfg.MemBytes)
	return &Machine{Mem: mem, CPU: NewCPU(mem), Console: NewConsole(cfg.Stdout)}
}

// Release gives the machine's memory back for the next machine to take
// (PhysMem.Release) and empties its CPU's TLB, and the entries it kept
// aside, which point into that memory. The machine must not run afterwards.
func (m *Machine) Release() {
	m.CPU.flushTLB()
	m.CPU.dropKept()
	m.CPU.PT = nil
	m.Mem.Release()
}

// NextEvent returns the cycle of the next device event: the timer's deadline
// or the next keystroke.
func (m *Machine) NextEvent() (uint64, bool) {
	t, ok := m.Timer.Deadline()
	if k, kok := m.Keyboard.Next(); kok && (!ok || k < t) {
		t, ok = k, true
	}
	return t, ok
}

// Tick lets every device whose event is due at the current cycle act: the
// timer raises its line when its deadline has passed, and arriving
// keystrokes raise the keyboard's.
func (m *Machine) Tick() {
	now := m.Clock.Now()
	if t, ok := m.Timer.Deadline(); ok && t <= now {
		m.Timer.Cancel()
		m.IntC.Raise(IRQTimer)
	}
	if m.Keyboard.arrive(now) {
		m.IntC.Raise(IRQKeyboard)
	}
}
