package kernel

import (
	"encoding/binary"

	"ipcsim/hw"
	"ipcsim/proc"
	"ipcsim/sched"
)

// initCode is the program of init, pid 1, as RISC-V machine code. Like a
// real init it does one thing forever: wait for any child and reap it, so
// that orphans handed to it do not stay zombies.
//
//	loop: li   a0, -1        # pid: any child
//	      li   a1, 0         # wstatus: NULL
//	      li   a2, 0         # options
//	      li   a3, 0         # rusage: NULL
//	      li   a7, 260       # SYS_wait4
//	      ecall
//	      j    loop
var initCode = []uint32{
	0xfff00513, // addi a0, zero, -1
	0x00000593, // addi a1, zero, 0
	0x00000613, // addi a2, zero, 0
	0x00000693, // addi a3, zero, 0
	0x10400893, // addi a7, zero, 260
	0x00000073, // ecall
	0xfe9ff06f, // jal  zero, -24
}

// initBase is where init's code is mapped (the usual start of .text).
const initBase = 0x10000

// bootInit creates pid 1.
func (k *Kernel) bootInit() *Task {
	t, _ := k.newTask(nil)
	t.Name = "init"
	t.PGID, t.SID = t.PID, t.PID
	t.AS = proc.NewAddressSpace(k.mem)
	t.Files = k.stdFiles()
	code := make([]byte, 4*len(initCode))
	for i, w := range initCode {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	must(t.AS.Map(&proc.VMA{Start: initBase, End: initBase + hw.PageSize, Prot: hw.PTERead | hw.PTEExec, Name: "init"}))
	must(t.AS.Fill(initBase, code))
	must(t.AS.MapStack(proc.StackTop))
	t.Regs.PC = initBase
	t.Regs.X[2] = proc.StackTop
	if k.tracing {
		k.emitEvent(t, &Event{Kind: "spawn", Name: t.Name, Text: "init starts: it reaps every child, orphans included"})
	}
	k.makeRunnable(t, sched.WhyNew)
	return t
}

// must panics on a failure that only a kernel bug can cause (init needs
// two pages of a machine that has thousands).
func must(err error) {
	if err != nil {
		panic("kernel: booting init: " + err.Error())
	}
}
