package kernel

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysPrctl: {sysPrctl, "dxxxx", noSleep}, // traced by its option (trace_prctl.go)
	})
}

// commLen is TASK_COMM_LEN: the name with its NUL.
const commLen = 16

// prctl(2): (option, arg2, arg3, arg4, arg5). The options ipcsim knows:
//
//   - PR_SET_NAME: "Set the name of the calling thread, using the value in
//     the location pointed to by (char *) arg2. The name can be up to 16
//     bytes long, including the terminating null byte. (If the length of
//     the string, including the terminating null byte, exceeds 16 bytes,
//     the string is silently truncated.)" The first thread's name is the
//     process's: the trace, inspect and the exit list name the process by
//     it from then on. Another thread's names that thread (inspect's
//     threads, the deadlock verdict).
//   - PR_GET_NAME: "Return the name of the calling thread, in the buffer
//     pointed to by (char *) arg2. The buffer should allow space for up to
//     16 bytes; the returned string will be null-terminated."
//   - PR_SET_DUMPABLE (0 or 1, else EINVAL) and PR_GET_DUMPABLE. No core
//     file is ever written, so it changes nothing else.
//
// Any other option is EINVAL, as Linux answers an option it does not
// know.
func sysPrctl(c *call) (int64, error) {
	t := c.t
	switch c.a[0] {
	case abi.PR_SET_NAME:
		var b [commLen]byte
		// strncpy_from_user of sizeof(comm)-1 bytes: a name that runs
		// into an unreadable page is EFAULT only if no NUL came first.
		n := 0
		for ; n < commLen-1; n++ {
			if t.AS.ReadBytes(c.a[1]+uint64(n), b[n:n+1]) != nil {
				return 0, abi.EFAULT
			}
			if b[n] == 0 {
				break
			}
		}
		t.setThreadName(string(b[:n]))
		return 0, nil
	case abi.PR_GET_NAME:
		var b [commLen]byte
		copy(b[:commLen-1], t.threadName())
		if t.AS.WriteBytes(c.a[1], b[:]) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	case abi.PR_SET_DUMPABLE:
		if c.a[1] > 1 {
			return 0, abi.EINVAL
		}
		t.NotDumpable = c.a[1] == 0
		return 0, nil
	case abi.PR_GET_DUMPABLE:
		if t.NotDumpable {
			return 0, nil
		}
		return 1, nil
	}
	return 0, abi.EINVAL
}
