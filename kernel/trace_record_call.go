package kernel

import "ipcsim/abi"

// RecordSyscall: any system call that returned, as a Record (and
// RecordSyscallBlock: one that blocks, with what it waits for).
//
// The other shapes of Record are a pipe's or a socket's read and write,
// each with a sentence of its own. A RecordSyscall is every other call
// whose sentence the trace makes from the call's arguments, its result and
// a few bytes of the caller's memory: kill(2, SIGUSR1) = 0, msgsnd(0,
// {mtype=1, mtext="ping"}, 4, 0) = 0, rt_sigsuspend(0x3fffffe5d8, 8) = -1
// EINTR (Interrupted system call). The Record takes the arguments, the
// result and the bytes of memory the sentence shows (Mem, Buf) when the
// call returns; the sentence is made later, maybe on another core, by the
// very decoders that make it now (appendCall), reading the Record's bytes
// instead of the process's memory (recordMemory). So there is still one
// rendering of each call, and TestRecordsMakeTheSameEvents holds the two
// ways to the same bytes.
//
// A call is one if its task's events may be Records (recordable), every
// letter of its row in the table is one whose decoder reads nothing but
// the call's arguments (recordLetters) or memory it can name in advance
// (recordMemLetters), and its Event has no field but those a
// RecordSyscall fills: Syscall, Args, Ret, Errno, Signal, and a message
// queue's Obj and Msg. Reads and writes (Obj, Via), socket sends and
// receives (Via), prctl (whose arguments depend on its option), ppoll and
// pselect6 (which show what they found after the result) go as Events.

// recordLetters are the letters of the system call table whose decoders
// render the argument from the call's arguments alone (trace_format.go,
// trace_ipc.go, socket.go).
const recordLetters = "duxl@kSHXWCPMfamRDoEOjqnFIKQig#AbyBczh"

// recordMemLetters are the letters whose decoders read memory a Record
// can take beforehand (recordRegion).
const recordMemLetters = "wr<>T*"

// recordArgs is how many arguments a Record holds: A, More and A6.
const recordArgs = len(RecordHead{}.A) + len(RecordTail{}.More) + 1

// letterClass tells, for each letter, whether a Record can show it: 1
// from the arguments alone, 2 from memory taken beforehand, 0 not at all.
var letterClass = func() (c [256]uint8) {
	for _, l := range []byte(recordLetters) {
		c[l] = 1
	}
	for _, l := range []byte(recordMemLetters) {
		c[l] = 2
	}
	return c
}()

// notRecordSyscall are the calls whose Events have more than a
// RecordSyscall holds, or whose sentence has more than the call.
func notRecordSyscall(no abi.Sysno) bool {
	switch no {
	case abi.SysRead, abi.SysWrite, abi.SysReadv, abi.SysWritev,
		abi.SysSendto, abi.SysSendmsg, abi.SysRecvfrom, abi.SysRecvmsg,
		abi.SysPrctl, abi.SysPpoll, abi.SysPselect6:
		return true
	}
	return false
}

// recordSyscall traces c's return with ret as a RecordSyscall, if it is
// one (see above).
func (k *Kernel) recordSyscall(c *call, ret int64) bool {
	if notRecordSyscall(c.no) || c.inject != nil {
		return false
	}
	var buf [recordBytes]byte
	r, used := k.recordArgs(c, ret, true, &buf)
	if r == nil {
		return false
	}
	r.Kind, r.Ret = RecordSyscall, ret
	if k.moved.msg != 0 && ret >= 0 { // as traceMoved
		switch c.no {
		case abi.SysMsgsnd, abi.SysMsgrcv, abi.SysMqTimedsend, abi.SysMqTimedreceive:
			obj := k.movedQueue(c.t, c)
			if used+len(obj) > len(buf) {
				return false
			}
			r.Msg, r.Name = k.moved.msg, uint8(copy(buf[used:], obj))
			used += len(obj)
		}
	}
	k.emitArgs(r, buf[:used])
	k.moved = moved{}
	return true
}

