package abi

import "slices"

// What a permission check asks for (MAY_EXEC, MAY_WRITE, MAY_READ of
// include/linux/fs.h): the places of x, w and r in one class of a mode.
const (
	MAY_EXEC  = 01
	MAY_WRITE = 02
	MAY_READ  = 04
)

// ModeGrants is the part that files (acl_permission_check in fs/namei.c)
// and System V objects (ipcperms in ipc/util.c) share: one class of mode's
// permission bits applies to the caller, and it must grant every bit of
// want (MAY_READ, MAY_WRITE, MAY_EXEC ORed).
//
// "If the calling process's fsuid matches the owner of the file, the owner
// bits apply; else if the fsgid or one of the supplementary group IDs
// matches the group of the file, the group bits apply; else the other
// bits" - path_resolution(7) (sysvipc(7) says the same of IPC objects).
// The classes do not add up: an owner whose owner bits refuse is refused,
// whatever the group and other bits say.
//
// Privilege is the caller's to add, because it differs: root passes every
// check on an IPC object, but on a file execute needs one x bit.
func ModeGrants(mode uint32, owner, group bool, want uint32) bool {
	switch {
	case owner:
		mode >>= 6
	case group:
		mode >>= 3
	}
	return want&^mode&07 == 0
}

// NGROUPS_MAX is the most supplementary groups a process may have
// (setgroups(2): "EINVAL size is greater than NGROUPS_MAX (65536)").
const NGROUPS_MAX = 65536

// InGroup is Linux's in_group_p (kernel/groups.c): is gid the caller's
// effective group (its file-system group, which no call here sets apart)
// or one of its supplementary groups? groups is sorted, as setgroups(2)
// leaves it.
func InGroup(gid, egid int, groups []int) bool {
	if gid == egid {
		return true
	}
	_, found := slices.BinarySearch(groups, gid)
	return found
}
