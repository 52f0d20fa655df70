package server

import (
	"errors"
	"fmt"

	"github.com/coserver/coserver/wire"
)

// Reason says why a connection closed. It is a metric label, so the set of
// values is fixed: applications close connections with Kick and one of these.
type Reason string

// Reasons a connection closes.
const (
	ReasonEOF              Reason = "eof"               // the client closed the connection
	ReasonReadError        Reason = "read_error"        // the socket failed
	ReasonBadLength        Reason = "bad_length"        // a packet length below the header or above the maximum
	ReasonMalformed        Reason = "malformed"         // a known packet failed to decode
	ReasonOutOfState       Reason = "out_of_state"      // a known packet arrived in a state that does not accept it
	ReasonRateLimit        Reason = "rate_limit"        // more packets than the rate limit allows
	ReasonSlowConsumer     Reason = "slow_consumer"     // the client does not read and its outbox filled up
	ReasonHandshakeTimeout Reason = "handshake_timeout" // no first packet in time
	ReasonIdleTimeout      Reason = "idle_timeout"      // no packet for too long
	ReasonWriteError       Reason = "write_error"       // a write failed or timed out
	ReasonShutdown         Reason = "shutdown"          // the server is stopping
	ReasonKicked           Reason = "kicked"            // the application closed the session (login rejected, GM kick, ...)
	ReasonDone             Reason = "done"              // the exchange is complete (the account server has answered)
	ReasonReplaced         Reason = "replaced"          // the same account logged in again elsewhere
	ReasonHandlerError     Reason = "handler_error"     // a handler failed for another reason
)

// ErrOutOfState is returned by a dispatch for a known packet that the
// connection's current state does not accept.
var ErrOutOfState = errors.New("packet not accepted in this state")

// ErrUnknownType is returned by a dispatch for a packet type that has no
// handler. The runtime logs it once per type per connection and goes on.
var ErrUnknownType = errors.New("unknown packet type")

// KickError asks the runtime to close the connection with a reason, after
// flushing what was already queued (for example a rejection message).
type KickError struct {
	Reason Reason
	Err    error
}

func (e *KickError) Error() string { return fmt.Sprintf("%s: %v", e.Reason, e.Err) }
func (e *KickError) Unwrap() error { return e.Err }

// Kick returns an error that closes the connection with reason r once the
// handler returns. err (may be nil) says why, for the log.
func Kick(r Reason, err error) error {
	if err == nil {
		err = errors.New(string(r))
	}
	return &KickError{Reason: r, Err: err}
}

// reasonFor maps a handler error to the reason the connection closes.
func reasonFor(err error) Reason {
	var k *KickError
	var fe *wire.FieldError
	switch {
	case errors.As(err, &k):
		return k.Reason
	case errors.As(err, &fe):
		return ReasonMalformed
	case errors.Is(err, ErrOutOfState):
		return ReasonOutOfState
	}
	return ReasonHandlerError
}
