// Package sim runs scenario files: it reads a scenario (a txtar archive
// whose comment is a story and a header of directives, and whose files are
// programs and expected results), assembles and installs its programs, runs
// the machine, and checks what happened against the want/ sections and
// expect lines. It also renders traces (trace.go).
//
// A scenario, in brief (README and testdata/scenarios/ hold the full story):
//
//	# A process writes "hi" and exits 0.
//	machine mem=16M quantum=200 seed=1 limit=2000000
//	spawn hello.s
//	expect exit hello 0
//	-- hello.s --
//	...
//	-- want/console --
//	hi
//
// The files of this package, in the order a scenario meets them:
// scenario.go (the types, Load and Parse), header.go (the directives),
// program.go (finding and assembling programs), cprogram.go (the kept
// binaries of C programs, and building them), run.go (running the
// machine), check.go and diff.go (expectations), assert.go, assert_run.go
// and assert_check.go (always, eventually and sometimes lines), update.go
// (rewriting want/ sections) and trace.go (rendering events).
package sim

import (
	"fmt"
	"ipcsim/abi"
	"ipcsim/kernel"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"
)

// Scenario is a parsed scenario file, its programs assembled and ready to run.
type Scenario struct {
	Path     string     // the file's name, as given to Load or Parse
	Machine  Machine    // the machine directive's settings
	Programs []*Program // every program installed under /bin, in order of first mention
	Installs []Install  // files installed at a path ("install FILE at PATH"), in order
	Spawns   []Spawn    // the processes started, in order
	Keys     []Keys     // keystrokes, in the order of the header
	Watches  []Watch    // words whose stores the trace reports ("watch ADDRESS")
	Actions  []Action   // kills and inspects at a cycle, in the order of the header
	Expects  []Expect   // expect lines, in order
	Faults   FaultPlan  // fault lines (faults.go): the first host's fault plan
	Wants    []Want     // want/ sections, in file order

	// Asserts are the always, eventually and sometimes lines, in order
	// (assert.go).
	Asserts []Assertion

	// Hosts are the machines of a scenario with host lines, in order
	// (hosts.go); empty for a scenario that is one machine. Links,
	// Downs and LinkEvents are the network and what happens to it.
	Hosts      []Host
	Links      []Link
	Downs      []Down
	LinkEvents []LinkEvent

	// CheckInvariants makes every run of the scenario check the kernel's
	// invariants at every step (WithInvariants, ipcsim --check).
	CheckInvariants bool

	data     []byte    // the whole file, for Update
	sections []section // every file of the archive, with its place in data
}

// Machine holds the settings of the machine directive. A zero value means
// the setting was not given (the kernel's default); the defaults of
// TrapCost, Seed and Jitter are 0 anyway. CycleLimit is the exception: a
// scenario without limit= gets DefaultCycleLimit, and 0 is limit=none.
// Every value lies in the range settings.go gives it.
type Machine struct {
	MemBytes   uint64 // mem=16M: physical memory
	Quantum    uint64 // quantum=200: cycles per time slice
	TrapCost   uint64 // trapcost=0: extra cycles per trap
	Seed       uint64 // seed=1: the PRNG seed
	Jitter     uint64 // jitter=50: each time slice is Quantum plus a seeded random 0..Jitter cycles
	CycleLimit uint64 // limit=2000000: stop at this cycle (0: never, as limit=none)
	MaxProcs   int    // maxprocs=64: fork fails with EAGAIN beyond it
	Echo       bool   // echo=on: the terminal echoes typed keys to the console (default off)
	// TraceInstructions (insns=on) puts every retired instruction in the
	// trace, disassembled: slow, for short stretches a student studies.
	TraceInstructions bool
}

// Program is an executable installed in the machine's file system as
// /bin/Name, either assembled from a *.s file or read as an ELF file.
type Program struct {
	Name   string // installed as /bin/Name; argv[0] of a spawn
	Source string // the archive file or the path on disk, as the scenario writes it
	ELF    []byte // the static RV64 executable
	Pos    Pos    // where the scenario first names it
}

