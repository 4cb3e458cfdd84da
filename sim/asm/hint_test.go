package asm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMissingCallHints: the calls riscv64 lacks name what to use
// instead, and GNU as's macros are reported as unsupported.
func TestMissingCallHints(t *testing.T) {
	src := "_start: li a7, SYS_fork\n  la a0, SYS_pipe\n  .macro m\n"
	_, err := Assemble("prog.s", []byte(src), Options{})
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, `prog.s:1:16: expected a constant, found "SYS_fork", which is not defined before this line: riscv64 has no fork; use SYS_clone with a0 = SIGCHLD (17)`)
	require.Contains(t, msg, `undefined symbol "SYS_pipe": riscv64 has no pipe; use SYS_pipe2`)
	require.Contains(t, msg, "prog.s:3:3: .macro is not supported: as the GNU as manual offers (Preprocessing), run the file through the C preprocessor")
}
