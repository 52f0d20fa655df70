package msg

import "github.com/coserver/coserver/wire"

// UserInfo is MsgUserInfo (1006), game server to client, 67 fixed bytes plus
// a list of two strings (70 + the names' lengths): the player's own
// character, sent once right after AnswerOK on ChannelLogin.
type UserInfo struct {
	// ID is the character id (CoEmu: 1,000,000–10,000,000).
	ID uint32
	// Mesh is the look: body + avatar×10,000 (+ transformation×10,000,000).
	Mesh uint32
	// Hair is the hairstyle: colour×100 + style (311 = colour 3, style 11).
	Hair uint16
	// Silver is the money carried.
	Silver uint32
	// CPs is the Conquer points balance.
	CPs uint32
	// Experience is the experience points (Java writes only the low half).
	Experience uint64
	// Strength is the strength attribute.
	Strength uint16
	// Agility is the agility attribute.
	Agility uint16
	// Vitality is the vitality attribute.
	Vitality uint16
	// Spirit is the spirit attribute.
	Spirit uint16
	// AttributePoints is how many attribute points are unspent.
	AttributePoints uint16
	// HP is the current hit points.
	HP uint16
	// MP is the current mana.
	MP uint16
	// PKPoints is the player-kill points.
	PKPoints uint16
	// Level is the character level.
	Level uint8
	// Class is the current profession.
	Class uint8
	// PreviousClass is the profession of the first life, 0 if the
	// character has not been reborn.
	PreviousClass uint8
	// Rebirths is how many times the character was reborn.
	Rebirths uint8
	// ShowName is 1 for the client to draw the name; servers send 1.
	ShowName uint8
	// Name is the character's name.
	Name string
	// Spouse is the spouse's name, "None" when unmarried.
	Spouse string
}

// Type returns wire.TypeUserInfo.
func (*UserInfo) Type() wire.Type { return wire.TypeUserInfo }

// Marshal reads or writes the body in wire order. Encoding writes a string
// count of 2; decoding requires at least 2.
func (p *UserInfo) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U32(&p.Mesh, "Mesh")
	c.U16(&p.Hair, "Hair")
	c.U32(&p.Silver, "Silver")
	c.U32(&p.CPs, "CPs")
	c.U64(&p.Experience, "Experience")
	c.Zero(16, "Reserved")
	c.U16(&p.Strength, "Strength")
	c.U16(&p.Agility, "Agility")
	c.U16(&p.Vitality, "Vitality")
	c.U16(&p.Spirit, "Spirit")
	c.U16(&p.AttributePoints, "AttributePoints")
	c.U16(&p.HP, "HP")
	c.U16(&p.MP, "MP")
	c.U16(&p.PKPoints, "PKPoints")
	c.U8(&p.Level, "Level")
	c.U8(&p.Class, "Class")
	c.U8(&p.PreviousClass, "PreviousClass")
	c.U8(&p.Rebirths, "Rebirths")
	c.U8(&p.ShowName, "ShowName")
	listCount(c, 2)
	c.ListString(&p.Name, "Name")
	c.ListString(&p.Spouse, "Spouse")
}
