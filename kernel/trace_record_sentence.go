package kernel

import (
	"strconv"

	"ipcsim/abi"
	"ipcsim/proc"
)

// The kernel's own sentences of a message-queue or signal ping-pong, as
// Records: a send that hands its message to a waiting receiver, a signal
// made pending, a handler's frame, and the return from it. Each sentence
// has one append function, which the general path (an Event) and the
// Record's line both use; the Record holds the numbers and, in its bytes
// (N of them), the one string the sentence quotes: a queue's name, or
// why the signal came.

// appendHand appends the sentence of a send (msgsnd or mq_timedsend)
// that hands its message to a receiver waiting in its queue (queue its
// name: "q#0", or a POSIX queue's name without its slash): `msgsnd(q#0)
// hands the message (type 1, 8 bytes) to pid 3, waiting in msgrcv`.
func appendHand(b []byte, no abi.Sysno, queue []byte, typ, size int64, pid int32) []byte {
	what, recv := " (type ", "msgrcv"
	b = append(append(b, no.String()...), '(')
	if no == abi.SysMqTimedsend {
		what, recv = " (priority ", "mq_timedreceive"
		b = append(b, '/')
	}
	b = append(append(b, queue...), ") hands the message"...)
	b = strconv.AppendInt(append(b, what...), typ, 10)
	b = strconv.AppendInt(append(b, ", "...), size, 10)
	b = strconv.AppendInt(append(b, " bytes) to pid "...), int64(pid), 10)
	return append(append(b, ", waiting in "...), recv...)
}

// traceHand traces t's send as appendHand says, as a RecordHand if it
// can be one.
func (k *Kernel) traceHand(t *Task, no abi.Sysno, queue string, typ, size int64, pid int) {
	if len(queue) <= recordBytes && k.recordable(t) && recordNumber(pid) {
		r := k.record()
		r.Kind, r.Sysno, r.Ret, r.A[0], r.Other = RecordHand, uint16(no), typ, uint64(size), int32(pid)
		r.setTask(t)
		k.emitBytes(r, queue)
		return
	}
	k.text = appendHand(k.text[:0], no, []byte(queue), typ, size, int32(pid))
	k.emit(t, "ipc", k.textOf(k.text))
}

// appendPending appends the sentence of a signal made pending: `SIGUSR1
// (kill from pid 2): pending`, `..., blocked` if blocked.
func appendPending(b []byte, sig abi.Signal, why []byte, blocked bool) []byte {
	b = append(append(append(append(b, sig.String()...), " ("...), why...), "): pending"...)
	if blocked {
		b = append(b, ", blocked"...)
	}
	return b
}

// tracePending traces sig made pending for t, as appendPending says, and
// for which thread of its process if another than t takes it (taker, nil
// if none): as a RecordPending if it can be one.
func (k *Kernel) tracePending(t *Task, sig abi.Signal, info proc.SigInfo, why string, blocked bool, taker *Task) {
	other := 0 // the sender, as emitSignal names it
	if info.PID != 0 && info.PID != t.PID {
		other = info.PID
	}
	if taker == nil && len(why) <= recordBytes && k.recordable(t) && (other == 0 || recordNumber(other)) {
		r := k.record()
		r.Kind, r.Obj, r.Other = RecordPending, int32(sig), int32(other)
		r.setTask(t)
		if blocked {
			r.Ret = 1
		}
		k.emitBytes(r, why)
		return
	}
	k.text = appendPending(k.text[:0], sig, []byte(why), blocked)
	if taker != nil {
		k.text = append(taker.appendWho(append(k.text, " (for "...)), ", which does not block it)"...)
	}
	k.emitSignal(t, sig, info, k.textOf(k.text))
}

// appendDeliver appends the sentence of a handler's frame: `SIGUSR1
// delivered: handler at 0x1037c runs with mask SIGUSR1 (the frame at
// 0x3fffffe100 saves mask SIGUSR1)`.
func appendDeliver(b []byte, sig abi.Signal, handler uint64, mask abi.SigSet, frame uint64, saved abi.SigSet) []byte {
	b = appendHex(append(append(b, sig.String()...), " delivered: handler at "...), handler)
	b = appendSigSetOrNone(append(b, " runs with mask "...), mask)
	b = appendHex(append(b, " (the frame at "...), frame)
	return append(appendSigSetOrNone(append(b, " saves mask "...), saved), ')')
}

