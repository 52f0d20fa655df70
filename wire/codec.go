package wire

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// MaxListString is the longest string a TQ string list can carry: its length
// prefix is one byte.
const MaxListString = 255

// Codec reads or writes a packet's fields in wire order, little-endian. The
// same Marshal method of a packet drives both directions, so encoder and
// decoder cannot drift apart.
//
// The first failure is kept and every later field is skipped; the caller
// reads it from Encode or Decode. A Codec may be reused for many packets; it
// holds no reference to a decoded packet's bytes after Decode returns.
type Codec struct {
	buf      []byte
	off      int // next byte to read when decoding
	decoding bool
	pkt      Type
	err      *FieldError
}

// FieldError reports a field that cannot be encoded or decoded, naming the
// packet type, the field and its offset in the packet.
type FieldError struct {
	Packet Type
	Field  string
	Offset int
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("wire: %s: field %q at offset %d: %s", e.Packet, e.Field, e.Offset, e.Reason)
}

// Decoding reports whether the codec is reading a packet (true) or writing
// one (false).
func (c *Codec) Decoding() bool { return c.decoding }

// Fail records an error for field unless an earlier one is recorded. Packet
// definitions use it for checks the field helpers cannot make.
func (c *Codec) Fail(field, reason string) {
	if c.err == nil {
		off := c.off
		if !c.decoding {
			off = len(c.buf)
		}
		c.err = &FieldError{Packet: c.pkt, Field: field, Offset: off, Reason: reason}
	}
}

// Failed reports whether a field has failed.
func (c *Codec) Failed() bool { return c.err != nil }

// take returns the next n bytes of the packet being decoded, or nil and a
// recorded error when fewer remain.
func (c *Codec) take(n int, field string) []byte {
	if c.err != nil {
		return nil
	}
	if len(c.buf)-c.off < n {
		c.Fail(field, fmt.Sprintf("needs %d bytes, %d left", n, len(c.buf)-c.off))
		return nil
	}
	b := c.buf[c.off : c.off+n]
	c.off += n
	return b
}

// U8 reads or writes a byte.
func (c *Codec) U8(v *uint8, field string) {
	if !c.decoding {
		c.buf = append(c.buf, *v)
		return
	}
	if b := c.take(1, field); b != nil {
		*v = b[0]
	}
}

// U16 reads or writes a little-endian uint16.
func (c *Codec) U16(v *uint16, field string) {
	if !c.decoding {
		c.buf = binary.LittleEndian.AppendUint16(c.buf, *v)
		return
	}
	if b := c.take(2, field); b != nil {
		*v = binary.LittleEndian.Uint16(b)
	}
}

// U32 reads or writes a little-endian uint32.
func (c *Codec) U32(v *uint32, field string) {
	if !c.decoding {
		c.buf = binary.LittleEndian.AppendUint32(c.buf, *v)
		return
	}
	if b := c.take(4, field); b != nil {
		*v = binary.LittleEndian.Uint32(b)
	}
}

// U64 reads or writes a little-endian uint64.
func (c *Codec) U64(v *uint64, field string) {
	if !c.decoding {
		c.buf = binary.LittleEndian.AppendUint64(c.buf, *v)
		return
	}
	if b := c.take(8, field); b != nil {
		*v = binary.LittleEndian.Uint64(b)
	}
}

// I32 reads or writes a little-endian int32.
func (c *Codec) I32(v *int32, field string) {
	u := uint32(*v)
	c.U32(&u, field)
	*v = int32(u)
}

// Zero writes n zero bytes, or skips n bytes when decoding: reserved space.
func (c *Codec) Zero(n int, field string) {
	if !c.decoding {
		c.buf = append(c.buf, make([]byte, n)...)
		return
	}
	c.take(n, field)
}

// Bytes reads or writes len(b) raw bytes (an opaque fixed field such as an
// encrypted password).
func (c *Codec) Bytes(b []byte, field string) {
	if !c.decoding {
		c.buf = append(c.buf, b...)
		return
	}
	if src := c.take(len(b), field); src != nil {
		copy(b, src)
	}
}

