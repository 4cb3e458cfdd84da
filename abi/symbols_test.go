package abi

import "testing"

func TestSymbolsUnique(t *testing.T) {
	seen := map[string]int64{}
	for _, s := range Symbols() {
		if v, dup := seen[s.Name]; dup {
			t.Errorf("symbol %s defined twice (%d and %d)", s.Name, v, s.Value)
		}
		seen[s.Name] = s.Value
	}
	for name, want := range map[string]int64{"SYS_write": 64, "SYS_clone": 220, "SYS_wait4": 260, "EAGAIN": 11, "SIGINT": 2, "O_NONBLOCK": 0x800, "SIG_SETMASK": 2, "SIGRTMIN": 32} {
		if seen[name] != want {
			t.Errorf("%s = %d, want %d", name, seen[name], want)
		}
	}
}

func TestNames(t *testing.T) {
	if got := SysMsgget.String(); got != "msgget" {
		t.Errorf("SysMsgget = %q", got)
	}
	for no, want := range map[Sysno]string{999: "syscall_0x3e7", 1 << 63: "syscall_0x8000000000000000", ^Sysno(0): "syscall_0xffffffffffffffff"} {
		if got := no.String(); got != want {
			t.Errorf("%d = %q, want %q", uint64(no), got, want)
		}
	}
	if got := EFAULT.Message(); got != "Bad address" {
		t.Errorf("EFAULT message %q", got)
	}
	if got := Signal(35).String(); got != "SIGRTMIN+3" {
		t.Errorf("35 = %q", got)
	}
	if s, ok := SignalByName("INT"); !ok || s != SIGINT {
		t.Errorf("SignalByName(INT) = %v %v", s, ok)
	}
}
