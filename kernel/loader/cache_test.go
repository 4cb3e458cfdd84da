package loader

import (
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// LoadShared gives what Load gives, one Image for the same bytes (from any
// goroutine), a new one for other bytes or another limit, and the errors of
// Load, naming the file each time.
func TestLoadShared(t *testing.T) {
	data := goodELF().bytes()
	want, err := Load("prog", data, userLimit)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	imgs := make([]*Image, 8)
	for i := range imgs {
		wg.Go(func() {
			img, err := LoadShared("prog", append([]byte(nil), data...), userLimit)
			if err != nil {
				t.Error(err)
			}
			imgs[i] = img
		})
	}
	wg.Wait()
	for _, img := range imgs {
		if diff := cmp.Diff(want, img); diff != "" {
			t.Fatalf("LoadShared differs from Load (-Load +LoadShared):\n%s", diff)
		}
	}
	// The goroutines may each have parsed the bytes (they ask at once);
	// the Image kept is one of theirs.
	again, _ := LoadShared("other", data, userLimit)
	if !slices.Contains(imgs, again) {
		t.Error("the same bytes were parsed again")
	}
	other := goodELF()
	other.hdr.Entry = 0x11004
	if img, _ := LoadShared("prog", other.bytes(), userLimit); img == again || img.Entry != 0x11004 {
		t.Error("other bytes gave the cached image")
	}
	if _, err := LoadShared("prog", data, 0x10000); err == nil {
		t.Error("another limit gave the cached image")
	}
	for _, name := range []string{"a", "b"} {
		if _, err := LoadShared(name, []byte("#!/bin/sh\n"), userLimit); err == nil || err.Error() != name+": not an ELF file (bad magic)" {
			t.Errorf("LoadShared(%s, script) = %v", name, err)
		}
	}
}
