package bots

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/wire"
)

// errKind names the kind of a bot's error for the report, from a small
// fixed set (plus reject codes), so the Errors map stays small.
func errKind(err error) string {
	var (
		rej *client.RejectError
		le  *client.LoginError
		re  *client.RegisterError
		fe  *wire.FieldError
		ln  *wire.LengthError
		ne  net.Error
		op  *net.OpError
	)
	switch {
	case err == nil:
		return "none"
	case errors.As(err, &rej):
		return "reject_" + rej.Code.String()
	case errors.As(err, &le):
		return "login_refused"
	case errors.As(err, &re):
		return "register_refused"
	case errors.Is(err, client.ErrNoCharacter), errors.Is(err, client.ErrCharacterCreated):
		return "no_character"
	case errors.As(err, &fe), errors.As(err, &ln):
		return "malformed"
	case errors.Is(err, client.ErrTooManyPending):
		return "backlog"
	case errors.Is(err, client.ErrClosed):
		return "closed"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "conn_refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "conn_reset"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &op) && op.Op == "dial":
		return "dial"
	}
	return "other"
}
