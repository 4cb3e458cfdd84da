package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeSemSets prints the semaphore sets of a snapshot, if there are any,
// as `ipcs -s` does, then each set as `ipcs -s -i semid` shows its
// semaphores (value, ncount, zcount, pid), followed by the processes
// waiting in semop, in the order they will be considered, and the
// SEM_UNDO adjustments their exits will apply.
func writeSemSets(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.SemSets) == 0 {
		return
	}
	fmt.Fprintf(b, "\n------ Semaphore Arrays --------\n")
	fmt.Fprintf(b, "%-10s %-10s %-10s %-10s %-10s\n", "key", "semid", "owner", "perms", "nsems")
	for _, set := range s.SemSets {
		fmt.Fprintf(b, "%-10s %-10d %-10d %-10s %-10d\n", set.Key, set.ID, set.Owner, set.Perms, set.NSems)
	}
	for _, set := range s.SemSets {
		otime := "Not set"
		if set.OTime != 0 {
			otime = fmt.Sprint(set.OTime)
		}
		fmt.Fprintf(b, "\n  semid %d: otime %s, ctime %d\n", set.ID, otime, set.CTime)
		fmt.Fprintf(b, "    %-10s %-10s %-10s %-10s %-10s\n", "semnum", "value", "ncount", "zcount", "pid")
		for _, sm := range set.Sems {
			fmt.Fprintf(b, "    %-10d %-10d %-10d %-10d %-10d\n", sm.Num, sm.Val, sm.NCnt, sm.ZCnt, sm.PID)
		}
		for _, w := range set.Waiting {
			fmt.Fprintf(b, "    waiting: %s\n", w)
		}
		for _, u := range set.Undo {
			fmt.Fprintf(b, "    semadj: %s\n", u)
		}
	}
}
