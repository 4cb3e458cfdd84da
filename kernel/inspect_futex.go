package kernel

import (
	"cmp"
	"fmt"
	"slices"

	"ipcsim/sched"
)

// FutexState is one futex word somebody waits on, with its waiters in
// the order they began to wait (the order FUTEX_WAKE takes them).
type FutexState struct {
	Addr    string   `json:"addr"`    // "0x12340" in pid 4's memory, or "shm offset 0x40"
	Waiting []string `json:"waiting"` // "pid 4 tid 5 (bitset 0xffffffff)"
}

// futexSnapshot lists the futex words with waiters, sorted by how they
// are named (the table is a map: its order must not show).
func (k *Kernel) futexSnapshot(s *Snapshot) {
	for key, q := range k.futexes {
		fs := FutexState{Waiting: []string{}}
		q.Each(func(e *sched.Entry) {
			w, ok := e.Waiter.(*futexWaiter)
			if !ok {
				return
			}
			t := w.Proc().(*Task)
			if fs.Addr == "" {
				if key.obj != nil {
					fs.Addr = fmt.Sprintf("shared memory offset %#x", key.addr)
				} else {
					fs.Addr = fmt.Sprintf("%#x in pid %d's memory", key.addr, t.PID)
				}
			}
			fs.Waiting = append(fs.Waiting, fmt.Sprintf("%s (bitset %#x)", t.who(), w.bitset))
		})
		if len(fs.Waiting) > 0 {
			s.Futexes = append(s.Futexes, fs)
		}
	}
	slices.SortFunc(s.Futexes, func(a, b FutexState) int {
		if c := cmp.Compare(a.Addr, b.Addr); c != 0 {
			return c
		}
		return slices.Compare(a.Waiting, b.Waiting)
	})
}
