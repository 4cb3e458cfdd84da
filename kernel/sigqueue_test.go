package kernel

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// TestSigqueueinfo: rt_sigqueueinfo and rt_tgsigqueueinfo send the
// caller's own siginfo, whose value sigtimedwait then hands back; a code
// of 0 or more is only for the caller itself (EPERM), and the thread
// variant checks its ids (EINVAL) and the thread's group (ESRCH).
func TestSigqueueinfo(t *testing.T) {
	st := newSockTester(t)
	user, other := st.tasks["user"], st.tasks["other"]
	mask, info, got, zero := st.mem("user", 0), st.mem("user", 64), st.mem("user", 256), st.mem("user", 512)
	le := binary.LittleEndian
	st.write("user", mask, le.AppendUint64(nil, 1<<(abi.SIGUSR1-1)))
	st.ok("user", abi.SysRtSigprocmask, abi.SIG_BLOCK, mask, 0, 8) // the signal stays pending
	st.write("user", zero, make([]byte, 16))
	siginfo := func(code int32, value uint64) {
		b := make([]byte, siginfoBytes)
		le.PutUint32(b[8:], uint32(code))
		le.PutUint32(b[16:], uint32(user.PID))
		le.PutUint32(b[20:], 1000)
		le.PutUint64(b[24:], value)
		st.write("user", info, b)
	}
	wait := func() (sig int64, code int32, value uint64) {
		sig = st.ok("user", abi.SysRtSigtimedwait, mask, got, zero, 8)
		b := st.read("user", got, 32)
		return sig, int32(le.Uint32(b[8:])), le.Uint64(b[24:])
	}
	usr1, pid, tid := uint64(abi.SIGUSR1), uint64(user.PID), uint64(user.TID)

	siginfo(abi.SI_QUEUE, 0x1234)
	st.ok("user", abi.SysRtSigqueueinfo, pid, usr1, info)
	sig, code, value := wait()
	require.Equal(t, []any{int64(abi.SIGUSR1), int32(abi.SI_QUEUE), uint64(0x1234)}, []any{sig, code, value})

	siginfo(abi.SI_QUEUE, 0x5678)
	st.ok("user", abi.SysRtTgsigqueueinfo, pid, tid, usr1, info)
	sig, code, value = wait()
	require.Equal(t, []any{int64(abi.SIGUSR1), int32(abi.SI_QUEUE), uint64(0x5678)}, []any{sig, code, value})

	st.fails(abi.EINVAL, "user", abi.SysRtTgsigqueueinfo, 0, tid, usr1, info)
	st.fails(abi.EINVAL, "user", abi.SysRtTgsigqueueinfo, pid, 0, usr1, info)
	st.fails(abi.ESRCH, "user", abi.SysRtTgsigqueueinfo, uint64(other.PID), tid, usr1, info)
	st.fails(abi.EFAULT, "user", abi.SysRtSigqueueinfo, pid, usr1, 8)
	siginfo(abi.SI_USER, 0) // kill's code: to itself only
	st.ok("user", abi.SysRtSigqueueinfo, pid, usr1, info)
	st.fails(abi.EPERM, "user", abi.SysRtSigqueueinfo, uint64(other.PID), usr1, info)
	st.fails(abi.EPERM, "user", abi.SysRtTgsigqueueinfo, uint64(other.PID), uint64(other.TID), usr1, info)
}
