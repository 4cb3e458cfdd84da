package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeFiles prints the regular files of a snapshot, if there are any, as
// ls -l would, with how often each is open and its first bytes:
//
//	files: 18 bytes of 16777216
//	  -rw-r--r-- 0 0:0     18 bytes, open 1  /tmp/log (deleted)
//	    data: "kept after unlink\n"
func writeFiles(b *strings.Builder, s *kernel.Snapshot) {
	if s.Files == nil {
		return
	}
	fmt.Fprintf(b, "\nfiles: %d bytes of %d\n", s.Files.Bytes, s.Files.Limit)
	for _, f := range s.Files.Files {
		fmt.Fprintf(b, "  %s %d %d:%d %6d bytes, open %d  %s\n", f.Mode, f.Links, f.UID, f.GID, f.Size, f.Opens, f.Path)
		if f.Size > 0 {
			fmt.Fprintf(b, "    data: %s\n", f.Data)
		}
	}
}
