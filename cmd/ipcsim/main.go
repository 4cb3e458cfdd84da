// Command ipcsim runs programs and scenarios on a simulated Unix machine.
//
// Usage:
//
//	ipcsim run [flags] FILE.txtar          run a scenario, print its trace, console and exits
//	ipcsim test [flags] FILE|DIR...        run scenarios and check their want/ sections
//	ipcsim exec [flags] PROG [ARGS...]     run a static RV64 ELF like qemu-riscv64 PROG ARGS
//	ipcsim step FILE.txtar                 step through a run in the terminal, and back
//	ipcsim report FILE.txtar -o FILE.html  one HTML page of a run: timeline, console, state
//	ipcsim fuzz [flags]                    make random system calls, checking the kernel
//	ipcsim help                            print this help
//
// Run "ipcsim help" for the flags and exit statuses of each command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `ipcsim runs programs and scenarios on a simulated Unix machine.

Usage:

  ipcsim run [--format=text|json|chrome|mermaid] [--tree] [--seed=N] [--limit=N|none] [--replay=TOKEN]
             [--pid=LIST] [--host=LIST] [--from=CYCLE] [--to=CYCLE] [--hide=KINDS|--only=KINDS]
             [--quiz [--answers]] [--check] [--pcap=DIR] FILE.txtar
      Run a scenario. Print its trace, then the console output, then how
      each process ended (--tree adds the tree of its processes), and
      last, if the run called system calls that ipcsim does not
      implement (each failed with ENOSYS), a line naming them:
      "unimplemented: socket (3 calls, first by pid 2 at cycle 1234)".
      --format=json prints all of it as JSON, one document a line: the
      trace events (with a "kind"), then documents with a "type":
      console (one per host, the whole output), exit (one per process),
      stop (one per host: why it stopped), process (--tree),
      unimplemented and assertion (see the README).
      A scenario's always, eventually and sometimes lines (assertions)
      are checked as it runs; a last section, "--- assertions", says
      for each whether it held, where it broke (the cycle, the point and
      the values of its tests) or where it was first true, and the trace
      has an "assertion failed" (or "reached") note at that point.
      Trace filters hide events of the trace, in text and JSON; the run,
      its console and its exits stay the same:
        --pid=2,3        only these processes (alice:2 for a host's;
                         0 is the machine itself: interrupts, the tty)
        --host=alice,bob only these hosts' events
        --from=CYCLE     only events from this cycle on
        --to=CYCLE       only events up to this cycle (included)
        --hide=switch,irq     not events of these kinds
        --only=syscall,signal only events of these kinds
      The kinds: syscall, block, wake, switch, irq, fault, signal,
      spawn, exec, exit, reap, reparent, ipc, futex, tty, net, down,
      note, inspect, insn, watch. The list flags may be repeated; an
      event shows when it passes every filter given.
      --quiz hides what a student should predict (the results of reads,
      writes, waits, forks, pipes, queue and socket calls, futexes..., who
      woke a process and why, the console) as numbered questions, as
      OSTEP's simulators do; --answers adds the answers at the end.
      --format=chrome prints only a Chrome trace for ui.perfetto.dev,
      --format=mermaid only a Mermaid sequence diagram of the IPC (with
      hosts, a box of processes per host, TCP's bytes and UDP's
      datagrams from host to host).
      --seed=N runs the machine with seed N instead of the
      scenario's seed= (the seed picks the jitter of each time slice,
      so the interleaving), for instance to see the run behind a seed
      that an "expect seeds" line names. --limit=N stops the machine at
      cycle N instead of the scenario's limit= (none: no limit); a
      scenario without limit= stops at 1000000000 cycles (1 s of
      virtual time). --replay=TOKEN runs the schedule that ipcsim
      explore printed the token for (not with --seed or --limit); a token
      of another build of ipcsim or another version of the scenario is
      refused. --check checks the kernel's invariants at every step (see
      ipcsim fuzz); the first broken one stops the run and is printed
      last ("--- invariants", or on standard error with --format=json,
      chrome or mermaid). --pcap=DIR writes each host's packets, as
      tcpdump -i any would capture them there, to DIR/HOST.pcap
      (DIR/ipcsim.pcap for a scenario without host lines; DIR is made
      if need be): pcap with nanosecond timestamps of the virtual clock
      and raw IPv4 packets, for wireshark or tshark -r.
      Flags may follow FILE. Exit status: 0 once the
      scenario ran, 1 if it broke an always or eventually assertion or
      --check found a broken invariant (a sometimes
      one it did not see is reported, not failed: it is about a set of
      runs), 2 for bad input.

  ipcsim explore [--strategy=portfolio|pct|random|pb|dpor] [--depth=3]
                 [--p=0.05] [--schedules=100] [--seed=S] [--all] [--no-shrink]
                 [--faults] [--workers=N] [--shard=i/n] [--report=FILE.json]
                 [--limit=10000] [--check] FILE.txtar
  ipcsim explore merge FILE.json...
      Run a scenario under many schedules that may preempt between any
      two instructions, and check on each run its expect lines (plain
      lines, and "expect seeds" lines with always or never; not the
      want/ sections, nor "sometimes" lines) and its always and
      eventually assertions. A "sometimes COND" assertion is about the
      whole exploration: a line says in how many schedules COND was
      true, and one that no schedule saw fails it (a shard only counts). pct is PCT with the given
      depth (its step bound learned from the first schedule); random
      switches to a random ready process with probability p at each
      step; pb bounds the preemptions, 0, then 1, 2, 3... (iterative
      deepening); portfolio, the default, takes them in turn (schedule i:
      pct, random, pb for i mod 3 = 0, 1, 2). Stop at the first failing
      schedule (--all: go on), print what broke and a replay token for
      ipcsim run --replay, the token of its shrunk list of switches
      (every strategy: the switches it made where first come, first
      served would not, reduced while the run still fails; PCT's as a
      pctlist), and, when the run lost an update, why (the load,
      the switch, the other store, the stale store). --workers=N runs N
      schedules at a time (default: the cores); the output is the same
      for any N. --shard=i/n runs only schedules j with j mod n = i, so
      that n machines share one exploration; --report=FILE.json writes
      what it found, and "ipcsim explore merge" of the n reports prints
      what the exploration run whole prints (but the rate line), or
      refuses (status 2) reports of different builds, scenarios or
      settings, a shard twice or a shard missing. dpor has no shards. Last, a rate line
      (schedules and simulated instructions per second of wall clock,
      which affects nothing else). dpor searches exhaustively, for
      small scenarios: it runs one schedule per class of equivalent
      schedules (the same order of every two conflicting operations of
      different processes: accesses to the same shared bytes, one a
      write, or two system calls), by dynamic partial-order reduction
      with sleep sets, on one goroutine, and prints "N executions
      explored (complete)", or "incomplete" if it stopped at a failure
      or after --limit runs (not --schedules, --workers or --shard).
      --faults gives each schedule a fault plan too: one or two of the
      faults the scenario's calls could meet (the Nth fork failing with
      ENOMEM, a short write to a pipe..., learned from a run without
      faults) and, with links, a lossier, slower, reordering or
      duplicating link, drawn from the seed; the token records the plan
      (",f=clone.1.ENOMEM", ",n=0.loss.300000"), and shrinking drops
      faults while the run still fails. --check checks the kernel's
      invariants at every step of every schedule: a schedule that breaks
      one fails, with a token for ipcsim run --check --replay. Exit
      status: 0 if no schedule failed, 1 if one did, 2 for bad input.

      Scenario lines make faults happen in every run, too (see the
      README, "Faults"):
        fault CALL N|p=PROB ERRNO|short|kill [by NAME|by pid N]
        fault kill WHO at call N
      as "fault fork 1 ENOMEM", "fault write 2 short by writer",
      "fault read 1 EINTR" (a real signal to a handler), "fault kill
      pid 3 at call 2". Only errnos Linux can give that call are
      accepted. The trace marks the call: "= -1 ENOMEM (injected)".

  ipcsim test [-q] [--update] [--seed=N] [--limit=N|none] [--check] FILE|DIR...
      Run scenarios (a DIR means every *.txtar in it, sorted) and check
      them against their want/ sections and expect lines. Print
      "--- FAIL: FILE" and what differs for each failure, "ok FILE" for
      each pass (not with -q), and finally "N passed, M failed".
      An "expect seeds FROM..TO always|sometimes|never ..." line runs
      the scenario once per seed of the range.
      Assertions: "always COND" must hold at every checking point of
      every run (each scheduling point: a thread enters a system call,
      blocks, is woken, ends its time slice, yields or exits; and the
      end), "eventually COND" at one point of every run, "sometimes
      COND" at one point of one run of the set: the run and those of
      the expect seeds lines, or the one run if there are none. COND: console [of WHO] contains "TEXT", exited WHO,
      exit WHO == N, state WHO == blocked, procs, zombies,
      pipe#N.bytes, msgq KEY.count, sem KEY[N], shm KEY[OFF], shm64
      KEY[OFF] (KEY or #ID), compared with ==, !=, <, <=, >, >= to a
      number, joined with &&, || and !, in parentheses (see the README).
      A run that calls a system call ipcsim does not implement fails,
      unless an "expect unimplemented NAME..." line names those calls.
      --update rewrites the want/ sections with what happened, and
      first builds each C program (a -- NAME.c -- section) whose binary
      in build/SCENARIO/ is missing or stale, with $IPCSIM_CC or
      riscv64-linux-gnu-gcc. Nothing else runs the compiler: without
      --update (and in run and inspect) a stale binary is bad input.
      --seed=N runs each scenario with seed N instead of its own (the
      want/ sections and plain expect lines are checked against that
      run; not with --update, since want/ records the scenario's seed).
      --limit=N|none likewise replaces each scenario's cycle limit.
      --check checks the kernel's invariants at every step of every run
      (its seed loops too): a broken one fails the scenario.
      Exit status: 0 if all passed, 1 if any failed, 2 for bad input.

  ipcsim exec [flags] PROG [ARGS...]
      Run a static RV64 ELF from the host, as qemu-riscv64 PROG ARGS
      would: argv is PROG ARGS, the environment is the host's, fd 0, 1
      and 2 are ipcsim's standard input, output and error, and execve
      reads host files. fd 0 and 1 are the simulated terminal (its line
      discipline: ^C is SIGINT, ^D end of file, DEL erases) only when
      ipcsim's are terminals; a pipe, a file or /dev/null passes bytes as
      they are and is not a tty (isatty fails with ENOTTY). A failing
      host stream fails the program's write as on Linux: ENOSPC for
      /dev/full, EPIPE and SIGPIPE when the reader of a pipe left.
      Flags:
        --mem=SIZE       physical memory, 1M to 4G in whole 4K pages
                         (65536, 64K, 16M, 1G; default 64M)
        --quantum=N      cycles per time slice, 1 to 10^12 (default 10000)
        --trapcost=N     extra cycles per trap, 0 to 10^6 (default 0)
        --maxprocs=N     the limit of processes and threads, 2 to 65536
                         (default 64; fork and clone fail with EAGAIN at it)
        --seed=N         the PRNG seed, any 64-bit number (default 0)
        --limit=N|none   stop at cycle N, 1 to 2^62 (default 10^12, 1000 s
                         of virtual time; none runs on, as qemu-riscv64)
        --trace[=FILE]   write the trace to standard error, or to FILE
                         (fastest: another core makes its lines). To a
                         terminal each line goes out as it happens;
                         otherwise (2>file, 2>&1 | less) the lines wait
                         until the program writes, waits for input or
                         ends, or a signal ends ipcsim
        --format=json    write the trace as JSON lines
        --warn-unimplemented
                         at the end, name on standard error the system
                         calls that failed with ENOSYS because ipcsim does
                         not implement them (off by default: exec adds
                         nothing to the program's output, as qemu-riscv64)
      Exit status: the program's (its exit code, or 128+N if signal N
      killed it); 124 if the cycle limit was reached; 125 if every
      process blocked forever (deadlock); 2 for bad flags or a file that
      is not a static RV64 executable.

  ipcsim inspect --at=CYCLE [--format=text|json] [--limit=N|none] FILE.txtar
      Run a scenario until CYCLE and print the state of the kernel's
      objects there: every process (state, what it waits for,
      descriptors, signals, memory) and its threads with their
      registers; the terminal; the process tree; pipes, message queues,
      shared memory (as ipcs -m, with its first bytes), semaphores,
      epoll, futexes, files; sockets as ss -tuanpi shows them. With
      hosts, each host's state under === host NAME (a host that lost
      power: down since when, and when it boots again if it does), then
      === network: the links and the
      frames on them. The state is that as the clock reaches CYCLE:
      every event stamped before it, and of those stamped CYCLE only
      the interrupts and what they wake. If the run ended before CYCLE
      (every host had ended), a first line says how each ended ("lost
      power at cycle N", "all processes exited at cycle N") above the
      state it ended in; --format=json has it as "ended".
      Exit status: 0, or 2 for bad input.

  ipcsim step [--seed=N] [--limit=N|none] [--replay=TOKEN] FILE.txtar
      Step through a scenario's run in the terminal: panes for the
      processes and threads, the selected one's registers and code
      around its pc, the kernel's objects (what inspect prints) and the
      trace so far. Keys: n one event, s one system call, i one
      instruction, p one event back (the run replayed from the start to
      the previous event, or taken from a cache), c run to a cycle, b run
      to a breakpoint (a system call, pid N, pipe#1, watch ADDRESS), r to
      its next hit, ? all the keys, q quit. The kernel pauses between
      cycles: a step shows the next event with the others of its cycle.
      --replay steps through a schedule of ipcsim explore (its faults
      too), opened where it fails: the store that loses an update, else
      where an always assertion was first false, else the end.
      Exit status: 0, or 2 for bad input.

  ipcsim report [-o FILE.html] [--seed=N] [--limit=N|none] [--replay=TOKEN] FILE.txtar
      Write one self-contained HTML page of a run (its CSS and script
      inline: it fetches nothing), to FILE.html or standard output: the
      timeline, a track per process with its running, ready, blocked
      (named by what it waits on) and stopped slices, marks for signals,
      exits and interrupts, arrows for forks, wakeups, the bytes through
      pipes and FIFOs, messages handed to a waiting receiver and signals
      between processes (the model of --format=chrome); the console and
      the exits; and, where the timeline is clicked, the kernel's state
      as ipcsim inspect --at=CYCLE prints it, at the latest kept cycle at
      or before the click. The states kept are those at the cycle after
      each cycle at which something happened, at most 200, taken evenly
      from them (the page says which). The page is the same bytes for
      the same scenario. Exit status: 0, or 2 for bad input.

  ipcsim fuzz [--seed=S] [--calls=N] [--procs=P] [--k=K] [--check] [--workers=N]
  ipcsim fuzz --replay TOKEN
      Fuzz the kernel with random system calls, as syzkaller does: case
      after case, a fresh machine where one program forks P processes
      (default 4, at most 32), which make P*K random calls (K default 50,
      each a random number and six random arguments: small and huge
      values, addresses on the stack and in the program, boundaries),
      the machine running a while after a quarter of them; when none can
      make a call, the program starts again on the same kernel; last,
      every process gets SIGKILL and must die. Until N calls were made (default
      10000). --check checks the kernel's invariants at every step (the
      frames and their holders, copy-on-write, the open files, pipes,
      queues, sockets, the scheduler's sets, the thread groups). A case
      fails on a broken invariant, a panic of the kernel (caught: the run
      goes on) or processes SIGKILL did not end; each prints a line and a
      token. Case c's calls come from PCG(S, c): the output is the same
      for any --workers (default: the cores). Last, a summary (cases,
      calls, respawns, instructions, invariant checks, failures) and a rate line
      (wall clock, which affects nothing else). --replay TOKEN runs that
      case again, invariants checked, printing its trace with each call
      marked, and how it ended; a token of another build is refused.
      Exit status: 0 if no case failed, 1 if one did, 2 for bad flags or
      a bad token.

  ipcsim help
      Print this help.
`

// Exit statuses of the command itself.
const (
	exitOK         = 0
	exitFailed     = 1   // ipcsim test: a scenario did not match; explore, fuzz: a failure; --check: a broken invariant
	exitBadInput   = 2   // bad flags, a bad scenario, a bad ELF
	exitCycleLimit = 124 // ipcsim exec: the cycle limit was reached (as timeout(1))
	exitDeadlock   = 125 // ipcsim exec: every process blocked forever
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Main runs the command with args (without the program name) and returns
// its exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBadInput
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "test":
		return cmdTest(args[1:], stdout, stderr)
	case "exec":
		return cmdExec(args[1:], stdin, stdout, stderr)
	case "inspect":
		return cmdInspect(args[1:], stdout, stderr)
	case "explore":
		return cmdExplore(args[1:], stdout, stderr)
	case "step":
		return cmdStep(args[1:], stdin, stdout, stderr)
	case "report":
		return cmdReport(args[1:], stdout, stderr)
	case "fuzz":
		return cmdFuzz(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "ipcsim: unknown command %q: expected run, test, exec, inspect, explore, step, report, fuzz or help\n", args[0])
	return exitBadInput
}

// parseFlags parses a subcommand's flags. It returns the exit status to
// stop with, or -1 to go on: -h prints the usage and stops with 0.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "ipcsim %s: %v (see ipcsim help)\n", fs.Name(), err)
		return exitBadInput
	}
	return -1
}
