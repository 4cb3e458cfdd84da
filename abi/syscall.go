package abi

// Sysno is a Linux system call number of the riscv64 ABI, which uses the
// generic table of include/uapi/asm-generic/unistd.h (there are no fork, pipe,
// open or select numbers: programs use clone, pipe2, openat, pselect6).
type Sysno uint64

// System call numbers (include/uapi/asm-generic/unistd.h).
const (
	SysIoSetup               Sysno = 0
	SysIoDestroy             Sysno = 1
	SysIoSubmit              Sysno = 2
	SysIoCancel              Sysno = 3
	SysIoGetevents           Sysno = 4
	SysSetxattr              Sysno = 5
	SysLsetxattr             Sysno = 6
	SysFsetxattr             Sysno = 7
	SysGetxattr              Sysno = 8
	SysLgetxattr             Sysno = 9
	SysFgetxattr             Sysno = 10
	SysListxattr             Sysno = 11
	SysLlistxattr            Sysno = 12
	SysFlistxattr            Sysno = 13
	SysRemovexattr           Sysno = 14
	SysLremovexattr          Sysno = 15
	SysFremovexattr          Sysno = 16
	SysGetcwd                Sysno = 17
	SysLookupDcookie         Sysno = 18
	SysEventfd2              Sysno = 19
	SysEpollCreate1          Sysno = 20
	SysEpollCtl              Sysno = 21
	SysEpollPwait            Sysno = 22
	SysDup                   Sysno = 23
	SysDup3                  Sysno = 24
	SysFcntl                 Sysno = 25
	SysInotifyInit1          Sysno = 26
	SysInotifyAddWatch       Sysno = 27
	SysInotifyRmWatch        Sysno = 28
	SysIoctl                 Sysno = 29
	SysIoprioSet             Sysno = 30
	SysIoprioGet             Sysno = 31
	SysFlock                 Sysno = 32
	SysMknodat               Sysno = 33
	SysMkdirat               Sysno = 34
	SysUnlinkat              Sysno = 35
	SysSymlinkat             Sysno = 36
	SysLinkat                Sysno = 37
	SysRenameat              Sysno = 38
	SysUmount2               Sysno = 39
	SysMount                 Sysno = 40
	SysPivotRoot             Sysno = 41
	SysNfsservctl            Sysno = 42
	SysStatfs                Sysno = 43
	SysFstatfs               Sysno = 44
	SysTruncate              Sysno = 45
	SysFtruncate             Sysno = 46
	SysFallocate             Sysno = 47
	SysFaccessat             Sysno = 48
	SysChdir                 Sysno = 49
	SysFchdir                Sysno = 50
	SysChroot                Sysno = 51
	SysFchmod                Sysno = 52
	SysFchmodat              Sysno = 53
	SysFchownat              Sysno = 54
	SysFchown                Sysno = 55
	SysOpenat                Sysno = 56
	SysClose                 Sysno = 57
	SysVhangup               Sysno = 58
	SysPipe2                 Sysno = 59
	SysQuotactl              Sysno = 60
	SysGetdents64            Sysno = 61
	SysLseek                 Sysno = 62
	SysRead                  Sysno = 63
	SysWrite                 Sysno = 64
	SysReadv                 Sysno = 65
	SysWritev                Sysno = 66
	SysPread64               Sysno = 67
	SysPwrite64              Sysno = 68
	SysPreadv                Sysno = 69
	SysPwritev               Sysno = 70
	SysSendfile              Sysno = 71
	SysPselect6              Sysno = 72
	SysPpoll                 Sysno = 73
	SysSignalfd4             Sysno = 74
	SysVmsplice              Sysno = 75
	SysSplice                Sysno = 76
	SysTee                   Sysno = 77
	SysReadlinkat            Sysno = 78
	SysNewfstatat            Sysno = 79
	SysFstat                 Sysno = 80
	SysSync                  Sysno = 81
	SysFsync                 Sysno = 82
	SysFdatasync             Sysno = 83
	SysSyncFileRange         Sysno = 84
	SysTimerfdCreate         Sysno = 85
	SysTimerfdSettime        Sysno = 86
	SysTimerfdGettime        Sysno = 87
	SysUtimensat             Sysno = 88
	SysAcct                  Sysno = 89
	SysCapget                Sysno = 90
	SysCapset                Sysno = 91
	SysPersonality           Sysno = 92
	SysExit                  Sysno = 93
	SysExitGroup             Sysno = 94
	SysWaitid                Sysno = 95
	SysSetTidAddress         Sysno = 96
	SysUnshare               Sysno = 97
	SysFutex                 Sysno = 98
	SysSetRobustList         Sysno = 99
	SysGetRobustList         Sysno = 100
	SysNanosleep             Sysno = 101
	SysGetitimer             Sysno = 102
	SysSetitimer             Sysno = 103
	SysKexecLoad             Sysno = 104
	SysInitModule            Sysno = 105
	SysDeleteModule          Sysno = 106
	SysTimerCreate           Sysno = 107
	SysTimerGettime          Sysno = 108
	SysTimerGetoverrun       Sysno = 109
	SysTimerSettime          Sysno = 110
	SysTimerDelete           Sysno = 111
	SysClockSettime          Sysno = 112
	SysClockGettime          Sysno = 113
	SysClockGetres           Sysno = 114
	SysClockNanosleep        Sysno = 115
	SysSyslog                Sysno = 116
	SysPtrace                Sysno = 117
	SysSchedSetparam         Sysno = 118
	SysSchedSetscheduler     Sysno = 119
	SysSchedGetscheduler     Sysno = 120
	SysSchedGetparam         Sysno = 121
	SysSchedSetaffinity      Sysno = 122
	SysSchedGetaffinity      Sysno = 123
	SysSchedYield            Sysno = 124
	SysSchedGetPriorityMax   Sysno = 125
	SysSchedGetPriorityMin   Sysno = 126
	SysSchedRrGetInterval    Sysno = 127
	SysRestartSyscall        Sysno = 128
	SysKill                  Sysno = 129
	SysTkill                 Sysno = 130
	SysTgkill                Sysno = 131
	SysSigaltstack           Sysno = 132
	SysRtSigsuspend          Sysno = 133
	SysRtSigaction           Sysno = 134
	SysRtSigprocmask         Sysno = 135
	SysRtSigpending          Sysno = 136
	SysRtSigtimedwait        Sysno = 137
	SysRtSigqueueinfo        Sysno = 138
	SysRtSigreturn           Sysno = 139
	SysSetpriority           Sysno = 140
	SysGetpriority           Sysno = 141
	SysReboot                Sysno = 142
	SysSetregid              Sysno = 143
	SysSetgid                Sysno = 144
	SysSetreuid              Sysno = 145
	SysSetuid                Sysno = 146
	SysSetresuid             Sysno = 147
	SysGetresuid             Sysno = 148
	SysSetresgid             Sysno = 149
	SysGetresgid             Sysno = 150
	SysSetfsuid              Sysno = 151
	SysSetfsgid              Sysno = 152
	SysTimes                 Sysno = 153
	SysSetpgid               Sysno = 154
	SysGetpgid               Sysno = 155
	SysGetsid                Sysno = 156
	SysSetsid                Sysno = 157
	SysGetgroups             Sysno = 158
	SysSetgroups             Sysno = 159
	SysUname                 Sysno = 160
	SysSethostname           Sysno = 161
	SysSetdomainname         Sysno = 162
	SysGetrlimit             Sysno = 163
	SysSetrlimit             Sysno = 164
	SysGetrusage             Sysno = 165
	SysUmask                 Sysno = 166
	SysPrctl                 Sysno = 167
	SysGetcpu                Sysno = 168
	SysGettimeofday          Sysno = 169
	SysSettimeofday          Sysno = 170
	SysAdjtimex              Sysno = 171
	SysGetpid                Sysno = 172
	SysGetppid               Sysno = 173
	SysGetuid                Sysno = 174
	SysGeteuid               Sysno = 175
	SysGetgid                Sysno = 176
	SysGetegid               Sysno = 177
	SysGettid                Sysno = 178
	SysSysinfo               Sysno = 179
	SysMqOpen                Sysno = 180
	SysMqUnlink              Sysno = 181
	SysMqTimedsend           Sysno = 182
	SysMqTimedreceive        Sysno = 183
	SysMqNotify              Sysno = 184
	SysMqGetsetattr          Sysno = 185
	SysMsgget                Sysno = 186
	SysMsgctl                Sysno = 187
	SysMsgrcv                Sysno = 188
	SysMsgsnd                Sysno = 189
	SysSemget                Sysno = 190
	SysSemctl                Sysno = 191
	SysSemtimedop            Sysno = 192
	SysSemop                 Sysno = 193
	SysShmget                Sysno = 194
	SysShmctl                Sysno = 195
	SysShmat                 Sysno = 196
	SysShmdt                 Sysno = 197
	SysSocket                Sysno = 198
	SysSocketpair            Sysno = 199
	SysBind                  Sysno = 200
	SysListen                Sysno = 201
	SysAccept                Sysno = 202
	SysConnect               Sysno = 203
	SysGetsockname           Sysno = 204
	SysGetpeername           Sysno = 205
	SysSendto                Sysno = 206
	SysRecvfrom              Sysno = 207
	SysSetsockopt            Sysno = 208
	SysGetsockopt            Sysno = 209
	SysShutdown              Sysno = 210
	SysSendmsg               Sysno = 211
	SysRecvmsg               Sysno = 212
	SysReadahead             Sysno = 213
	SysBrk                   Sysno = 214
	SysMunmap                Sysno = 215
	SysMremap                Sysno = 216
	SysAddKey                Sysno = 217
	SysRequestKey            Sysno = 218
	SysKeyctl                Sysno = 219
	SysClone                 Sysno = 220
	SysExecve                Sysno = 221
	SysMmap                  Sysno = 222
	SysFadvise64             Sysno = 223
	SysSwapon                Sysno = 224
	SysSwapoff               Sysno = 225
	SysMprotect              Sysno = 226
	SysMsync                 Sysno = 227
	SysMlock                 Sysno = 228
	SysMunlock               Sysno = 229
	SysMlockall              Sysno = 230
	SysMunlockall            Sysno = 231
	SysMincore               Sysno = 232
	SysMadvise               Sysno = 233
	SysRemapFilePages        Sysno = 234
	SysMbind                 Sysno = 235
	SysGetMempolicy          Sysno = 236
	SysSetMempolicy          Sysno = 237
	SysMigratePages          Sysno = 238
	SysMovePages             Sysno = 239
	SysRtTgsigqueueinfo      Sysno = 240
	SysPerfEventOpen         Sysno = 241
	SysAccept4               Sysno = 242
	SysRecvmmsg              Sysno = 243
	SysRiscvHwprobe          Sysno = 258
	SysRiscvFlushIcache      Sysno = 259
	SysWait4                 Sysno = 260
	SysPrlimit64             Sysno = 261
	SysFanotifyInit          Sysno = 262
	SysFanotifyMark          Sysno = 263
	SysNameToHandleAt        Sysno = 264
	SysOpenByHandleAt        Sysno = 265
	SysClockAdjtime          Sysno = 266
	SysSyncfs                Sysno = 267
	SysSetns                 Sysno = 268
	SysSendmmsg              Sysno = 269
	SysProcessVmReadv        Sysno = 270
	SysProcessVmWritev       Sysno = 271
	SysKcmp                  Sysno = 272
	SysFinitModule           Sysno = 273
	SysSchedSetattr          Sysno = 274
	SysSchedGetattr          Sysno = 275
	SysRenameat2             Sysno = 276
	SysSeccomp               Sysno = 277
	SysGetrandom             Sysno = 278
	SysMemfdCreate           Sysno = 279
	SysBpf                   Sysno = 280
	SysExecveat              Sysno = 281
	SysUserfaultfd           Sysno = 282
	SysMembarrier            Sysno = 283
	SysMlock2                Sysno = 284
	SysCopyFileRange         Sysno = 285
	SysPreadv2               Sysno = 286
	SysPwritev2              Sysno = 287
	SysPkeyMprotect          Sysno = 288
	SysPkeyAlloc             Sysno = 289
	SysPkeyFree              Sysno = 290
	SysStatx                 Sysno = 291
	SysIoPgetevents          Sysno = 292
	SysRseq                  Sysno = 293
	SysKexecFileLoad         Sysno = 294
	SysPidfdSendSignal       Sysno = 424
	SysIoUringSetup          Sysno = 425
	SysIoUringEnter          Sysno = 426
	SysIoUringRegister       Sysno = 427
	SysOpenTree              Sysno = 428
	SysMoveMount             Sysno = 429
	SysFsopen                Sysno = 430
	SysFsconfig              Sysno = 431
	SysFsmount               Sysno = 432
	SysFspick                Sysno = 433
	SysPidfdOpen             Sysno = 434
	SysClone3                Sysno = 435
	SysCloseRange            Sysno = 436
	SysOpenat2               Sysno = 437
	SysPidfdGetfd            Sysno = 438
	SysFaccessat2            Sysno = 439
	SysProcessMadvise        Sysno = 440
	SysEpollPwait2           Sysno = 441
	SysMountSetattr          Sysno = 442
	SysQuotactlFd            Sysno = 443
	SysLandlockCreateRuleset Sysno = 444
	SysLandlockAddRule       Sysno = 445
	SysLandlockRestrictSelf  Sysno = 446
	SysMemfdSecret           Sysno = 447
	SysProcessMrelease       Sysno = 448
	SysFutexWaitv            Sysno = 449
	SysSetMempolicyHomeNode  Sysno = 450
)

