package abi

// IPv4 sockets: protocols, options and sizes (include/uapi/linux/in.h,
// include/uapi/linux/tcp.h, include/uapi/asm-generic/socket.h).
const (
	IPPROTO_IP   = 0
	IPPROTO_ICMP = 1
	IPPROTO_TCP  = 6
	IPPROTO_UDP  = 17

	SOL_IP  = 0
	SOL_TCP = 6 // IPPROTO_TCP
	SOL_UDP = 17

	SO_LINGER    = 13
	SO_REUSEPORT = 15
	SO_RCVTIMEO  = 20 // SO_RCVTIMEO_OLD on 64-bit
	SO_SNDTIMEO  = 21

	TCP_NODELAY   = 1
	TCP_MAXSEG    = 2
	TCP_KEEPIDLE  = 4
	TCP_KEEPINTVL = 5
	TCP_KEEPCNT   = 6
	TCP_INFO      = 11

	SizeofSockaddrIn = 16    // struct sockaddr_in: family, port, address, 8 bytes of zero
	SizeofLinger     = 8     // struct linger: l_onoff, l_linger
	INADDR_ANY       = 0     // 0.0.0.0
	IPMaxUDPPayload  = 65507 // 65535 less the IPv4 and UDP headers
	IPPortRangeLow   = 32768 // net.ipv4.ip_local_port_range
	IPPortRangeHigh  = 60999 //
	UDPHeader        = 8     // UDP header bytes
	IPv4Header       = 20    // IPv4 header bytes without options
)
