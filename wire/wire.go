// Package wire is the byte layer of the Conquer Online protocol: packet
// framing over a decrypted stream and the field codec that every packet
// definition uses to encode and decode itself.
//
// Every packet on the wire is [u16 length][u16 type][body], little-endian,
// where length counts the whole packet, header included.
package wire

import (
	"encoding/binary"
	"fmt"
)

// HeaderSize is the size of the header that starts every packet:
// u16 length and u16 type.
const HeaderSize = 4

// MaxPacketSize is the largest packet the framer accepts, in bytes.
//
// The largest packet of the 5017 set is a MsgTalk whose four strings are
// full: 25 bytes of fixed fields and count + 4 × (1 + 255) = 1049 bytes. The
// next power of two leaves room for the string-list packets of later issues
// (MsgName, guild and shop lists) and matches the cap of CoEmu, a public 5017
// server. A real client never sends more, so anything longer is hostile.
const MaxPacketSize = 2048

// Type is a packet's type code, the second u16 of its header.
type Type uint16

// Packet is one message of the protocol, defined once for both directions:
// Marshal lists its fields in wire order (after the header) and the Codec
// either reads or writes them.
type Packet interface {
	// Type returns the packet's type code.
	Type() Type
	// Marshal reads or writes the packet's body fields through c.
	Marshal(c *Codec)
}

// Header returns the length and type of the packet at the start of b.
// b must hold at least HeaderSize bytes.
func Header(b []byte) (length int, typ Type) {
	return int(binary.LittleEndian.Uint16(b)), Type(binary.LittleEndian.Uint16(b[2:]))
}

// LengthError reports a packet header whose length is impossible: below
// HeaderSize or above MaxPacketSize.
type LengthError struct {
	Length int
}

func (e *LengthError) Error() string {
	return fmt.Sprintf("wire: packet length %d outside [%d, %d]", e.Length, HeaderSize, MaxPacketSize)
}

// validLength reports whether n is an acceptable packet length.
func validLength(n int) bool { return n >= HeaderSize && n <= MaxPacketSize }
