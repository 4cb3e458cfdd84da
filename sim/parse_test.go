package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// noDisk is a readDisk for scenarios that must not touch the host.
func noDisk(name string) (string, []byte, error) {
	return name, nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

const helloSrc = `	.text
	.globl _start
_start:	li a0, 1
	la a1, msg
	li a2, 3
	li a7, SYS_write
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
	.data
msg:	.ascii "hi\n"
`

func TestParseValid(t *testing.T) {
	src := `# A story.
machine mem=16M quantum=200 trapcost=0 seed=1 limit=2_000_000 maxprocs=64
spawn hello.s one "two words"   # a comment
install worker.s
at 5000 key "ls\n^C"
expect exit hello 0
expect signal pid 3 SIGSEGV
expect console "hi\n"
-- hello.s --
` + helloSrc + `-- worker.s --
` + helloSrc + `-- README --
notes
-- want/console --
hi
-- want/exits --
pid 2 (hello): exited with status 0
`
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		Machine Machine
		Names   []string
		Args    []string
		Keys    []Keys
		Expects []Expect
		Wants   []string
	}{Machine: s.Machine, Args: s.Spawns[0].Args, Keys: s.Keys}
	for _, p := range s.Programs {
		got.Names = append(got.Names, p.Name+"="+p.Source)
	}
	for _, e := range s.Expects {
		e.Console = nil
		got.Expects = append(got.Expects, e)
	}
	for _, w := range s.Wants {
		got.Wants = append(got.Wants, w.Name+"@"+w.Pos.String()+":"+string(w.Data))
	}
	want := struct {
		Machine Machine
		Names   []string
		Args    []string
		Keys    []Keys
		Expects []Expect
		Wants   []string
	}{
		Machine: Machine{MemBytes: 16 << 20, Quantum: 200, Seed: 1, CycleLimit: 2000000, MaxProcs: 64},
		Names:   []string{"hello=hello.s", "worker=worker.s"},
		Args:    []string{"one", "two words"},
		Keys:    []Keys{{Pos: Pos{Filename: "x.txtar", Line: 5, Col: 1}, At: 5000, Keys: []byte("ls\n\x03")}},
		Expects: []Expect{
			{Pos: Pos{Filename: "x.txtar", Line: 6, Col: 1}, Text: "expect exit hello 0", Kind: ExpectExit, Who: Who{Spawn: 0, Name: "hello", col: 13}},
			{Pos: Pos{Filename: "x.txtar", Line: 7, Col: 1}, Text: "expect signal pid 3 SIGSEGV", Kind: ExpectSignal, Who: Who{Spawn: -1, PID: 3, Name: "pid 3"}, Signal: 11},
			{Pos: Pos{Filename: "x.txtar", Line: 8, Col: 1}, Text: `expect console "hi\n"`, Kind: ExpectConsole},
		},
		Wants: []string{"want/console@x.txtar:37:1:hi\n", "want/exits@x.txtar:39:1:pid 2 (hello): exited with status 0\n"},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(Who{})); d != "" {
		t.Errorf("parse (-want +got):\n%s", d)
	}
}

