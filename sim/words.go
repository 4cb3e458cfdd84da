package sim

import (
	"strconv"
	"strings"
)

// word is one word of a header line.
type word struct {
	text   string // as written, quotes included
	val    string // the value: text, or the unquoted string of a quoted word
	col    int    // 1-based byte column of the word's first byte
	quoted bool   // written as a Go string literal ("..." or `...`)
}

// splitWords splits one header line into words separated by spaces and tabs.
// A word that starts with " or ` is a Go string literal and runs to its
// closing quote (so it may hold spaces); a word that starts with # begins a
// comment that runs to the end of the line. Problems go to errs, positioned
// with at(col).
func splitWords(line string, at func(col int) Pos, errs *ErrorList) []word {
	var words []word
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '#':
			return words
		case c == '"' || c == '`':
			end := closingQuote(line, i)
			if end < 0 {
				errs.Add(at(i+1), "expected closing %c of string, found end of line", c)
				return words
			}
			text := line[i : end+1]
			val, err := strconv.Unquote(text)
			if err != nil {
				errs.Add(at(i+1), "bad string %s: expected a Go string literal", text)
			}
			words = append(words, word{text: text, val: val, col: i + 1, quoted: true})
			i = end + 1
			if i < len(line) && line[i] != ' ' && line[i] != '\t' {
				errs.Add(at(i+1), "expected space after string, found %q", line[i:i+1])
				return words
			}
			continue
		}
		end := strings.IndexAny(line[i:], " \t")
		if end < 0 {
			end = len(line)
		} else {
			end += i
		}
		words = append(words, word{text: line[i:end], val: line[i:end], col: i + 1})
		i = end
	}
	return words
}

// closingQuote returns the index of the quote that closes the string literal
// starting at line[start], or -1. In a "..." literal a backslash escapes the
// next byte; a `...` literal has no escapes.
func closingQuote(line string, start int) int {
	q := line[start]
	for i := start + 1; i < len(line); i++ {
		switch {
		case line[i] == '\\' && q == '"':
			i++
		case line[i] == q:
			return i
		}
	}
	return -1
}

// caretKeys turns caret notation into control characters, as stty(1) and
// terminals write them: ^C is 0x03 (ETX, what the terminal turns into
// SIGINT), ^D is 0x04 (EOF), ^@ is NUL, ^[ is ESC, ^? is DEL. A caret
// followed by anything else, or at the end, is a caret. The conversion is
// applied after unquoting, so "^C" and "\x5eC" both mean control-C.
func caretKeys(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '^' && i+1 < len(s) {
			c := s[i+1]
			switch {
			case c >= 'a' && c <= 'z':
				out = append(out, c-'a'+1)
				i++
				continue
			case c >= '@' && c <= '_':
				out = append(out, c-'@')
				i++
				continue
			case c == '?':
				out = append(out, 0x7f)
				i++
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}
