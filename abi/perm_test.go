package abi

import "testing"

func TestModeGrants(t *testing.T) {
	for _, tc := range []struct {
		mode         uint32
		owner, group bool
		want         uint32
		ok           bool
	}{
		{0600, true, false, MAY_READ | MAY_WRITE, true},
		{0600, false, true, MAY_READ, false},
		{0640, false, true, MAY_READ, true},
		{0640, false, true, MAY_WRITE, false},
		{0604, false, false, MAY_READ, true},
		{0604, false, false, MAY_EXEC, false},
		{S_IFDIR | 0711, false, false, MAY_EXEC, true},
		// The owner class alone applies to the owner, even when the
		// others may do more (path_resolution(7)).
		{0077, true, false, MAY_READ, false},
		{0707, false, true, MAY_READ, false},
		{0, true, false, 0, true},
	} {
		if got := ModeGrants(tc.mode, tc.owner, tc.group, tc.want); got != tc.ok {
			t.Errorf("ModeGrants(%#o, owner=%v, group=%v, %#o) = %v, want %v", tc.mode, tc.owner, tc.group, tc.want, got, tc.ok)
		}
	}
}
