package game

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
)

// Register answers the client shows (CoEmu, Comet wording).
const (
	textNameTaken    = "Character name taken, please choose another."
	textInvalidModel = "Invalid body or profession."
)

// Body models and professions a new character may have (Comet, CoEmu).
var (
	validBodies  = map[uint16]bool{1003: true, 1004: true, 2001: true, 2002: true}
	validClasses = map[uint16]bool{10: true, 20: true, 40: true, 100: true}
)

// classTaoist is the profession whose new characters have spirit.
const classTaoist = 100

// hairStyles are the styles a new character's hair is drawn from, with a
// colour of 3 to 8 in the hundreds (Comet, CoEmu).
var hairStyles = [...]uint16{10, 11, 13, 14, 15, 24, 30, 35, 37, 38, 39, 40}

// handleRegister takes MsgRegister: validate, create the character, answer
// ANSWER_OK on the register channel or say what is wrong so the player can
// try again.
func (s *session) handleRegister(p []byte) error {
	if err := s.codec.Decode(p, &s.register); err != nil {
		return err
	}
	r := &s.register
	if r.Token != uint32(s.token) {
		s.system(msg.ChannelRegister, "Register Invalid")
		return server.Kick(server.ReasonKicked, errors.New("MsgRegister with another login's token"))
	}
	if problem := nameProblem(r.Name); problem != "" {
		s.system(msg.ChannelRegister, problem)
		return nil
	}
	if !validBodies[r.Body] || !validClasses[r.Class] {
		s.system(msg.ChannelRegister, textInvalidModel)
		return nil
	}
	ctx, cancel := s.storeCtx()
	defer cancel()
	_, err := s.srv.store.CreateCharacter(ctx, newCharacter(s.accountID, r.Name, r.Body, uint8(r.Class)))
	switch {
	case errors.Is(err, store.ErrNameTaken):
		s.system(msg.ChannelRegister, textNameTaken)
		return nil
	case errors.Is(err, store.ErrExists):
		return server.Kick(server.ReasonKicked, errors.New("account already has a character"))
	case err != nil:
		s.system(msg.ChannelRegister, textServerError)
		return server.Kick(server.ReasonKicked, err)
	}
	s.conn.Log.Info("character created", "name", r.Name, "body", r.Body, "class", r.Class)
	s.system(msg.ChannelRegister, msg.AnswerOK)
	s.state = stateRegistered
	return nil
}

// newCharacter returns a level-1 character as Comet and CoEmu create them:
// in Birth Village, 1000 silver, attributes 4/6/12/0 (Taoists 2/6/12/10),
// HP 3·(str+agi+spi) + 24·vit, MP 5·spi, a random face and hair.
func newCharacter(account int64, name string, body uint16, class uint8) store.Character {
	str, agi, vit, spi := uint16(4), uint16(6), uint16(12), uint16(0)
	if class == classTaoist {
		str, spi = 2, 10
	}
	avatar := uint16(1 + rand.IntN(48))
	if body >= 2000 {
		avatar += 200
	}
	return store.Character{
		AccountID: account, Name: name, Body: body, Class: class, Level: 1,
		Avatar:   avatar,
		Hair:     uint16(3+rand.IntN(6))*100 + hairStyles[rand.IntN(len(hairStyles))],
		Silver:   1000,
		Strength: str, Agility: agi, Vitality: vit, Spirit: spi,
		HP:    3*(str+agi+spi) + 24*vit,
		MP:    5 * spi,
		MapID: StartMap, X: StartX, Y: StartY,
		Created: time.Now(),
	}
}
