package kernel

// pipe2(2). The pipe is package pipe; its ends are files (pipe.go).

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysPipe2: {sysPipe2, "pf", noSleep},
	})
}

// pipe2(2): (pipefd, flags).
func sysPipe2(c *call) (int64, error) {
	k := c.t.k
	flags := int(c.a[1])
	if flags&^(abi.O_NONBLOCK|abi.O_CLOEXEC|abi.O_DIRECT) != 0 {
		return 0, abi.EINVAL
	}
	p := k.newPipe()
	p.OpenReader()
	p.OpenWriter()
	ino := newAnonInode(c.t, abi.S_IFIFO|0600)
	rd := newOpenFile(&pipeEnd{k: k, p: p, reads: true, ino: ino}, abi.O_RDONLY|flags&abi.O_NONBLOCK)
	// "O_DIRECT (since Linux 3.4): Create a pipe that performs I/O in
	// "packet" mode": the write end's flag (create_pipe_files), which
	// F_SETFL may set or clear later.
	wr := newOpenFile(&pipeEnd{k: k, p: p, writes: true, packet: flags&abi.O_DIRECT != 0, ino: ino},
		abi.O_WRONLY|flags&(abi.O_NONBLOCK|abi.O_DIRECT))
	return c.installPair(rd, wr, flags&abi.O_CLOEXEC != 0, c.a[0])
}
