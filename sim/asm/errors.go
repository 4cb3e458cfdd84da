package asm

import "ipcsim/internal/srcpos"

// Pos is a position in a source file (line and column 1-based).
type Pos = srcpos.Pos

// Error is one problem found in a source file: "file:line:col: msg".
type Error = srcpos.Error

// ErrorList is every error of one file, sorted by position (as
// go/scanner.ErrorList).
type ErrorList = srcpos.ErrorList
