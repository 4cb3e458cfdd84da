package tcp

// SetKeepaliveTimes changes the keepalive settings of a connection that
// may already be open (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT; 0 leaves
// a setting as it is). As Linux's tcp_sock_set_keepidle does, a new idle
// time re-arms a running keepalive timer: the first probe goes idle after
// the last segment received, or at once if that time has passed.
func (c *Conn) SetKeepaliveTimes(idle, intvl uint64, cnt int) {
	if intvl != 0 {
		c.cfg.KeepIntvl = intvl
	}
	if cnt != 0 {
		c.cfg.KeepCnt = cnt
	}
	if idle == 0 {
		return
	}
	c.cfg.KeepIdle = idle
	if c.cfg.KeepAlive && c.state.synchronized() && c.state != TimeWait && c.probes == 0 {
		c.setTimer(KeepaliveTimer, max(c.env.Now(), c.lastRecv+idle))
	}
}

// SetMSS sets the largest segment the connection sends and the MSS option
// it advertises, before it opens (the route's MTU less the headers: 1460
// on Ethernet, 65495 on Linux's loopback). After the handshake it
// changes nothing.
func (c *Conn) SetMSS(mss uint16) {
	if c.state != Closed || mss < 64 {
		return
	}
	c.cfg.MSS = mss
	c.sndMss = min(DefaultSendMSS, int(mss))
	c.rcvMss = min(DefaultSendMSS, int(mss))
}

// SetBuffers changes how many bytes the send and receive buffers hold
// (0 leaves one as it is): SO_SNDBUF and SO_RCVBUF on an open
// connection, or the kernel growing the send buffer once the connection
// is established. A receive buffer never shrinks below what it holds.
func (c *Conn) SetBuffers(snd, rcv int) {
	if snd > 0 {
		c.cfg.SndBuf = snd
	}
	if rcv > 0 {
		c.cfg.RcvBuf = max(rcv, len(c.rcvBuf))
	}
	c.env.Notify()
}