// TestParseErrors checks that every error of a header is reported, sorted,
// with the column of the offending word.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"directive", "spawn hello.s\nrun hello\n-- hello.s --\n" + helloSrc,
			`x.txtar:2:1: unknown directive "run": expected machine, host, link, spawn, install, watch, at, expect, fault, cc, always, eventually or sometimes`},
		{"machine", "machine mem=12Q quantum=0 speed=3 seed\nmachine seed=1 seed=2\nspawn hello.s\n-- hello.s --\n" + helloSrc,
			`x.txtar:1:13: bad mem "12Q": expected a size such as 65536, 64K, 16M or 1G
x.txtar:1:25: bad quantum "0": expected a quantum from 1 to 1_000_000_000_000 cycles
x.txtar:1:27: unknown machine setting "speed": expected mem, quantum, trapcost, seed, jitter, limit, maxprocs, echo or insns
x.txtar:1:35: expected setting=value, found seed
x.txtar:2:16: duplicate setting seed (first set at line 2)`},
		{"spawn as", "spawn as\nspawn as x hello.s\nspawn as 70000:1 hello.s\nspawn as 5:\n-- hello.s --\n" + helloSrc,
			`x.txtar:1:9: expected UID or UID:GID after spawn as, found end of line
x.txtar:2:10: expected UID or UID:GID (numbers up to 65535), found x
x.txtar:3:10: expected UID or UID:GID (numbers up to 65535), found 70000:1
x.txtar:4:10: expected UID or UID:GID (numbers up to 65535), found 5:`},
		{"watch", "spawn hello.s\nwatch\nwatch xyz\nwatch 0x1002 size=4\nwatch 0x1000 size=3\n-- hello.s --\n" + helloSrc,
			`x.txtar:2:6: expected an address after watch (watch 0x12340, watch shm 0x1234+8 or watch shm#1), found end of line
x.txtar:3:7: bad address xyz: expected a number such as 0x12340, or shm KEY+OFFSET
x.txtar:4:7: address 0x1002 is not aligned to its size 4
x.txtar:5:14: expected size=1, 2, 4 or 8 after the address, found size=3`},
		{"watch shm", "spawn hello.s\nwatch shm\nwatch shm 0+8\nwatch shm key+8\nwatch shm 0x5eed+x\nwatch shm 0x5eed+6\nwatch shm#0\nwatch shm#a+4\nwatch shm 0x5eed+8 size=3\nwatch shm 0x1ffffffff\n-- hello.s --\n" + helloSrc,
			`x.txtar:2:10: expected a segment's key after watch shm (watch shm 0x1234+8), found end of line
x.txtar:3:11: key 0 is IPC_PRIVATE, which names no one segment: name it by its order of creation, such as shm#1
x.txtar:4:11: bad key key+8: expected the key given to shmget, such as 0x1234 or 0x1234+8
x.txtar:5:11: bad offset in 0x5eed+x: expected a number after +, such as shm 0x1234+8
x.txtar:6:11: segment word 0x5eed+6 is not aligned to its size 4
x.txtar:7:7: bad segment shm#0: expected shm#N, N = 1 for the first segment made, such as shm#1+8
x.txtar:8:7: bad segment shm#a+4: expected shm#N, N = 1 for the first segment made, such as shm#1+8
x.txtar:9:20: expected size=1, 2, 4 or 8 after the address, found size=3
x.txtar:10:11: bad key 0x1ffffffff: expected the key given to shmget, such as 0x1234 or 0x1234+8`},
		{"actions", "spawn hello.s\nat 5 kill\nat 5 kill 1 SIGINT\nat 5 kill 2 SIGFOO\nat 5 kill 2 INT now\nat 5 inspect me\nat 5 frobnicate\n-- hello.s --\n" + helloSrc,
			`x.txtar:2:10: expected a pid and a signal (at CYCLE kill PID SIGINT), found end of line
x.txtar:3:11: bad pid 1: expected a process id from 2 up (init, pid 1, takes no signal it has no handler for)
x.txtar:4:13: bad signal SIGFOO: expected a name such as SIGINT or INT, or a number from 1 to 64
x.txtar:5:17: expected end of line after kill 2 INT, found now
x.txtar:6:14: expected end of line after inspect, found me
x.txtar:7:6: expected key, kill, spawn or inspect, found frobnicate`},
		{"missing file", "spawn nothere.s\nspawn\n",
			`x.txtar:1:7: cannot read program nothere.s: not a file of the archive, and on disk: open nothere.s: file does not exist
x.txtar:2:6: expected a program file after spawn, found end of line`},
		{"keys", "spawn hello.s\nat x key \"a\"\nat 5 keys \"a\"\nat 5 key a\nat 5 key \"unterminated\nat 5\nat 5 key \"\\q\"\n-- hello.s --\n" + helloSrc,
			`x.txtar:2:4: bad cycle x: expected a decimal number
x.txtar:3:6: expected key, kill, spawn or inspect, found keys
x.txtar:4:10: expected a quoted string such as "ls\n" or "^C", found a
x.txtar:5:10: expected closing " of string, found end of line
x.txtar:6:5: expected key (at CYCLE key "STRING"), found end of line
x.txtar:7:10: bad string "\q": expected a Go string literal`},
		{"expect", "spawn hello.s\nspawn hello.s\nexpect exit hello 0\nexpect exit nobody 0\nexpect signal pid 2 SIGFOO\nexpect exit pid 2 256\nexpect console hi\nexpect vanish pid 2\nexpect exit pid 2 0 extra\n-- hello.s --\n" + helloSrc,
			`x.txtar:3:13: "hello" is spawned 2 times: name the process as pid N
x.txtar:4:13: no process spawned as "nobody": expected pid N or one of the spawned names (hello)
x.txtar:5:21: unknown signal SIGFOO: expected a name such as SIGINT, SIGKILL or SIGSEGV
x.txtar:6:19: bad exit status 256: expected a number from 0 to 255
x.txtar:7:16: expected a quoted string after expect console, found hi
x.txtar:8:8: expected exit, signal, console or unimplemented after expect, found vanish
x.txtar:9:21: expected end of line, found extra`},
		{"sections", "spawn hello.s\n-- hello.s --\n" + helloSrc + "-- want/stdout --\n-- hello.s --\n",
			`x.txtar:15:1: unknown section want/stdout: expected want/console, want/exits or want/trace
x.txtar:16:1: duplicate file hello.s (first at line 2)`},
		{"no spawn", "# nothing\n-- hello.s --\n" + helloSrc,
			`x.txtar:1:1: no spawn directive: a scenario starts at least one program (spawn FILE)`},
		{"assembly", "# story\nspawn bad.s\n-- bad.s --\n\t.text\n_start:\tli a0, 1\n\tfrob a0\n",
			`x.txtar:6:2: ` + asmMsg(t, "\t.text\n_start:\tli a0, 1\n\tfrob a0\n")},
		{"install", "spawn hello.s\ninstall\ninstall d to /x\ninstall d at\ninstall d at etc/x\ninstall d at /a/../b\ninstall d at /x/\ninstall d at /x mode=0999\ninstall d at /x mode=644 more\ninstall d at /ok\ninstall d at /ok\ninstall d at /bin/hello\ninstall nothere at /y\n-- hello.s --\n" + helloSrc + "-- d --\ndata\n",
			`x.txtar:2:8: expected a program or data file after install, found end of line
x.txtar:3:11: expected at PATH or end of line after install d, found to
x.txtar:4:13: expected an absolute path after install d at, found end of line
x.txtar:5:14: bad path etc/x: expected an absolute path such as /etc/data
x.txtar:6:14: bad path /a/../b: expected a clean path (no ., .. or //)
x.txtar:7:14: bad path /x/: expected the path of a file, not of a directory
x.txtar:8:17: expected mode=OCTAL (such as mode=0644, at most 07777), on HOST or end of line, found mode=0999
x.txtar:9:26: expected end of line after mode=644, found more
x.txtar:11:14: /ok is already installed (line 10)
x.txtar:12:9: /bin/hello is where hello.s (line 1) is installed as a program
x.txtar:13:9: cannot read nothere: not a file of the archive, and on disk: open nothere: file does not exist`},
		{"names", "spawn a/hello.s\nspawn b/hello.s\nspawn want/exits\nspawn .s\n-- a/hello.s --\n" + helloSrc + "-- b/hello.s --\n" + helloSrc + "-- want/exits --\n",
			`x.txtar:2:7: b/hello.s would be installed as /bin/hello, which a/hello.s (line 1) already is
x.txtar:3:7: want/exits is an expected result, not a program
x.txtar:4:7: expected a program file name, found .s`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse("x.txtar", []byte(tt.src), noDisk)
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T), want an ErrorList", err, err)
			}
			if d := cmp.Diff(strings.Split(tt.want, "\n"), strings.Split(err.Error(), "\n")); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}

