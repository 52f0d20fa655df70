package client

import "github.com/coserver/coserver/msg"

// applyAttribs updates the user's attributes, money and life state with a
// MsgUserAttrib about the user (one about another player is ignored).
// Caller holds the session's mu.
func (w *world) applyAttribs(p *msg.UserAttrib) {
	if p.ID != w.user.ID {
		return
	}
	for _, a := range p.List() {
		switch a.Type {
		case msg.AttribSilver:
			w.user.Silver = uint32(a.Value)
		case msg.AttribCPs:
			w.user.CPs = uint32(a.Value)
		case msg.AttribWarehouseMoney:
			w.items.whMoney = uint32(a.Value)
		case msg.AttribHP:
			w.user.HP = uint16(a.Value)
		case msg.AttribMP:
			w.user.MP = uint16(a.Value)
		case msg.AttribLevel:
			w.user.Level = uint8(a.Value)
		case msg.AttribExperience:
			w.user.Experience = a.Value
		case msg.AttribStatus:
			w.fight.dead = a.Value&statusDead != 0
		case msg.AttribAttributePts:
			w.user.AttributePoints = uint16(a.Value)
		case msg.AttribStrength:
			w.user.Strength = uint16(a.Value)
		case msg.AttribAgility:
			w.user.Agility = uint16(a.Value)
		case msg.AttribVitality:
			w.user.Vitality = uint16(a.Value)
		case msg.AttribSpirit:
			w.user.Spirit = uint16(a.Value)
		}
	}
}
