package abi

// Sockets beyond the basics in flags.go (include/linux/socket.h,
// include/uapi/asm-generic/socket.h, include/uapi/linux/net.h).
const (
	AF_UNSPEC      = 0
	AF_INET        = 2
	AF_INET6       = 10
	AF_MAX         = 46 // NPROTO: a family at or above it does not exist
	SOCK_RAW       = 3
	SOCK_MAX       = 11  // a type at or above it does not exist
	SOCK_TYPE_MASK = 0xf // the type's bits; the rest are SOCK_NONBLOCK and SOCK_CLOEXEC

	SOL_SOCKET = 1

	SO_REUSEADDR  = 2
	SO_TYPE       = 3
	SO_ERROR      = 4
	SO_SNDBUF     = 7
	SO_RCVBUF     = 8
	SO_KEEPALIVE  = 9
	SO_PASSCRED   = 16
	SO_PEERCRED   = 17
	SO_ACCEPTCONN = 30
	SO_PROTOCOL   = 38
	SO_DOMAIN     = 39

	SCM_RIGHTS      = 1
	SCM_CREDENTIALS = 2
	SCM_MAX_FD      = 253 // the most descriptors one message carries

	MSG_OOB          = 0x1
	MSG_CTRUNC       = 0x8
	MSG_EOR          = 0x80
	MSG_WAITALL      = 0x100
	MSG_CMSG_CLOEXEC = 0x40000000

	SOMAXCONN = 4096 // net.core.somaxconn since Linux 5.4
)
