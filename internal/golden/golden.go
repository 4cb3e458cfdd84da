// Package golden holds the -update flag of the tests: `go test ./... -update`
// rewrites every golden file and every scenario's want/ sections, and a
// reviewer reads the diff.
//
// The flag must exist in every test binary, or `go test ./... -update` stops
// at the first package that does not know it; so each package's tests import
// this one, those without golden files for the flag alone.
package golden

import "flag"

// Update is true when the tests should rewrite what they compare against
// instead of failing.
var Update = flag.Bool("update", false, "rewrite golden files and scenario want/ sections")
