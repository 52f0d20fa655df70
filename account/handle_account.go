package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/token"
)

// loginTimeout bounds the store work and the hash wait of one login.
const loginTimeout = 10 * time.Second

// handleAccount takes MsgAccount: decrypt the password, check it, and answer
// with a token and the game server's address, or a rejection.
func (ss *session) handleAccount(p []byte) error {
	if err := ss.codec.Decode(p, &ss.req); err != nil {
		return err
	}
	s := ss.srv
	name := ss.req.Account
	pw := s.rc5.DecryptPassword(ss.req.Password)
	log := ss.conn.Log.With("account", name)
	ss.conn.Log = log
	ss.conn.SetAccount(name)

	// The login ends with the server (Close) or the connection (closed, or
	// a shutdown deadline passed), or after loginTimeout.
	ctx, cancel := context.WithTimeout(ss.conn.Context(), loginTimeout)
	defer cancel()
	defer context.AfterFunc(s.ctx, cancel)()
	ip := ss.conn.RemoteAddr()
	v := s.authenticate(ctx, ip, name, pw, ss.req.Server)
	s.logins.WithLabelValues(v.result).Inc()
	if v.err != nil {
		log.Error("login failed", "result", v.result, "code", v.code, "err", v.err)
	}
	if v.code != 0 {
		if v.err == nil {
			log.Info("login refused", "result", v.result, "code", v.code)
		}
		ss.conn.Send(msg.RejectLogin(v.code))
		return server.Kick(server.ReasonKicked, errors.New("login refused: "+v.result))
	}

	tok := token.New()
	now := s.cfg.Now()
	if err := s.tokens.IssueToken(ctx, tok, v.acc.ID, ip, now.Add(s.cfg.TokenTTL)); err != nil {
		log.Error("issuing token", "err", err)
		s.logins.WithLabelValues(resultError).Inc()
		ss.conn.Send(msg.RejectLogin(msg.RejectServerBusy))
		return server.Kick(server.ReasonKicked, err)
	}
	if err := s.accounts.RecordLogin(ctx, v.acc.ID, now); err != nil {
		log.Warn("recording login time", "err", err) // not worth refusing the player
	}
	s.accepted.Add(1)
	log.Info("login accepted", "result", v.result)
	ss.conn.Send(msg.AcceptLogin(tok, v.route.Host, v.route.Port))
	ss.state = stateAnswered
	return nil
}

// verdict is how authenticate decided a login.
type verdict struct {
	acc    store.Account
	result string         // the label of coserver_account_logins_total
	code   msg.RejectCode // non-zero: the login is refused with it
	err    error          // the cause of an internal failure, for the log
	route  Route          // the game server to send an accepted login to
}

// authenticate decides a login. It never logs or returns the password.
//
// The attempt is counted by the throttle before any hashing, so parallel
// guesses cannot outrun the limits, and the hash waits its turn in the gate
// (bounded per IP, per account and in total).
func (s *Server) authenticate(ctx context.Context, ip netip.Addr, name, pw, realm string) verdict {
	route := Route{Host: s.cfg.GameHost, Port: s.cfg.GamePort, Full: s.cfg.Full != nil && s.cfg.Full()}
	found := true
	if s.cfg.Realm != nil {
		route, found = s.cfg.Realm(realm)
	}
	switch {
	case s.ctx.Err() != nil:
		return verdict{result: resultShutdown, code: msg.RejectServerDown}
	case s.maintenance.Load():
		return verdict{result: resultMaintenance, code: msg.RejectServerDown}
	case !found:
		return verdict{result: resultRealmDown, code: msg.RejectServerDown}
	case route.Full:
		return verdict{result: resultFull, code: msg.RejectServerBusy}
	case name == "" || pw == "":
		return verdict{result: resultBadPassword, code: msg.RejectInvalidPassword}
	}
	key := names.Key(name)
	at, refused := s.throttle.begin(ip, key, s.cfg.Now())
	switch refused {
	case refusedLocked:
		return verdict{result: resultThrottled, code: msg.RejectAccountMaxLoginAttempts}
	case refusedTooFast:
		return verdict{result: resultTooFast, code: msg.RejectTryAgainLater}
	}
	v, o := s.check(ctx, at, name, pw, s.cfg.AutoRegister)
	s.throttle.end(at, o, s.cfg.Now())
	v.route = route
	return v
}

