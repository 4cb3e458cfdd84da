package sim

import "ipcsim/internal/srcpos"

// Pos is a position in a scenario file (line and column 1-based).
type Pos = srcpos.Pos

// Error is one problem found in a scenario file (or in an assembly file of
// its archive, already moved to the line of the scenario that holds it).
type Error = srcpos.Error

// ErrorList is every error found in one scenario, sorted by position (as
// go/scanner.ErrorList). It is what Load and Parse return.
type ErrorList = srcpos.ErrorList