// Path returns where the program lives in the machine: /bin/Name.
func (p *Program) Path() string { return "/bin/" + p.Name }

// Install is a file "install FILE at PATH [mode=OCTAL]" puts into the
// machine's name space: a program (assembled from FILE.s, or an ELF) or
// any data, as it is.
type Install struct {
	Pos    Pos    // the FILE word
	Source string // the archive file or the path on disk, as the scenario writes it
	Path   string // where it goes: absolute, directories above it made as needed
	Data   []byte
	Mode   uint32 // mode=, or 0755 for a program and 0644 for data
	Host   int    // "on HOST": the host it goes on (index in Hosts), or -1 for every host
}

// Spawn is a process the scenario starts before the machine runs.
type Spawn struct {
	Pos      Pos
	Program  *Program
	Args     []string // argv[1:]; argv[0] is Program.Name
	UID, GID int      // "spawn as UID:GID": the user it runs as (default root)
	Host     int      // "spawn on HOST": index in Scenario.Hosts (0 without hosts)
	// Background: "spawn bg" starts it in the background (its own process
	// group; the terminal stays with the group it had). Without bg each
	// spawn takes the terminal, so the last one holds it at the start.
	Background bool
	Timed      bool   // "at CYCLE spawn": started at cycle At, not before the run
	At         uint64 // the cycle of a timed spawn
}

// An Action is something a scenario does to a machine at a cycle: "at
// CYCLE kill PID SIGNAL" (a signal from outside, as root's kill(1)) or
// "at CYCLE inspect" (the process table, into the trace).
type Action struct {
	Pos    Pos
	At     uint64
	Host   int
	Kind   string // "kill" or "inspect"
	PID    int
	Signal abi.Signal
}

// A Watch is a "watch [on HOST] ADDRESS [size=N]" line: every store to
// the Size bytes at Addr, in any process of the host, is traced with the
// task that made it and the value before and after. With Segment ("watch
// shm KEY+OFFSET" or "watch shm#N+OFFSET"), Addr is an offset in that
// System V shared memory segment, watched wherever it is attached.
type Watch struct {
	Pos     Pos
	Addr    uint64
	Size    uint64
	Segment *kernel.SegmentName // nil for an address
	Host    int                 // the host's index (0 without hosts)
}

// Keys is keystrokes that arrive at the keyboard at cycle At.
type Keys struct {
	Pos  Pos
	At   uint64
	Keys []byte // caret notation already turned into control characters
	Host int    // "key on HOST": index in Scenario.Hosts (0 without hosts)
}

// ExpectKind says what an expect line checks.
type ExpectKind int

const (
	ExpectExit    ExpectKind = iota // expect exit WHO STATUS
	ExpectSignal                    // expect signal WHO SIGNAL
	ExpectConsole                   // expect console "STRING"
	// ExpectUnimplemented is "expect unimplemented NAME...": the run calls
	// exactly these system calls that ipcsim does not implement (each
	// fails with ENOSYS). Without such a line a run that calls any fails.
	ExpectUnimplemented
)

// Expect is one expect line.
type Expect struct {
	Pos     Pos
	Text    string // the line as written, for messages
	Kind    ExpectKind
	Host    int    // exit, signal and console: "on HOST", index in Scenario.Hosts (0 without hosts)
	Who     Who    // exit and signal: the process
	Status  int    // exit: the exit code
	Signal  int    // signal: the signal number
	Console []byte // console: the exact output
	// Calls is, for unimplemented, the names of the calls, sorted, each
	// once: "bind", "socket", "syscall_0x1f4".
	Calls []string
	// Seeds, if not nil, makes the line a statement over many seeds
	// ("expect seeds 1..100 never exit racer 1"): the rest of the line is
	// checked once per seed of the range, not against the run with the
	// machine's own seed.
	Seeds *SeedRange
}

