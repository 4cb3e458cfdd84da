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
	k, t := c.t.k, c.t
	flags := int(c.a[1])
	if flags&^(abi.O_NONBLOCK|abi.O_CLOEXEC) != 0 {
		// O_DIRECT (packet mode) and anything else are not supported.
		return 0, abi.EINVAL
	}
	p := k.newPipe()
	p.OpenReader()
	p.OpenWriter()
	rd := newOpenFile(&pipeEnd{k: k, p: p, reads: true}, abi.O_RDONLY|flags&abi.O_NONBLOCK)
	wr := newOpenFile(&pipeEnd{k: k, p: p, writes: true}, abi.O_WRONLY|flags&abi.O_NONBLOCK)
	cloexec := flags&abi.O_CLOEXEC != 0
	r, ok := t.Files.Install(rd, 0, cloexec)
	if !ok {
		rd.discard()
		wr.discard()
		return 0, abi.EMFILE
	}
	w, ok := t.Files.Install(wr, 0, cloexec)
	if !ok {
		t.Files.Close(r)
		wr.discard()
		return 0, abi.EMFILE
	}
	var b [8]byte
	putInt32(b[0:], int32(r))
	putInt32(b[4:], int32(w))
	if t.AS.WriteBytes(c.a[0], b[:]) != nil {
		t.Files.Close(r)
		t.Files.Close(w)
		return 0, abi.EFAULT
	}
	return 0, nil
}