// TestParseSettingRanges checks each numeric machine setting against its
// range (issue 15): no value may make the kernel's arithmetic wrap, as a
// jitter of 2^64-1 did (a panic) or a quantum of 2^64-1 (a preemption every
// cycle).
func TestParseSettingRanges(t *testing.T) {
	tests := []struct{ setting, err string }{
		{"jitter=18446744073709551615", `bad jitter "18446744073709551615": expected a jitter from 0 to 1_000_000_000_000 cycles`},
		{"jitter=1_000_000_000_001", `bad jitter "1_000_000_000_001": expected a jitter from 0 to 1_000_000_000_000 cycles`},
		{"jitter=1_000_000_000_000", ""},
		{"jitter=0", ""},
		{"quantum=18446744073709551615", `bad quantum "18446744073709551615": expected a quantum from 1 to 1_000_000_000_000 cycles`},
		{"quantum=1_000_000_000_000", ""},
		{"quantum=1", ""},
		{"trapcost=18446744073709551615", `bad trapcost "18446744073709551615": expected a trap cost from 0 to 1_000_000 cycles`},
		{"trapcost=1_000_001", `bad trapcost "1_000_001": expected a trap cost from 0 to 1_000_000 cycles`},
		{"trapcost=1_000_000", ""},
		{"mem=1048577", `bad mem "1048577": expected a multiple of the page size (4096 bytes)`},
		{"mem=1020K", `bad mem "1020K": expected a size from 1M to 4G`},
		{"mem=8G", `bad mem "8G": expected a size from 1M to 4G`},
		{"mem=18446744073709551615", `bad mem "18446744073709551615": expected a size from 1M to 4G`},
		{"mem=17179869184G", `bad mem "17179869184G": expected a size from 1M to 4G`},
		{"mem=4G", ""},
		{"mem=1M", ""},
		{"mem=1052672", ""},
		{"limit=0", `bad limit "0": expected a cycle limit from 1 to 2^62, or none`},
		{"limit=4611686018427387905", `bad limit "4611686018427387905": expected a cycle limit from 1 to 2^62, or none`},
		{"limit=never", `bad limit "never": expected a decimal number, or none`},
		{"limit=4611686018427387904", ""},
		{"limit=none", ""},
		{"maxprocs=1", `bad maxprocs "1": expected a process limit from 2 to 65536`},
		{"maxprocs=65537", `bad maxprocs "65537": expected a process limit from 2 to 65536`},
		{"maxprocs=18446744073709551617", `bad maxprocs "18446744073709551617": expected a number below 2^64`},
		{"maxprocs=65536", ""},
		{"seed=18446744073709551615", ""},
	}
	for _, tt := range []struct{ at, err string }{
		{"4611686018427387904", ""},
		{"4611686018427387905", "x.txtar:1:4: bad cycle 4611686018427387905: expected a cycle from 0 to 2^62"},
		{"18446744073709551615", "x.txtar:1:4: bad cycle 18446744073709551615: expected a cycle from 0 to 2^62"},
	} {
		_, err := parse("x.txtar", []byte("at "+tt.at+" key \"x\"\nspawn hello.s\n-- hello.s --\n"+helloSrc), noDisk)
		if got := fmt.Sprint(err); (err == nil && tt.err != "") || (err != nil && got != tt.err) {
			t.Errorf("at %s: error %v, want %q", tt.at, err, tt.err)
		}
	}
	for _, tt := range tests {
		src := "machine " + tt.setting + "\nspawn hello.s\n-- hello.s --\n" + helloSrc
		_, err := parse("x.txtar", []byte(src), noDisk)
		want := ""
		if tt.err != "" {
			want = "x.txtar:1:" + strconv.Itoa(len("machine ")+strings.Index(tt.setting, "=")+2) + ": " + tt.err
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("machine %s:\n got %q\nwant %q", tt.setting, got, want)
		}
	}
}