// check looks the account up and checks pw (or registers an unknown
// account if mayRegister), returning the verdict and the outcome for the
// throttle.
func (s *Server) check(ctx context.Context, at attempt, name, pw string, mayRegister bool) (verdict, outcome) {
	acc, err := s.accounts.AccountByName(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound) && mayRegister:
		return s.register(ctx, at, name, pw)
	case errors.Is(err, store.ErrNotFound):
		// Same cost as a real check: timing does not tell which names exist.
		if _, err := s.verify(ctx, at, s.dummy, pw); err != nil {
			return s.hashFailed(err), outcomeNone
		}
		return verdict{result: resultUnknown, code: msg.RejectInvalidPassword}, outcomeFailed
	case err != nil:
		return s.internal(fmt.Errorf("looking up the account: %w", err)), outcomeNone
	}
	ok, err := s.verify(ctx, at, acc.PasswordHash, pw)
	if err != nil {
		return s.hashFailed(err), outcomeNone
	}
	if !ok {
		return verdict{acc: acc, result: resultBadPassword, code: msg.RejectInvalidPassword}, outcomeFailed
	}
	if acc.Status == store.StatusBanned {
		return verdict{acc: acc, result: resultBanned, code: msg.RejectAccountBanned}, outcomeSuccess
	}
	return verdict{acc: acc, result: resultOK}, outcomeSuccess
}

// register creates an unknown account on its first login (AutoRegister).
func (s *Server) register(ctx context.Context, at attempt, name, pw string) (verdict, outcome) {
	if !ValidAccountName(name) || !ValidPassword(pw) {
		return verdict{result: resultBadPassword, code: msg.RejectInvalidPassword}, outcomeFailed
	}
	var hash string
	err := s.hashSlot(ctx, at, func() (err error) {
		hash, err = password.Hash(pw, s.cfg.HashParams)
		return err
	})
	if err != nil {
		return s.hashFailed(err), outcomeNone
	}
	acc, err := s.accounts.CreateAccount(ctx, name, hash)
	if errors.Is(err, store.ErrExists) {
		// Another connection registered it a moment ago: log in normally.
		return s.check(ctx, at, name, pw, false)
	}
	if err != nil {
		return s.internal(fmt.Errorf("creating the account: %w", err)), outcomeNone
	}
	return verdict{acc: acc, result: resultRegistered}, outcomeSuccess
}

// verify checks pw against a stored hash in a hash slot.
func (s *Server) verify(ctx context.Context, at attempt, hash, pw string) (ok bool, err error) {
	err = s.hashSlot(ctx, at, func() (err error) {
		ok, err = password.Verify(hash, pw)
		return err
	})
	return ok, err
}

// hashSlot runs f, a password hash, once the gate gives the attempt a slot:
// each argon2id run holds HashParams.MemoryKiB and a core.
func (s *Server) hashSlot(ctx context.Context, at attempt, f func() error) error {
	release, err := s.gate.acquire(ctx, at.ip, at.account)
	if err != nil {
		return fmt.Errorf("waiting for a hash slot: %w", err)
	}
	defer release()
	s.hashes.Inc()
	if err := f(); err != nil {
		return fmt.Errorf("hashing: %w", err)
	}
	return nil
}

// hashFailed is the verdict when hashSlot fails: a full queue, a shutdown,
// or a bad stored hash.
func (s *Server) hashFailed(err error) verdict {
	switch {
	case errors.Is(err, errBusy):
		return verdict{result: resultBusy, code: msg.RejectServerBusy}
	case s.ctx.Err() != nil:
		return verdict{result: resultShutdown, code: msg.RejectServerDown}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return verdict{result: resultBusy, code: msg.RejectServerBusy}
	}
	return s.internal(err)
}

// internal is the verdict for an internal failure: the client is told
// "database error", the log gets the cause.
func (s *Server) internal(err error) verdict {
	if s.ctx.Err() != nil {
		return verdict{result: resultShutdown, code: msg.RejectServerDown}
	}
	return verdict{result: resultError, code: msg.RejectDatabaseError, err: err}
}
