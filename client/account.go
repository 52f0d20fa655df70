package client

import (
	"context"
	"fmt"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/rc5"
)

// maxPort is the largest TCP port a ticket may name.
const maxPort = 65535

// Authenticate logs in to the account server of cfg: MsgAccount with the
// RC5-encrypted password, then the answer, MsgConnectEx. A refusal is a
// *RejectError carrying the code. On acceptance it says goodbye with the
// account-server MsgConnect, as the real client does, closes the
// connection and returns the ticket for the game server.
func Authenticate(ctx context.Context, cfg Config) (Ticket, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return Ticket{}, err
	}
	pw, err := rc5.New5017().EncryptPassword(cfg.Password)
	if err != nil {
		return Ticket{}, fmt.Errorf("client: %w", err)
	}
	dctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	conn, err := Dial(dctx, cfg.AccountAddr)
	cancel()
	if err != nil {
		return Ticket{}, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	conn.SetWriteTimeout(cfg.Timeout)
	ctxErr := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("client: account login: %w", context.Cause(ctx))
		}
		return err
	}
	if err := conn.Send(&msg.Account{Account: cfg.Account, Password: pw, Server: cfg.Server}); err != nil {
		return Ticket{}, ctxErr(err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(cfg.Timeout)); err != nil {
		return Ticket{}, fmt.Errorf("client: account login: %w", err)
	}
	var ex msg.ConnectEx
	if err := conn.Recv(&ex); err != nil {
		return Ticket{}, ctxErr(fmt.Errorf("client: waiting for the account server's answer: %w", err))
	}
	if code, rejected := ex.Rejected(); rejected {
		return Ticket{}, &RejectError{Code: code}
	}
	if ex.Host == "" || ex.Port == 0 || ex.Port > maxPort {
		return Ticket{}, fmt.Errorf("client: the account server sent an unusable game address %q port %d", ex.Host, ex.Port)
	}
	// Goodbye, as the real client says it; the server closes on it, so an
	// error here changes nothing.
	_ = conn.Send(&msg.ConnectAccount{Identity: ex.Identity, Contents: resourceContents, File: resourceFile})
	return Ticket{Token: ex.Token(), Host: ex.Host, Port: uint16(ex.Port)}, nil
}
