package cc

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Stamp is what a kept binary was built from: the file beside it (PROG.stamp
// beside PROG), a few lines of text a reviewer reads in a diff:
//
//	# ipcsim C build: what hello was built from (ipcsim test --update writes it)
//	source   sha256:2c26b46b...
//	runtime  sha256:fcde2b2e...
//	flags    -static -nostdlib ... -Wl,-T,RT/link.ld
//	elf      sha256:5e8848...
//	compiler riscv64-linux-gnu-gcc (Debian 12.2.0-13) 12.2.0
//
// headers and runtime are there only when the build has them. compiler is
// for information: it is not compared (see the package comment).
type Stamp struct {
	Hashes
	ELF      string // the SHA-256 of the binary, so that a binary changed by hand is noticed
	Compiler string // the first line of the compiler's --version
}

// Format returns the stamp's text; prog is the binary's name, for the
// comment.
func (s *Stamp) Format(prog string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# ipcsim C build: what %s was built from (ipcsim test --update writes it)\n", prog)
	line := func(key, val string) {
		if val != "" {
			fmt.Fprintf(&b, "%-8s %s\n", key, val)
		}
	}
	line("source", "sha256:"+s.Source)
	if s.Headers != "" {
		line("headers", "sha256:"+s.Headers)
	}
	if s.Runtime != "" {
		line("runtime", "sha256:"+s.Runtime)
	}
	line("flags", s.Flags)
	line("elf", "sha256:"+s.ELF)
	line("compiler", s.Compiler)
	return b.Bytes()
}

// ParseStamp reads a stamp written by Format.
func ParseStamp(data []byte) (*Stamp, error) {
	s := &Stamp{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		ln := strings.TrimSpace(sc.Text())
		if ln == "" || ln[0] == '#' {
			continue
		}
		key, val, _ := strings.Cut(ln, " ")
		val = strings.TrimSpace(val)
		hash := func(dst *string) error {
			h, ok := strings.CutPrefix(val, "sha256:")
			if !ok || len(h) != 64 {
				return fmt.Errorf("line %d: expected %s sha256:HEX, found %q", n, key, ln)
			}
			*dst = h
			return nil
		}
		var err error
		switch key {
		case "source":
			err = hash(&s.Source)
		case "headers":
			err = hash(&s.Headers)
		case "runtime":
			err = hash(&s.Runtime)
		case "elf":
			err = hash(&s.ELF)
		case "flags":
			s.Flags = val
		case "compiler":
			s.Compiler = val
		default:
			err = fmt.Errorf("line %d: unknown key %q: expected source, headers, runtime, flags, elf or compiler", n, key)
		}
		if err != nil {
			return nil, err
		}
	}
	if s.Source == "" || s.ELF == "" || s.Flags == "" {
		return nil, fmt.Errorf("expected source, flags and elf lines")
	}
	return s, nil
}

// Stale says why a binary built as the stamp says is not what the inputs
// hashed as h would build, or returns "" if it is. name is the source's
// name and runtimeDir the runtime directory as the scenario names it, for
// the message.
func (s *Stamp) Stale(h Hashes, name, runtimeDir string) string {
	var why []string
	if s.Source != h.Source {
		why = append(why, fmt.Sprintf("%s changed since its binary was built (sha256 %.12s, built from %.12s)", name, h.Source, s.Source))
	}
	if s.Headers != h.Headers {
		why = append(why, fmt.Sprintf("the scenario's headers (*.h sections) changed since %s's binary was built", name))
	}
	if s.Runtime != h.Runtime {
		switch {
		case h.Runtime == "":
			why = append(why, fmt.Sprintf("%s's binary was built against a runtime directory, and the scenario now asks for glibc", name))
		case s.Runtime == "":
			why = append(why, fmt.Sprintf("%s's binary was built against glibc, and the scenario now asks for the runtime %s", name, runtimeDir))
		default:
			why = append(why, fmt.Sprintf("the runtime %s changed since %s's binary was built", runtimeDir, name))
		}
	}
	if s.Flags != h.Flags && s.Runtime == h.Runtime {
		why = append(why, fmt.Sprintf("%s's binary was built with other flags (%s)", name, s.Flags))
	}
	return strings.Join(why, "; ")
}
