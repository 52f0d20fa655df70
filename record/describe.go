package record

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// Masked is how a password appears in decoded output.
const Masked = "****"

// Field is one decoded field of a packet, in wire order.
type Field struct {
	// Name is the field's name in the msg definition.
	Name string
	// Value is the field's value: a number, a string, or a named type
	// with a String method.
	Value any
}

// Decoded is a packet decoded for display.
type Decoded struct {
	// Type and Length are the packet's header.
	Type   wire.Type
	Length int
	// Packet is the decoded msg value, nil when the type is unknown or
	// decoding failed.
	Packet wire.Packet
	// Fields are the decoded fields in wire order; nil when Packet is nil.
	Fields []Field
	// Trailing are the bytes after the last field the decoder reads.
	Trailing []byte
	// Err is the decoder's error (a *wire.FieldError), or nil.
	Err error
	// Raw is the whole packet for unknown types and failed decodes.
	Raw []byte
}

// Decode decodes the whole packet b, seen on a connection of kind
// (KindAccount or KindGame), for display; it never fails: an unknown type
// or a decode error is reported in the result. It does not keep b. The kind
// picks the body of MsgConnect, which differs between the two servers.
func Decode(kind string, b []byte) Decoded {
	if len(b) < wire.HeaderSize {
		return Decoded{Length: len(b), Raw: clone(b), Err: fmt.Errorf("packet of %d bytes is shorter than its header", len(b))}
	}
	n, t := wire.Header(b)
	d := Decoded{Type: t, Length: n}
	p := msg.New(t)
	if t == wire.TypeConnect && kind == KindAccount {
		p = new(msg.ConnectAccount)
	}
	if p == nil {
		d.Raw = clone(b)
		return d
	}
	var c wire.Codec
	if err := c.Decode(b, p); err != nil {
		d.Err = err
		d.Raw = clone(b)
		return d
	}
	d.Packet = p
	d.Fields = fields(p)
	// The encoder writes every field the decoder read (and optional
	// trailing ones it skipped as zero), so what lies past the re-encoded
	// length was not read.
	if enc, err := c.Encode(nil, p); err == nil && len(enc) < len(b) {
		d.Trailing = clone(b[len(enc):])
	}
	return d
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// fields lists p's exported struct fields in declaration (wire) order.
func fields(p wire.Packet) []Field {
	v := reflect.ValueOf(p)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	_, isAccount := p.(*msg.Account)
	t := v.Type()
	out := make([]Field, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if isAccount && sf.Name == "Password" {
			out = append(out, Field{Name: sf.Name, Value: Masked})
			continue
		}
		out = append(out, Field{Name: sf.Name, Value: v.Field(i).Interface()})
	}
	return out
}

// Name returns the packet's type name ("MsgWalk") or "type 1234".
func (d *Decoded) Name() string { return typeName(d.Type) }

// typeName names t: msg's names, MsgItem for the disputed 1009 that msg
// does not define yet, else "type 1234".
func typeName(t wire.Type) string {
	switch {
	case t.Known():
		return t.String()
	case t == TypeItem:
		return "MsgItem"
	}
	return "type " + strconv.Itoa(int(t))
}

// FieldsText returns the fields as "Name=value" pairs separated by spaces,
// strings quoted, then trailing bytes, a decode error or the raw bytes.
func (d *Decoded) FieldsText() string {
	var sb strings.Builder
	for i, f := range d.Fields {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(f.Name)
		sb.WriteByte('=')
		sb.WriteString(textValue(f.Value))
	}
	add := func(k, v string) {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(v)
	}
	if len(d.Trailing) > 0 {
		add("trailing", hex.EncodeToString(d.Trailing))
	}
	if d.Err != nil {
		add("error", strconv.Quote(d.Err.Error()))
	}
	if d.Raw != nil {
		add("hex", hex.EncodeToString(maskedCopy(d.Raw)))
	}
	return sb.String()
}

func maskedCopy(b []byte) []byte {
	c := clone(b)
	MaskPassword(c)
	return c
}

func textValue(v any) string {
	switch x := v.(type) {
	case string:
		if x == Masked {
			return x
		}
		return strconv.Quote(x)
	case fmt.Stringer:
		s := x.String()
		rv := reflect.ValueOf(v)
		if rv.CanUint() && s != strconv.FormatUint(rv.Uint(), 10) {
			return s + "(" + strconv.FormatUint(rv.Uint(), 10) + ")"
		}
		return s
	}
	return fmt.Sprint(v)
}

// Event is one packet seen on the wire, with where and when.
type Event struct {
	// Time is when the packet was seen.
	Time time.Time
	// Conn, Kind and Dir say which connection and which way.
	Conn uint32
	Kind string
	Dir  Dir
	// Bytes is the whole plaintext packet.
	Bytes []byte
}

// Text returns e as one readable line, without a newline:
//
//	08:01:02.123456 game#2 C→S MsgWalk len=10 Direction=2 ID=1000001 Mode=0
func (e *Event) Text(d *Decoded) string {
	var sb strings.Builder
	sb.WriteString(e.Time.Format("15:04:05.000000"))
	sb.WriteByte(' ')
	sb.WriteString(e.Kind)
	sb.WriteByte('#')
	sb.WriteString(strconv.FormatUint(uint64(e.Conn), 10))
	sb.WriteByte(' ')
	sb.WriteString(e.Dir.Arrow())
	sb.WriteByte(' ')
	sb.WriteString(d.Name())
	sb.WriteString(" len=")
	sb.WriteString(strconv.Itoa(len(e.Bytes)))
	if f := d.FieldsText(); f != "" {
		sb.WriteByte(' ')
		sb.WriteString(f)
	}
	return sb.String()
}

// JSON returns e as one JSON object, without a newline: time, conn, kind,
// dir, type, name, len, then fields (an object in wire order), trailing,
// error and hex when present.
func (e *Event) JSON(d *Decoded) []byte {
	var b []byte
	b = append(b, `{"time":`...)
	b = appendJSON(b, e.Time.UTC().Format(time.RFC3339Nano))
	b = append(b, `,"conn":`...)
	b = strconv.AppendUint(b, uint64(e.Conn), 10)
	b = append(b, `,"kind":`...)
	b = appendJSON(b, e.Kind)
	b = append(b, `,"dir":`...)
	b = appendJSON(b, e.Dir.String())
	b = append(b, `,"type":`...)
	b = strconv.AppendUint(b, uint64(d.Type), 10)
	b = append(b, `,"name":`...)
	b = appendJSON(b, d.Name())
	b = append(b, `,"len":`...)
	b = strconv.AppendInt(b, int64(len(e.Bytes)), 10)
	if d.Fields != nil {
		b = append(b, `,"fields":{`...)
		for i, f := range d.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, f.Name)
			b = append(b, ':')
			b = appendJSON(b, jsonValue(f.Value))
		}
		b = append(b, '}')
	}
	if len(d.Trailing) > 0 {
		b = append(b, `,"trailing":`...)
		b = appendJSON(b, hex.EncodeToString(d.Trailing))
	}
	if d.Err != nil {
		b = append(b, `,"error":`...)
		b = appendJSON(b, d.Err.Error())
	}
	if d.Raw != nil {
		b = append(b, `,"hex":`...)
		b = appendJSON(b, hex.EncodeToString(maskedCopy(d.Raw)))
	}
	return append(b, '}')
}

// jsonValue keeps numbers as numbers; a named number with a String method
// whose name differs from its digits becomes "Name(n)".
func jsonValue(v any) any {
	if s, ok := v.(fmt.Stringer); ok {
		rv := reflect.ValueOf(v)
		if rv.CanUint() {
			if str := s.String(); str != strconv.FormatUint(rv.Uint(), 10) {
				return str + "(" + strconv.FormatUint(rv.Uint(), 10) + ")"
			}
			return rv.Uint()
		}
	}
	return v
}

func appendJSON(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, `null`...)
	}
	return append(b, j...)
}
