#!/usr/bin/env bash
# run-linux.sh DESIGN: run bin/server_DESIGN and three clients (the same
# arguments as in ../scenarios/server_DESIGN.txtar) under qemu-riscv64 on
# real Linux, to check that the programs behave as they do on ipcsim. The
# order of the lines and the times printed depend on the host's scheduling;
# the answers and exit statuses do not.
set -euo pipefail
cd "$(dirname "$0")"
design=${1:?usage: run-linux.sh iterative|fork|nonblock|select|epoll}
qemu-riscv64 "bin/server_$design" &
server=$!
sleep 0.2 # the server binds /tmp/srv first
qemu-riscv64 bin/client 1 40000 &
c1=$!
qemu-riscv64 bin/client 2 0 &
c2=$!
qemu-riscv64 bin/client 3 0 &
c3=$!
status=0
for pid in $c1 $c2 $c3 $server; do
	wait "$pid" || { echo "pid $pid: exit status $?"; status=1; }
done
exit $status
