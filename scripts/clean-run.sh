# clean-run.sh, sourced by the scripts that record what Linux does
# (linux-oracle.sh, libc-programs.sh, busybox-oracle.sh, sysdiff.sh):
# clean_run CMD... runs CMD as ipcsim starts a program, with only fds 0, 1
# and 2 open (whatever called the script may have left others, and the
# programs print fd numbers) and RLIMIT_NOFILE 1024. Call it in a subshell:
# it closes the caller's descriptors.
clean_run() {
	local fd
	for fd in $(ls /proc/$BASHPID/fd); do
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
	ulimit -n 1024
	"$@"
}