// recordSyscallBlock traces c's going to sleep on blk as a
// RecordSyscallBlock, if it is one: a call whose arguments a Record can
// show, but a read or a write (whose Event names what it reads, or
// RecordBlock's), with room for what it waits for, or a FUTEX_WAIT
// (WhyFutex).
func (k *Kernel) recordSyscallBlock(c *call, blk *blockError) bool {
	if c.no == abi.SysRead || c.no == abi.SysWrite || c.no == abi.SysPrctl {
		return false
	}
	var buf [recordBytes]byte
	r, used := k.recordArgs(c, 0, false, &buf)
	if r == nil {
		return false
	}
	r.Kind = RecordSyscallBlock
	if _, ok := blk.rec.(*futexWaiter); ok && c.no == abi.SysFutex {
		// futexBlock's reason, from the word's address and the value
		// expected (futexWait's uaddr and val): longer than the bytes.
		r.Name = WhyFutex
		k.emitArgs(r, buf[:used])
		k.moved = moved{}
		return true
	}
	why := k.blockWhy(blk)
	if len(why) > len(buf)-used {
		return false // too long for a Record
	}
	r.Name = uint8(copy(buf[used:], why))
	k.emitArgs(r, buf[:used+len(why)])
	k.moved = moved{} // noted by a try that did not finish
	return true
}

// blockWhy returns what blk waits for, in words, in the kernel's scratch
// space (k.text), valid until the next event: not in a buffer of the
// caller's, which a function value's append would move to the heap.
func (k *Kernel) blockWhy(blk *blockError) []byte {
	k.text = blk.appendText(k.text[:0])
	return k.text
}

// recordArgs starts the kernel's Record of call c, which returned ret
// (done) or is going to sleep: its process, its call, its arguments, and
// in buf the memory its sentence shows, used bytes of it. It returns nil
// if the call cannot be a Record: a named thread's (recordable), shown at
// entry, or of a letter a Record cannot show.
func (k *Kernel) recordArgs(c *call, ret int64, done bool, buf *[recordBytes]byte) (r *Record, used int) {
	t := c.t
	if c.entryArgs != "" || !k.recordable(t) || c.no >= abi.Sysno(len(syscalls)) {
		return nil, 0
	}
	letters := syscalls[c.no].args
	if syscalls[c.no].fn == nil || len(letters) > recordArgs {
		return nil, 0
	}
	r = k.record()
	r.Sysno = uint16(c.no)
	r.setTask(t)
	for i := range len(letters) { // the others are whatever the registers held
		r.setArg(i, c.a[i])
	}
	regions := 0
	for i := range len(letters) {
		switch letterClass[letters[i]] {
		case 0:
			return nil, 0
		case 2:
			off, n, ok := recordRegion(c, i, letters[i], ret, done)
			if !ok {
				return nil, 0
			}
			if n == 0 {
				continue // the decoder reads nothing: it shows the address or NULL
			}
			if regions == len(r.Mem) || used+int(n) > len(buf) {
				return nil, 0
			}
			if t.AS.PeekBytes(c.a[i]+uint64(off), buf[used:used+int(n)]) != nil {
				continue // the decoder will not read it either: the address
			}
			r.Mem[regions] = MemRegion{Arg: uint8(i), Off: off, Len: n}
			used += int(n)
			regions++
		}
	}
	return r, used
}

// emitArgs puts b in r's bytes and gives r on: a Record of recordArgs.
func (k *Kernel) emitArgs(r *Record, b []byte) {
	r.setBytes(0, b)
	if r.RecordTail != (RecordTail{}) {
		r.N = 1 // HasTail
	}
	k.emitRecord(r)
}

