package sysv

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

type obj struct{ p Perm }

func (o *obj) IPCPerm() *Perm { return &o.p }

func create(p Perm) (*obj, error) { return &obj{p: p}, nil }

var root = Creds{}

// ids are index + seq*32768; the sequence number goes up when a slot at or
// below the last one handed out is reused (ipc_idr_alloc).
func TestIDs(t *testing.T) {
	r := New[*obj](10)
	var ids []int
	get := func(key int32) *obj {
		o, err := r.Get(key, abi.IPC_CREAT|0600, root, create)
		require.NoError(t, err)
		ids = append(ids, o.p.ID)
		return o
	}
	a := get(0x10)
	get(0x20)
	r.Remove(a)
	c := get(abi.IPC_PRIVATE)
	get(abi.IPC_PRIVATE)
	if diff := cmp.Diff([]int{0, 1, 32768, 32770}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	_, ok := r.Lookup(0)
	require.False(t, ok, "the removed queue's id must be invalid")
	got, ok := r.Lookup(32768)
	require.True(t, ok)
	require.Same(t, c, got)
	_, ok = r.Lookup(-1)
	require.False(t, ok)
	require.Equal(t, 2, r.MaxIndex())
	var order []int
	for _, o := range r.All() {
		order = append(order, o.p.ID)
	}
	require.Equal(t, []int{32768, 1, 32770}, order)
}

func TestGet(t *testing.T) {
	user := Creds{UID: 1000, EUID: 1000, GID: 100, EGID: 100}
	other := Creds{UID: 2000, EUID: 2000, GID: 200, EGID: 200}
	tests := []struct {
		name  string
		key   int32
		flags int
		c     Creds
		want  error
	}{
		{"existing key, no flags", 0x1, 0, other, nil},
		{"existing key, IPC_CREAT", 0x1, abi.IPC_CREAT, other, nil},
		{"IPC_CREAT|IPC_EXCL on an existing key", 0x1, abi.IPC_CREAT | abi.IPC_EXCL, user, abi.EEXIST},
		{"missing key without IPC_CREAT", 0x2, 0, user, abi.ENOENT},
		{"owner asks for rw of 0640", 0x1, 0600, user, nil},
		{"other asks for read of 0640", 0x1, 0400, other, abi.EACCES},
		{"group member asks for read", 0x1, 0040, Creds{UID: 3, EUID: 3, GID: 100, EGID: 100}, nil},
		{"group member asks for write", 0x1, 0020, Creds{UID: 3, EUID: 3, GID: 100, EGID: 100}, abi.EACCES},
		{"root bypasses the mode (CAP_IPC_OWNER)", 0x1, 0666, root, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New[*obj](10)
			_, err := r.Get(0x1, abi.IPC_CREAT|0640, user, create)
			require.NoError(t, err)
			_, err = r.Get(tt.key, tt.flags, tt.c, create)
			require.Equal(t, tt.want, err)
		})
	}
}

func TestLimitAndPrivate(t *testing.T) {
	r := New[*obj](2)
	a, err := r.Get(abi.IPC_PRIVATE, 0, root, create)
	require.NoError(t, err)
	b, err := r.Get(abi.IPC_PRIVATE, 0, root, create)
	require.NoError(t, err)
	require.NotEqual(t, a.p.ID, b.p.ID, "IPC_PRIVATE always creates")
	_, err = r.Get(0x5, abi.IPC_CREAT, root, create)
	require.Equal(t, abi.ENOSPC, err)
	r.Remove(a)
	_, err = r.Get(0x5, abi.IPC_CREAT|0644, Creds{UID: 7, EUID: 7, GID: 8, EGID: 8}, create)
	require.NoError(t, err)
	o, ok := r.AtIndex(0)
	require.True(t, ok)
	want := Perm{ID: 32768, Key: 5, UID: 7, GID: 8, CUID: 7, CGID: 8, Mode: 0644, Seq: 1}
	if diff := cmp.Diff(want, o.p); diff != "" {
		t.Errorf("perm (-want +got):\n%s", diff)
	}
}

func TestOwnedBy(t *testing.T) {
	p := Perm{UID: 5, CUID: 6, Mode: 0777}
	require.True(t, p.OwnedBy(Creds{EUID: 5, UID: 5}))
	require.True(t, p.OwnedBy(Creds{EUID: 6, UID: 6}))
	require.True(t, p.OwnedBy(root))
	require.False(t, p.OwnedBy(Creds{EUID: 7, UID: 7}), "mode bits do not make an owner")
}
