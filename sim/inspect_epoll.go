package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeEpolls prints the epoll instances of a snapshot, if there are any:
// each with its interest list by fd, its ready list drawn head to tail
// (the order epoll_wait reports in) and who waits on it.
func writeEpolls(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.Epolls) == 0 {
		return
	}
	fmt.Fprintf(b, "\nepoll instances:\n")
	for _, ep := range s.Epolls {
		fmt.Fprintf(b, "  %s: %d watched, %d ready\n", ep.Name, len(ep.Interest), len(ep.Ready))
		for _, it := range ep.Interest {
			state := ""
			if it.State != "" {
				state = " (" + it.State + ")"
			}
			fmt.Fprintf(b, "    fd %d: %s, %s, data %d%s\n", it.FD, it.File, it.Events, it.Data, state)
		}
		fmt.Fprintf(b, "    ready list: head")
		for _, fd := range ep.Ready {
			fmt.Fprintf(b, " -> fd %d", fd)
		}
		fmt.Fprintf(b, " -> nil\n")
		if len(ep.Waiting) > 0 {
			fmt.Fprintf(b, "    waiting: %s\n", strings.Join(ep.Waiting, ", "))
		}
	}
}
