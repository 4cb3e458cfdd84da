package hw

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAgainstQemu runs every computational instruction and every AMO on
// pairs of edge values and compares with what the same instructions gave
// under qemu-riscv64 (cpu_qemu_data_test.go; the generating program used
// "op x3, x1, x2" with li-loaded operands, and for AMOs "op x3, x2, (mem)").
func TestAgainstQemu(t *testing.T) {
	n := len(qemuValues)
	// One machine and a long straight-line program per table keep this fast.
	t.Run("register-register", func(t *testing.T) {
		for _, tc := range qemuRegReg {
			m := newTestMachine(t, encR(tc.op, 3, 1, 2))
			for i, a := range qemuValues {
				for j, b := range qemuValues {
					m.cpu.PC, m.cpu.X[1], m.cpu.X[2] = codeVA, a, b
					m.run(1, 1, Trap{})
					require.Equal(t, tc.want[i*n+j], m.cpu.X[3], "%s %#x, %#x", tc.op, a, b)
				}
			}
		}
	})
	t.Run("register-immediate", func(t *testing.T) {
		for _, tc := range qemuRegImm {
			m := newTestMachine(t, encI(tc.op, 3, 1, tc.imm))
			for i, a := range qemuValues {
				m.cpu.PC, m.cpu.X[1] = codeVA, a
				m.run(1, 1, Trap{})
				require.Equal(t, tc.want[i], m.cpu.X[3], "%s %#x, %d", tc.op, a, tc.imm)
			}
		}
	})
	t.Run("AMO", func(t *testing.T) {
		for _, tc := range qemuAMO {
			m := newTestMachine(t, encAMO(tc.op, tc.wide, 3, 1, 2))
			for i, a := range qemuValues {
				for j, b := range qemuValues {
					m.write64(dataVA, a)
					m.cpu.PC, m.cpu.X[1], m.cpu.X[2] = codeVA, dataVA, b
					m.run(1, 1, Trap{})
					k := 2 * (i*n + j)
					require.Equal(t, tc.want[k], m.cpu.X[3], "%s wide=%v rd, mem %#x, rs2 %#x", tc.op, tc.wide, a, b)
					require.Equal(t, tc.want[k+1], m.read64(dataVA), "%s wide=%v mem, mem %#x, rs2 %#x", tc.op, tc.wide, a, b)
				}
			}
		}
	})
}