// traceDeliver traces the frame of t's handler, as appendDeliver says,
// as a RecordDeliver if it can be one.
func (k *Kernel) traceDeliver(t *Task, sig abi.Signal, handler uint64, mask abi.SigSet, frame uint64, saved abi.SigSet) {
	if k.recordable(t) {
		r := k.record()
		r.Kind, r.Obj = RecordDeliver, int32(sig)
		r.setTask(t)
		r.A, r.Ret = [3]uint64{handler, uint64(mask), frame}, int64(saved)
		k.emitRecord(r)
		return
	}
	k.text = appendDeliver(k.text[:0], sig, handler, mask, frame, saved)
	k.emit(t, "signal", k.textOf(k.text))
}

// appendSigreturn appends the sentence of rt_sigreturn: `rt_sigreturn()
// back to pc 0x1304c, mask SIGUSR1`.
func appendSigreturn(b []byte, pc uint64, mask abi.SigSet) []byte {
	b = appendHex(append(b, "rt_sigreturn() back to pc "...), pc)
	return appendSigSetOrNone(append(b, ", mask "...), mask)
}

// traceSigreturn traces t's rt_sigreturn, as appendSigreturn says, as a
// RecordSigreturn if it can be one.
func (k *Kernel) traceSigreturn(t *Task, pc uint64, mask abi.SigSet) {
	if k.recordable(t) {
		r := k.record()
		r.Kind, r.Sysno, r.A[0], r.A[1] = RecordSigreturn, uint16(abi.SysRtSigreturn), pc, uint64(mask)
		r.setTask(t)
		k.emitRecord(r)
		return
	}
	k.text = appendSigreturn(k.text[:0], pc, mask)
	k.emitEvent(t, &Event{Kind: "syscall", Syscall: "rt_sigreturn", Text: k.textOf(k.text)})
}

// appendSigSetOrNone appends the names of set's signals, "none" if it is
// empty.
func appendSigSetOrNone(b []byte, set abi.SigSet) []byte {
	if set == 0 {
		return append(b, "none"...)
	}
	return appendSigSet(b, set)
}

// emitBytes puts s in r's bytes, N of them, and gives r on.
func (k *Kernel) emitBytes(r *Record, s string) {
	var b [recordBytes]byte
	r.N = uint8(copy(b[:], s))
	r.setBytes(0, b[:r.N])
	k.emitRecord(r)
}

// appendSentence appends the sentence of a Record of this file's kinds,
// or of a RecordWake.
func (r *Record) appendSentence(b []byte) []byte {
	var buf [recordBytes]byte
	text := r.text(&buf)
	switch r.Kind {
	case RecordHand:
		return appendHand(b, abi.Sysno(r.Sysno), text, r.Ret, int64(r.A[0]), r.Other)
	case RecordPending:
		return appendPending(b, abi.Signal(r.Obj), text, r.Ret != 0)
	case RecordDeliver:
		return appendDeliver(b, abi.Signal(r.Obj), r.A[0], abi.SigSet(r.A[1]), r.A[2], abi.SigSet(r.Ret))
	case RecordSigreturn:
		return appendSigreturn(b, r.A[0], abi.SigSet(r.A[1]))
	}
	return b
}

// interruptedBy is why a signal wakes a sleeping task: "interrupted by
// SIGUSR1", made once for each signal.
func interruptedBy(sig abi.Signal) string {
	if sig < 1 || int(sig) >= len(interruptedWhy) {
		return "interrupted by " + sig.String()
	}
	return interruptedWhy[sig]
}

var interruptedWhy = func() (why [abi.NSIG + 1]string) {
	for sig := range why {
		why[sig] = "interrupted by " + abi.Signal(sig).String()
	}
	return why
}()
