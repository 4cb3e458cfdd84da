package asm

import (
	"fmt"
	"strings"
)

// The lexer turns a source file into tokens as the parser asks for them, so
// however long the file (or a statement), only the few tokens the parser
// looks ahead at exist at once. A statement ends at a newline, at
// ';' or at the end of the file; the lexer marks each end with a tkEOS token.
// Comments (GNU as manual, "Comments"): '#' and "//" run to the end of the
// line, "/* ... */" may span lines. The text of a token is a substring of the
// source, not a copy.

type tokKind int

const (
	tkEOS      tokKind = iota // end of statement: newline, ';' or end of file
	tkIdent                   // symbol, mnemonic, directive or register name
	tkNum                     // integer or character constant
	tkFloat                   // decimal floating-point literal: 1.5, 2., 1e10, 6.02e+23 (.float, .double)
	tkString                  // "..." with escapes decoded
	tkLocalRef                // numeric local label reference: 1f, 2b
	tkReloc                   // %hi, %lo, %pcrel_hi, %pcrel_lo
	tkOp                      // punctuation and operators
)

type token struct {
	kind tokKind
	pos  Pos
	text string // source text (for tkString the decoded bytes; for tkEOS a description)
	num  int64  // value of tkNum; label number of tkLocalRef
}

// describe names a token in "expected X, found Y" messages.
func (t token) describe() string {
	switch t.kind {
	case tkEOS:
		return t.text
	case tkString:
		return fmt.Sprintf("string %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

type lexer struct {
	src  string
	file string
	off  int // current byte offset
	line int
	col  int
	errs *errorSink
	// toks[head:] are the tokens lexed and not yet consumed by the parser.
	toks   []token
	head   int
	inStmt bool // a token other than tkEOS was emitted since the last tkEOS
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '$'
}
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentChar(c byte) bool {
	return isLetter(c) || isDigit(c)
}

// newLexer returns a lexer of src; errors go to errs.
func newLexer(file string, src string, errs *errorSink) *lexer {
	return &lexer{src: src, file: file, line: 1, col: 1, errs: errs}
}

func (l *lexer) pos() Pos { return Pos{Filename: l.file, Line: l.line, Col: l.col} }

// peekByte returns the source byte n after the current one, or 0 past the end.
func (l *lexer) peekByte(n int) byte {
	if l.off+n < len(l.src) {
		return l.src[l.off+n]
	}
	return 0
}

// advance moves over n bytes, keeping line and column.
func (l *lexer) advance(n int) {
	for i := 0; i < n && l.off < len(l.src); i++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

func (l *lexer) emit(k tokKind, pos Pos, text string, num int64) {
	l.toks = append(l.toks, token{kind: k, pos: pos, text: text, num: num})
	l.inStmt = k != tkEOS
}

// endStatement emits a tkEOS, unless the statement is empty (an empty
// line, or a ';' after a ';').
func (l *lexer) endStatement(pos Pos, what string) {
	if l.inStmt {
		l.emit(tkEOS, pos, what, 0)
	}
}

// peek returns the n-th token from the current one, lexing as needed. It
// never looks past the tkEOS that ends the current statement: beyond it, it
// returns that tkEOS. ok is false at the end of the file (no tokens left).
func (l *lexer) peek(n int) (t token, ok bool) {
	for l.head+n >= len(l.toks) {
		if len(l.toks) > l.head && l.toks[len(l.toks)-1].kind == tkEOS {
			return l.toks[len(l.toks)-1], true
		}
		if !l.more() {
			return token{}, false
		}
	}
	return l.toks[l.head+n], true
}

// consume moves past the current token.
func (l *lexer) consume() {
	l.head++
	if l.head >= 64 || l.head == len(l.toks) { // drop what was consumed
		l.toks = l.toks[:copy(l.toks, l.toks[l.head:])]
		l.head = 0
	}
}

// more lexes until it has emitted a token; it reports false at the end of
// the file, when there is none to emit.
func (l *lexer) more() bool {
	n := len(l.toks)
	for len(l.toks) == n {
		if l.off >= len(l.src) {
			l.endStatement(l.pos(), "end of file")
			return len(l.toks) > n
		}
		l.one()
	}
	return true
}

// one lexes one token, comment or blank.
func (l *lexer) one() {
	{
		c := l.src[l.off]
		p := l.pos()
		switch {
		case c == '\n':
			l.advance(1)
			l.endStatement(p, "newline")
		case c == ';':
			l.advance(1)
			l.endStatement(p, `";"`)
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.advance(1)
		case c == '#' || c == '/' && l.peekByte(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		case c == '/' && l.peekByte(1) == '*':
			end := strings.Index(l.src[l.off+2:], "*/")
			if end < 0 {
				l.errs.Add(p, "comment not terminated: expected \"*/\", found end of file")
				l.advance(len(l.src))
				break
			}
			// A newline inside the comment still ends the statement.
			hasNL := strings.Contains(l.src[l.off:l.off+2+end], "\n")
			l.advance(2 + end + 2)
			if hasNL {
				l.endStatement(p, "newline")
			}
		case isLetter(c):
			start := l.off
			for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
				l.advance(1)
			}
			l.emit(tkIdent, p, l.src[start:l.off], 0)
		case isDigit(c):
			l.number(p)
		case c == '\'':
			l.char(p)
		case c == '"':
			l.str(p)
		case c == '%' && isLetter(l.peekByte(1)):
			start := l.off
			l.advance(1)
			for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
				l.advance(1)
			}
			l.emit(tkReloc, p, l.src[start:l.off], 0)
		case c == '<' && l.peekByte(1) == '<' || c == '>' && l.peekByte(1) == '>':
			l.emit(tkOp, p, l.src[l.off:l.off+2], 0)
			l.advance(2)
		case strings.IndexByte(",():+-*/%&|^~=!", c) >= 0:
			l.emit(tkOp, p, l.src[l.off:l.off+1], 0)
			l.advance(1)
		default:
			l.errs.Add(p, "unexpected character %q", rune(c))
			l.advance(1)
		}
	}
}

// number lexes 123, 0x7f, 0b101, 0o17, 017 (leading zero: octal, as GNU as), and the
// numeric local label references 1f and 1b (GNU as manual, "Local Symbol Names").
func (l *lexer) number(p Pos) {
	start := l.off
	for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
		l.advance(1)
	}
	// A sign inside a floating-point literal: the exponent's ("1e-5",
	// "2.5E+3", "0f1e-5") or the number's after a prefix ("0d-3.5").
	for n := 0; n < 2; n++ {
		t := l.src[start:l.off]
		prefix := len(t) == 2 && t[0] == '0' && strings.IndexByte("fFdDeErR", t[1]) >= 0
		exp := isFloatText(t) && (t[len(t)-1] == 'e' || t[len(t)-1] == 'E')
		if !(prefix || exp) || l.peekByte(0) != '+' && l.peekByte(0) != '-' || !isDigit(l.peekByte(1)) {
			break
		}
		l.advance(1)
		for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
			l.advance(1)
		}
	}
	text := l.src[start:l.off]
	if isFloatText(text) {
		l.emit(tkFloat, p, text, 0)
		return
	}
	// Local label reference: decimal digits then 'f' or 'b'. "0b1" is binary.
	if n := len(text); n >= 2 && (text[n-1] == 'f' || text[n-1] == 'b') && allDigits(text[:n-1]) &&
		!(text[:2] == "0b" && n > 2) {
		v, ok := parseUint(text[:n-1], 10)
		if ok && v < 1<<31 {
			l.emit(tkLocalRef, p, text, int64(v))
			return
		}
	}
	base, digits := 10, text
	switch {
	case len(text) > 2 && (text[:2] == "0x" || text[:2] == "0X"):
		base, digits = 16, text[2:]
	case len(text) > 2 && (text[:2] == "0b" || text[:2] == "0B"):
		base, digits = 2, text[2:]
	case len(text) > 2 && (text[:2] == "0o" || text[:2] == "0O"):
		base, digits = 8, text[2:]
	case len(text) > 1 && text[0] == '0':
		base, digits = 8, text[1:]
	}
	v, ok := parseUint(digits, base)
	if !ok {
		l.errs.Add(p, "invalid number %q", text)
	}
	l.emit(tkNum, p, text, int64(v))
}

// isFloatText reports whether s is a floating-point literal as GNU as's
// .float and .double read it: decimal digits, then a fraction ".digits" or
// an exponent "e[+-]digits" or both (either part may be empty: "1.", "1e"),
// optionally after one of GNU as's prefixes 0f, 0d, 0e or 0r ("0f1.5"; then
// an integer will do too, "0f3").
func isFloatText(s string) bool {
	if _, ok := cutFloatPrefix(s); ok {
		return true
	}
	return isDecimalFloat(s)
}

// cutFloatPrefix removes a 0f, 0d, 0e or 0r prefix from a literal whose rest
// is an integer or a decimal floating-point literal.
func cutFloatPrefix(s string) (string, bool) {
	if len(s) > 2 && s[0] == '0' && strings.IndexByte("fFdDeErR", s[1]) >= 0 {
		rest := s[2:]
		if unsigned := strings.TrimLeft(rest, "+-"); len(rest)-len(unsigned) <= 1 && (allDigits(unsigned) || isDecimalFloat(unsigned)) {
			return rest, true
		}
	}
	return s, false
}

// isDecimalFloat reports whether s is digits with a fraction, an exponent or both.
func isDecimalFloat(s string) bool {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i == len(s) {
		return false
	}
	if s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// parseUint parses digits in base; false on a bad digit or on overflow of 64 bits.
func parseUint(s string, base int) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case isDigit(c):
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = int(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		if v > (^uint64(0)-uint64(d))/uint64(base) {
			return 0, false
		}
		v = v*uint64(base) + uint64(d)
	}
	return v, true
}

// char lexes a character constant: 'a or 'a' or '\n' (GNU as accepts the closing
// quote as optional).
func (l *lexer) char(p Pos) {
	l.advance(1)
	if l.off >= len(l.src) || l.src[l.off] == '\n' {
		l.errs.Add(p, "expected character after \"'\", found %s", l.describeHere())
		l.emit(tkNum, p, "'", 0)
		return
	}
	var v byte
	if l.src[l.off] == '\\' {
		b, ok := l.escape()
		if !ok {
			l.emit(tkNum, p, "'", 0)
			return
		}
		v = b
	} else {
		v = l.src[l.off]
		l.advance(1)
	}
	if l.off < len(l.src) && l.src[l.off] == '\'' {
		l.advance(1)
	}
	l.emit(tkNum, p, fmt.Sprintf("'%c'", v), int64(v))
}

func (l *lexer) describeHere() string {
	if l.off >= len(l.src) {
		return "end of file"
	}
	if l.src[l.off] == '\n' {
		return "newline"
	}
	return fmt.Sprintf("%q", rune(l.src[l.off]))
}

// escape decodes one backslash escape at l.off (GNU as manual, "Strings"):
// \b \f \n \r \t \v \\ \" \' , octal \NNN (up to three digits) and hex \xHH...
func (l *lexer) escape() (byte, bool) {
	p := l.pos()
	l.advance(1) // the backslash
	if l.off >= len(l.src) {
		l.errs.Add(p, "expected escape character after \"\\\", found end of file")
		return 0, false
	}
	c := l.src[l.off]
	switch c {
	case 'b':
		l.advance(1)
		return '\b', true
	case 'f':
		l.advance(1)
		return '\f', true
	case 'n':
		l.advance(1)
		return '\n', true
	case 'r':
		l.advance(1)
		return '\r', true
	case 't':
		l.advance(1)
		return '\t', true
	case 'v':
		l.advance(1)
		return '\v', true
	case '\\', '"', '\'':
		l.advance(1)
		return c, true
	case 'x', 'X':
		l.advance(1)
		var v byte
		n := 0
		for l.off < len(l.src) && isHex(l.src[l.off]) {
			d, _ := parseUint(l.src[l.off:l.off+1], 16)
			v = v<<4 | byte(d)
			l.advance(1)
			n++
		}
		if n == 0 {
			l.errs.Add(p, "expected hex digits after \"\\x\", found %s", l.describeHere())
			return 0, false
		}
		return v, true
	}
	if c >= '0' && c <= '7' {
		var v byte
		for n := 0; n < 3 && l.off < len(l.src) && l.src[l.off] >= '0' && l.src[l.off] <= '7'; n++ {
			v = v<<3 | (l.src[l.off] - '0')
			l.advance(1)
		}
		return v, true
	}
	l.errs.Add(p, "unknown escape sequence \"\\%c\"", rune(c))
	l.advance(1)
	return 0, false
}

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// str lexes a string literal.
func (l *lexer) str(p Pos) {
	l.advance(1)
	var b []byte
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			l.errs.Add(p, "string not terminated: expected '\"', found %s", l.describeHere())
			break
		}
		c := l.src[l.off]
		if c == '"' {
			l.advance(1)
			break
		}
		if c == '\\' {
			if v, ok := l.escape(); ok {
				b = append(b, v)
			}
			continue
		}
		b = append(b, c)
		l.advance(1)
	}
	l.emit(tkString, p, string(b), 0)
}
