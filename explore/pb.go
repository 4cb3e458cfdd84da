package explore

import (
	"math"
	"math/bits"
	"slices"
)

// Preemption bounding (Musuvathi and Qadeer, "Iterative Context Bounding
// for Systematic Testing of Multithreaded Programs", PLDI 2007): most
// concurrency bugs need only a few preemptions, so pb tries every
// schedule with 0 preemptions, then every one with 1, 2, 3 and so on,
// each in a fixed order, until the exploration's schedules run out.
//
// A preemption point is a step (see the package comment) at which the
// running process could go on (it is neither blocked nor dead, nor init)
// and another process, not init, is ready. A preemption switches, at such
// a point, to one of those others. Between preemptions pb runs as the
// switcher does, first come first served, each process until it blocks or
// dies; the choice of who runs when a process blocks is that order's, not
// enumerated.
//
// Fairness. First come first served lets a process that spins on a lock
// run for ever once a preemption took the lock holder off the CPU (pb
// counts on no yield): after 4k+1000 preemption points, as PCT does, pb
// turns round robin, switching at every point to the process that has
// waited longest. Those switches are not counted among the preemptions:
// they only end a livelock that no fair scheduler would give.
//
// Run 0 has no preemption and counts the preemption points, k, and the
// most processes a preemption could go to at one of them, w. A schedule
// with c preemptions is then c points out of 1..k and, at each, one of w
// ranks (the r-th of the other ready processes by pid, r taken modulo
// their number where fewer are ready): C(k,c) w^c schedules. A point
// beyond those a run reaches is no preemption. Within a depth c the
// schedules go in the colexicographic order of their sets of positions
// (all sets among the first m positions before any that uses position
// m), the ranks varying fastest; position p is point 1 + p*g mod k, a
// stride g near k/phi and prime to k (the golden ratio), so that the first
// schedules of a depth spread their preemptions over the whole run
// rather than crowd them at its start.

// pbState is what a pb run counts: its preemption points so far, and the
// most processes a preemption could have gone to at one of them.
type pbState struct {
	points uint64
	width  int
}

// pbChoice is one preemption of a pb schedule: at preemption point
// point, to the rank-th of the other ready processes (modulo their
// number), in increasing order of pid.
type pbChoice struct {
	point uint64
	rank  uint64
}

// newPB returns the policy of pb's run n for k preemption points and w
// ranks (run 0: no preemption, and k and w are not used).
func newPB(n int, k uint64, w int) *switcher {
	plan, _ := pbPlan(uint64(n), k, w)
	var fair uint64 // from this point on, round robin (0: never)
	if k > 0 {
		fair = 4*k + 1000
	}
	st := &pbState{}
	i := 0
	var others []int
	sw := &switcher{pb: st}
	sw.decide = func(_ uint64, running int, ready readySet) (int, bool) {
		if running == 0 || running == initPID {
			return 0, false
		}
		n := 0
		for _, pid := range ready {
			if pid != initPID && pid != running {
				n++
			}
		}
		if n == 0 {
			return 0, false
		}
		st.points++
		st.width = max(st.width, n)
		if fair > 0 && st.points >= fair {
			for _, pid := range ready {
				if pid != initPID && pid != running {
					return pid, true
				}
			}
		}
		if i >= len(plan) || plan[i].point != st.points {
			return 0, false
		}
		others = others[:0]
		for _, pid := range ready {
			if pid != initPID && pid != running {
				others = append(others, pid)
			}
		}
		slices.Sort(others)
		pid := others[plan[i].rank%uint64(n)]
		i++
		return pid, true
	}
	return sw
}

// pbPlan returns the preemptions of pb's run n, in increasing order of
// point; ok is false if pb has no run n for k and w.
func pbPlan(n, k uint64, w int) (plan []pbChoice, ok bool) {
	if n == 0 {
		return nil, true
	}
	if k == 0 || w <= 0 {
		return nil, false
	}
	n--
	for c := uint64(1); c <= k; c++ {
		ways := satPow(uint64(w), c)
		count := satMul(binom(k, c), ways)
		if n >= count {
			n -= count
			continue
		}
		comb, ranks := n/ways, n%ways
		g := pbStride(k)
		for _, p := range unrankComb(comb, c) {
			plan = append(plan, pbChoice{point: 1 + mulMod(p, g, k)})
		}
		slices.SortFunc(plan, func(a, b pbChoice) int {
			if a.point < b.point {
				return -1
			}
			return 1
		})
		for j := range plan {
			plan[j].rank = ranks % uint64(w)
			ranks /= uint64(w)
		}
		return plan, true
	}
	return nil, false
}

// pbSpace returns how many schedules pb has for k preemption points and w
// ranks, run 0 included (saturating at math.MaxUint64).
func pbSpace(k uint64, w int) uint64 {
	total := uint64(1)
	if w <= 0 {
		return total
	}
	for c := uint64(1); c <= k && total != math.MaxUint64; c++ {
		total = satAdd(total, satMul(binom(k, c), satPow(uint64(w), c)))
	}
	return total
}

// pbStride returns the stride of the order of preemption points: the
// integer nearest k/phi, or the next one prime to k.
func pbStride(k uint64) uint64 {
	g := max(uint64(math.Round(float64(k)*0.6180339887498949)), 1)
	for gcd(g, k) != 1 {
		g++
	}
	return g
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mulMod returns a*b mod m without overflow.
func mulMod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, r := bits.Div64(hi%m, lo, m)
	return r
}

// unrankComb returns the r-th c-subset of {0, 1, ...} in colexicographic
// order, largest element first: the p_c > ... > p_1 with r = the sum of
// C(p_j, j).
func unrankComb(r, c uint64) []uint64 {
	var out []uint64
	for j := c; j >= 1; j-- {
		var p uint64
		if j == 1 {
			p = r
		} else {
			// The largest p with C(p, j) <= r, from C(j-1, j) = 0 up:
			// C(p+1, j) = C(p, j) * (p+1) / (p+1-j).
			p = j - 1
			cur := uint64(0)
			for {
				next := uint64(1)
				if cur > 0 {
					hi, lo := bits.Mul64(cur, p+1)
					if hi >= p+1-j {
						break // C(p+1, j) >= 2^64 > r
					}
					next, _ = bits.Div64(hi, lo, p+1-j)
				}
				if next > r {
					break
				}
				p, cur = p+1, next
			}
			r -= cur
		}
		out = append(out, p)
	}
	return out
}

// binom returns C(n, k), saturating at math.MaxUint64.
func binom(n, k uint64) uint64 {
	if k > n {
		return 0
	}
	k = min(k, n-k)
	b := uint64(1)
	for j := uint64(1); j <= k; j++ {
		// C(n, j) = C(n, j-1) * (n-j+1) / j, exact; it grows with j up to
		// n/2, so once it passes 2^64 it stays there.
		hi, lo := bits.Mul64(b, n-j+1)
		if hi >= j {
			return math.MaxUint64
		}
		b, _ = bits.Div64(hi, lo, j)
	}
	return b
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func satAdd(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}

func satPow(w, c uint64) uint64 {
	p := uint64(1)
	for range c {
		if p = satMul(p, w); p == math.MaxUint64 {
			break
		}
	}
	return p
}
