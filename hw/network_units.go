package hw

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// The units of a link as a person writes them in a scenario ("latency 100us
// bandwidth 10Mbit loss 1%"), parsed into the numbers the network uses and
// formatted back for inspect. One cycle is one nanosecond. Every parser
// returns an error that says what it expected; none panics, and a number too
// large for 64 bits is an error, never a wrap.

// durationUnits are the suffixes ParseDuration knows, with their size as a
// power of ten of nanoseconds, longest suffix first so "ms" is not read as
// "m" "s".
var durationUnits = []struct {
	suffix string
	exp    int // the unit is 10^exp cycles
}{
	{"ns", 0}, {"us", 3}, {"µs", 3}, {"ms", 6}, {"s", 9},
}

// ParseDuration reads a span of time as cycles: "500ns", "100us" (or
// "100µs"), "2ms", "1s", "1.5ms", or a plain number of cycles ("1500").
// A fraction must come to a whole number of nanoseconds ("0.5ns" is an
// error).
func ParseDuration(s string) (uint64, error) {
	num, exp := s, 0
	for _, u := range durationUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, exp = strings.TrimSuffix(s, u.suffix), u.exp
			break
		}
	}
	v, err := parseDecimal(num, exp)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: %v; expected a number of cycles or a number with a unit ns, us, ms or s (like 100us)", s, err)
	}
	return v, nil
}

// ParseBandwidth reads a rate in bits per second: "100kbit", "10Mbit",
// "1Gbit" (decimal prefixes, as tc(8) uses: 1kbit = 1000 bit/s), with an
// optional "/s" ("10Mbit/s"), "bps" forms ("10Mbps"), or plain bits per
// second ("1500000"). The prefix letter may be either case. 0 means
// unlimited.
func ParseBandwidth(s string) (uint64, error) {
	num := s
	exp := 0
	rest := strings.TrimSuffix(s, "/s")
	for _, unit := range []string{"bit", "bps"} {
		if i := len(rest) - len(unit); i >= 0 && strings.EqualFold(rest[i:], unit) {
			num = rest[:i]
			if n := len(num); n > 0 {
				switch num[n-1] {
				case 'k', 'K':
					exp = 3
				case 'm', 'M':
					exp = 6
				case 'g', 'G':
					exp = 9
				case 't', 'T':
					exp = 12
				}
				if exp > 0 {
					num = num[:n-1]
				}
			}
			break
		}
	}
	v, err := parseDecimal(num, exp)
	if err != nil {
		return 0, fmt.Errorf("bad bandwidth %q: %v; expected bits per second or a number with a unit bit, kbit, Mbit or Gbit (like 10Mbit)", s, err)
	}
	return v, nil
}

// ParseProbability reads a probability: a percentage ("1%", "0.5%",
// "100%") or a fraction ("0.01", "1"), between 0 and 1 inclusive.
func ParseProbability(s string) (float64, error) {
	num, percent := strings.CutSuffix(s, "%")
	if err := checkDecimal(num); err != nil {
		return 0, fmt.Errorf("bad probability %q: %v; expected a fraction between 0 and 1 (like 0.01) or a percentage (like 1%%)", s, err)
	}
	p, err := strconv.ParseFloat(num, 64)
	if err != nil { // cannot happen after checkDecimal, but never trust it
		return 0, fmt.Errorf("bad probability %q: %v", s, err)
	}
	if percent {
		p /= 100
	}
	if !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("bad probability %q: more than 100%%; expected a fraction between 0 and 1 (like 0.01) or a percentage (like 1%%)", s)
	}
	return p, nil
}

// checkDecimal accepts digits with at most one dot between digits: "12",
// "1.5", "0.25". It refuses signs, exponents, underscores, "inf" and "nan",
// which strconv would take.
func checkDecimal(s string) error {
	if s == "" {
		return fmt.Errorf("missing number")
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") {
		return fmt.Errorf("expected digits on both sides of the dot")
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return fmt.Errorf("unexpected %q", rune(part[i]))
			}
		}
	}
	return nil
}

// parseDecimal reads the decimal number s and returns s × 10^exp, which must
// be a whole number that fits in 64 bits.
func parseDecimal(s string, exp int) (uint64, error) {
	if err := checkDecimal(s); err != nil {
		return 0, err
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > exp {
		return 0, fmt.Errorf("not a whole number")
	}
	// The digits of whole and frac, then exp-len(frac) zeros: an integer.
	var v uint64
	digits := whole + frac + strings.Repeat("0", exp-len(frac))
	for i := 0; i < len(digits); i++ {
		hi, lo := bits.Mul64(v, 10)
		d := uint64(digits[i] - '0')
		if hi != 0 || lo > ^uint64(0)-d {
			return 0, fmt.Errorf("too large")
		}
		v = lo + d
	}
	return v, nil
}

// formatDecimal writes v / 10^exp with as few digits as it needs: 1500, 3
// gives "1.5".
func formatDecimal(v uint64, exp int) string {
	s := strconv.FormatUint(v, 10)
	if exp == 0 {
		return s
	}
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	whole, frac := s[:len(s)-exp], strings.TrimRight(s[len(s)-exp:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

// FormatDuration writes cycles as a person would, in the largest unit that
// is at most the span: 1500 gives "1.5us", 100000 "100us", 0 "0ns".
// ParseDuration reads it back exactly.
func FormatDuration(cycles uint64) string {
	switch {
	case cycles >= 1e9:
		return formatDecimal(cycles, 9) + "s"
	case cycles >= 1e6:
		return formatDecimal(cycles, 6) + "ms"
	case cycles >= 1e3:
		return formatDecimal(cycles, 3) + "us"
	}
	return formatDecimal(cycles, 0) + "ns"
}

// FormatBandwidth writes bits per second as tc(8) does: "10Mbit/s",
// "1.5Gbit/s", "300bit/s"; 0 is "unlimited". ParseBandwidth reads it back
// exactly.
func FormatBandwidth(bps uint64) string {
	switch {
	case bps == 0:
		return "unlimited"
	case bps >= 1e9:
		return formatDecimal(bps, 9) + "Gbit/s"
	case bps >= 1e6:
		return formatDecimal(bps, 6) + "Mbit/s"
	case bps >= 1e3:
		return formatDecimal(bps, 3) + "kbit/s"
	}
	return formatDecimal(bps, 0) + "bit/s"
}

// FormatProbability writes p as a percentage rounded to six significant
// digits, without an exponent so ParseProbability reads it back: 0.01 gives
// "1%", 0.005 "0.5%", 0.07 "7%" (not 7.000000000000001%).
func FormatProbability(p float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(p*100, 'g', 6, 64), 64)
	if err != nil { // NaN and infinities, which a link never holds
		r = p * 100
	}
	return strconv.FormatFloat(r, 'f', -1, 64) + "%"
}
