package kernel

import (
	"ipcsim/abi"
	"ipcsim/sched"
)

// The character devices of /dev: null, zero and tty. Each is a node of
// the name space whose open gives a file of its own kind (openDevice).

// A device is the kind of a character device node.
type device uint8

const (
	devNone device = iota
	devNull        // /dev/null: reads give end of file, writes are swallowed
	devZero        // /dev/zero: reads give zero bytes, writes are swallowed
	devTTY         // /dev/tty: the caller's controlling terminal
)

// devices lists the nodes of /dev with Linux's modes and device numbers
// (Documentation/admin-guide/devices.txt: 1:3 null, 1:5 zero, 5:0 tty).
var devices = []struct {
	name         string
	kind         device
	mode         uint32
	major, minor uint32
}{
	{"null", devNull, 0666, 1, 3},
	{"tty", devTTY, 0666, 5, 0},
	{"zero", devZero, 0666, 1, 5},
}

// rdev returns the device number of a device node (st_rdev), encoded as
// Linux's new_encode_dev.
func (d device) rdev() uint64 {
	for _, e := range devices {
		if e.kind == d {
			return makedev(e.major, e.minor)
		}
	}
	return 0
}

// makedev encodes a device number as the kernel's new_encode_dev does
// (include/linux/kdev_t.h): minor's low byte, the major, minor's rest.
func makedev(major, minor uint32) uint64 {
	return uint64(minor&0xff) | uint64(major)<<8 | uint64(minor&^0xff)<<12
}

// openDevice opens the device node n with flags (the permission check is
// done). "/dev/tty: ... the controlling terminal for the current process"
// - tty(4); a process without one (after setsid(2)) gets ENXIO, as from
// Linux's tty_open_current_tty.
func (c *call) openDevice(n *node, flags int) (int64, error) {
	status := flags&(abi.O_ACCMODE|abi.O_NONBLOCK|abi.O_APPEND) | oLargefile
	if n.dev == devTTY && c.t.SID != c.t.k.tty.sid {
		return 0, abi.ENXIO
	}
	if flags&abi.O_DIRECT != 0 {
		return 0, abi.EINVAL // do_dentry_open: a device file has no direct I/O (FMODE_CAN_ODIRECT)
	}
	switch n.dev {
	case devTTY:
		return c.install(newOpenFile(c.t.k.tty, status), flags)
	case devZero:
		return c.install(newOpenFile(&nullFile{n: n, zero: true}, status), flags)
	}
	return c.install(newOpenFile(&nullFile{n: n}, status), flags)
}

// nullFile is an open /dev/null or /dev/zero (drivers/char/mem.c): a write
// takes every byte and keeps none; a read of /dev/null is at end of file,
// one of /dev/zero fills the buffer with zeros. Both are always ready.
type nullFile struct {
	n    *node
	zero bool // /dev/zero
}

func (d *nullFile) Name() string { return d.n.path() }

func (d *nullFile) Read(_ *call, dst []byte, _ bool) (int, error) {
	if !d.zero {
		return 0, nil
	}
	clear(dst)
	return len(dst), nil
}

func (d *nullFile) Write(_ *call, src []byte, _ bool) (int, error) { return len(src), nil }

func (d *nullFile) Readiness() sched.EventMask {
	return abi.POLLIN | abi.POLLRDNORM | abi.POLLOUT | abi.POLLWRNORM
}
func (d *nullFile) Queue() *sched.WaitQueue { return nil }
func (d *nullFile) Release()                {}
