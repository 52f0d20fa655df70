package server

import (
	"encoding/binary"

	"github.com/coserver/coserver/wire"
)

// Tap sees every plaintext packet of a connection it is attached to, both
// directions: a packet trace. Packet is called on the connection's reader
// goroutine for packets from the client (out false) and on its writer
// goroutine for packets to the client (out true), so an implementation must
// be safe for concurrent use. p is valid only during the call.
type Tap interface {
	Packet(c *Conn, out bool, p []byte)
}

// Tapper chooses the Tap of a connection, or nil for none. It is asked when
// a connection opens, when the application names its account or character,
// and on Server.Retap.
type Tapper interface {
	TapFor(c *Conn) Tap
}

// tapBox holds a Tap behind an atomic pointer: a connection without a tap
// pays one atomic load per packet and allocates nothing.
type tapBox struct{ t Tap }

// identity is what the application told a connection about its client.
type identity struct{ account, character string }

// SetTapper installs t (nil for none) and re-evaluates every open
// connection.
func (s *Server) SetTapper(t Tapper) {
	s.tapper.Store(&tapperBox{t})
	s.Retap()
}

type tapperBox struct{ t Tapper }

// Retap asks the Tapper again for every open connection: call it after the
// Tapper's choice changed (a new trace list).
func (s *Server) Retap() {
	s.mu.Lock()
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.retap()
	}
}

// retap sets c's tap from the server's Tapper.
func (c *Conn) retap() {
	tb := c.srv.tapper.Load()
	if tb == nil || tb.t == nil {
		c.tap.Store(nil)
		return
	}
	if t := tb.t.TapFor(c); t != nil {
		c.tap.Store(&tapBox{t})
	} else {
		c.tap.Store(nil)
	}
}

// Listener returns the name of the listener the connection came in on
// ("account", "game").
func (c *Conn) Listener() string { return c.srv.cfg.Name }

// SetAccount records the name of the account the client logged in as, for
// traces, and asks the Tapper again. Reader goroutine only.
func (c *Conn) SetAccount(name string) {
	c.ident.Store(&identity{account: name, character: c.Character()})
	c.retap()
}

// SetCharacter records the name of the client's character, for traces,
// and asks the Tapper again. Reader goroutine only.
func (c *Conn) SetCharacter(name string) {
	c.ident.Store(&identity{account: c.Account(), character: name})
	c.retap()
}

// Account returns the account name recorded with SetAccount, or "".
func (c *Conn) Account() string {
	if p := c.ident.Load(); p != nil {
		return p.account
	}
	return ""
}

// Character returns the character name recorded with SetCharacter, or "".
func (c *Conn) Character() string {
	if p := c.ident.Load(); p != nil {
		return p.character
	}
	return ""
}

// tapOut shows the tap every packet of a plaintext outbox chunk (whole
// packets, back to back).
func tapOut(t Tap, c *Conn, b []byte) {
	for len(b) >= wire.HeaderSize {
		n := int(binary.LittleEndian.Uint16(b))
		if n < wire.HeaderSize || n > len(b) {
			return
		}
		t.Packet(c, true, b[:n])
		b = b[n:]
	}
}
