package sim

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// consoleCases are outputs whose encodings must all differ; the first two
// used to encode alike (issue 15).
var consoleCases = []string{
	"abc",
	"abc\n\\ No newline at end of console\n",
	"abc\n",
	"",
	"\n",
	"\\",
	"\\\n",
	"\\\\\n",
	"a\n\\b\nc",
	"a\n\\\\b\n",
	"\\ No newline at end of console",
	"\\ No newline at end of console\n",
	"x\n\\ No newline at end of console",
}

// TestConsoleEncoding: EncodeConsole is one-to-one, decodeConsole undoes
// it, and each output fails every other output's want/console.
func TestConsoleEncoding(t *testing.T) {
	seen := map[string]string{}
	for _, out := range consoleCases {
		enc := EncodeConsole([]byte(out))
		if other, dup := seen[string(enc)]; dup {
			t.Errorf("%q and %q both encode as %q", out, other, enc)
		}
		seen[string(enc)] = out
		dec, bad := decodeConsole(enc)
		if bad != 0 || string(dec) != out {
			t.Errorf("decode(encode(%q)) = %q, bad line %d", out, dec, bad)
		}
		if len(enc) > 0 && enc[len(enc)-1] != '\n' {
			t.Errorf("encode(%q) = %q does not end in a newline", out, enc)
		}
	}
	for _, want := range consoleCases {
		src := "spawn hello.s\n-- hello.s --\n" + helloSrc + "-- want/console --\n" + string(EncodeConsole([]byte(want)))
		s, err := parse("x.txtar", []byte(src), noDisk)
		if err != nil {
			t.Fatalf("want/console of %q: %v", want, err)
		}
		for _, got := range consoleCases {
			ms := s.Check(&Outcome{Console: []byte(got)})
			if pass := len(ms) == 0; pass != (got == want) {
				t.Errorf("output %q against want/console of %q: passes %v", got, want, pass)
			}
		}
	}
}

// TestConsoleEncodingUnchanged: output without a line starting with a
// backslash keeps the encoding it had, so existing want/console sections
// stay valid.
func TestConsoleEncodingUnchanged(t *testing.T) {
	for out, want := range map[string]string{
		"hello\n":  "hello\n",
		"hello":    "hello\n\\ No newline at end of console\n",
		"a\\b\n":   "a\\b\n",
		"^C\nxy\n": "^C\nxy\n",
	} {
		if got := string(EncodeConsole([]byte(out))); got != want {
			t.Errorf("EncodeConsole(%q) = %q, want %q", out, got, want)
		}
	}
}

// TestConsoleSectionErrors: a want/console line that no output encodes to
// is an error at that line.
func TestConsoleSectionErrors(t *testing.T) {
	src := "spawn hello.s\n-- hello.s --\n" + helloSrc + "-- want/console --\nok\n\\ stray\nok\n"
	_, err := parse("x.txtar", []byte(src), noDisk)
	line := strings.Count("spawn hello.s\n-- hello.s --\n"+helloSrc, "\n") + 3
	want := "x.txtar:" + strconv.Itoa(line) + ":1: a console line starting with \\ is written \\\\ in want/console; only the last line may be \\ No newline at end of console"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// FuzzConsole checks that decodeConsole undoes EncodeConsole for any output.
//
//	go test ./sim -run=^$ -fuzz=FuzzConsole -fuzztime=30s
func FuzzConsole(f *testing.F) {
	for _, c := range consoleCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		enc := EncodeConsole(out)
		dec, bad := decodeConsole(enc)
		if bad != 0 || !bytes.Equal(dec, out) {
			t.Fatalf("decode(encode(%q)) = %q, bad line %d (encoded %q)", out, dec, bad, enc)
		}
	})
}
