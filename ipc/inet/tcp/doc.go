// Package tcp is TCP as a state machine that does no I/O of its own
// (RFC 9293, with Linux's choices where Linux differs): a Conn is fed
// segments (Input), timer expiries (Fire) and the user's calls (Connect,
// Write, Read, Shutdown, Close, Abort), and answers through the Env it was
// given: segments to send, timers to arm, events for the trace, and a
// notification when its readiness may have changed. A Listener holds a
// listening port's SYN and accept queues. Everything is deterministic: no
// clock but Env.Now, no randomness but the ISS the caller passes, no map.
//
// One concern per file: segment.go (the header and sequence arithmetic),
// state.go, env.go (what the machine needs from outside), config.go
// (Linux's constants), conn.go (the connection block and its states),
// input.go (SEGMENT ARRIVES, RFC 9293 3.10.7), output.go (what to send:
// windows, Nagle, SWS avoidance), receive.go (the receive buffer,
// reassembly, delayed ACK), rtt.go (RTO, RFC 6298), congestion.go (RFC
// 5681, RFC 6582 NewReno), timers.go (retransmission, persist, keepalive,
// TIME-WAIT), user.go (the user calls, readiness) and listener.go
// (passive open, the queues).
//
// # For the stack
//
// The stack owns addresses; segments here carry ports only. It
// demultiplexes an arriving segment by its four-tuple: a Conn registered
// for it (one it created with NewConn, or a child the Listener announced
// through ListenerEnv.NewChild) gets Input; else the Listener of the
// port gets Input with the remote address; else ResetFor answers it. A
// Conn holds its four-tuple through TIME-WAIT, even after its socket is
// closed, and gives it up on reaching CLOSED (a StateChange event To
// Closed), or earlier when ReusableBy accepts a new SYN for it; the
// socket may keep the Conn after that to read its error and end of file.
// Timer expiries go back to the Conn through Fire; a Conn ignores an
// expiry it did not arm. The Env's methods are called only from inside
// the Conn's own methods.
//
// # Where Linux differs from the RFCs, and we follow Linux
//
//   - TIME-WAIT lasts 60 s (TCP_TIMEWAIT_LEN), not 2*MSL; an orphaned
//     FIN-WAIT-2 (after Close) ends after tcp_fin_timeout, also 60 s.
//   - RTO = SRTT + max(4*RTTVAR, 200 ms), at least 200 ms, not rounded up
//     to 1 s; backoff is cleared only by a valid RTT sample.
//   - Retries: SYN 6 times (connect fails after about 127 s), SYN,ACK 5
//     times, data 15 times (counted, where Linux converts tcp_retries2
//     into a time limit of about 924 s).
//   - RST handling per RFC 5961 (challenge ACKs), which RFC 9293 adopts.
//     A RST in SYN-SENT gives ECONNREFUSED, in CLOSE-WAIT EPIPE,
//     elsewhere ECONNRESET.
//   - Close with unread data sends RST (RFC 2525 2.17); data arriving
//     after Close resets the connection.
//   - A repeated SYN in SYN-RECEIVED is answered with the SYN,ACK again.
//   - Zero-window and keepalive probes carry SEQ = SND.UNA-1 and no data.
//   - An ACK of new data always updates the send window
//     (tcp_may_update_window); an empty segment may sit on the right edge
//     of the window (tcp_sequence).
//   - Slow start grows cwnd by every byte acknowledged; the initial window
//     is 10 segments.
//   - SND.NXT as ACKs and RSTs carry it is the highest sequence number
//     sent (Linux never moves snd_nxt back); after a timeout the machine
//     resends from SND.UNA as the window allows.
//   - Listen queues: the accept queue holds backlog+1; a SYN that finds
//     it full is dropped; the ACK that would complete a handshake into a
//     full queue is dropped (tcp_abort_on_overflow = 0).
//   - Data on a SYN is dropped (no Fast Open).
//
// # Not done
//
// Window scaling, timestamps and SACK (RFC 7323, RFC 2018): no window
// exceeds 65535 bytes. Urgent data (URG is ignored; the data is
// delivered inline). Linux's quick-ack mode at the start of a connection
// and its adaptive delayed-ACK timeout (a fixed DelayedAck here). SYN
// cookies, Fast Open, ECN, PMTU discovery, CUBIC (NewReno here), buffer
// autotuning, TCP_CORK, SO_LINGER with a time, IP options.
package tcp
