package kernel

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysGetrandom: {sysGetrandom, "xux", noSleep},
	})
}

// getrandom(2): (buf, buflen, flags). The bytes come from the machine's
// seeded PRNG, so a run gives the same bytes each time (DESIGN.md: no host
// randomness). The pool is always initialised, so the call never blocks,
// whatever GRND_NONBLOCK says, and GRND_RANDOM draws from the same source,
// as since Linux 5.6. "EINVAL: An invalid flag was specified in flags",
// and GRND_INSECURE with GRND_RANDOM is one.
func sysGetrandom(c *call) (int64, error) {
	buf, n, flags := c.a[0], c.a[1], c.a[2]
	if flags&^(abi.GRND_NONBLOCK|abi.GRND_RANDOM|abi.GRND_INSECURE) != 0 ||
		flags&(abi.GRND_INSECURE|abi.GRND_RANDOM) == abi.GRND_INSECURE|abi.GRND_RANDOM {
		return 0, abi.EINVAL
	}
	n = min(n, maxRWCount)
	k := c.t.k
	var chunk [256]byte
	done := uint64(0)
	for done < n {
		m := min(n-done, uint64(len(chunk)))
		for i := uint64(0); i < m; i += 8 {
			v := k.rand.Uint64()
			for j := uint64(0); j < 8 && i+j < m; j++ {
				chunk[i+j] = byte(v >> (8 * j))
			}
		}
		if c.t.AS.WriteBytes(buf+done, chunk[:m]) != nil {
			// A fault after some bytes returns them (copy_to_iter's
			// short count); none at all is EFAULT.
			if done == 0 {
				return 0, abi.EFAULT
			}
			return int64(done), nil
		}
		done += m
	}
	return int64(done), nil
}
