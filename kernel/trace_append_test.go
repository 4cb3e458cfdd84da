package kernel

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"ipcsim/abi"
	"ipcsim/proc"
)

// The trace's appenders (trace_format.go, trace.go) replaced fmt; these
// tests hold them to the fmt renderings they replaced.

func TestAppendQuotedMatchesFmt(t *testing.T) {
	ref := func(b []byte, max int) string {
		cut := len(b) > max
		if cut {
			b = b[:max]
		}
		var sb strings.Builder
		sb.WriteByte('"')
		for i, c := range b {
			switch c {
			case '"':
				sb.WriteString(`\"`)
			case '\\':
				sb.WriteString(`\\`)
			case '\n':
				sb.WriteString(`\n`)
			case '\t':
				sb.WriteString(`\t`)
			case '\r':
				sb.WriteString(`\r`)
			default:
				switch {
				case (c < 0x20 || c >= 0x7f) && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7':
					fmt.Fprintf(&sb, `\%03o`, c)
				case c < 0x20 || c >= 0x7f:
					fmt.Fprintf(&sb, `\%o`, c)
				default:
					sb.WriteByte(c)
				}
			}
		}
		sb.WriteByte('"')
		if cut {
			sb.WriteString("...")
		}
		return sb.String()
	}
	for c := range 256 {
		for _, b := range [][]byte{{byte(c)}, {byte(c), '1'}, {byte(c), 'x'}, {'a', byte(c), '7', byte(c)}} {
			for _, max := range []int{1, 2, 32} {
				if got, want := quoteBytes(b, max), ref(b, max); got != want {
					t.Fatalf("quoteBytes(%q, %d) = %s, want %s", b, max, got, want)
				}
			}
		}
	}
}

func TestAppendNumbersMatchFmt(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 9, 10, 0xffff, -0xffff, 0x10000, -0x10000, -4095, -4096, -14, math.MaxInt64, math.MinInt64} {
		want := fmt.Sprint(v)
		if v < 0 && v > -4096 {
			want = fmt.Sprintf("-1 %v (%s)", abi.Errno(-v), abi.Errno(-v).Message())
		} else if v > 0xffff || v < -0xffff {
			want = fmt.Sprintf("%#x", uint64(v))
		}
		if got := formatRet(v); got != want {
			t.Errorf("formatRet(%d) = %q, want %q", v, got, want)
		}
		p := fmt.Sprintf("%#x", uint64(v))
		if v == 0 {
			p = "NULL"
		}
		if got := pointerArg(uint64(v)); got != p {
			t.Errorf("pointerArg(%d) = %q, want %q", v, got, p)
		}
	}
	for _, tc := range []struct {
		pid, tid int
		want     string
	}{{2, 2, "pid 2"}, {4, 5, "pid 4 tid 5"}, {12345, 12345, "pid 12345"}} {
		if got := (&Task{Process: &proc.Process{PID: tc.pid}, TID: tc.tid}).who(); got != tc.want {
			t.Errorf("who() = %q, want %q", got, tc.want)
		}
	}
	w := switchWhy{"the scheduling policy preempted %s at entry to %v", &Task{Process: &proc.Process{PID: 4}, TID: 5}, abi.SysRead}
	if got, want := w.text(), "the scheduling policy preempted pid 4 tid 5 at entry to read"; got != want {
		t.Errorf("switchWhy.text() = %q, want %q", got, want)
	}
}
