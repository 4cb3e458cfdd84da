package tcp

// The tests here have no golden files, but every test binary must accept
// -update so that `go test ./... -update` can run (see internal/golden).
import _ "ipcsim/internal/golden"
