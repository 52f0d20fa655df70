// Package token issues and redeems the one-time login tokens that carry a
// player from the account server to the game server.
//
// A token is 64 random bits, bound to one account and to the client address
// it was issued to, valid once and for a short time. The account server sends its low half as MsgConnectEx's
// identity and its high half as the auth code; the client hands both back in
// MsgConnect, and the game server re-keys its cipher from it.
package token

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// DefaultTTL is how long a token stays valid when the operator sets nothing.
const DefaultTTL = 30 * time.Second

// MaxPending bounds the tokens a Memory table holds, so a flood of logins
// that never reach the game server cannot grow it without limit.
const MaxPending = 1 << 16

// ErrInvalid is returned for a token that is unknown, already used or
// expired.
var ErrInvalid = errors.New("token: unknown, used or expired")

// ErrWrongClient is returned for a token presented from another address
// than the one it was issued to (it wraps ErrInvalid). The token is spent:
// a token shown from elsewhere has leaked.
var ErrWrongClient = fmt.Errorf("%w: presented from another address", ErrInvalid)

// ErrNoClient is returned when a token is issued without a valid client
// address.
var ErrNoClient = errors.New("token: no client address")

// ErrFull is returned when MaxPending tokens are outstanding.
var ErrFull = errors.New("token: too many pending logins")

// New returns a fresh random token. Its low half is never 0: clients read an
// identity of 0 in MsgConnectEx as a rejection.
func New() uint64 {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		t := binary.LittleEndian.Uint64(b[:])
		if uint32(t) != 0 {
			return t
		}
	}
}

type entry struct {
	account int64
	ip      netip.Addr // the client it was issued to, unmapped
	expires time.Time
}

// Memory is the in-process token table used when the account and game
// servers share a process. It is safe for concurrent use. Its method set
// matches the store's, so either can serve both servers.
type Memory struct {
	mu     sync.Mutex
	tokens map[uint64]entry
}

// NewMemory returns an empty table.
func NewMemory() *Memory { return &Memory{tokens: make(map[uint64]entry)} }

// IssueToken records tok for account until expires, usable only from the
// client address ip.
func (m *Memory) IssueToken(_ context.Context, tok uint64, account int64, ip netip.Addr, expires time.Time) error {
	if !ip.IsValid() {
		return ErrNoClient
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.tokens) >= MaxPending {
		m.purge(time.Now())
		if len(m.tokens) >= MaxPending {
			return ErrFull
		}
	}
	m.tokens[tok] = entry{account: account, ip: ip.Unmap(), expires: expires}
	return nil
}

// ConsumeToken returns tok's account and forgets tok; a second call, or a
// call after the expiry, returns ErrInvalid, and a call from another address
// than ip returns ErrWrongClient (and forgets tok too).
func (m *Memory) ConsumeToken(_ context.Context, tok uint64, ip netip.Addr, now time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.tokens[tok]
	delete(m.tokens, tok)
	if !ok || !now.Before(e.expires) {
		return 0, ErrInvalid
	}
	if ip.Unmap() != e.ip {
		return 0, ErrWrongClient
	}
	return e.account, nil
}

// purge drops expired tokens. Caller holds mu.
func (m *Memory) purge(now time.Time) {
	for t, e := range m.tokens {
		if !now.Before(e.expires) {
			delete(m.tokens, t)
		}
	}
}
