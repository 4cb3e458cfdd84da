package sim

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"ipcsim/kernel"
)

// The trace is the hottest output of ipcsim: a traced pipe ping-pong writes
// ten events a round trip. This file renders an event by appending to a
// buffer that the tracer reuses, with strconv rather than fmt and without
// encoding/json's reflection, so that tracing stays within a small factor
// of a run without it (issue 13; BENCHMARKS.md). FormatHostEvent and
// encoding/json remain the definitions: TestAppendEventMatches checks both
// against these on the traces of every bundled scenario.

// AppendHostEvent appends the line FormatHostEvent returns (without the
// newline) to b.
func AppendHostEvent(b []byte, e *kernel.Event, width int) []byte {
	b = appendUintPadLeft(b, e.Cycle, 9)
	b = append(b, "  "...)
	if e.Host != "" {
		b = append(b, e.Host...)
		for i := utf8.RuneCountInString(e.Host); i < width; i++ { // %-*s counts runes
			b = append(b, ' ')
		}
		b = append(b, ' ')
	}
	b = append(b, "pid "...)
	b = appendIntPadRight(b, e.PID, 3)
	b = append(b, ' ')
	if e.TID != 0 {
		b = append(b, "tid "...)
		b = appendIntPadRight(b, e.TID, 3)
		b = append(b, ' ')
		if e.Thread != "" {
			b = append(b, '(')
			b = appendOneLine(b, e.Thread)
			b = append(b, ") "...)
		}
	}
	return appendOneLine(b, e.Text)
}

// appendOneLine appends s with its newlines and carriage returns written
// as \n and \r, so that an event stays one line.
func appendOneLine(b []byte, s string) []byte {
	if strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0 {
		return append(b, s...) // the usual text: copied at once
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendUintPadLeft appends n right-aligned in width columns, as %9d does.
func appendUintPadLeft(b []byte, n uint64, width int) []byte {
	var digits [20]byte
	s := strconv.AppendUint(digits[:0], n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// appendIntPadRight appends n left-aligned in width columns, as %-3d does.
func appendIntPadRight(b []byte, n, width int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(n), 10)
	for i := len(b) - start; i < width; i++ {
		b = append(b, ' ')
	}
	return b
}

// AppendEventJSON appends the JSON document encoding/json's Encoder
// writes for e, with SetEscapeHTML(false) (jsonLines), newline included.
// Its fields and their order are kernel.Event's (TestEventFieldsKnown
// fails when a field is added there and not here).
func AppendEventJSON(b []byte, e *kernel.Event) []byte {
	b = append(b, `{"cycle":`...)
	b = strconv.AppendUint(b, e.Cycle, 10)
	b = appendStringField(b, `,"host":`, e.Host, true)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(e.PID), 10)
	if e.TID != 0 {
		b = append(b, `,"tid":`...)
		b = strconv.AppendInt(b, int64(e.TID), 10)
	}
	b = appendStringField(b, `,"thread":`, e.Thread, true)
	b = appendStringField(b, `,"kind":`, e.Kind, false)
	b = appendStringField(b, `,"text":`, e.Text, false)
	b = appendStringField(b, `,"syscall":`, e.Syscall, true)
	if len(e.Args) > 0 {
		b = append(b, `,"args":[`...)
		for i, a := range e.Args {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, a, 10)
		}
		b = append(b, ']')
	}
	if e.Ret != nil {
		b = append(b, `,"ret":`...)
		b = strconv.AppendInt(b, *e.Ret, 10)
	}
	b = appendStringField(b, `,"errno":`, e.Errno, true)
	b = appendStringField(b, `,"addr":`, e.Addr, true)
	if e.Other != 0 {
		b = append(b, `,"other":`...)
		b = strconv.AppendInt(b, int64(e.Other), 10)
	}
	b = appendStringField(b, `,"pc":`, e.PC, true)
	b = appendStringField(b, `,"name":`, e.Name, true)
	b = appendStringField(b, `,"signal":`, e.Signal, true)
	b = appendStringField(b, `,"obj":`, e.Obj, true)
	b = appendStringField(b, `,"via":`, e.Via, true)
	if e.Msg != 0 {
		b = append(b, `,"msg":`...)
		b = strconv.AppendUint(b, e.Msg, 10)
	}
	if e.Mem != nil {
		// An instruction's access: rare enough (insns=on) for the
		// reflecting encoder.
		m, err := json.Marshal(e.Mem)
		if err != nil {
			panic(err) // a struct of numbers, a string and a bool
		}
		b = append(b, `,"mem":`...)
		b = append(b, m...)
	}
	b = appendStringField(b, `,"injected":`, e.Injected, true)
	b = appendStringField(b, `,"tcp":`, e.TCP, true)
	if p := e.Packet; p != nil {
		b = appendStringField(b, `,"packet":{"proto":`, p.Proto, false)
		b = appendStringField(b, `,"src":`, p.Src, false)
		b = appendStringField(b, `,"dst":`, p.Dst, false)
		b = appendStringField(b, `,"flags":`, p.Flags, true)
		b = appendUintField(b, `,"seq":`, uint64(p.Seq))
		b = appendUintField(b, `,"ack":`, uint64(p.Ack))
		b = appendUintField(b, `,"win":`, uint64(p.Win))
		b = append(b, `,"len":`...)
		b = strconv.AppendInt(b, int64(p.Len), 10)
		b = appendStringField(b, `,"link":`, p.Link, true)
		b = appendUintField(b, `,"frame":`, p.Frame)
		b = appendUintField(b, `,"arrive":`, p.Arrive)
		b = appendStringField(b, `,"drop":`, p.Drop, true)
		b = append(b, '}')
	}
	return append(b, "}\n"...)
}

// appendSegmentJSON appends AppendEventJSON's document for e, the Event of
// a kernel.RecordSegment (kernel.RecordEvent.Event), which sets only the
// fields below. The kernel makes its sentence and its packet's strings of
// ASCII letters, digits and punctuation without '"' or '\\': an inet#N,
// IPv4 addresses and ports, tcp.Flags' letters, numbers. They are copied as
// they are, where appendJSONString's scan for bytes to escape took an
// eighth of the traced TCP ping-pong's instructions in JSON (a segment's
// line is some 300 bytes, and no other Record's line is made afresh each
// time). TestAppendSegmentJSON checks it against AppendEventJSON.
func appendSegmentJSON(b []byte, e *kernel.Event) []byte {
	p := e.Packet
	b = append(b, `{"cycle":`...)
	b = strconv.AppendUint(b, e.Cycle, 10)
	b = appendStringField(b, `,"host":`, e.Host, true)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(e.PID), 10)
	b = append(b, `,"kind":"net","text":"`...)
	b = append(b, e.Text...)
	b = append(b, `","packet":{"proto":"`...)
	b = append(b, p.Proto...)
	b = append(b, `","src":"`...)
	b = append(b, p.Src...)
	b = append(b, `","dst":"`...)
	b = append(b, p.Dst...)
	b = append(b, `","flags":"`...) // never empty: "none" without a flag
	b = append(b, p.Flags...)
	b = append(b, '"')
	b = appendUintField(b, `,"seq":`, uint64(p.Seq))
	b = appendUintField(b, `,"ack":`, uint64(p.Ack))
	b = appendUintField(b, `,"win":`, uint64(p.Win))
	b = append(b, `,"len":`...)
	b = strconv.AppendInt(b, int64(p.Len), 10)
	return append(b, "}}\n"...)
}

