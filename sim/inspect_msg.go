package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeMsgQueues prints the message queues of a snapshot, if there are
// any: System V ones as `ipcs -q` does, each followed by its linked list
// drawn head to tail and the processes waiting on it, then the POSIX ones
// with their attributes, messages in receive order and notification.
func writeMsgQueues(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.MsgQueues) > 0 {
		fmt.Fprintf(b, "\n------ Message Queues --------\n")
		fmt.Fprintf(b, "%-10s %-10s %-10s %-10s %-12s %-12s\n", "key", "msqid", "owner", "perms", "used-bytes", "messages")
		for _, q := range s.MsgQueues {
			fmt.Fprintf(b, "%-10s %-10d %-10d %-10s %-12d %-12d\n", q.Key, q.ID, q.Owner, q.Perms, q.UsedBytes, q.Messages)
		}
		for _, q := range s.MsgQueues {
			fmt.Fprintf(b, "\n  msqid %d: %d/%d bytes, lspid %d, lrpid %d\n", q.ID, q.UsedBytes, q.QBytes, q.LSPID, q.LRPID)
			fmt.Fprintf(b, "    head")
			for _, m := range q.List {
				fmt.Fprintf(b, " -> [type %d, %d bytes, %s]", m.Type, m.Size, m.Data)
			}
			fmt.Fprintf(b, " -> nil\n")
			if len(q.Senders) > 0 {
				fmt.Fprintf(b, "    waiting to send: %s\n", strings.Join(q.Senders, ", "))
			}
			if len(q.Receivers) > 0 {
				fmt.Fprintf(b, "    waiting to receive: %s\n", strings.Join(q.Receivers, ", "))
			}
		}
	}
	if len(s.MQueues) > 0 {
		fmt.Fprintf(b, "\nPOSIX message queues:\n")
		for _, q := range s.MQueues {
			unlinked := ""
			if q.Unlinked {
				unlinked = " (unlinked, open)"
			}
			fmt.Fprintf(b, "  %s%s: maxmsg %d, msgsize %d, curmsgs %d, open descriptions %d\n",
				q.Name, unlinked, q.MaxMsg, q.MsgSize, q.CurMsgs, q.Opens)
			fmt.Fprintf(b, "    head")
			for _, m := range q.List {
				fmt.Fprintf(b, " -> [prio %d, %d bytes, %s]", m.Prio, m.Size, m.Data)
			}
			fmt.Fprintf(b, " -> nil\n")
			if q.Notify != "" {
				fmt.Fprintf(b, "    mq_notify: %s\n", q.Notify)
			}
			if len(q.Senders) > 0 {
				fmt.Fprintf(b, "    waiting to send: %s\n", strings.Join(q.Senders, ", "))
			}
			if len(q.Receivers) > 0 {
				fmt.Fprintf(b, "    waiting to receive: %s\n", strings.Join(q.Receivers, ", "))
			}
		}
	}
}
