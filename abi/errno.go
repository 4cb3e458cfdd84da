package abi

// Errno is a Linux error number (include/uapi/asm-generic/errno-base.h and
// errno.h). A failing system call returns -errno in a0.
type Errno uint64

// Error numbers. EWOULDBLOCK is EAGAIN on Linux.
const (
	EPERM           Errno = 1   // Operation not permitted
	ENOENT          Errno = 2   // No such file or directory
	ESRCH           Errno = 3   // No such process
	EINTR           Errno = 4   // Interrupted system call
	EIO             Errno = 5   // Input/output error
	ENXIO           Errno = 6   // No such device or address
	E2BIG           Errno = 7   // Argument list too long
	ENOEXEC         Errno = 8   // Exec format error
	EBADF           Errno = 9   // Bad file descriptor
	ECHILD          Errno = 10  // No child processes
	EAGAIN          Errno = 11  // Resource temporarily unavailable
	ENOMEM          Errno = 12  // Cannot allocate memory
	EACCES          Errno = 13  // Permission denied
	EFAULT          Errno = 14  // Bad address
	ENOTBLK         Errno = 15  // Block device required
	EBUSY           Errno = 16  // Device or resource busy
	EEXIST          Errno = 17  // File exists
	EXDEV           Errno = 18  // Invalid cross-device link
	ENODEV          Errno = 19  // No such device
	ENOTDIR         Errno = 20  // Not a directory
	EISDIR          Errno = 21  // Is a directory
	EINVAL          Errno = 22  // Invalid argument
	ENFILE          Errno = 23  // Too many open files in system
	EMFILE          Errno = 24  // Too many open files
	ENOTTY          Errno = 25  // Inappropriate ioctl for device
	ETXTBSY         Errno = 26  // Text file busy
	EFBIG           Errno = 27  // File too large
	ENOSPC          Errno = 28  // No space left on device
	ESPIPE          Errno = 29  // Illegal seek
	EROFS           Errno = 30  // Read-only file system
	EMLINK          Errno = 31  // Too many links
	EPIPE           Errno = 32  // Broken pipe
	EDOM            Errno = 33  // Numerical argument out of domain
	ERANGE          Errno = 34  // Numerical result out of range
	EDEADLK         Errno = 35  // Resource deadlock avoided
	ENAMETOOLONG    Errno = 36  // File name too long
	ENOLCK          Errno = 37  // No locks available
	ENOSYS          Errno = 38  // Function not implemented
	ENOTEMPTY       Errno = 39  // Directory not empty
	ELOOP           Errno = 40  // Too many levels of symbolic links
	ENOMSG          Errno = 42  // No message of desired type
	EIDRM           Errno = 43  // Identifier removed
	ENODATA         Errno = 61  // No data available
	ETIME           Errno = 62  // Timer expired
	EOVERFLOW       Errno = 75  // Value too large for defined data type
	EILSEQ          Errno = 84  // Invalid or incomplete multibyte or wide character
	ENOTSOCK        Errno = 88  // Socket operation on non-socket
	EDESTADDRREQ    Errno = 89  // Destination address required
	EMSGSIZE        Errno = 90  // Message too long
	EPROTOTYPE      Errno = 91  // Protocol wrong type for socket
	ENOPROTOOPT     Errno = 92  // Protocol not available
	EPROTONOSUPPORT Errno = 93  // Protocol not supported
	ESOCKTNOSUPPORT Errno = 94  // Socket type not supported
	EOPNOTSUPP      Errno = 95  // Operation not supported
	EPFNOSUPPORT    Errno = 96  // Protocol family not supported
	EAFNOSUPPORT    Errno = 97  // Address family not supported by protocol
	EADDRINUSE      Errno = 98  // Address already in use
	EADDRNOTAVAIL   Errno = 99  // Cannot assign requested address
	ENETDOWN        Errno = 100 // Network is down
	ENETUNREACH     Errno = 101 // Network is unreachable
	ECONNABORTED    Errno = 103 // Software caused connection abort
	ECONNRESET      Errno = 104 // Connection reset by peer
	ENOBUFS         Errno = 105 // No buffer space available
	EISCONN         Errno = 106 // Transport endpoint is already connected
	ENOTCONN        Errno = 107 // Transport endpoint is not connected
	ESHUTDOWN       Errno = 108 // Cannot send after transport endpoint shutdown
	ETOOMANYREFS    Errno = 109 // Too many references: cannot splice
	ETIMEDOUT       Errno = 110 // Connection timed out
	ECONNREFUSED    Errno = 111 // Connection refused
	EHOSTUNREACH    Errno = 113 // No route to host
	EALREADY        Errno = 114 // Operation already in progress
	EINPROGRESS     Errno = 115 // Operation now in progress
	EDQUOT          Errno = 122 // Disk quota exceeded
	ECANCELED       Errno = 125 // Operation canceled
	EOWNERDEAD      Errno = 130 // Owner died
	ENOTRECOVERABLE Errno = 131 // State not recoverable
	EWOULDBLOCK           = EAGAIN
)

