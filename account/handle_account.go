package account

import (
	"context"
	"errors"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/token"
)

// loginTimeout bounds the store work of one login.
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

	ctx, cancel := context.WithTimeout(context.Background(), loginTimeout)
	defer cancel()
	acc, result, code := s.authenticate(ctx, ss.conn.RemoteAddr().String(), name, pw)
	s.logins.WithLabelValues(result).Inc()
	if code != 0 {
		log.Info("login refused", "result", result, "code", code)
		ss.conn.Send(msg.RejectLogin(code))
		return server.Kick(server.ReasonKicked, errors.New("login refused: "+result))
	}

	tok := token.New()
	now := time.Now()
	if err := s.tokens.IssueToken(ctx, tok, acc.ID, now.Add(s.cfg.TokenTTL)); err != nil {
		log.Error("issuing token", "err", err)
		s.logins.WithLabelValues(resultError).Inc()
		ss.conn.Send(msg.RejectLogin(msg.RejectServerBusy))
		return server.Kick(server.ReasonKicked, err)
	}
	if err := s.accounts.RecordLogin(ctx, acc.ID, now); err != nil {
		log.Warn("recording login time", "err", err) // not worth refusing the player
	}
	log.Info("login accepted", "result", result)
	ss.conn.Send(msg.AcceptLogin(tok, s.cfg.GameHost, s.cfg.GamePort))
	ss.state = stateAnswered
	return nil
}

// authenticate decides a login. It returns the account and a result label,
// and a non-zero rejection code when the login is refused. It never logs or
// returns the password.
func (s *Server) authenticate(ctx context.Context, ip, name, pw string) (store.Account, string, msg.RejectCode) {
	switch {
	case s.cfg.Maintenance:
		return store.Account{}, resultMaintenance, msg.RejectServerDown
	case s.cfg.Full != nil && s.cfg.Full():
		return store.Account{}, resultFull, msg.RejectServerBusy
	case name == "" || pw == "":
		return store.Account{}, resultBadPassword, msg.RejectInvalidPassword
	}
	now := time.Now()
	if !s.throttle.allowed(ip, name, now) {
		return store.Account{}, resultThrottled, msg.RejectAccountMaxLoginAttempts
	}

	acc, err := s.accounts.AccountByName(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound) && s.cfg.AutoRegister:
		return s.register(ctx, ip, name, pw)
	case errors.Is(err, store.ErrNotFound):
		s.verify(s.dummy, pw) // same cost as a real check: timing does not tell which names exist
		s.throttle.failed(ip, name, now)
		return acc, resultUnknown, msg.RejectInvalidPassword
	case err != nil:
		return acc, resultError, msg.RejectDatabaseError
	}
	ok, err := s.verify(acc.PasswordHash, pw)
	if err != nil {
		return acc, resultError, msg.RejectDatabaseError
	}
	if !ok {
		s.throttle.failed(ip, name, now)
		return acc, resultBadPassword, msg.RejectInvalidPassword
	}
	s.throttle.succeeded(name)
	if acc.Status == store.StatusBanned {
		return acc, resultBanned, msg.RejectAccountBanned
	}
	return acc, resultOK, 0
}

// register creates an unknown account on its first login (AutoRegister).
func (s *Server) register(ctx context.Context, ip, name, pw string) (store.Account, string, msg.RejectCode) {
	if !ValidAccountName(name) || len(pw) < minPasswordLen {
		return store.Account{}, resultBadPassword, msg.RejectInvalidPassword
	}
	s.hashes <- struct{}{}
	hash, err := password.Hash(pw, s.cfg.HashParams)
	<-s.hashes
	if err != nil {
		return store.Account{}, resultError, msg.RejectDatabaseError
	}
	acc, err := s.accounts.CreateAccount(ctx, name, hash)
	if errors.Is(err, store.ErrExists) {
		// Another connection registered it a moment ago: log in normally.
		acc, err = s.accounts.AccountByName(ctx, name)
		if err != nil {
			return acc, resultError, msg.RejectDatabaseError
		}
		if ok, err := s.verify(acc.PasswordHash, pw); err != nil || !ok {
			s.throttle.failed(ip, name, time.Now())
			return acc, resultBadPassword, msg.RejectInvalidPassword
		}
		return acc, resultOK, 0
	}
	if err != nil {
		return acc, resultError, msg.RejectDatabaseError
	}
	return acc, resultRegistered, 0
}

// verify checks pw against a stored hash, at most MaxConcurrentHashes at a
// time: each argon2id run holds tens of MiB.
func (s *Server) verify(hash, pw string) (bool, error) {
	s.hashes <- struct{}{}
	defer func() { <-s.hashes }()
	return password.Verify(hash, pw)
}
