package asm

import "ipcsim/internal/srcpos"

// Pos is a position in a source file (line and column 1-based).
type Pos = srcpos.Pos

// Error is one problem found in a source file: "file:line:col: msg".
type Error = srcpos.Error

// ErrorList is every error of one file, sorted by position (as
// go/scanner.ErrorList).
type ErrorList = srcpos.ErrorList

// maxErrors is how many errors Assemble reports: the first ones by position,
// then "too many errors" at the position of the next one (as the Go
// compiler stops after 10). A large bad file can have an error on every
// line; the first few are the ones a person reads.
const maxErrors = 10

// errorSink collects the errors of one file in bounded memory: whenever it
// holds keepErrors errors it keeps only the first maxErrors+1 by position,
// which are all the report needs.
type errorSink struct{ list ErrorList }

const keepErrors = 1000

// Add records an error at pos.
func (s *errorSink) Add(pos Pos, format string, args ...any) {
	s.list.Add(pos, format, args...)
	if len(s.list) >= keepErrors {
		s.list.Sort()
		if len(s.list) > maxErrors+1 {
			s.list = s.list[:maxErrors+1]
		}
	}
}

// empty reports whether no error was found.
func (s *errorSink) empty() bool { return len(s.list) == 0 }

// err returns the report: the first maxErrors errors sorted by position and,
// if there were more, "too many errors".
func (s *errorSink) err() ErrorList {
	s.list.Sort()
	if len(s.list) > maxErrors {
		s.list = append(s.list[:maxErrors], &Error{Pos: s.list[maxErrors].Pos, Msg: "too many errors"})
	}
	return s.list
}
