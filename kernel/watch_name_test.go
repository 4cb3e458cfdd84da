package kernel

import "testing"

// TestSegmentNameString: a key is shown as ipcs shows it, unsigned, even
// one of 0x80000000 and above (an int32 below zero).
func TestSegmentNameString(t *testing.T) {
	for n, want := range map[SegmentName]string{
		{Key: 0x1234}:             "shm key 0x1234",
		{Key: int32(-0x21524111)}: "shm key 0xdeadbeef",
		{Nth: 2}:                  "shm#2",
		{Key: 0x1234, Nth: 3}:     "shm#3",
	} {
		if got := n.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", n, got, want)
		}
	}
}
