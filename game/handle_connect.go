package game

import (
	"errors"
	"fmt"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
)

// rekeyer is a cipher that re-keys from the login token (the 5017 TQ
// cipher). Patches whose handshake works otherwise leave it out.
type rekeyer interface{ Rekey(token uint64) }

// Texts the client shows for a refused game login (CoEmu, Comet).
const (
	textLoginInvalid = "Login Invalid"
	textServerFull   = "Server is full. Please try again later."
	textServerError  = "Server error, please try again later."
	textTryLater     = "Please try again later."
)

// handleConnect takes MsgConnect, the first packet of a game connection: it
// re-keys the cipher from the token, redeems the token, and answers
// ANSWER_OK with the character or NEW_ROLE without one.
func (s *session) handleConnect(p []byte) error {
	if err := s.codec.Decode(p, &s.connect); err != nil {
		return err
	}
	tok := s.connect.Token
	if s.state == stateRegistered {
		// The client went on on the same connection after creating its
		// character: the token it shows again is the one it logged in with.
		if tok != s.token {
			return server.Kick(server.ReasonKicked, errors.New("MsgConnect after register with another token"))
		}
		return s.enter()
	}
	if rk, ok := s.conn.Cipher().(rekeyer); ok {
		rk.Rekey(tok)
	}
	s.conn.SetStepwise(false)

	ctx, cancel := s.storeCtx()
	defer cancel()
	acc, err := s.srv.tokens.ConsumeToken(ctx, tok, s.conn.RemoteAddr(), s.srv.now())
	if err != nil {
		s.srv.m.logins.WithLabelValues("bad_token").Inc()
		s.system(msg.ChannelLogin, textLoginInvalid)
		return server.Kick(server.ReasonKicked, fmt.Errorf("token: %w", err))
	}
	s.token, s.accountID = tok, acc
	s.conn.SetAuthenticated() // the absolute handshake deadline ends here
	s.conn.Log = s.conn.Log.With("account_id", acc)
	account, err := s.srv.store.AccountByID(ctx, acc)
	if err != nil {
		s.system(msg.ChannelLogin, textServerError)
		return server.Kick(server.ReasonKicked, fmt.Errorf("loading account: %w", err))
	}
	if account.Status == store.StatusBanned {
		s.system(msg.ChannelLogin, textLoginInvalid)
		return server.Kick(server.ReasonKicked, errors.New("account banned"))
	}
	s.gm, s.account = account.GM, account.Name
	s.conn.Log = s.conn.Log.With("account", account.Name)
	s.conn.SetAccount(account.Name)
	return s.enter()
}

// enter loads the account's character and logs it in, or asks the client to
// create one.
func (s *session) enter() error {
	ctx, cancel := s.storeCtx()
	defer cancel()
	w := s.srv.world
	first := !s.listed // not the re-entry after MsgRegister
	// A second login of an account takes over: the first leaves and saves
	// before the character is loaded, so nothing it did is lost.
	if old := w.claim(s); old != nil && old != s { // s itself after MsgRegister: nothing to replace
		old.conn.Kick(server.ReasonReplaced)
		select {
		case <-old.done:
		case <-time.After(replaceTimeout):
			return server.Kick(server.ReasonKicked, errors.New("previous session did not leave"))
		}
	}
	s.listed = true
	// The same account on another realm leaves and saves first, too.
	if first && s.srv.cfg.ClaimLogin != nil {
		if err := s.srv.cfg.ClaimLogin(ctx, s.accountID); err != nil {
			s.srv.m.logins.WithLabelValues("realm_claim_failed").Inc()
			s.system(msg.ChannelLogin, textTryLater)
			return server.Kick(server.ReasonKicked, fmt.Errorf("claiming the account on the other realms: %w", err))
		}
	}
	ch, err := s.srv.store.CharacterByAccount(ctx, s.accountID)
	if errors.Is(err, store.ErrNotFound) {
		s.srv.m.logins.WithLabelValues("new_role").Inc()
		s.system(msg.ChannelLogin, msg.NewRole)
		s.state = stateCreate
		return nil
	}
	if err != nil {
		s.system(msg.ChannelLogin, textServerError)
		return server.Kick(server.ReasonKicked, fmt.Errorf("loading character: %w", err))
	}
	var items []store.Item
	if its := s.srv.saver.items; its != nil {
		if items, err = its.ItemsOf(ctx, ch.ID); err != nil {
			s.system(msg.ChannelLogin, textServerError)
			return server.Kick(server.ReasonKicked, fmt.Errorf("loading items: %w", err))
		}
	}
	s.player = newPlayer(ch, s.gm, s.conn, items)
	if err := w.name(s); err != nil {
		s.srv.m.logins.WithLabelValues("full").Inc()
		s.system(msg.ChannelLogin, textServerFull)
		return server.Kick(server.ReasonKicked, err)
	}
	s.conn.Log = s.conn.Log.With("character", ch.Name)
	s.conn.SetCharacter(ch.Name)
	s.srv.m.logins.WithLabelValues("ok").Inc()
	s.system(msg.ChannelLogin, msg.AnswerOK)
	s.conn.Send(userInfo(&ch))
	s.conn.Send(msg.ServerTime(s.srv.now()))
	s.state = stateLogin
	return nil
}
