#!/usr/bin/env bash
# busybox-oracle.sh: fetch Debian's riscv64 busybox-static and record what
# its shell prints on real Linux (qemu-riscv64 user mode on this host's
# kernel), for TestBusybox and the busybox scenarios to compare with.
#
# What it does, in order:
#   1. installs qemu-user and python3 if they are missing;
#   2. unless testdata/busybox/busybox is already the binary named below
#      (checked by its SHA-256), fetches the busybox-static package for
#      riscv64 from Debian 13 "trixie" the way scripts/libc-programs.sh
#      fetches musl: its own sources file
#      (/etc/apt/sources.list.d/ipcsim-riscv64.list), removed again with the
#      riscv64 architecture by a trap; debian.sources is never edited. It
#      checks the .deb's and the binary's SHA-256 and copies the binary,
#      unmodified, to testdata/busybox/busybox;
#   3. runs every line of testdata/busybox/commands.txt twice as
#        cd testdata/busybox && env -i qemu-riscv64 ./busybox sh -c COMMAND \
#            < /dev/null > NAME.out
#      with only fds 0, 1, 2 open and RLIMIT_NOFILE 1024, recording the exit
#      status in NAME.status, and fails if the two runs differ;
#   4. plays the keys of testdata/scenarios/busybox_jobs.txtar (its
#      `at CYCLE key "..."` lines, in order, half a second apart) to
#      `busybox sh -i` in a pseudo-terminal, from /, with an empty
#      environment, and records what the terminal showed in jobs.out (the
#      terminal's \r\n as \n, as ipcsim's console has it). Run as root, as
#      ipcsim's processes are: the prompt is "/ # ", not "/ $ ".
# It is idempotent: a second run rewrites the same files with the same bytes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/busybox
VERSION=1:1.37.0-6+b9
DEB_SHA256=4add476d2b185c5b487c285b38d790f0881a7e4a8e2ddde835f917e770eb8633
BIN_SHA256=659d3048d0849dcd03308ece5214c896f657dde1c76ab7a30e9727e3ed8d309b

# 1. tools
if ! command -v qemu-riscv64 >/dev/null || ! command -v python3 >/dev/null; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y qemu-user python3
fi

# 2. the binary
sha() { sha256sum "$1" | cut -d' ' -f1; }
if [ ! -f "$dir/busybox" ] || [ "$(sha "$dir/busybox")" != "$BIN_SHA256" ]; then
	list=/etc/apt/sources.list.d/ipcsim-riscv64.list
	mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	mirror=${mirror:-http://deb.debian.org/debian}
	had_arch=
	dpkg --print-foreign-architectures | grep -qx riscv64 && had_arch=1
	dl=$(mktemp -d)
	chmod 755 "$dl" # apt-get download fetches as _apt
	cleanup_apt() {
		rm -f "$list"
		[ -n "$had_arch" ] || dpkg --remove-architecture riscv64 || true
		apt-get update >/dev/null || true
		rm -rf "$dl"
	}
	trap cleanup_apt EXIT
	[ -n "$had_arch" ] || dpkg --add-architecture riscv64
	echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$list"
	apt-get update >/dev/null
	(cd "$dl" && apt-get download "busybox-static:riscv64=$VERSION")
	deb=$(ls "$dl"/*.deb)
	[ "$(sha "$deb")" = "$DEB_SHA256" ] || { echo "$deb: unexpected SHA-256" >&2; exit 1; }
	dpkg-deb -x "$deb" "$dl/x"
	[ "$(sha "$dl/x/usr/bin/busybox")" = "$BIN_SHA256" ] || { echo "busybox: unexpected SHA-256" >&2; exit 1; }
	install -m 0755 "$dl/x/usr/bin/busybox" "$dir/busybox"
	cleanup_apt
	trap - EXIT
fi

# 3. shell commands, recorded twice
. "$root/scripts/clean-run.sh" # clean_run CMD...: fds > 2 closed, ulimit -n 1024
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir"
while read -r name cmd; do
	case $name in '' | \#*) continue ;; esac
	for run in 1 2; do
		status=0
		(clean_run env -i qemu-riscv64 ./busybox sh -c "$cmd" < /dev/null > "$tmp/$name.$run") || status=$?
		echo "$status" > "$tmp/$name.$run.status"
	done
	if ! cmp -s "$tmp/$name.1" "$tmp/$name.2" || ! cmp -s "$tmp/$name.1.status" "$tmp/$name.2.status"; then
		echo "$name: two runs under qemu-riscv64 differ" >&2
		exit 1
	fi
	mv "$tmp/$name.1" "$name.out"
	mv "$tmp/$name.1.status" "$name.status"
done < commands.txt

# 4. the interactive session, in a pseudo-terminal
python3 - "$dir/busybox" "$root/testdata/scenarios/busybox_jobs.txtar" > "$tmp/jobs.out" <<'EOF'
import ast, os, pty, re, select, sys, time

busybox, scenario = sys.argv[1], sys.argv[2]

def caret(s):  # the scenario's ^X notation, as sim's caretKeys reads it
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == '^' and i + 1 < len(s):
            n = s[i + 1]
            if 'a' <= n <= 'z':
                out.append(ord(n) - ord('a') + 1); i += 2; continue
            if '@' <= n <= '_':
                out.append(ord(n) - ord('@')); i += 2; continue
            if n == '?':
                out.append(0x7f); i += 2; continue
        out += c.encode()
        i += 1
    return bytes(out)

keys = []
for line in open(scenario):
    m = re.match(r'at\s+(\d+)\s+key\s+("(?:[^"\\]|\\.)*")\s*(#.*)?$', line)
    if m:
        keys.append((int(m.group(1)), caret(ast.literal_eval(m.group(2)))))
keys.sort(key=lambda k: k[0])

pid, fd = pty.fork()
if pid == 0:
    os.chdir('/')
    os.execve('/usr/bin/qemu-riscv64', ['qemu-riscv64', busybox, 'sh', '-i'], {})

out = bytearray()
def drain(seconds):
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            b = os.read(fd, 4096)
        except OSError:
            return
        if not b:
            return
        out.extend(b)

drain(0.5)
for _, k in keys:
    os.write(fd, k)
    drain(0.5)
drain(0.5)
os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out).replace(b'\r\n', b'\n'))
EOF
mv "$tmp/jobs.out" jobs.out
echo "recorded $(grep -cv '^\(#\|$\)' commands.txt) commands and jobs.out in $dir"
