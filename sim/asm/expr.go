package asm

import (
	"fmt"
	"strings"
)

// Expressions (GNU as manual, "Expressions"). Operands are integers, symbols, '.'
// (the current location) and numeric local label references. GNU as has three
// levels of binary operators, which differ from C's:
//
//	highest:  *  /  %  <<  >>
//	middle:   |  &  ^  !        (a ! b is "or not": a | ~b)
//	lowest:   +  -
//
// and the prefix operators - ~ ! +. So 1+2*3|4 is 1+((2*3)|4) = 7, as in GNU as.
//
// Operators of one level chain without nesting (a+b-c+... is one chainExpr,
// evaluated left to right), so a long sum costs no recursion. Parentheses and
// prefix operators do nest: at most maxExprDepth levels of them in one
// expression, so that no input can exhaust the Go stack (GNU as has no such
// limit; real programs nest a handful of levels).

type expr interface{ exprPos() Pos }

type numLit struct {
	pos Pos
	v   int64
}

type symRef struct {
	pos   Pos
	name  string // key in the symbol table
	shown string // as written (a local label reference "1f" is stored as "1\x02N")
}

type dotRef struct{ pos Pos } // '.', the address of the current statement

type unaryExpr struct {
	pos Pos
	op  string
	x   expr
}

// chainExpr is x op y op z ...: binary operators of one level, applied
// left to right.
type chainExpr struct {
	x    expr
	rest []chainLink
}

type chainLink struct {
	pos Pos // position of the operator
	op  string
	y   expr
}

func (e *numLit) exprPos() Pos    { return e.pos }
func (e *symRef) exprPos() Pos    { return e.pos }
func (e *dotRef) exprPos() Pos    { return e.pos }
func (e *unaryExpr) exprPos() Pos { return e.pos }
func (e *chainExpr) exprPos() Pos { return e.x.exprPos() }

var binaryLevel = map[string]int{
	"*": 3, "/": 3, "%": 3, "<<": 3, ">>": 3,
	"|": 2, "&": 2, "^": 2, "!": 2,
	"+": 1, "-": 1,
}

// maxExprDepth bounds the nesting of parentheses and prefix operators in one
// expression ("((((1))))" is 4 levels, "- -1" is 2).
const maxExprDepth = 1000

// parseExpr parses an expression; on a syntax error it reports it and returns nil.
func (p *parser) parseExpr() expr { return p.parseBinary(1) }

func (p *parser) parseBinary(level int) expr {
	if level > 3 {
		return p.parseUnary()
	}
	x := p.parseBinary(level + 1)
	if x == nil {
		return nil
	}
	var c *chainExpr
	for {
		t := p.tok()
		if t.kind != tkOp || binaryLevel[t.text] != level {
			break
		}
		p.next()
		y := p.parseBinary(level + 1)
		if y == nil {
			return nil
		}
		if c == nil {
			c = &chainExpr{x: x}
		}
		c.rest = append(c.rest, chainLink{pos: t.pos, op: t.text, y: y})
	}
	if c == nil {
		return x
	}
	return c
}

// nest enters one more level of parentheses or prefix operators; it reports
// false (and an error at pos) beyond maxExprDepth. The caller calls unnest
// when it leaves the level.
func (p *parser) nest(pos Pos) bool {
	if p.depth >= maxExprDepth {
		p.errorf(pos, "expression nested too deeply: expected at most %d levels of parentheses and prefix operators", maxExprDepth)
		return false
	}
	p.depth++
	return true
}

func (p *parser) unnest() { p.depth-- }

