package sysv

import "ipcsim/abi"

// Dissociate takes obj's key away while its id stays valid: a removed
// shared memory segment lives on until its last detach, but "the segment's
// key is changed to IPC_PRIVATE" at once, so that shmget with the old key
// makes a new segment (Linux's shm_rmid, do_shm_rmid).
func (r *Registry[T]) Dissociate(obj T) {
	p := obj.IPCPerm()
	if p.Key == abi.IPC_PRIVATE {
		return
	}
	if idx, ok := r.byKey[p.Key]; ok && idx == p.ID%SeqMultiplier {
		delete(r.byKey, p.Key)
	}
	p.Key = abi.IPC_PRIVATE
}
