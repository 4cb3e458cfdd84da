package sim

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a scenario file. Line and Col are 1-based; Col counts
// bytes, as go/scanner does, so a tab is one column.
type Pos struct {
	Filename string
	Line     int
	Col      int
}

// String returns "file:line:col".
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Col)
}

// Error is one problem found in a scenario file (or in an assembly file of
// its archive, already moved to the line of the scenario that holds it).
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every error found in one scenario, sorted by position
// (as go/scanner.ErrorList). It is what Load and Parse return.
type ErrorList []*Error

// Error joins the errors with newlines.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// add records an error at pos.
func (l *ErrorList) add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// sort orders the errors by file, line and column. It is stable, so two
// errors at one position keep the order in which they were found.
func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// err returns the list as an error, or nil if it is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	l.sort()
	return l
}