var errnoNames = map[Errno][2]string{
	EPERM:           {"EPERM", "Operation not permitted"},
	ENOENT:          {"ENOENT", "No such file or directory"},
	ESRCH:           {"ESRCH", "No such process"},
	EINTR:           {"EINTR", "Interrupted system call"},
	EIO:             {"EIO", "Input/output error"},
	ENXIO:           {"ENXIO", "No such device or address"},
	E2BIG:           {"E2BIG", "Argument list too long"},
	ENOEXEC:         {"ENOEXEC", "Exec format error"},
	EBADF:           {"EBADF", "Bad file descriptor"},
	ECHILD:          {"ECHILD", "No child processes"},
	EAGAIN:          {"EAGAIN", "Resource temporarily unavailable"},
	ENOMEM:          {"ENOMEM", "Cannot allocate memory"},
	EACCES:          {"EACCES", "Permission denied"},
	EFAULT:          {"EFAULT", "Bad address"},
	ENOTBLK:         {"ENOTBLK", "Block device required"},
	EBUSY:           {"EBUSY", "Device or resource busy"},
	EEXIST:          {"EEXIST", "File exists"},
	EXDEV:           {"EXDEV", "Invalid cross-device link"},
	ENODEV:          {"ENODEV", "No such device"},
	ENOTDIR:         {"ENOTDIR", "Not a directory"},
	EISDIR:          {"EISDIR", "Is a directory"},
	EINVAL:          {"EINVAL", "Invalid argument"},
	ENFILE:          {"ENFILE", "Too many open files in system"},
	EMFILE:          {"EMFILE", "Too many open files"},
	ENOTTY:          {"ENOTTY", "Inappropriate ioctl for device"},
	ETXTBSY:         {"ETXTBSY", "Text file busy"},
	EFBIG:           {"EFBIG", "File too large"},
	ENOSPC:          {"ENOSPC", "No space left on device"},
	ESPIPE:          {"ESPIPE", "Illegal seek"},
	EROFS:           {"EROFS", "Read-only file system"},
	EMLINK:          {"EMLINK", "Too many links"},
	EPIPE:           {"EPIPE", "Broken pipe"},
	EDOM:            {"EDOM", "Numerical argument out of domain"},
	ERANGE:          {"ERANGE", "Numerical result out of range"},
	EDEADLK:         {"EDEADLK", "Resource deadlock avoided"},
	ENAMETOOLONG:    {"ENAMETOOLONG", "File name too long"},
	ENOLCK:          {"ENOLCK", "No locks available"},
	ENOSYS:          {"ENOSYS", "Function not implemented"},
	ENOTEMPTY:       {"ENOTEMPTY", "Directory not empty"},
	ELOOP:           {"ELOOP", "Too many levels of symbolic links"},
	ENOMSG:          {"ENOMSG", "No message of desired type"},
	EIDRM:           {"EIDRM", "Identifier removed"},
	ENODATA:         {"ENODATA", "No data available"},
	ETIME:           {"ETIME", "Timer expired"},
	EOVERFLOW:       {"EOVERFLOW", "Value too large for defined data type"},
	EILSEQ:          {"EILSEQ", "Invalid or incomplete multibyte or wide character"},
	ENOTSOCK:        {"ENOTSOCK", "Socket operation on non-socket"},
	EDESTADDRREQ:    {"EDESTADDRREQ", "Destination address required"},
	EMSGSIZE:        {"EMSGSIZE", "Message too long"},
	EPROTOTYPE:      {"EPROTOTYPE", "Protocol wrong type for socket"},
	ENOPROTOOPT:     {"ENOPROTOOPT", "Protocol not available"},
	EPROTONOSUPPORT: {"EPROTONOSUPPORT", "Protocol not supported"},
	ESOCKTNOSUPPORT: {"ESOCKTNOSUPPORT", "Socket type not supported"},
	EOPNOTSUPP:      {"EOPNOTSUPP", "Operation not supported"},
	EPFNOSUPPORT:    {"EPFNOSUPPORT", "Protocol family not supported"},
	EAFNOSUPPORT:    {"EAFNOSUPPORT", "Address family not supported by protocol"},
	EADDRINUSE:      {"EADDRINUSE", "Address already in use"},
	EADDRNOTAVAIL:   {"EADDRNOTAVAIL", "Cannot assign requested address"},
	ENETDOWN:        {"ENETDOWN", "Network is down"},
	ENETUNREACH:     {"ENETUNREACH", "Network is unreachable"},
	ECONNABORTED:    {"ECONNABORTED", "Software caused connection abort"},
	ECONNRESET:      {"ECONNRESET", "Connection reset by peer"},
	ENOBUFS:         {"ENOBUFS", "No buffer space available"},
	EISCONN:         {"EISCONN", "Transport endpoint is already connected"},
	ENOTCONN:        {"ENOTCONN", "Transport endpoint is not connected"},
	ESHUTDOWN:       {"ESHUTDOWN", "Cannot send after transport endpoint shutdown"},
	ETOOMANYREFS:    {"ETOOMANYREFS", "Too many references: cannot splice"},
	ETIMEDOUT:       {"ETIMEDOUT", "Connection timed out"},
	ECONNREFUSED:    {"ECONNREFUSED", "Connection refused"},
	EHOSTUNREACH:    {"EHOSTUNREACH", "No route to host"},
	EALREADY:        {"EALREADY", "Operation already in progress"},
	EINPROGRESS:     {"EINPROGRESS", "Operation now in progress"},
	EDQUOT:          {"EDQUOT", "Disk quota exceeded"},
	ECANCELED:       {"ECANCELED", "Operation canceled"},
	EOWNERDEAD:      {"EOWNERDEAD", "Owner died"},
	ENOTRECOVERABLE: {"ENOTRECOVERABLE", "State not recoverable"},
}

// String returns the symbolic name ("EFAULT"), or "errno N".
func (e Errno) String() string {
	if n, ok := errnoNames[e]; ok {
		return n[0]
	}
	return "errno " + itoa(uint64(e))
}

// Message returns strerror's text for e ("Bad address").
func (e Errno) Message() string {
	if n, ok := errnoNames[e]; ok {
		return n[1]
	}
	return "Unknown error " + itoa(uint64(e))
}

// Error makes Errno an error, so kernel code can return it as one.
func (e Errno) Error() string { return e.String() }

// Errnos returns every named error number in ascending order.
func Errnos() []Errno {
	var out []Errno
	for e := Errno(0); e < 200; e++ {
		if _, ok := errnoNames[e]; ok {
			out = append(out, e)
		}
	}
	return out
}

// itoa formats a number without importing strconv: abi imports nothing.
func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}

// hex renders v as C's "%#x" does: "0x3e7", or "0".
func hex(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [18]byte
	i := len(b)
	for v != 0 {
		i--
		b[i] = "0123456789abcdef"[v&15]
		v >>= 4
	}
	i -= 2
	b[i], b[i+1] = '0', 'x'
	return string(b[i:])
}
