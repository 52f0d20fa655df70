package msg

import "github.com/coserver/coserver/wire"

// Player is MsgPlayer (1014), game server to client, 80 fixed bytes plus a
// list of one string (82 + the name's length): the spawn of another player
// (or a monster) entering the observer's screen, and the answer to
// ActionQueryEntity. Layout of CoEmu; Java's 5017-era server agrees up to
// @64 and leaves the rest out.
type Player struct {
	// ID is the entity's id.
	ID uint32
	// Mesh is the look, as in UserInfo.Mesh.
	Mesh uint32
	// Status is the status-effect flags (Java writes only the low half).
	Status uint64
	// GuildID is the guild's id, 0 for none.
	GuildID uint16
	// GuildRank is the rank in the guild.
	GuildRank uint8
	// Garment is the item type of the worn garment, 0 for none.
	Garment uint32
	// Helmet is the item type of the worn helmet, 0 for none.
	Helmet uint32
	// Armor is the item type of the worn armour, 0 for none.
	Armor uint32
	// RightHand is the item type held in the right hand, 0 for none.
	RightHand uint32
	// LeftHand is the item type held in the left hand, 0 for none.
	LeftHand uint32
	// HP is the current hit points.
	HP uint16
	// MonsterLevel is the level @50: Java writes a monster's level here and
	// 0 for players; CoEmu writes the character's level here as well as in
	// Level.
	MonsterLevel uint16
	// X is the map column.
	X uint16
	// Y is the map row.
	Y uint16
	// Hair is the hairstyle, as in UserInfo.Hair.
	Hair uint16
	// Direction is the facing, 0–7.
	Direction uint8
	// Pose is the current action pose (CoEmu sets 100 after a jump).
	Pose uint8
	// Rebirths is how many times the character was reborn (Java writes a
	// u8; the same bytes below 256).
	Rebirths uint16
	// Level is the character's level.
	Level uint16
	// NobilityRank is the nobility rank (CoEmu only; 0).
	NobilityRank uint32
	// ID2 is the entity's id again (CoEmu only): set it to ID.
	ID2 uint32
	// NobilityPosition is the place on the nobility board (CoEmu only; 0).
	NobilityPosition uint32
	// Name is the entity's name.
	Name string
}

// Type returns wire.TypePlayer.
func (*Player) Type() wire.Type { return wire.TypePlayer }

// Marshal reads or writes the body in wire order. Encoding writes a string
// count of 1; decoding requires at least 1.
func (p *Player) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U32(&p.Mesh, "Mesh")
	c.U64(&p.Status, "Status")
	c.U16(&p.GuildID, "GuildID")
	c.Zero(1, "Reserved")
	c.U8(&p.GuildRank, "GuildRank")
	c.U32(&p.Garment, "Garment")
	c.U32(&p.Helmet, "Helmet")
	c.U32(&p.Armor, "Armor")
	c.U32(&p.RightHand, "RightHand")
	c.U32(&p.LeftHand, "LeftHand")
	c.Zero(4, "Reserved")
	c.U16(&p.HP, "HP")
	c.U16(&p.MonsterLevel, "MonsterLevel")
	c.U16(&p.X, "X")
	c.U16(&p.Y, "Y")
	c.U16(&p.Hair, "Hair")
	c.U8(&p.Direction, "Direction")
	c.U8(&p.Pose, "Pose")
	c.U16(&p.Rebirths, "Rebirths")
	c.U16(&p.Level, "Level")
	c.Zero(4, "Reserved")
	c.U32(&p.NobilityRank, "NobilityRank")
	c.U32(&p.ID2, "ID2")
	c.U32(&p.NobilityPosition, "NobilityPosition")
	listCount(c, 1)
	c.ListString(&p.Name, "Name")
}