// SeedRange is the "seeds FROM..TO QUANTIFIER" part of an expect line. The
// scenario runs once for each seed from From to To (both included), with
// the machine's seed set to it and everything else unchanged, and the
// quantifier says for how many of them the rest of the line must hold.
type SeedRange struct {
	From, To   uint64
	Quantifier Quantifier
	What       string // the expect form after the quantifier, as written: "exit racer 1"
}

// Len returns the number of seeds in the range.
func (r *SeedRange) Len() uint64 { return r.To - r.From + 1 }

// Quantifier says for how many seeds of a range an expect line must hold.
type Quantifier int

const (
	Always    Quantifier = iota // for every seed
	Sometimes                   // for at least one seed
	Never                       // for no seed
)

func (q Quantifier) String() string {
	switch q {
	case Always:
		return "always"
	case Sometimes:
		return "sometimes"
	case Never:
		return "never"
	}
	return "Quantifier(" + strconv.Itoa(int(q)) + ")"
}

// MaxSeeds is the most seeds one seed range may hold: each is a whole run
// of the scenario.
const MaxSeeds = 1000

// Who names a process in an expect line: the process started by a spawn
// (Spawn is its index in Scenario.Spawns), or a pid (Spawn is -1).
type Who struct {
	Spawn int
	PID   int
	Name  string // as written: "hello" or "pid 3"
	col   int    // column of the name, for errors while resolving it
}

// Want is one want/ section: a recorded result to compare with.
type Want struct {
	Name string // "want/console", "want/exits" or "want/trace"
	Pos  Pos    // the section's marker line
	Data []byte
}

// section is one file of the archive and where it lies in the scenario file.
type section struct {
	name       string
	markerLine int // 1-based line of the "-- name --" line
	start, end int // data[start:end] is the file's contents (no final newline added)
}

// wantSections are the want/ sections a scenario may hold, and what each
// compares.
var wantSections = []string{"want/console", "want/exits", "want/trace"}

// Load reads and parses the scenario file at path. Programs named by a
// relative path on disk are found relative to the scenario's directory,
// and so are the built binaries of its C programs (cprogram.go). The error
// is an ErrorList when the file itself is wrong.
func Load(path string) (*Scenario, error) {
	return LoadWith(path, LoadOptions{})
}

// LoadOptions change how Load reads a scenario.
type LoadOptions struct {
	// Rebuild compiles each C program whose kept binary is missing or
	// stale, and keeps the new binary and its stamp (what ipcsim test
	// --update and go test -update do). Without it such a program is an
	// error that says how to rebuild it.
	Rebuild bool
	// Compiler is the cross compiler Rebuild runs: cc.Compiler() if "".
	Compiler string
}

// LoadWith is Load with options.
func LoadWith(path string, opts LoadOptions) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseWith(path, data, opts)
}

// Parse parses a scenario held in memory; filename is used in errors, and
// programs on disk are found relative to its directory.
func Parse(filename string, data []byte) (*Scenario, error) {
	return parseWith(filename, data, LoadOptions{})
}

func parseWith(filename string, data []byte, opts LoadOptions) (*Scenario, error) {
	dir := filepath.Dir(filename)
	return parseOpts(filename, data, opts, func(name string) (string, []byte, error) {
		return readProgramFile(dir, name)
	})
}

// parse is parseOpts without options.
func parse(filename string, data []byte, readDisk func(string) (string, []byte, error)) (*Scenario, error) {
	return parseOpts(filename, data, LoadOptions{}, readDisk)
}

