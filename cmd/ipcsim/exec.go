package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"

	"ipcsim/kernel"
	"ipcsim/kernel/loader"
	"ipcsim/sim"
)

// traceFlag is --trace (the trace goes to standard error) or --trace=FILE.
type traceFlag struct{ dest string }

func (f *traceFlag) String() string { return f.dest }
func (f *traceFlag) Set(s string) error {
	if s == "true" { // --trace without a value
		s = "-"
	}
	f.dest = s
	return nil
}
func (f *traceFlag) IsBoolFlag() bool { return true }

// maxProgBytes bounds the files exec reads from the host.
const maxProgBytes = 256 << 20

// cmdExec is "ipcsim exec [flags] PROG [ARGS...]".
// execDefaultLimit is exec's cycle limit when --limit gives none: 10^12
// cycles, 1000 seconds of virtual time (about an hour of host time for a
// program that computes without a pause), so that a program that never
// stops does not hang a script or CI; a program waiting for the host's
// input uses no cycles while it waits.
var execDefaultLimit uint64 = 1_000_000_000_000 // a variable only so that a test can lower it

// unbufferedTrace makes --trace write each line to standard error as it
// happens even when that is not a terminal: only a test sets it, for the
// order of bytes that the buffered trace must keep (sharedStderr).
var unbufferedTrace = false

func cmdExec(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	mem, quantum, trapcost := &settingFlag{key: "mem"}, &settingFlag{key: "quantum"}, &settingFlag{key: "trapcost"}
	fs.Var(mem, "mem", "physical memory")
	fs.Var(quantum, "quantum", "cycles per time slice")
	fs.Var(trapcost, "trapcost", "extra cycles per trap")
	maxprocs := &settingFlag{key: "maxprocs"}
	fs.Var(maxprocs, "maxprocs", "the process and thread limit")
	seed := seedFlag(fs)
	// exec stops a program at execDefaultLimit cycles unless --limit says
	// otherwise (--limit=none: never, as qemu-riscv64).
	limit := limitFlag(fs)
	var trace traceFlag
	fs.Var(&trace, "trace", "write the trace to standard error, or to FILE")
	format := fs.String("format", "text", "trace format: text or json")
	warnUnimpl := fs.Bool("warn-unimplemented", false, "at the end, name on standard error the system calls that failed because ipcsim does not implement them")
	if st := parseFlags(fs, args, stdout, stderr); st >= 0 {
		return st
	}
	if !limit.set {
		limit.n = execDefaultLimit
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "ipcsim exec: "+format+"\n", args...)
		return exitBadInput
	}
	if *format != "text" && *format != "json" {
		return bad("bad --format %q: expected text or json", *format)
	}
	if fs.NArg() == 0 {
		return bad("expected a program to run, found none (see ipcsim help)")
	}
	prog := fs.Arg(0)
	elf, err := readHostFile(prog)
	if err != nil {
		return bad("%v", err)
	}
	if _, err := loader.Load(prog, elf, 1<<38); err != nil {
		return bad("cannot run %v", err)
	}

	cfg := kernel.Config{
		MemBytes:   mem.n,
		Quantum:    quantum.n,
		TrapCost:   trapcost.n,
		MaxProcs:   int(maxprocs.n),
		Seed:       seed.n,
		CycleLimit: limit.n,
		Stdout:     stdout,
		Stderr:     stderr,
		Input:      stdin,
		// As under qemu-riscv64: fd 0 and 1 are the terminal only when
		// ipcsim's are; a pipe or a file passes bytes as they are.
		StdinFile:  !isTerminal(stdin),
		StdoutFile: !isTerminal(stdout),
	}
	// The program's writes to a closed pipe must fail with EPIPE (and
	// SIGPIPE in the simulated process), not kill ipcsim: "If the program
	// is not calling Notify ... writes to broken pipe on fd 1 or 2 cause
	// the program to exit with SIGPIPE" (os/signal). Ignored, the write
	// returns EPIPE to the kernel.
	signal.Ignore(syscall.SIGPIPE)
	var machine atomic.Pointer[kernel.Kernel] // for a signal's goroutine (sharedStderr)
	switch trace.dest {
	case "":
	case "-":
		// Standard error, which the program writes to as well.
		if isTerminal(stderr) || unbufferedTrace {
			// Each line goes out as its event happens.
			cfg.Trace, _ = sim.Tracer(stderr, *format == "json")
			break
		}
		// The lines are made on another core and wait in a buffer until
		// the program does something that could be seen after them
		// (sharedStderr).
		shared := newSharedStderr(stderr, func() {
			if k := machine.Load(); k != nil { // none yet: nothing to stop
				k.Interrupt()
			}
		})
		defer shared.close()
		cfg.TraceLog = shared.traceTo(*format == "json")
		stderr = shared.program() // ipcsim's own messages too, after the lines before them
		cfg.Stderr, cfg.Stdout = stderr, shared.before(stdout)
		if stdin != nil {
			cfg.Input = shared.beforeRead(stdin)
		}
	default:
		f, err := os.Create(trace.dest)
		if err != nil {
			return bad("%v", err)
		}
		// A file of its own: the lines of the commonest events are made
		// on another core while the machine runs (sim.TraceWriter).
		bw := bufio.NewWriter(f)
		tw := sim.NewTraceWriter(bw, *format == "json", nil, 0, nil)
		cfg.TraceLog = tw
		defer func() {
			// The last lines, then the buffer, then the file. A trace not
			// written whole is said; the status is still the program's.
			if err := cmp.Or(tw.Close(), bw.Flush(), f.Close()); err != nil {
				fmt.Fprintf(stderr, "ipcsim exec: --trace: %v\n", err)
			}
		}()
	}

	k := kernel.New(cfg)
	machine.Store(k)
	if err := placeHost(k, prog, elf); err != nil {
		return bad("%v", err)
	}
	env := os.Environ()
	pid, err := k.Spawn(prog, fs.Args(), env)
	if err != nil {
		return bad("cannot run %s: %v", prog, err)
	}
	res := k.Run()
	if u := res.Unimplemented; *warnUnimpl && len(u) > 0 {
		// Opt-in: like qemu-riscv64, exec adds nothing to what the
		// program writes unless asked.
		fmt.Fprintf(stderr, "ipcsim: unimplemented: %s\n", sim.FormatUnimplemented(u))
	}
	switch res.Reason {
	case kernel.StopCycleLimit:
		if limit.set {
			fmt.Fprintf(stderr, "ipcsim: cycle limit %d reached\n", limit.n)
		} else {
			fmt.Fprintf(stderr, "ipcsim: exec's default cycle limit %d reached (1000 s of virtual time; --limit=none runs without one)\n", limit.n)
		}
		return exitCycleLimit
	case kernel.StopDeadlock:
		fmt.Fprintf(stderr, "ipcsim: %s\n", res.Reason)
		for _, l := range res.Blocked {
			fmt.Fprintf(stderr, "ipcsim:   %s\n", l)
		}
		return exitDeadlock
	}
	for _, x := range res.Exits {
		if x.PID == pid {
			return x.ShellStatus()
		}
	}
	return exitOK
}

