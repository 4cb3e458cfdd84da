package kernel

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// tinyELF wraps RV64 instruction words and data (placed at dataOff bytes
// after the first instruction) in a static ELF whose one PT_LOAD (R+X)
// holds the headers, the code and the data; the entry is the first word.
func tinyELF(code []uint32, dataOff int, data []byte) []byte {
	const base, hdrs = 0x10000, 64 + 56
	var body bytes.Buffer
	for _, w := range code {
		binary.Write(&body, binary.LittleEndian, w)
	}
	body.Write(make([]byte, dataOff-body.Len()))
	body.Write(data)
	var b bytes.Buffer
	var id [16]byte
	copy(id[:], elf.ELFMAG)
	id[elf.EI_CLASS], id[elf.EI_DATA], id[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	size := uint64(hdrs + body.Len())
	binary.Write(&b, binary.LittleEndian, elf.Header64{
		Ident: id, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_RISCV), Version: uint32(elf.EV_CURRENT),
		Entry: base + hdrs, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1,
	})
	binary.Write(&b, binary.LittleEndian, elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X),
		Vaddr: base, Paddr: base, Filesz: size, Memsz: size, Align: 0x1000})
	b.Write(body.Bytes())
	return b.Bytes()
}

// addi encodes "addi rd, rs1, imm".
func addi(rd, rs1 uint32, imm int32) uint32 { return uint32(imm)<<20 | rs1<<15 | rd<<7 | 0x13 }

// TestLongestNanosleepsSaturateTheClock: three nanosleeps of the longest
// span the clock can count add up to more than 2^64 cycles; the virtual
// clock stops at its last cycle instead of wrapping to a small number.
func TestLongestNanosleepsSaturateTheClock(t *testing.T) {
	const (
		s0, a0, a1, a7 = 8, 10, 11, 17
		ecall          = 0x00000073
		tsOff          = 128 // the timespec, after the code
	)
	code := []uint32{0x00000417, addi(s0, s0, tsOff)} // auipc s0, 0; addi s0, s0, tsOff
	for range 3 {
		code = append(code, addi(a0, s0, 0), addi(a1, 0, 0), addi(a7, 0, int32(abi.SysNanosleep)), ecall)
	}
	code = append(code, addi(a0, 0, 7), addi(a7, 0, int32(abi.SysExit)), ecall)
	// The longest sleep timespec.cycles accepts: tv_sec = MaxInt64/1e9 - 1.
	var ts [16]byte
	binary.LittleEndian.PutUint64(ts[0:], math.MaxInt64/CyclesPerSecond-1)
	binary.LittleEndian.PutUint64(ts[8:], 999_999_999)
	elfFile := tinyELF(code, tsOff, ts[:])

	k := New(Config{Files: []File{{Path: "/sleeper", Data: elfFile, Mode: 0755}}})
	_, err := k.Spawn("sleeper", []string{"sleeper"}, nil)
	require.NoError(t, err)
	res := k.Run()
	require.Equal(t, StopAllExited, res.Reason, "blocked: %v", res.Blocked)
	var exit *Exit
	for i := range res.Exits {
		if res.Exits[i].PID == 2 {
			exit = &res.Exits[i]
		}
	}
	require.NotNil(t, exit, "exits: %v", res.Exits)
	require.Equal(t, 7<<8, exit.Status, "the sleeper exits normally with status 7")
	require.Equal(t, uint64(math.MaxUint64), exit.Cycle, "the clock saturates")
	require.Equal(t, uint64(math.MaxUint64), k.Now())
}
