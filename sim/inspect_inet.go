package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeInet prints the TCP and UDP sockets of a snapshot as `ss -tuanpi`
// does: a line each, then the connection's windows and timers, and who
// waits.
func writeInet(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.Inet) == 0 {
		return
	}
	fmt.Fprintf(b, "\nTCP and UDP sockets:\n")
	fmt.Fprintf(b, "  %-8s %-5s %-11s %-7s %-7s %-21s %s\n", "socket", "proto", "state", "recv-q", "send-q", "local", "peer")
	for _, so := range s.Inet {
		name := fmt.Sprintf("inet#%d", so.ID)
		if so.Orphan {
			name = "(closed)"
		}
		fmt.Fprintf(b, "  %-8s %-5s %-11s %-7d %-7d %-21s %s\n", name, so.Proto, so.State, so.RecvQ, so.SendQ, so.Local, so.Peer)
		if so.Detail != "" {
			fmt.Fprintf(b, "    %s\n", so.Detail)
		}
		if so.Error != "" {
			fmt.Fprintf(b, "    pending error %s\n", so.Error)
		}
		if len(so.Waiting) > 0 {
			fmt.Fprintf(b, "    waiting: %s\n", strings.Join(so.Waiting, ", "))
		}
	}
}
