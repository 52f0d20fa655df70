package client

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// Conn is one TCP connection to a 5017 server, seen from the client: the
// client side of the TQ cipher (tq.NewClient), the wire.Framer that cuts the
// decrypted stream into packets, and a wire.Codec for the msg definitions.
// It is the raw transport under Client, exported for tests and tools that
// need to speak the protocol packet by packet (out-of-order packets,
// replayed tokens, malformed input).
//
// Send and Write may be called from several goroutines; Next and Recv from
// one goroutine at a time. Rekey must not run while another goroutine sends
// or receives.
type Conn struct {
	nc     net.Conn
	cipher *tq.Cipher
	framer *wire.Framer
	rcodec wire.Codec

	wmu          sync.Mutex
	wcodec       wire.Codec
	wbuf         []byte
	writeTimeout time.Duration
}

// Dial connects to addr ("host:port") within ctx and returns the connection,
// keyed with the patch-5017 initial key.
func Dial(ctx context.Context, addr string) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", addr, err)
	}
	return NewConn(nc), nil
}

// NewConn wraps an established connection (a net.Pipe end, say) with a
// fresh client cipher and framer.
func NewConn(nc net.Conn) *Conn {
	c := &Conn{nc: nc, cipher: tq.NewClient(), writeTimeout: DefaultTimeout}
	// One maximum packet is enough for a client: the framer compacts its
	// buffer, and a bot swarm keeps thousands of these.
	c.framer = wire.NewFramer(nc, c.cipher, make([]byte, wire.MaxPacketSize))
	return c
}

// SetWriteTimeout bounds every later Send and Write; zero or negative means
// no bound. The default is DefaultTimeout.
func (c *Conn) SetWriteTimeout(d time.Duration) {
	c.wmu.Lock()
	c.writeTimeout = d
	c.wmu.Unlock()
}

// SetReadDeadline sets the deadline for Next and Recv; the zero time means
// none.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.nc.SetReadDeadline(t) }

// Send encodes p, encrypts it and writes it.
func (c *Conn) Send(p wire.Packet) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := c.wcodec.Encode(c.wbuf[:0], p)
	if err != nil {
		return fmt.Errorf("client: encoding %v: %w", p.Type(), err)
	}
	c.wbuf = b
	if err := c.writeLocked(b); err != nil {
		return fmt.Errorf("client: sending %v: %w", p.Type(), err)
	}
	return nil
}

// Write encrypts a copy of the plaintext bytes b, which need not be a valid
// packet, and writes it: for tests that feed a server hostile input.
func (c *Conn) Write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wbuf = append(c.wbuf[:0], b...)
	if err := c.writeLocked(c.wbuf); err != nil {
		return fmt.Errorf("client: writing %d bytes: %w", len(b), err)
	}
	return nil
}

// writeLocked encrypts b in place and writes it. Caller holds wmu.
func (c *Conn) writeLocked(b []byte) error {
	c.cipher.Encrypt(b)
	if c.writeTimeout > 0 {
		if err := c.nc.SetWriteDeadline(time.Now().Add(c.writeTimeout)); err != nil {
			return err
		}
	}
	_, err := c.nc.Write(b)
	return err
}

// Next returns the next packet from the server, header included. The slice
// is valid only until the following call to Next or Recv.
func (c *Conn) Next() ([]byte, error) { return c.framer.Next() }

// Recv reads the next packet and decodes it into p; a packet of another
// type is an error (a *wire.FieldError for the type field).
func (c *Conn) Recv(p wire.Packet) error {
	b, err := c.framer.Next()
	if err != nil {
		return err
	}
	return c.rcodec.Decode(b, p)
}

// Rekey switches the cipher to the key derived from the login token, as
// the client does right after sending MsgConnect to the game server:
// encryption continues under the new key, decryption restarts under the
// initial key (tq.Cipher.Rekey).
func (c *Conn) Rekey(token uint64) { c.cipher.Rekey(token) }

// LocalAddr returns the local end's address.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// Close closes the connection. Blocked Next, Recv and Send calls return.
func (c *Conn) Close() error { return c.nc.Close() }
