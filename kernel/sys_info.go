package kernel

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysUname: {sysUname, "x", noSleep},
	})
}

// utsname is what uname(2) reports: six fields of 65 bytes.
var utsname = [6]string{
	"Linux",                   // sysname
	"ipcsim",                  // nodename
	"6.1.0-ipcsim",            // release
	"#1 SMP ipcsim simulator", // version
	"riscv64",                 // machine
	"(none)",                  // domainname
}

// uname(2).
func sysUname(c *call) (int64, error) {
	var b [6 * 65]byte
	for i, s := range utsname {
		copy(b[65*i:65*i+64], s)
	}
	if c.t.AS.WriteBytes(c.a[0], b[:]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}