// sysnoNames maps a number to its name, for traces: an array indexed by
// the number ("" where Linux defines none), because the trace names a call
// at every event and an array costs one load where a map costs a hash.
var sysnoNames = [...]string{
	SysIoSetup:               "io_setup",
	SysIoDestroy:             "io_destroy",
	SysIoSubmit:              "io_submit",
	SysIoCancel:              "io_cancel",
	SysIoGetevents:           "io_getevents",
	SysSetxattr:              "setxattr",
	SysLsetxattr:             "lsetxattr",
	SysFsetxattr:             "fsetxattr",
	SysGetxattr:              "getxattr",
	SysLgetxattr:             "lgetxattr",
	SysFgetxattr:             "fgetxattr",
	SysListxattr:             "listxattr",
	SysLlistxattr:            "llistxattr",
	SysFlistxattr:            "flistxattr",
	SysRemovexattr:           "removexattr",
	SysLremovexattr:          "lremovexattr",
	SysFremovexattr:          "fremovexattr",
	SysGetcwd:                "getcwd",
	SysLookupDcookie:         "lookup_dcookie",
	SysEventfd2:              "eventfd2",
	SysEpollCreate1:          "epoll_create1",
	SysEpollCtl:              "epoll_ctl",
	SysEpollPwait:            "epoll_pwait",
	SysDup:                   "dup",
	SysDup3:                  "dup3",
	SysFcntl:                 "fcntl",
	SysInotifyInit1:          "inotify_init1",
	SysInotifyAddWatch:       "inotify_add_watch",
	SysInotifyRmWatch:        "inotify_rm_watch",
	SysIoctl:                 "ioctl",
	SysIoprioSet:             "ioprio_set",
	SysIoprioGet:             "ioprio_get",
	SysFlock:                 "flock",
	SysMknodat:               "mknodat",
	SysMkdirat:               "mkdirat",
	SysUnlinkat:              "unlinkat",
	SysSymlinkat:             "symlinkat",
	SysLinkat:                "linkat",
	SysRenameat:              "renameat",
	SysUmount2:               "umount2",
	SysMount:                 "mount",
	SysPivotRoot:             "pivot_root",
	SysNfsservctl:            "nfsservctl",
	SysStatfs:                "statfs",
	SysFstatfs:               "fstatfs",
	SysTruncate:              "truncate",
	SysFtruncate:             "ftruncate",
	SysFallocate:             "fallocate",
	SysFaccessat:             "faccessat",
	SysChdir:                 "chdir",
	SysFchdir:                "fchdir",
	SysChroot:                "chroot",
	SysFchmod:                "fchmod",
	SysFchmodat:              "fchmodat",
	SysFchownat:              "fchownat",
	SysFchown:                "fchown",
	SysOpenat:                "openat",
	SysClose:                 "close",
	SysVhangup:               "vhangup",
	SysPipe2:                 "pipe2",
	SysQuotactl:              "quotactl",
	SysGetdents64:            "getdents64",
	SysLseek:                 "lseek",
	SysRead:                  "read",
	SysWrite:                 "write",
	SysReadv:                 "readv",
	SysWritev:                "writev",
	SysPread64:               "pread64",
	SysPwrite64:              "pwrite64",
	SysPreadv:                "preadv",
	SysPwritev:               "pwritev",
	SysSendfile:              "sendfile",
	SysPselect6:              "pselect6",
	SysPpoll:                 "ppoll",
	SysSignalfd4:             "signalfd4",
	SysVmsplice:              "vmsplice",
	SysSplice:                "splice",
	SysTee:                   "tee",
	SysReadlinkat:            "readlinkat",
	SysNewfstatat:            "newfstatat",
	SysFstat:                 "fstat",
	SysSync:                  "sync",
	SysFsync:                 "fsync",
	SysFdatasync:             "fdatasync",
	SysSyncFileRange:         "sync_file_range",
	SysTimerfdCreate:         "timerfd_create",
	SysTimerfdSettime:        "timerfd_settime",
	SysTimerfdGettime:        "timerfd_gettime",
	SysUtimensat:             "utimensat",
	SysAcct:                  "acct",
	SysCapget:                "capget",
	SysCapset:                "capset",
	SysPersonality:           "personality",
	SysExit:                  "exit",
	SysExitGroup:             "exit_group",
	SysWaitid:                "waitid",
	SysSetTidAddress:         "set_tid_address",
	SysUnshare:               "unshare",
	SysFutex:                 "futex",
	SysSetRobustList:         "set_robust_list",
	SysGetRobustList:         "get_robust_list",
	SysNanosleep:             "nanosleep",
	SysGetitimer:             "getitimer",
	SysSetitimer:             "setitimer",
	SysKexecLoad:             "kexec_load",
	SysInitModule:            "init_module",
	SysDeleteModule:          "delete_module",
	SysTimerCreate:           "timer_create",
	SysTimerGettime:          "timer_gettime",
	SysTimerGetoverrun:       "timer_getoverrun",
	SysTimerSettime:          "timer_settime",
	SysTimerDelete:           "timer_delete",
	SysClockSettime:          "clock_settime",
	SysClockGettime:          "clock_gettime",
	SysClockGetres:           "clock_getres",
	SysClockNanosleep:        "clock_nanosleep",
	SysSyslog:                "syslog",
	SysPtrace:                "ptrace",
	SysSchedSetparam:         "sched_setparam",
	SysSchedSetscheduler:     "sched_setscheduler",
	SysSchedGetscheduler:     "sched_getscheduler",
	SysSchedGetparam:         "sched_getparam",
	SysSchedSetaffinity:      "sched_setaffinity",
	SysSchedGetaffinity:      "sched_getaffinity",
	SysSchedYield:            "sched_yield",
	SysSchedGetPriorityMax:   "sched_get_priority_max",
	SysSchedGetPriorityMin:   "sched_get_priority_min",
	SysSchedRrGetInterval:    "sched_rr_get_interval",
	SysRestartSyscall:        "restart_syscall",
	SysKill:                  "kill",
	SysTkill:                 "tkill",
	SysTgkill:                "tgkill",
	SysSigaltstack:           "sigaltstack",
	SysRtSigsuspend:          "rt_sigsuspend",
	SysRtSigaction:           "rt_sigaction",
	SysRtSigprocmask:         "rt_sigprocmask",
	SysRtSigpending:          "rt_sigpending",
	SysRtSigtimedwait:        "rt_sigtimedwait",
	SysRtSigqueueinfo:        "rt_sigqueueinfo",
	SysRtSigreturn:           "rt_sigreturn",
	SysSetpriority:           "setpriority",
	SysGetpriority:           "getpriority",
	SysReboot:                "reboot",
	SysSetregid:              "setregid",
	SysSetgid:                "setgid",
	SysSetreuid:              "setreuid",
	SysSetuid:                "setuid",
	SysSetresuid:             "setresuid",
	SysGetresuid:             "getresuid",
	SysSetresgid:             "setresgid",
	SysGetresgid:             "getresgid",
	SysSetfsuid:              "setfsuid",
	SysSetfsgid:              "setfsgid",
	SysTimes:                 "times",
	SysSetpgid:               "setpgid",
	SysGetpgid:               "getpgid",
	SysGetsid:                "getsid",
	SysSetsid:                "setsid",
	SysGetgroups:             "getgroups",
	SysSetgroups:             "setgroups",
	SysUname:                 "uname",
	SysSethostname:           "sethostname",
	SysSetdomainname:         "setdomainname",
	SysGetrlimit:             "getrlimit",
	SysSetrlimit:             "setrlimit",
	SysGetrusage:             "getrusage",
	SysUmask:                 "umask",
	SysPrctl:                 "prctl",
	SysGetcpu:                "getcpu",
	SysGettimeofday:          "gettimeofday",
	SysSettimeofday:          "settimeofday",
	SysAdjtimex:              "adjtimex",
	SysGetpid:                "getpid",
	SysGetppid:               "getppid",
	SysGetuid:                "getuid",
	SysGeteuid:               "geteuid",
	SysGetgid:                "getgid",
	SysGetegid:               "getegid",
	SysGettid:                "gettid",
	SysSysinfo:               "sysinfo",
	SysMqOpen:                "mq_open",
	SysMqUnlink:              "mq_unlink",
	SysMqTimedsend:           "mq_timedsend",
	SysMqTimedreceive:        "mq_timedreceive",
	SysMqNotify:              "mq_notify",
	SysMqGetsetattr:          "mq_getsetattr",
	SysMsgget:                "msgget",
	SysMsgctl:                "msgctl",
	SysMsgrcv:                "msgrcv",
	SysMsgsnd:                "msgsnd",
	SysSemget:                "semget",
	SysSemctl:                "semctl",
	SysSemtimedop:            "semtimedop",
	SysSemop:                 "semop",
	SysShmget:                "shmget",
	SysShmctl:                "shmctl",
	SysShmat:                 "shmat",
	SysShmdt:                 "shmdt",
	SysSocket:                "socket",
	SysSocketpair:            "socketpair",
	SysBind:                  "bind",
	SysListen:                "listen",
	SysAccept:                "accept",
	SysConnect:               "connect",
	SysGetsockname:           "getsockname",
	SysGetpeername:           "getpeername",
	SysSendto:                "sendto",
	SysRecvfrom:              "recvfrom",
	SysSetsockopt:            "setsockopt",
	SysGetsockopt:            "getsockopt",
	SysShutdown:              "shutdown",
	SysSendmsg:               "sendmsg",
	SysRecvmsg:               "recvmsg",
	SysReadahead:             "readahead",
	SysBrk:                   "brk",
	SysMunmap:                "munmap",
	SysMremap:                "mremap",
	SysAddKey:                "add_key",
	SysRequestKey:            "request_key",
	SysKeyctl:                "keyctl",
	SysClone:                 "clone",
	SysExecve:                "execve",
	SysMmap:                  "mmap",
	SysFadvise64:             "fadvise64",
	SysSwapon:                "swapon",
	SysSwapoff:               "swapoff",
	SysMprotect:              "mprotect",
	SysMsync:                 "msync",
	SysMlock:                 "mlock",
	SysMunlock:               "munlock",
	SysMlockall:              "mlockall",
	SysMunlockall:            "munlockall",
	SysMincore:               "mincore",
	SysMadvise:               "madvise",
	SysRemapFilePages:        "remap_file_pages",
	SysMbind:                 "mbind",
	SysGetMempolicy:          "get_mempolicy",
	SysSetMempolicy:          "set_mempolicy",
	SysMigratePages:          "migrate_pages",
	SysMovePages:             "move_pages",
	SysRtTgsigqueueinfo:      "rt_tgsigqueueinfo",
	SysPerfEventOpen:         "perf_event_open",
	SysAccept4:               "accept4",
	SysRecvmmsg:              "recvmmsg",
	SysRiscvHwprobe:          "riscv_hwprobe",
	SysRiscvFlushIcache:      "riscv_flush_icache",
	SysWait4:                 "wait4",
	SysPrlimit64:             "prlimit64",
	SysFanotifyInit:          "fanotify_init",
	SysFanotifyMark:          "fanotify_mark",
	SysNameToHandleAt:        "name_to_handle_at",
	SysOpenByHandleAt:        "open_by_handle_at",
	SysClockAdjtime:          "clock_adjtime",
	SysSyncfs:                "syncfs",
	SysSetns:                 "setns",
	SysSendmmsg:              "sendmmsg",
	SysProcessVmReadv:        "process_vm_readv",
	SysProcessVmWritev:       "process_vm_writev",
	SysKcmp:                  "kcmp",
	SysFinitModule:           "finit_module",
	SysSchedSetattr:          "sched_setattr",
	SysSchedGetattr:          "sched_getattr",
	SysRenameat2:             "renameat2",
	SysSeccomp:               "seccomp",
	SysGetrandom:             "getrandom",
	SysMemfdCreate:           "memfd_create",
	SysBpf:                   "bpf",
	SysExecveat:              "execveat",
	SysUserfaultfd:           "userfaultfd",
	SysMembarrier:            "membarrier",
	SysMlock2:                "mlock2",
	SysCopyFileRange:         "copy_file_range",
	SysPreadv2:               "preadv2",
	SysPwritev2:              "pwritev2",
	SysPkeyMprotect:          "pkey_mprotect",
	SysPkeyAlloc:             "pkey_alloc",
	SysPkeyFree:              "pkey_free",
	SysStatx:                 "statx",
	SysIoPgetevents:          "io_pgetevents",
	SysRseq:                  "rseq",
	SysKexecFileLoad:         "kexec_file_load",
	SysPidfdSendSignal:       "pidfd_send_signal",
	SysIoUringSetup:          "io_uring_setup",
	SysIoUringEnter:          "io_uring_enter",
	SysIoUringRegister:       "io_uring_register",
	SysOpenTree:              "open_tree",
	SysMoveMount:             "move_mount",
	SysFsopen:                "fsopen",
	SysFsconfig:              "fsconfig",
	SysFsmount:               "fsmount",
	SysFspick:                "fspick",
	SysPidfdOpen:             "pidfd_open",
	SysClone3:                "clone3",
	SysCloseRange:            "close_range",
	SysOpenat2:               "openat2",
	SysPidfdGetfd:            "pidfd_getfd",
	SysFaccessat2:            "faccessat2",
	SysProcessMadvise:        "process_madvise",
	SysEpollPwait2:           "epoll_pwait2",
	SysMountSetattr:          "mount_setattr",
	SysQuotactlFd:            "quotactl_fd",
	SysLandlockCreateRuleset: "landlock_create_ruleset",
	SysLandlockAddRule:       "landlock_add_rule",
	SysLandlockRestrictSelf:  "landlock_restrict_self",
	SysMemfdSecret:           "memfd_secret",
	SysProcessMrelease:       "process_mrelease",
	SysFutexWaitv:            "futex_waitv",
	SysSetMempolicyHomeNode:  "set_mempolicy_home_node",
}

// String returns the system call's name, or, for a number Linux does not
// define, "syscall_0x3e7" as strace names it (the number in hex: any 64-bit
// value of a7 can arrive here, ^uint64(0) included).
func (s Sysno) String() string {
	if s < Sysno(len(sysnoNames)) && sysnoNames[s] != "" {
		return sysnoNames[s]
	}
	return "syscall_" + hex(uint64(s))
}

// Sysnos returns every defined number with its name, in ascending order.
func Sysnos() []Sysno {
	var out []Sysno
	for s, name := range sysnoNames {
		if name != "" {
			out = append(out, Sysno(s))
		}
	}
	return out
}