// recordRegion returns the memory the decoder of letter l, argument i of
// c, reads once c has returned ret (done), or as it goes to sleep: n
// bytes at the argument plus off; n 0 if it reads none. ok is false if
// the Record cannot hold them.
func recordRegion(c *call, i int, l byte, ret int64, done bool) (off, n uint8, ok bool) {
	v := c.a[i]
	if !done && (l == 'r' || l == '>' || l == '*') {
		return 0, 0, true // what the call writes: its address until it returns
	}
	size := func(m uint64) uint64 { return min(m, traceBytes+1) } // appendBuffer's and formatMsgbuf's
	var m uint64
	switch l {
	case 'w': // appendBuffer: the bytes written, the length the next argument
		if i+1 >= recordArgs {
			return 0, 0, false
		}
		m = size(c.a[i+1])
	case 'r': // the bytes a read returned
		if ret > 0 {
			m = size(uint64(ret))
		}
	case '<', '>': // formatMsgbuf: mtype, then the text
		n := c.a[i+1]
		if l == '>' {
			if ret < 0 {
				return 0, 0, true
			}
			n = uint64(ret)
		} else if i+1 >= recordArgs {
			return 0, 0, false
		}
		if v != 0 {
			m = 8 + size(n)
		}
	case 'T': // readTimespec; at NULL it fails, as page 0 is never mapped (the loader and mmap keep below 4096 free)
		if v != 0 {
			m = 16
		}
	case '*': // an unsigned int written
		if ret >= 0 && v != 0 {
			m = 4
		}
	}
	if m > uint64(recordBytes) {
		return 0, 0, false
	}
	return 0, uint8(m), true
}

// recordMemory is the memory a RecordSyscall took, read as the trace reads
// a process's memory (userMemory): a read inside a region it took gets
// the bytes it had then; any other fails, as a read the trace could not
// make does.
type recordMemory struct{ r *Record }

func (m recordMemory) ReadBytes(va uint64, dst []byte) error {
	if len(dst) == 0 {
		return nil // as a process's memory: nothing to read cannot fail
	}
	at := 0
	for _, reg := range m.r.Mem {
		start := m.r.arg(int(reg.Arg)) + uint64(reg.Off)
		if reg.Len > 0 && va >= start && va-start <= uint64(reg.Len) && uint64(len(dst)) <= uint64(reg.Len)-(va-start) {
			b := m.r.bytes()
			if at+int(va-start)+len(dst) > len(b) {
				break // not a Record the kernel made
			}
			copy(dst, b[at+int(va-start):])
			return nil
		}
		at += int(reg.Len)
	}
	return abi.EFAULT
}

func (m recordMemory) ReadString(uint64, int) (string, bool, error) {
	return "", false, abi.EFAULT // no letter of recordMemLetters reads a string
}

// name returns the bytes of a RecordSyscall's Obj, or what a
// RecordSyscallBlock waits for, after its regions, in buf.
func (r *Record) name(buf *[recordBytes]byte) []byte {
	at := 0
	for _, reg := range r.Mem {
		at += int(reg.Len)
	}
	*buf = r.bytes()
	return buf[min(at, len(buf)):min(at+int(r.Name), len(buf))]
}

// appendSyscall appends a RecordSyscall's or RecordSyscallBlock's
// sentence to b, made by appendCall or appendBlocked from the Record's
// arguments and memory; c is scratch space.
func (r *Record) appendSyscall(b []byte, c *call) []byte {
	*c = call{no: abi.Sysno(r.Sysno), shown: r}
	for i := range recordArgs {
		c.a[i] = r.arg(i)
	}
	var k *Kernel // the decoders of recordLetters use no kernel
	if r.Kind == RecordSyscallBlock {
		b = append(k.appendBlocked(b, c), " blocks: "...)
		if r.Name == WhyFutex {
			return appendFutexWhy(b, r.A[0], uint32(r.A[2]))
		}
		var buf [recordBytes]byte
		return append(b, r.name(&buf)...)
	}
	b = k.appendCall(b, c, r.Ret)
	return appendRet(append(b, " = "...), r.Ret)
}
