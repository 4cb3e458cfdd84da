package kernel

import (
	"fmt"

	"ipcsim/ipc/sem"
)

// SemSetState is one System V semaphore set, as ipcs -s lists it, with
// every semaphore (ipcs -s -i), the processes waiting in order, and the
// SEM_UNDO adjustments that exits will apply.
type SemSetState struct {
	Key     string     `json:"key"` // 0x00001234
	ID      int        `json:"semid"`
	Owner   int        `json:"owner"` // uid
	Perms   string     `json:"perms"` // octal, as ipcs prints it: 600
	NSems   int        `json:"nsems"`
	OTime   int64      `json:"otime"` // seconds; 0: no semop yet
	CTime   int64      `json:"ctime"`
	Sems    []SemState `json:"sems"`
	Waiting []string   `json:"waiting"` // "pid 3 {{0, -1, 0}}: sem#0[0] is 0, needs 1", in wait order
	Undo    []string   `json:"undo"`    // "pid 3: [0] +1", oldest first
}

// SemState is one semaphore of a set.
type SemState struct {
	Num  int `json:"semnum"`
	Val  int `json:"value"`
	NCnt int `json:"ncount"` // waiting for it to grow (GETNCNT)
	ZCnt int `json:"zcount"` // waiting for it to be 0 (GETZCNT)
	PID  int `json:"pid"`    // last to change it (GETPID)
}

// semSnapshot adds every semaphore set to s, by index.
func (k *Kernel) semSnapshot(s *Snapshot) {
	if k.semIDs == nil {
		return
	}
	for _, set := range k.semIDs.All() {
		s.SemSets = append(s.SemSets, semSetState(set))
	}
}

func semSetState(set *sem.Set) SemSetState {
	p := set.IPCPerm()
	st := SemSetState{Key: fmt.Sprintf("%#010x", uint32(p.Key)), ID: p.ID, Owner: p.UID,
		Perms: fmt.Sprintf("%o", p.Mode), NSems: len(set.Sems), OTime: set.OTime, CTime: set.CTime,
		Sems: []SemState{}, Waiting: []string{}, Undo: []string{}}
	for i, sm := range set.Sems {
		st.Sems = append(st.Sems, SemState{Num: i, Val: sm.Val, NCnt: set.NCnt(i), ZCnt: set.ZCnt(i), PID: sm.PID})
	}
	for _, w := range set.Waiters() {
		st.Waiting = append(st.Waiting, fmt.Sprintf("pid %d %s: %s", w.PID, semOpsString(w.Ops), w.Reason()))
	}
	for _, u := range set.Undos() {
		adj := ""
		for n, a := range u.Adj {
			if a != 0 {
				adj += fmt.Sprintf(" [%d] %+d", n, a)
			}
		}
		if adj != "" {
			st.Undo = append(st.Undo, fmt.Sprintf("pid %d:%s", u.PID, adj))
		}
	}
	return st
}
