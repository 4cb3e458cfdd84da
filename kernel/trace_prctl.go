package kernel

import (
	"strconv"

	"ipcsim/abi"
)

// prctl's arguments mean what its option says, and most options take
// fewer than four: so the trace renders them as strace does, the option
// by name and then only the arguments it reads:
//
//	prctl(PR_SET_NAME, "worker") = 0
//	prctl(PR_GET_NAME, "worker") = 0     (the name it returned)
//	prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0
//	prctl(PR_GET_DUMPABLE) = 1
//	prctl(PR_SET_NO_NEW_PRIVS, 0x1, 0, 0, 0) = -1 EINVAL (Invalid argument)
//	prctl(0x1234 /* PR_??? */, 0, 0, 0, 0) = -1 EINVAL (Invalid argument)
//
// An option ipcsim does not implement shows its four other arguments raw.
// Event.Args still holds all five registers (the table's "dxxxx").

// prctlNames are the options the trace knows by name.
var prctlNames = map[uint64]string{
	abi.PR_SET_PDEATHSIG: "PR_SET_PDEATHSIG", abi.PR_GET_PDEATHSIG: "PR_GET_PDEATHSIG",
	abi.PR_GET_DUMPABLE: "PR_GET_DUMPABLE", abi.PR_SET_DUMPABLE: "PR_SET_DUMPABLE",
	abi.PR_GET_KEEPCAPS: "PR_GET_KEEPCAPS", abi.PR_SET_KEEPCAPS: "PR_SET_KEEPCAPS",
	abi.PR_SET_NAME: "PR_SET_NAME", abi.PR_GET_NAME: "PR_GET_NAME",
	abi.PR_GET_SECCOMP: "PR_GET_SECCOMP", abi.PR_SET_SECCOMP: "PR_SET_SECCOMP",
	abi.PR_SET_TIMERSLACK: "PR_SET_TIMERSLACK", abi.PR_GET_TIMERSLACK: "PR_GET_TIMERSLACK",
	abi.PR_SET_CHILD_SUBREAPER: "PR_SET_CHILD_SUBREAPER", abi.PR_GET_CHILD_SUBREAPER: "PR_GET_CHILD_SUBREAPER",
	abi.PR_SET_NO_NEW_PRIVS: "PR_SET_NO_NEW_PRIVS", abi.PR_GET_NO_NEW_PRIVS: "PR_GET_NO_NEW_PRIVS",
	abi.PR_SET_VMA: "PR_SET_VMA",
}

// appendPrctlArgs appends prctl's arguments, decoded by its option, to b;
// done says whether the call has returned ret (PR_GET_NAME's name is shown
// only then).
func appendPrctlArgs(b []byte, c *call, ret int64, done bool) []byte {
	option, arg := c.a[0], c.a[1]
	name, known := prctlNames[option]
	if !known {
		b = appendHex(b, option)
		b = append(b, " /* PR_??? */"...)
	} else {
		b = append(b, name...)
	}
	switch option {
	case abi.PR_GET_DUMPABLE:
		return b // it takes no other argument
	case abi.PR_SET_DUMPABLE:
		b = append(b, ", "...)
		switch arg {
		case abi.SUID_DUMP_DISABLE:
			return append(b, "SUID_DUMP_DISABLE"...)
		case abi.SUID_DUMP_USER:
			return append(b, "SUID_DUMP_USER"...)
		}
		return strconv.AppendUint(b, arg, 10)
	case abi.PR_SET_NAME:
		return appendThreadName(append(b, ", "...), c, arg)
	case abi.PR_GET_NAME:
		b = append(b, ", "...)
		if !done || ret != 0 {
			return appendPointer(b, arg)
		}
		return appendThreadName(b, c, arg)
	}
	for _, v := range c.a[1:5] {
		b = append(append(b, ", "...), rawArg(v)...)
	}
	return b
}

// appendThreadName appends the thread name at va in c's memory, quoted,
// as PR_SET_NAME takes it: at most 15 bytes before the NUL, "..." after
// a longer string (the kernel cuts it there); its address if it cannot be
// read.
func appendThreadName(b []byte, c *call, va uint64) []byte {
	var name [commLen]byte
	n := 0
	for ; n < commLen; n++ {
		if c.t.AS.PeekBytes(va+uint64(n), name[n:n+1]) != nil { // the trace only looks
			if n == 0 {
				return appendPointer(b, va)
			}
			break
		}
		if name[n] == 0 {
			break
		}
	}
	return appendQuoted(b, name[:n], commLen-1)
}
