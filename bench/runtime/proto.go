package main

import (
	"encoding/binary"
	"fmt"

	"github.com/coserver/coserver/wire"
)

// The benchmark's packet types: not 5017 packets, only what the echo service
// understands. They travel through the real runtime (TQ cipher, framer, Mux,
// outbox) like any game packet.
const (
	// typeEcho is answered with the same bytes (Conn.SendRaw of the packet).
	typeEcho wire.Type = 9001
	// typeBurst asks for a burst of packets: body u16 count, u16 size.
	typeBurst wire.Type = 9002
)

// Packet sizes the load side sends.
const (
	// echoSize is the size of every echo packet: header, u32 sequence, u64
	// send time (unused by the server), and padding to 16 bytes.
	echoSize = 16
	// burstReqSize is the size of a burst request: header, u16 count, u16 size.
	burstReqSize = wire.HeaderSize + 4
	// maxBurstCount caps the packets one burst request may ask for.
	maxBurstCount = 1024
)

// echoPacket returns a plaintext echo packet carrying seq.
func echoPacket(seq uint32) []byte {
	p := make([]byte, echoSize)
	putHeader(p, typeEcho)
	binary.LittleEndian.PutUint32(p[wire.HeaderSize:], seq)
	return p
}

// burstRequest returns a plaintext burst request for count packets of size
// bytes each.
func burstRequest(count, size int) []byte {
	p := make([]byte, burstReqSize)
	putHeader(p, typeBurst)
	binary.LittleEndian.PutUint16(p[wire.HeaderSize:], uint16(count))
	binary.LittleEndian.PutUint16(p[wire.HeaderSize+2:], uint16(size))
	return p
}

// putHeader writes the [u16 length][u16 type] header of p.
func putHeader(p []byte, t wire.Type) {
	binary.LittleEndian.PutUint16(p, uint16(len(p)))
	binary.LittleEndian.PutUint16(p[2:], uint16(t))
}

// checkEcho reports an error unless p is an echo packet.
func checkEcho(p []byte) error {
	n, t := wire.Header(p)
	if n != echoSize || t != typeEcho {
		return fmt.Errorf("unexpected packet: length %d type %d", n, t)
	}
	return nil
}
