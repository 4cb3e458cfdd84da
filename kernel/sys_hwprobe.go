package kernel

import (
	"encoding/binary"

	"ipcsim/abi"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysRiscvHwprobe: {sysRiscvHwprobe, "xuuxu", noSleep},
	})
}

// Keys of riscv_hwprobe newer than abi's (Linux 6.10 and later).
const (
	hwprobeKeyHighestVirtAddress   = 7
	hwprobeKeyTimeCSRFreq          = 8
	hwprobeKeyMisalignedScalarPerf = 9
	hwprobeWhichCPUs               = 1 // flags: RISCV_HWPROBE_WHICH_CPUS
)

// riscv_hwprobe(2): (pairs, pair_count, cpusetsize, cpus, flags). For each
// struct riscv_hwprobe {s64 key; u64 value} the kernel fills in the value
// that holds on every CPU of the set (NULL and 0: all online CPUs; the
// machine has one, CPU 0), or sets the key to -1 if it does not know it
// (arch/riscv/kernel/sys_hwprobe.c). glibc asks it at startup to choose
// its string functions.
func sysRiscvHwprobe(c *call) (int64, error) {
	t := c.t
	pairs, count, setsize, cpus, flags := c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]
	switch flags {
	case 0:
	case hwprobeWhichCPUs:
		return 0, c.notImplemented("RISCV_HWPROBE_WHICH_CPUS")
	default:
		return 0, abi.EINVAL
	}
	if setsize != 0 || cpus != 0 {
		// "Userspace must provide at least one online CPU": CPU 0.
		var b [1]byte
		if setsize == 0 {
			return 0, abi.EINVAL
		}
		if t.AS.ReadBytes(cpus, b[:]) != nil {
			return 0, abi.EFAULT
		}
		if b[0]&1 == 0 {
			return 0, abi.EINVAL
		}
	}
	for i := uint64(0); i < count; i++ {
		va := pairs + 16*i
		var b [16]byte
		if t.AS.ReadBytes(va, b[:8]) != nil {
			return 0, abi.EFAULT
		}
		key, value := hwprobe(int64(binary.LittleEndian.Uint64(b[:8])))
		binary.LittleEndian.PutUint64(b[0:], uint64(key))
		binary.LittleEndian.PutUint64(b[8:], value)
		if t.AS.WriteBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
	}
	return 0, nil
}

// hwprobe answers one key for ipcsim's hart: the key and its value, or -1
// and 0 for a key it does not know.
func hwprobe(key int64) (int64, uint64) {
	switch key {
	case abi.RISCV_HWPROBE_KEY_MVENDORID, abi.RISCV_HWPROBE_KEY_MARCHID, abi.RISCV_HWPROBE_KEY_MIMPID:
		return key, 0 // no vendor, architecture or implementation id (as qemu's virt CPU)
	case abi.RISCV_HWPROBE_KEY_BASE_BEHAVIOR:
		// "The user-mode ABI ... rv64ima or rv32ima" with Zicsr, Zifencei.
		return key, abi.RISCV_HWPROBE_BASE_BEHAVIOR_IMA
	case abi.RISCV_HWPROBE_KEY_IMA_EXT_0:
		var v uint64
		if hwcap&(1<<('f'-'a')) != 0 && hwcap&(1<<('d'-'a')) != 0 {
			v |= abi.RISCV_HWPROBE_IMA_FD
		}
		if hwcap&(1<<('c'-'a')) != 0 {
			v |= abi.RISCV_HWPROBE_IMA_C
		}
		return key, v
	case abi.RISCV_HWPROBE_KEY_CPUPERF_0, hwprobeKeyMisalignedScalarPerf:
		// Misaligned loads and stores take one cycle, as aligned ones do.
		return key, abi.RISCV_HWPROBE_MISALIGNED_FAST
	case abi.RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE:
		return key, 0 // no Zicboz
	case hwprobeKeyHighestVirtAddress:
		return key, proc.UserLimit - 1
	case hwprobeKeyTimeCSRFreq:
		return key, CyclesPerSecond // rdtime counts cycles of the virtual clock
	}
	return -1, 0
}