// Fixed reads or writes a char[n] field: ASCII zero-padded to n bytes, not
// terminated when full. Decoding cuts at the first NUL. Encoding a string
// longer than n bytes, or one holding a NUL, is an error: never a silent cut.
func (c *Codec) Fixed(s *string, n int, field string) {
	if !c.decoding {
		switch {
		case len(*s) > n:
			c.Fail(field, fmt.Sprintf("string of %d bytes overflows char[%d]", len(*s), n))
		case strings.IndexByte(*s, 0) >= 0:
			c.Fail(field, "string holds a NUL byte")
		default:
			c.buf = append(c.buf, *s...)
			c.buf = append(c.buf, make([]byte, n-len(*s))...)
		}
		return
	}
	b := c.take(n, field)
	if b == nil {
		return
	}
	if i := indexNUL(b); i >= 0 {
		b = b[:i]
	}
	*s = internString(*s, b)
}

// ListCount reads or writes the u8 count that starts a TQ string list.
func (c *Codec) ListCount(n *uint8, field string) { c.U8(n, field) }

// ListString reads or writes one string of a TQ string list: a u8 length,
// then that many bytes. Encoding a string over MaxListString bytes is an
// error.
func (c *Codec) ListString(s *string, field string) {
	if !c.decoding {
		if len(*s) > MaxListString {
			c.Fail(field, fmt.Sprintf("string of %d bytes overflows the u8 length", len(*s)))
			return
		}
		c.buf = append(c.buf, byte(len(*s)))
		c.buf = append(c.buf, *s...)
		return
	}
	l := c.take(1, field)
	if l == nil {
		return
	}
	if b := c.take(int(l[0]), field); b != nil {
		*s = internString(*s, b)
	}
}

// internString returns old when it already equals b, so that decoding the
// same text into a reused struct (a name, a channel) allocates nothing.
func internString(old string, b []byte) string {
	if old == string(b) { // the compiler does not allocate for this comparison
		return old
	}
	return string(b)
}

func indexNUL(b []byte) int {
	for i, x := range b {
		if x == 0 {
			return i
		}
	}
	return -1
}

// Encode appends p to dst as a whole packet, header included, and returns
// the extended slice. On error dst is returned unchanged in length.
func (c *Codec) Encode(dst []byte, p Packet) ([]byte, error) {
	start := len(dst)
	c.buf, c.off, c.decoding, c.pkt, c.err = dst, 0, false, p.Type(), nil
	c.buf = append(c.buf, 0, 0, 0, 0)
	p.Marshal(c)
	out := c.buf
	c.buf = nil
	if c.err != nil {
		return dst[:start], c.err
	}
	n := len(out) - start
	if n > MaxPacketSize {
		return dst[:start], &FieldError{Packet: p.Type(), Field: "length", Offset: 0,
			Reason: fmt.Sprintf("packet of %d bytes exceeds MaxPacketSize %d", n, MaxPacketSize)}
	}
	binary.LittleEndian.PutUint16(out[start:], uint16(n))
	binary.LittleEndian.PutUint16(out[start+2:], uint16(p.Type()))
	return out, nil
}

// Decode reads the packet b (header included, as returned by a Framer) into
// p. The header's type must be p's and its length must be len(b). Bytes after
// the last field are allowed and ignored: some clients send longer forms of a
// packet (MsgWalk is 10 bytes in 5017 and 12 in other builds).
func (c *Codec) Decode(b []byte, p Packet) error {
	c.buf, c.off, c.decoding, c.pkt, c.err = b, HeaderSize, true, p.Type(), nil
	defer func() { c.buf = nil }()
	if len(b) < HeaderSize {
		c.off = 0
		c.Fail("header", fmt.Sprintf("packet of %d bytes is shorter than its header", len(b)))
		return c.err
	}
	if n, t := Header(b); t != p.Type() {
		c.Fail("type", fmt.Sprintf("type %d is not %d", t, p.Type()))
		return c.err
	} else if n != len(b) {
		c.Fail("length", fmt.Sprintf("length field %d, packet is %d bytes", n, len(b)))
		return c.err
	}
	p.Marshal(c)
	if c.err != nil {
		return c.err
	}
	return nil
}

// Remaining returns how many bytes of the packet being decoded are left, and
// 0 when encoding. Packets with optional trailing fields check it.
func (c *Codec) Remaining() int {
	if !c.decoding {
		return 0
	}
	return len(c.buf) - c.off
}
