package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// DefaultReadBufferSize is the framer buffer a connection uses when its
// caller does not choose one: two maximum packets, so one read can bring a
// partial packet plus at least one whole maximum packet.
const DefaultReadBufferSize = 2 * MaxPacketSize

// Decrypter decrypts the next bytes of a stream in place.
type Decrypter interface {
	Decrypt(b []byte)
}

// Framer cuts a decrypted byte stream into packets. Bytes are decrypted as
// they arrive, then framed: a packet's length is read only once its two bytes
// have been decrypted, and it is checked against MaxPacketSize before the
// framer waits for the rest of the packet. The framer never allocates after
// construction (a pooled framer borrows from its pool instead).
//
// A Framer is not safe for concurrent use: one goroutine reads a connection.
type Framer struct {
	r   io.Reader
	dec Decrypter
	buf []byte

	// buf[start:plain] is decrypted and not yet returned; buf[plain:end] has
	// been read but not decrypted yet.
	start, plain, end int

	// stepwise keeps the framer from decrypting past the packet it frames, so
	// that the cipher can be re-keyed between two packets.
	stepwise bool

	// With a pool, buf is borrowed only while bytes are buffered: an idle
	// connection waits with a read into small and holds no buffer.
	pool  *BufferPool
	pbuf  *[DefaultReadBufferSize]byte
	small [idleReadSize]byte
}

// idleReadSize is the read a pooled framer makes when it holds nothing: big
// enough for the common small packets (a walk is 10 bytes, an action 24), so
// a ping-pong client often needs no second read.
const idleReadSize = 64

// BufferPool lends framer buffers to connections that have bytes in flight,
// so that idle connections hold none. It is safe for concurrent use.
type BufferPool struct {
	p sync.Pool
}

func (bp *BufferPool) get() *[DefaultReadBufferSize]byte {
	if b, ok := bp.p.Get().(*[DefaultReadBufferSize]byte); ok {
		return b
	}
	return new([DefaultReadBufferSize]byte)
}

// NewPooledFramer returns a framer like NewFramer's that borrows its buffer
// from pool while it holds unreturned bytes and gives it back when it has
// returned every byte it read. Call Release when the connection ends.
func NewPooledFramer(r io.Reader, dec Decrypter, pool *BufferPool) *Framer {
	return &Framer{r: r, dec: dec, pool: pool}
}

// Release gives a pooled framer's buffer back. The framer must not be used
// afterwards.
func (f *Framer) Release() {
	if f.pool != nil && f.pbuf != nil {
		f.pool.p.Put(f.pbuf)
		f.pbuf, f.buf = nil, nil
	}
}

// NewFramer returns a framer reading from r and decrypting with dec (nil for a
// plaintext stream) into buf. buf must hold at least MaxPacketSize bytes; nil
// means a new buffer of DefaultReadBufferSize.
func NewFramer(r io.Reader, dec Decrypter, buf []byte) *Framer {
	if buf == nil {
		buf = make([]byte, DefaultReadBufferSize)
	}
	if len(buf) < MaxPacketSize {
		panic(fmt.Sprintf("wire: framer buffer of %d bytes is below MaxPacketSize", len(buf)))
	}
	return &Framer{r: r, dec: dec, buf: buf}
}

// Reset makes f read a new stream from r with dec, keeping its buffer and
// dropping anything buffered.
func (f *Framer) Reset(r io.Reader, dec Decrypter) {
	f.r, f.dec = r, dec
	f.start, f.plain, f.end = 0, 0, 0
	f.stepwise = false
}

// SetStepwise chooses whether the framer decrypts only the bytes of the packet
// it is framing (true) or everything that has arrived (false, the fast
// default). A server whose cipher is re-keyed by a packet (the game server's
// MsgConnect) frames stepwise until it has re-keyed.
func (f *Framer) SetStepwise(on bool) { f.stepwise = on }

// Buffered returns the number of bytes read from the connection and not yet
// returned as packets.
func (f *Framer) Buffered() int { return f.end - f.start }

// Next returns the next packet, header included.
//
// The returned slice aliases the framer's buffer: it is valid only until the
// next call to Next. A caller that hands the packet to another goroutine must
// copy it first (for example into a pooled buffer).
//
// Errors: a *LengthError for an impossible length (the connection is then
// unusable), io.EOF when the stream ends between packets,
// io.ErrUnexpectedEOF when it ends inside one, or the reader's error.
func (f *Framer) Next() ([]byte, error) {
	for {
		want := HeaderSize
		if f.plain-f.start >= 2 {
			n := int(binary.LittleEndian.Uint16(f.buf[f.start:]))
			if !validLength(n) {
				return nil, &LengthError{Length: n}
			}
			if f.plain-f.start >= n {
				p := f.buf[f.start : f.start+n : f.start+n]
				f.start += n
				return p, nil
			}
			want = n
		}
		// Decrypt what has arrived: everything, or in stepwise mode just
		// enough for the length field, then for the packet.
		if f.end > f.plain {
			limit := f.end
			if f.stepwise {
				need := 2
				if f.plain-f.start >= 2 {
					need = want
				}
				limit = min(limit, f.start+need)
			}
			if f.dec != nil {
				f.dec.Decrypt(f.buf[f.plain:limit])
			}
			f.plain = limit
			continue
		}
		if err := f.fill(want); err != nil {
			return nil, err
		}
	}
}

// fill reads more bytes so that a packet of want bytes can fit, moving the
// unreturned bytes to the front of the buffer when the tail is too short.
func (f *Framer) fill(want int) error {
	if f.start == f.end {
		f.start, f.plain, f.end = 0, 0, 0
		if f.pool != nil {
			return f.fillIdle()
		}
	} else if f.start+want > len(f.buf) {
		n := copy(f.buf, f.buf[f.start:f.end])
		f.plain -= f.start
		f.start, f.end = 0, n
	}
	for range maxEmptyReads {
		n, err := f.r.Read(f.buf[f.end:])
		f.end += n
		if n > 0 {
			return nil // data that came with an error is framed first; the error comes back on the next read
		}
		if err != nil {
			if errors.Is(err, io.EOF) && f.end > f.start {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return io.ErrNoProgress
}

// fillIdle is fill for a pooled framer holding nothing: give the buffer
// back, wait for bytes in the small inline array, then borrow a buffer again.
func (f *Framer) fillIdle() error {
	f.Release()
	for range maxEmptyReads {
		n, err := f.r.Read(f.small[:])
		if n > 0 {
			f.pbuf = f.pool.get()
			f.buf = f.pbuf[:]
			f.end = copy(f.buf, f.small[:n])
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// maxEmptyReads is how many reads in a row may return neither data nor an
// error before the framer gives up on a broken reader (as bufio does).
const maxEmptyReads = 100
