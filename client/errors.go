package client

import (
	"errors"
	"fmt"

	"github.com/coserver/coserver/msg"
)

// RejectError is the account server's refusal of a login (MsgConnectEx
// with identity 0): its code says why (bad password, banned, server full...).
type RejectError struct {
	Code msg.RejectCode
}

// Error names the code.
func (e *RejectError) Error() string {
	return fmt.Sprintf("client: account server refused the login: %v (code %d)", e.Code, uint32(e.Code))
}

// LoginError is the game server's refusal of a login: a text on the login
// channel other than ANSWER_OK and NEW_ROLE ("Login Invalid" for an
// unknown, used or expired token).
type LoginError struct {
	Text string
}

// Error quotes the server's text.
func (e *LoginError) Error() string {
	return fmt.Sprintf("client: game server refused the login: %q", e.Text)
}

// RegisterError is the game server's refusal of a new character: a text on
// the register channel other than ANSWER_OK ("Character name taken...").
type RegisterError struct {
	Text string
}

// Error quotes the server's text.
func (e *RegisterError) Error() string {
	return fmt.Sprintf("client: game server refused the new character: %q", e.Text)
}

var (
	// ErrNoCharacter is returned when the account has no character
	// (NEW_ROLE) and Config.Character is empty.
	ErrNoCharacter = errors.New("client: the account has no character and Config.Character is empty")
	// ErrCharacterCreated is returned by Connect after it created the
	// character: the login token is spent, log in again (Login does).
	ErrCharacterCreated = errors.New("client: character created; log in again")
	// ErrClosed is the Err of a client closed by Close.
	ErrClosed = errors.New("client: closed")
	// ErrTooManyPending is returned by Walk and Jump when MaxPending moves
	// are still waiting for the server's answer.
	ErrTooManyPending = errors.New("client: too many moves waiting for the server's answer")
)
