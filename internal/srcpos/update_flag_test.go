package srcpos

// The tests elsewhere cover this package; its binary must accept -update.
import _ "ipcsim/internal/golden"