func (p *parser) parseUnary() expr {
	t := p.tok()
	if t.kind == tkOp && (t.text == "-" || t.text == "~" || t.text == "!" || t.text == "+") {
		if !p.nest(t.pos) {
			return nil
		}
		p.next()
		x := p.parseUnary()
		p.unnest()
		if x == nil {
			return nil
		}
		return &unaryExpr{pos: t.pos, op: t.text, x: x}
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() expr {
	t := p.tok()
	switch t.kind {
	case tkNum:
		p.next()
		return &numLit{pos: t.pos, v: t.num}
	case tkIdent:
		p.next()
		if t.text == "." {
			return &dotRef{pos: t.pos}
		}
		return &symRef{pos: t.pos, name: t.text, shown: t.text}
	case tkLocalRef:
		p.next()
		return p.localRef(t)
	case tkOp:
		if t.text == "(" {
			if !p.nest(t.pos) {
				return nil
			}
			p.next()
			x := p.parseExpr()
			p.unnest()
			if x == nil {
				return nil
			}
			if !p.expectOp(")") {
				return nil
			}
			return x
		}
	case tkReloc:
		p.errorf(t.pos, "%s(...) must be a whole operand, not part of an expression", t.text)
		return nil
	}
	p.errorf(t.pos, "expected expression, found %s", t.describe())
	return nil
}

// value is the result of evaluating an expression during layout: an absolute
// number (sec == secAbs) or an offset into a section. After layout every value is
// absolute (see assembler.eval).
type value struct {
	sec int
	off int64
}

// evalError is an evaluation failure; undef names the symbol that was not defined
// (if that was the cause) so that a caller can say more.
type evalError struct {
	pos   Pos
	msg   string
	undef string
}

// maxEvalDepth bounds the recursion of eval: one expression nests at most
// maxExprDepth levels, but a symbol's value may use another symbol's, and so
// on. Symbols defined in order (x2 = x1 + 1 after x1 = x0 + 1) cost one
// level each however long the chain, since each is computed where it is
// defined; only a chain written backwards (each symbol defined in terms of
// one defined below it) runs into this bound.
const maxEvalDepth = 10000

// eval evaluates e. dot is the value of '.'. When final is set, layout is done:
// labels are absolute addresses and any arithmetic on them is allowed. Before
// that (final unset), a label is an offset in its section; only section+constant
// and the difference of two labels in one section are computable, as in GNU as.
func (a *assembler) eval(e expr, dot value, final bool) (value, *evalError) {
	if a.evalDepth >= maxEvalDepth {
		return value{}, &evalError{pos: e.exprPos(), msg: fmt.Sprintf(
			"expression nested too deeply: expected at most %d levels, counting those of the symbols it uses", maxEvalDepth)}
	}
	a.evalDepth++
	v, err := a.evalNode(e, dot, final)
	a.evalDepth--
	return v, err
}

func (a *assembler) evalNode(e expr, dot value, final bool) (value, *evalError) {
	switch e := e.(type) {
	case *numLit:
		return value{secAbs, e.v}, nil
	case *dotRef:
		return a.finalize(dot, final), nil
	case *symRef:
		s := a.syms[e.name]
		if s == nil {
			return value{}, &evalError{pos: e.pos, msg: fmt.Sprintf("undefined symbol %q", e.shown) + missingCallHint(e.shown), undef: e.shown}
		}
		switch s.kind {
		case symPredefined:
			return value{secAbs, s.val}, nil
		case symLabel:
			return a.finalize(value{s.sec, s.off}, final), nil
		}
		// .equ / .set / '=': evaluate the defining expression where it was written.
		if s.busy {
			return value{}, &evalError{pos: e.pos, msg: fmt.Sprintf("symbol %q is defined in terms of itself", e.shown)}
		}
		// Results are cached (once known, a value never changes: symbols cannot
		// be redefined), so chains like x2 = x1 + x1 stay linear. After layout
		// a failure is final too: caching it keeps a long bad chain linear.
		c := &s.cache[boolIndex(final)]
		if c.ok || c.err != nil {
			return c.v, c.err
		}
		s.busy = true
		v, err := a.eval(s.e, s.dot, final)
		s.busy = false
		if err == nil {
			*c = cachedValue{v: v, ok: true}
		} else if final {
			c.err = err
		}
		return v, err
	case *unaryExpr:
		x, err := a.eval(e.x, dot, final)
		if err != nil {
			return x, err
		}
		if x.sec != secAbs {
			return x, &evalError{pos: e.pos, msg: fmt.Sprintf("expected a constant operand for %q, found an address in %s", e.op, sectionNames[x.sec])}
		}
		switch e.op {
		case "-":
			x.off = -x.off
		case "~":
			x.off = ^x.off
		case "!":
			if x.off == 0 {
				x.off = 1
			} else {
				x.off = 0
			}
		}
		return x, nil
	case *chainExpr:
		x, err := a.eval(e.x, dot, final)
		for _, l := range e.rest {
			if err != nil {
				break
			}
			var y value
			if y, err = a.eval(l.y, dot, final); err == nil {
				x, err = binaryOp(l, x, y)
			}
		}
		return x, err
	}
	return value{}, &evalError{pos: e.exprPos(), msg: "bad expression"}
}

// finalize turns a section offset into an address once layout is done.
func (a *assembler) finalize(v value, final bool) value {
	if final && v.sec != secAbs {
		return value{secAbs, int64(a.base[v.sec]) + v.off}
	}
	return v
}

func binaryOp(e chainLink, x, y value) (value, *evalError) {
	switch {
	case e.op == "+" && x.sec != secAbs && y.sec == secAbs:
		return value{x.sec, x.off + y.off}, nil
	case e.op == "+" && x.sec == secAbs && y.sec != secAbs:
		return value{y.sec, x.off + y.off}, nil
	case e.op == "-" && x.sec != secAbs && y.sec == secAbs:
		return value{x.sec, x.off - y.off}, nil
	case e.op == "-" && x.sec != secAbs && x.sec == y.sec:
		return value{secAbs, x.off - y.off}, nil
	case x.sec != secAbs || y.sec != secAbs:
		return value{}, &evalError{pos: e.pos, msg: fmt.Sprintf("cannot compute %q on addresses before layout (found %s %s %s)",
			e.op, describeValue(x), e.op, describeValue(y))}
	}
	a, b := x.off, y.off
	var r int64
	switch e.op {
	case "+":
		r = a + b
	case "-":
		r = a - b
	case "*":
		r = a * b
	case "/", "%":
		if b == 0 {
			return value{}, &evalError{pos: e.pos, msg: "division by zero"}
		}
		if e.op == "/" {
			r = a / b // Go defines MinInt64 / -1 = MinInt64: no panic
		} else {
			r = a % b
		}
	case "<<":
		r = a << uint64(b) // counts >= 64 give 0, as a shift of a 64-bit value
	case ">>":
		r = int64(uint64(a) >> uint64(b)) // logical: GNU as shifts the unsigned value, so -16 >> 2 is 0x3ffffffffffffffc
	case "|":
		r = a | b
	case "&":
		r = a & b
	case "^":
		r = a ^ b
	case "!":
		r = a | ^b
	}
	return value{secAbs, r}, nil
}

func describeValue(v value) string {
	if v.sec == secAbs {
		return fmt.Sprint(v.off)
	}
	return "an address in " + sectionNames[v.sec]
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// missingCalls are the system calls other architectures have and riscv64
// does not (it has only the asm-generic ones), with what to call instead.
var missingCalls = map[string]string{
	"SYS_fork":      "SYS_clone with a0 = SIGCHLD (17) and a1 = 0, as glibc's fork does",
	"SYS_vfork":     "SYS_clone with a0 = SIGCHLD (17) and a1 = 0",
	"SYS_pipe":      "SYS_pipe2 with a1 = 0 (the flags)",
	"SYS_poll":      "SYS_ppoll: the timeout is a struct timespec pointer (0 for none), then a sigmask and its size",
	"SYS_select":    "SYS_pselect6: the timeout is a struct timespec pointer, the sixth argument a sigmask (0)",
	"SYS_wait":      "SYS_wait4 with a0 = -1, a2 = 0 (options), a3 = 0 (rusage)",
	"SYS_waitpid":   "SYS_wait4 with a3 = 0 (rusage)",
	"SYS_open":      "SYS_openat with a0 = AT_FDCWD (-100)",
	"SYS_dup2":      "SYS_dup3 with a2 = 0 (the flags)",
	"SYS_signal":    "SYS_rt_sigaction with a struct sigaction and a3 = 8 (the mask's size)",
	"SYS_sigaction": "SYS_rt_sigaction with a3 = 8 (the mask's size)",
	"SYS_pause":     "SYS_rt_sigsuspend with the current mask, or SYS_ppoll with nothing to wait for",
	"SYS_alarm":     "SYS_setitimer with ITIMER_REAL",
	"SYS_unlink":    "SYS_unlinkat with a0 = AT_FDCWD (-100) and a2 = 0",
	"SYS_mkfifo":    "SYS_mknodat with a0 = AT_FDCWD (-100) and the mode S_IFIFO|0644",
	"SYS_time":      "SYS_clock_gettime with CLOCK_REALTIME",
}

// missingCallHint says what to use instead of a system call riscv64 lacks.
func missingCallHint(name string) string {
	if hint, ok := missingCalls[name]; ok {
		return fmt.Sprintf(": riscv64 has no %s; use %s", strings.TrimPrefix(name, "SYS_"), hint)
	}
	return ""
}