// placeHost lays out the name space as qemu-riscv64's program sees the
// host: the host's current folder at its own path, read-only and read
// lazily (kernel/hostfs.go: what a program writes there stays in the
// machine), as the program's working directory, and the program at its
// absolute path (its bytes as exec read them, executable), so that
// argv[0], AT_EXECFN and execve of a relative or absolute path find what
// they find under qemu. The run depends on the folder's contents, as on
// standard input.
func placeHost(k *kernel.Kernel, prog string, elf []byte) error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(prog)
	if err != nil {
		return err
	}
	if err := k.MountHost(cwd, os.DirFS(cwd)); err != nil {
		return err
	}
	mode := uint32(0755)
	if fi, err := os.Stat(prog); err == nil {
		mode = uint32(fi.Mode().Perm()) | 0111
	}
	if err := k.Install(kernel.File{Path: abs, Data: elf, Mode: mode}); err != nil {
		return err
	}
	return k.SetWorkDir(cwd)
}

// readHostFile reads the program exec runs from the host: a regular file
// of at most maxProgBytes (not a device that never ends).
func readHostFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if fi.Size() > maxProgBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxProgBytes)
	}
	return os.ReadFile(path)
}

// isTerminal reports whether one of ipcsim's standard streams is a
// terminal on the host: a character device (os.ModeCharDevice) other than
// the devices that redirections name, /dev/null, /dev/zero and /dev/full.
// This needs nothing beyond the standard library and works on every Unix;
// golang.org/x/term would ask the tty driver itself (TCGETS), a new
// dependency. The price: another character device (a serial line, a
// /dev/null made elsewhere with mknod) counts as a terminal, which changes
// only what isatty answers and whether the line discipline reads it. A
// stream that is not an *os.File (a test's buffer) is not a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	for _, dev := range [...]string{os.DevNull, "/dev/zero", "/dev/full"} {
		if d, err := os.Stat(dev); err == nil && os.SameFile(fi, d) {
			return false
		}
	}
	return true
}