// parseOpts does the work of Load and Parse; readDisk reads a program file
// that is not in the archive.
func parseOpts(filename string, data []byte, opts LoadOptions, readDisk func(string) (string, []byte, error)) (*Scenario, error) {
	s := &Scenario{Path: filename, data: data}
	var errs ErrorList
	ar := txtar.Parse(data)
	s.sections = findSections(data)
	if len(s.sections) != len(ar.Files) {
		// Cannot happen: findSections follows txtar's rules. Say so rather than panic.
		errs.Add(Pos{Filename: filename, Line: 1, Col: 1}, "internal error: found %d file markers, txtar found %d", len(s.sections), len(ar.Files))
		return nil, errs.Err()
	}
	s.checkSections(&errs)
	h := &header{s: s, errs: &errs, readDisk: readDisk, opts: opts, files: map[string]int{}, programs: map[string]*Program{}}
	for i, sec := range s.sections {
		if _, dup := h.files[sec.name]; !dup {
			h.files[sec.name] = i
		}
	}
	h.parse(ar.Comment)
	return s, errs.Err()
}

// checkSections records the want/ sections and reports duplicate files and
// want/ sections this package does not know.
func (s *Scenario) checkSections(errs *ErrorList) {
	first := map[string]int{}
	for _, sec := range s.sections {
		pos := Pos{Filename: s.Path, Line: sec.markerLine, Col: 1}
		if line, dup := first[sec.name]; dup {
			errs.Add(pos, "duplicate file %s (first at line %d)", sec.name, line)
			continue
		}
		first[sec.name] = sec.markerLine
		if !isWant(sec.name) {
			continue
		}
		known := strings.HasPrefix(sec.name, "want/console/") // checked against the hosts (checkHostSections)
		for _, w := range wantSections {
			known = known || w == sec.name
		}
		if !known {
			errs.Add(pos, "unknown section %s: expected want/console, want/exits or want/trace", sec.name)
			continue
		}
		s.Wants = append(s.Wants, Want{Name: sec.name, Pos: pos, Data: s.data[sec.start:sec.end]})
		if w := s.Wants[len(s.Wants)-1]; strings.HasPrefix(w.Name, "want/console") {
			if _, bad := decodeConsole(wantContents(w)); bad > 0 {
				errs.Add(Pos{Filename: s.Path, Line: sec.markerLine + bad, Col: 1},
					"a console line starting with \\ is written \\\\ in want/console; only the last line may be %s", noNewline)
			}
		}
	}
}

func isWant(name string) bool { return len(name) > 5 && name[:5] == "want/" }

// findSections finds the file markers of a txtar archive by its rules (a
// line "-- NAME --", possibly ending in \r\n, NAME not empty after trimming
// spaces) and returns each file with its line and byte range.
func findSections(data []byte) []section {
	var secs []section
	line := 1
	for off := 0; off < len(data); line++ {
		end := off
		for end < len(data) && data[end] != '\n' {
			end++
		}
		next := end
		if next < len(data) {
			next++ // past the newline
		}
		if name, ok := markerName(data[off:end]); ok {
			if n := len(secs); n > 0 {
				secs[n-1].end = off
			}
			secs = append(secs, section{name: name, markerLine: line, start: next, end: len(data)})
		}
		off = next
	}
	return secs
}

// markerName reports whether line (without its \n) is a txtar file marker,
// and the file name it holds.
func markerName(line []byte) (string, bool) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	const m, e = "-- ", " --"
	if len(line) < len(m)+len(e) || string(line[:len(m)]) != m || string(line[len(line)-len(e):]) != e {
		return "", false
	}
	name := strings.TrimSpace(string(line[len(m) : len(line)-len(e)]))
	return name, name != ""
}

// readProgramFile reads a program named by a path on disk, relative to dir,
// and returns the path it read. It refuses anything but a regular file of at
// most maxProgramBytes, so a scenario cannot make the simulator read
// /dev/zero forever.
func readProgramFile(dir, name string) (string, []byte, error) {
	p := filepath.FromSlash(name)
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return p, nil, err
	}
	if !fi.Mode().IsRegular() {
		return p, nil, fmt.Errorf("%s is not a regular file", p)
	}
	if fi.Size() > maxProgramBytes {
		return p, nil, fmt.Errorf("%s is larger than %d bytes", p, maxProgramBytes)
	}
	data, err := os.ReadFile(p)
	return p, data, err
}

// maxProgramBytes is the largest program file a scenario may name.
const maxProgramBytes = 64 << 20
