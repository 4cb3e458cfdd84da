package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeInet prints the TCP and UDP sockets of a snapshot as `ss -tuanpi`
// does: a line each, ending with the processes and descriptors that hold
// the socket, then the connection's windows and timers, and who waits.
func writeInet(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.Inet) == 0 {
		return
	}
	fmt.Fprintf(b, "\nTCP and UDP sockets:\n")
	fmt.Fprintf(b, "  %-8s %-5s %-11s %-7s %-7s %-21s %-21s %s\n", "socket", "proto", "state", "recv-q", "send-q", "local", "peer", "process")
	for _, so := range s.Inet {
		name := fmt.Sprintf("inet#%d", so.ID)
		if so.Orphan {
			name = "(closed)"
		}
		line := fmt.Sprintf("  %-8s %-5s %-11s %-7d %-7d %-21s %-21s %s", name, so.Proto, so.State, so.RecvQ, so.SendQ, so.Local, so.Peer, inetUsers(so.Users))
		fmt.Fprintf(b, "%s\n", strings.TrimRight(line, " "))
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

// inetUsers is ss -p's process column: users:(("bulk",pid=2,fd=3)), one
// ("name",pid=,fd=) per descriptor; "" for a socket no descriptor holds.
func inetUsers(users []kernel.InetUser) string {
	if len(users) == 0 {
		return ""
	}
	var parts []string
	for _, u := range users {
		parts = append(parts, fmt.Sprintf("(%q,pid=%d,fd=%d)", u.Name, u.PID, u.FD))
	}
	return "users:(" + strings.Join(parts, ",") + ")"
}