// TestDefaultCycleLimit: a scenario without limit= stops at
// DefaultCycleLimit, and limit=none runs without a limit (issue 15).
func TestDefaultCycleLimit(t *testing.T) {
	for setting, want := range map[string]uint64{"": DefaultCycleLimit, "machine limit=none\n": 0, "machine limit=5\n": 5} {
		s, err := parse("x.txtar", []byte(setting+"spawn hello.s\n-- hello.s --\n"+helloSrc), noDisk)
		if err != nil {
			t.Fatal(err)
		}
		if s.Machine.CycleLimit != want {
			t.Errorf("%q: limit %d, want %d", setting, s.Machine.CycleLimit, want)
		}
	}
}

// asmMsg returns the message the assembler gives for the first error of src
// at line 3 (so the test does not depend on its wording).
func asmMsg(t *testing.T, src string) string {
	_, err := parse("y.txtar", []byte("spawn bad.s\n-- bad.s --\n"+src), noDisk)
	if err == nil {
		t.Fatal("no assembly error")
	}
	_, msg, _ := strings.Cut(err.Error(), ":5:2: ")
	return msg
}

func TestCaretKeys(t *testing.T) {
	for in, want := range map[string]string{
		"^C": "\x03", "^c": "\x03", "^D": "\x04", "^@": "\x00", "^[": "\x1b", "^?": "\x7f",
		"a^": "a^", "^1": "^1", "^^": "\x1e", "x^Zy": "x\x1ay",
	} {
		if got := string(caretKeys(in)); got != want {
			t.Errorf("caretKeys(%q) = %q, want %q", in, got, want)
		}
	}
}
