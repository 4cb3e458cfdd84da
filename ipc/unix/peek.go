package unix

// Read-only views of a socket's insides, for the kernel's invariant checks.

// RecvLen returns the unread bytes its receive queue counts (recvLen).
func (s *Socket) RecvLen() int { return s.recvLen }

// Buffers calls f with each buffer of the receive queue, oldest first: the
// socket charged for it (nil: none), the true size charged, its unread
// bytes, whether it is a listener's pending connection, and the
// descriptors it carries (nil: none).
func (s *Socket) Buffers(f func(from *Socket, truesize, unread int, conn bool, rights Rights)) {
	for _, b := range s.recvq {
		f(b.from, b.truesize, b.unread(), b.conn != nil, b.ctl.Rights)
	}
}