// appendUintField appends key and v, or nothing for 0 (omitempty).
func appendUintField(b []byte, key string, v uint64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendUint(append(b, key...), v, 10)
}

// appendStringField appends key (`,"name":`) and the value, or nothing for
// an empty value with omitEmpty.
func appendStringField(b []byte, key, v string, omitEmpty bool) []byte {
	if omitEmpty && v == "" {
		return b
	}
	return appendJSONString(append(b, key...), v)
}

// appendJSONString appends s as encoding/json writes a string without
// HTML escaping: ASCII as its appendString does; a string with a byte
// beyond ASCII goes through encoding/json itself, which knows the rest
// (invalid UTF-8, U+2028 and U+2029).
func appendJSONString(b []byte, s string) []byte {
	start := len(b)
	b = append(b, '"')
	for i := 0; i < len(s); {
		// The bytes that need no escape are appended a run at a time.
		run := i
		i += plainWords(s[i:])
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		b = append(b, s[run:i]...)
		if i == len(s) {
			break
		}
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return appendJSONStringSlow(b[:start], s)
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, `\b`...)
		case c == '\f':
			b = append(b, `\f`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		default:
			const hex = "0123456789abcdef"
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
	}
	return append(b, '"')
}

// plainWords returns how many bytes at the start of s, a multiple of 8,
// are plain (jsonPlain): it looks at 8 bytes at a time, as one word. A TCP
// segment's line holds a sentence of a hundred bytes and its packet's
// fields, none of which needs an escape, and a byte at a time, with a load
// and a test each, those scans took an eighth of the traced TCP
// ping-pong's instructions in JSON.
//
// A word's bytes are all plain unless one of them is 0x80 or more (its
// high bit), below 0x20, '"' or '\\'. The last three are found by the
// carry of a subtraction: for a word x, (x - 0x0101...01*n) &^ x has a
// byte's high bit set for some byte if and only if some byte of x is below
// n (n at most 0x80, x without high bits); a byte equal to c is a byte of
// x^(0x0101...01*c) below 1. (The test can mark a byte next to the one
// that fails it, but never marks a word whose bytes all pass.)
func plainWords(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; len(s)-i >= 8; i += 8 {
		w := s[i : i+8] // one bounds check, and the loads below make one
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		q, bs := x^(ones*'"'), x^(ones*'\\')
		if (x|(x-ones*0x20)&^x|(q-ones)&^q|(bs-ones)&^bs)&highs != 0 {
			break
		}
	}
	return i
}

// jsonPlain says which bytes a JSON string holds as they are: printable
// ASCII but '"' and '\\'. One load a byte, where four comparisons took a
// seventh of a traced TCP ping-pong's time in JSON.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendJSONStringSlow(b []byte, s string) []byte {
	var buf jsonBuffer
	enc := jsonLines(&buf)
	if err := enc.Encode(s); err != nil {
		panic(err) // a string always encodes
	}
	return append(b, buf[:len(buf)-1]...) // without Encode's newline
}

// jsonBuffer is the io.Writer of appendJSONStringSlow.
type jsonBuffer []byte

func (j *jsonBuffer) Write(p []byte) (int, error) {
	*j = append(*j, p...)
	return len(p), nil
}
