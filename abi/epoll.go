package abi

// epoll(7): the flags of epoll_create1, the operations of epoll_ctl and the
// event bits (include/uapi/linux/eventpoll.h). The event bits below 0x2000
// are poll(2)'s (EPOLLIN = POLLIN, ...).
const (
	EPOLL_CLOEXEC = O_CLOEXEC

	EPOLL_CTL_ADD = 1
	EPOLL_CTL_DEL = 2
	EPOLL_CTL_MOD = 3

	EPOLLIN        = 0x00000001
	EPOLLPRI       = 0x00000002
	EPOLLOUT       = 0x00000004
	EPOLLERR       = 0x00000008
	EPOLLHUP       = 0x00000010
	EPOLLNVAL      = 0x00000020
	EPOLLRDNORM    = 0x00000040
	EPOLLRDBAND    = 0x00000080
	EPOLLWRNORM    = 0x00000100
	EPOLLWRBAND    = 0x00000200
	EPOLLMSG       = 0x00000400
	EPOLLRDHUP     = 0x00002000
	EPOLLEXCLUSIVE = 1 << 28
	EPOLLWAKEUP    = 1 << 29
	EPOLLONESHOT   = 1 << 30
	EPOLLET        = 1 << 31

	// EP_MAX_NESTS: "the maximum number of nesting allowed inside epoll
	// sets" (fs/eventpoll.c).
	EP_MAX_NESTS = 4

	// SizeofEpollEvent is struct epoll_event on riscv64: {u32 events; u32
	// pad; u64 data}. Only x86-64 packs it into 12 bytes (__EPOLL_PACKED).
	SizeofEpollEvent = 16
)
