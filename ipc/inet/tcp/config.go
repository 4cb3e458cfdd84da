package tcp

// Time units in nanoseconds (one simulated cycle is one nanosecond).
const (
	Millisecond uint64 = 1_000_000
	Second             = 1000 * Millisecond
)

// Constants of the protocol and of Linux (include/net/tcp.h).
const (
	// DefaultSendMSS: "If an MSS Option is not received at connection
	// setup, TCP implementations MUST assume a default send MSS of 536
	// (576 - 40) for IPv4" - RFC 9293 3.7.1.
	DefaultSendMSS = 536
	// EthernetMSS is 1500 bytes of MTU less the IP and TCP headers.
	EthernetMSS = 1460
	// LoopbackMSS is Linux's MSS on lo (MTU 65536 less 40, less 12 for
	// the timestamps option Linux negotiates there).
	LoopbackMSS = 65483
	// MaxWindow is the largest window a segment can advertise without
	// window scaling (RFC 7323), which this machine does not do.
	MaxWindow = 65535
)

// Config is a connection's settings. DefaultConfig gives Linux's; every
// duration is in nanoseconds.
type Config struct {
	MSS       uint16 // the largest segment we receive, sent as our MSS option; also caps what we send
	SndBuf    int    // the send buffer: bytes written and not yet acknowledged (SO_SNDBUF)
	RcvBuf    int    // the receive buffer: bytes received and not yet read, in order or not (SO_RCVBUF)
	NoDelay   bool   // TCP_NODELAY: no Nagle
	KeepAlive bool   // SO_KEEPALIVE
	KeepIdle  uint64 // TCP_KEEPIDLE: idle time before the first probe (tcp_keepalive_time, 7200 s)
	KeepIntvl uint64 // TCP_KEEPINTVL: time between probes (tcp_keepalive_intvl, 75 s)
	KeepCnt   int    // TCP_KEEPCNT: unanswered probes before giving up (tcp_keepalive_probes, 9)

	DelayedAck    uint64 // how long an ACK may wait (TCP_DELACK_MIN, 40 ms)
	InitialRTO    uint64 // TCP_TIMEOUT_INIT, 1 s (RFC 6298 2.1)
	MinRTO        uint64 // TCP_RTO_MIN, 200 ms (RFC 6298 says 1 s; Linux uses 200 ms)
	MaxRTO        uint64 // TCP_RTO_MAX, 120 s
	SynRetries    int    // tcp_syn_retries, 6: SYN retransmissions before connect fails
	SynAckRetries int    // tcp_synack_retries, 5: SYN-ACK retransmissions before a half-open connection is dropped
	Retries2      int    // tcp_retries2, 15: data retransmissions (or zero-window probes) before the connection is aborted
	TimeWait      uint64 // TCP_TIMEWAIT_LEN, 60 s (Linux's, not 2*MSL); also tcp_fin_timeout for an orphaned FIN-WAIT-2
	InitialCwnd   int    // TCP_INIT_CWND, 10 segments (RFC 6928)
}

// DefaultConfig returns Linux's defaults, with an Ethernet MSS.
//
// SndBuf and RcvBuf are tcp_wmem[1] and tcp_rmem[1]. Linux grows them as
// a connection runs (autotuning); here they stay as set. Without window
// scaling no window exceeds 65535 bytes whatever RcvBuf is.
func DefaultConfig() Config {
	return Config{
		MSS:           EthernetMSS,
		SndBuf:        16384,
		RcvBuf:        131072,
		KeepIdle:      7200 * Second,
		KeepIntvl:     75 * Second,
		KeepCnt:       9,
		DelayedAck:    40 * Millisecond,
		InitialRTO:    1 * Second,
		MinRTO:        200 * Millisecond,
		MaxRTO:        120 * Second,
		SynRetries:    6,
		SynAckRetries: 5,
		Retries2:      15,
		TimeWait:      60 * Second,
		InitialCwnd:   10,
	}
}

// sane returns the config with values that cannot work replaced, so that
// no setting can make the machine divide by zero or stall forever.
func (cfg Config) sane() Config {
	d := DefaultConfig()
	if cfg.MSS < 64 {
		cfg.MSS = 64
	}
	if cfg.SndBuf < 1 {
		cfg.SndBuf = 1
	}
	if cfg.RcvBuf < 1 {
		cfg.RcvBuf = 1
	}
	if cfg.InitialRTO == 0 {
		cfg.InitialRTO = d.InitialRTO
	}
	if cfg.MinRTO == 0 {
		cfg.MinRTO = 1 * Millisecond
	}
	if cfg.MaxRTO < cfg.MinRTO {
		cfg.MaxRTO = cfg.MinRTO
	}
	if cfg.InitialRTO > cfg.MaxRTO {
		cfg.InitialRTO = cfg.MaxRTO
	}
	if cfg.DelayedAck == 0 {
		cfg.DelayedAck = 1
	}
	if cfg.KeepIdle == 0 {
		cfg.KeepIdle = 1
	}
	if cfg.KeepIntvl == 0 {
		cfg.KeepIntvl = 1
	}
	if cfg.TimeWait == 0 {
		cfg.TimeWait = 1
	}
	if cfg.InitialCwnd < 1 {
		cfg.InitialCwnd = 1
	}
	return cfg
}
