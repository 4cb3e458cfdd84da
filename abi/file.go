package abi

// The file system calls of the Linux riscv64 ABI: lseek's whence, access's
// modes, the *at flags, directory entry types and the layouts of struct
// stat, struct statx and struct linux_dirent64 (asm-generic/stat.h,
// linux/stat.h, linux/fcntl.h, linux/dirent.h, fs/readdir.c).

// lseek(2) whence (include/uapi/linux/fs.h).
const (
	SEEK_SET  = 0
	SEEK_CUR  = 1
	SEEK_END  = 2
	SEEK_DATA = 3
	SEEK_HOLE = 4
)

// access(2) modes (include/linux/fcntl.h: F_OK is 0, the others are MAY_*).
const (
	F_OK = 0
	X_OK = 1
	W_OK = 2
	R_OK = 4
)

// Flags of the *at calls (include/uapi/linux/fcntl.h). AT_EACCESS and
// AT_REMOVEDIR share a value: each call knows which it means.
const (
	AT_SYMLINK_NOFOLLOW = 0x100
	AT_EACCESS          = 0x200
	AT_NO_AUTOMOUNT     = 0x800
	AT_EMPTY_PATH       = 0x1000
	AT_STATX_SYNC_TYPE  = 0x6000 // AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC
)

// renameat2(2) flags.
const (
	RENAME_NOREPLACE = 1
	RENAME_EXCHANGE  = 2
	RENAME_WHITEOUT  = 4
)

// d_type of struct linux_dirent64 (include/linux/fs_types.h): the file
// type bits of st_mode shifted right by 12.
const (
	DT_UNKNOWN = 0
	DT_FIFO    = 1
	DT_CHR     = 2
	DT_DIR     = 4
	DT_REG     = 8
	DT_LNK     = 10
	DT_SOCK    = 12
)

// struct stat of asm-generic/stat.h on a 64-bit machine (riscv64):
//
//	unsigned long st_dev;        0
//	unsigned long st_ino;        8
//	unsigned int  st_mode;       16
//	unsigned int  st_nlink;      20
//	unsigned int  st_uid;        24
//	unsigned int  st_gid;        28
//	unsigned long st_rdev;       32
//	unsigned long __pad1;        40
//	long          st_size;       48
//	int           st_blksize;    56
//	int           __pad2;        60
//	long          st_blocks;     64
//	long          st_atime;      72, st_atime_nsec 80
//	long          st_mtime;      88, st_mtime_nsec 96
//	long          st_ctime;      104, st_ctime_nsec 112
//	unsigned int  __unused4, __unused5;  120, 124
const SizeofStat = 128

// struct statx (include/uapi/linux/stat.h), 256 bytes: stx_mask 0,
// stx_blksize 4, stx_attributes 8, stx_nlink 16, stx_uid 20, stx_gid 24,
// stx_mode 28 (16 bits), stx_ino 32, stx_size 40, stx_blocks 48,
// stx_attributes_mask 56, then four struct statx_timestamp {__s64 tv_sec;
// __u32 tv_nsec; __s32 __reserved;}: stx_atime 64, stx_btime 80, stx_ctime
// 96, stx_mtime 112; stx_rdev_major 128, stx_rdev_minor 132,
// stx_dev_major 136, stx_dev_minor 140; the rest is zero here.
const SizeofStatx = 256

// The bits of stx_mask.
const (
	STATX_TYPE        = 0x001
	STATX_MODE        = 0x002
	STATX_NLINK       = 0x004
	STATX_UID         = 0x008
	STATX_GID         = 0x010
	STATX_ATIME       = 0x020
	STATX_MTIME       = 0x040
	STATX_CTIME       = 0x080
	STATX_INO         = 0x100
	STATX_SIZE        = 0x200
	STATX_BLOCKS      = 0x400
	STATX_BASIC_STATS = 0x7ff
	STATX__RESERVED   = 0x80000000
)

// struct linux_dirent64 (include/linux/dirent.h): d_ino u64 at 0, d_off
// s64 at 8, d_reclen u16 at 16, d_type u8 at 18, d_name from 19, NUL
// terminated; each record is padded to a multiple of 8 bytes.
const Dirent64NameOffset = 19
