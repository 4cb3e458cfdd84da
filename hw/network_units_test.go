package hw

import (
	"math"
	"strings"
	"testing"
)

func TestParseDuration(t *testing.T) {
	good := []struct {
		in   string
		want uint64
	}{
		{"1500", 1500},
		{"0", 0},
		{"500ns", 500},
		{"100us", 100_000},
		{"100µs", 100_000},
		{"2ms", 2_000_000},
		{"1s", 1_000_000_000},
		{"1.5ms", 1_500_000},
		{"0.000000001s", 1},
		{"2.50us", 2500},
		{"18446744073709551615", math.MaxUint64},
		{"18446744073.709551615s", math.MaxUint64},
	}
	for _, c := range good {
		got, err := ParseDuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"", "missing number"},
		{"us", "missing number"},
		{"10xs", `unexpected 'x'`},
		{"-1ms", `unexpected '-'`},
		{"1e3ns", `unexpected 'e'`},
		{"0.5ns", "not a whole number"},
		{"1.", "digits on both sides"},
		{".5ms", "digits on both sides"},
		{"1.2.3ms", `unexpected '.'`},
		{"18446744073709551616", "too large"},
		{"18446744074s", "too large"},
		{"99999999999999999999999999s", "too large"},
		{"10 ms", `unexpected ' '`},
	}
	for _, c := range bad {
		_, err := ParseDuration(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "expected a number of cycles") {
			t.Errorf("ParseDuration(%q) error = %v; want one containing %q and what was expected", c.in, err, c.msg)
		}
	}
}

func TestParseBandwidth(t *testing.T) {
	good := []struct {
		in   string
		want uint64
	}{
		{"1500000", 1_500_000},
		{"0", 0},
		{"300bit", 300},
		{"100kbit", 100_000},
		{"100Kbit", 100_000},
		{"10Mbit", 10_000_000},
		{"10mbit", 10_000_000},
		{"10Mbit/s", 10_000_000},
		{"10Mbps", 10_000_000},
		{"1Gbit", 1_000_000_000},
		{"1.5Gbit/s", 1_500_000_000},
		{"2Tbit", 2_000_000_000_000},
	}
	for _, c := range good {
		got, err := ParseBandwidth(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseBandwidth(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"", "missing number"},
		{"Mbit", "missing number"},
		{"10M", `unexpected 'M'`},
		{"10Xbit", `unexpected 'X'`},
		{"1500/s", `unexpected '/'`},
		{"0.5bit", "not a whole number"},
		{"99999999999Gbit", "too large"},
		{"-10Mbit", `unexpected '-'`},
	}
	for _, c := range bad {
		_, err := ParseBandwidth(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "expected bits per second") {
			t.Errorf("ParseBandwidth(%q) error = %v; want one containing %q and what was expected", c.in, err, c.msg)
		}
	}
}

func TestParseProbability(t *testing.T) {
	good := []struct {
		in   string
		want float64
	}{
		{"1%", 0.01},
		{"0.5%", 0.005},
		{"100%", 1},
		{"0%", 0},
		{"0.01", 0.01},
		{"0", 0},
		{"1", 1},
		{"1.0", 1},
	}
	for _, c := range good {
		got, err := ParseProbability(c.in)
		if err != nil || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("ParseProbability(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"", "missing number"},
		{"%", "missing number"},
		{"101%", "more than 100%"},
		{"1.5", "more than 100%"},
		{"-0.1", `unexpected '-'`},
		{"NaN", `unexpected 'N'`},
		{"inf", `unexpected 'i'`},
		{"1e-3", `unexpected 'e'`},
		{"1%%", `unexpected '%'`},
		{"0x1p-2", `unexpected 'x'`},
	}
	for _, c := range bad {
		_, err := ParseProbability(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseProbability(%q) error = %v; want one containing %q", c.in, err, c.msg)
		}
	}
}

func TestFormatUnits(t *testing.T) {
	durations := map[uint64]string{
		0: "0ns", 1: "1ns", 999: "999ns", 1000: "1us", 1500: "1.5us",
		100_000: "100us", 2_000_000: "2ms", 1_234_567: "1.234567ms",
		1_000_000_000: "1s", math.MaxUint64: "18446744073.709551615s",
	}
	for c, want := range durations {
		if got := FormatDuration(c); got != want {
			t.Errorf("FormatDuration(%d) = %q, want %q", c, got, want)
		}
	}
	rates := map[uint64]string{
		0: "unlimited", 300: "300bit/s", 100_000: "100kbit/s",
		10_000_000: "10Mbit/s", 1_500_000_000: "1.5Gbit/s", 56_000: "56kbit/s",
	}
	for b, want := range rates {
		if got := FormatBandwidth(b); got != want {
			t.Errorf("FormatBandwidth(%d) = %q, want %q", b, got, want)
		}
	}
	probs := map[float64]string{
		0: "0%", 0.01: "1%", 0.005: "0.5%", 0.07: "7%", 1: "100%", 1e-7: "0.00001%",
	}
	for p, want := range probs {
		if got := FormatProbability(p); got != want {
			t.Errorf("FormatProbability(%v) = %q, want %q", p, got, want)
		}
	}
}

// FuzzParseUnits feeds the three parsers anything: none may panic, and what
// parses must format and parse back to the same value.
func FuzzParseUnits(f *testing.F) {
	for _, s := range []string{"100us", "2ms", "1s", "500ns", "1500", "1.5ms",
		"10Mbit", "1Gbit", "100kbit", "1500000", "10Mbit/s", "1%", "0.5%", "0.01",
		"", ".", "1.", "99999999999999999999s", "µs", "%", "1e9", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDuration(s); err == nil {
			back, err := ParseDuration(FormatDuration(d))
			if err != nil || back != d {
				t.Errorf("duration %q = %d formats as %q, which parses as %d, %v", s, d, FormatDuration(d), back, err)
			}
		}
		if b, err := ParseBandwidth(s); err == nil {
			text := FormatBandwidth(b)
			if b == 0 {
				text = "0"
			}
			back, err := ParseBandwidth(text)
			if err != nil || back != b {
				t.Errorf("bandwidth %q = %d formats as %q, which parses as %d, %v", s, b, text, back, err)
			}
		}
		if p, err := ParseProbability(s); err == nil {
			if !(p >= 0 && p <= 1) {
				t.Errorf("probability %q = %v, outside [0,1]", s, p)
			}
			back, err := ParseProbability(FormatProbability(p))
			if err != nil || math.Abs(back-p) > 1e-6*p+1e-12 {
				t.Errorf("probability %q = %v formats as %q, which parses as %v, %v", s, p, FormatProbability(p), back, err)
			}
		}
	})
}
