package msg

import "github.com/coserver/coserver/wire"

// MapInfo is MsgMapInfo (1110), game server to client, 16 bytes: the map the
// player is on and its rules. (CoEmu's order; Java sends the map id first,
// then the uid.)
type MapInfo struct {
	// UID is the map instance's id.
	UID uint32
	// MapID is the map file's id (GameMap.dat), e.g. 1002.
	MapID uint32
	// Flags is a bit set (CoEmu, bits 0–14): PK field, change-map disabled,
	// record disabled, PK disabled, booth enabled, team disabled, teleport
	// disabled, guild map, prison, fly disabled, family map, mine field,
	// free-for-all, blessed reborn, newbie protection. CoEmu: map 1002 has
	// 24576 (bits 13, 14), 1010 has 0.
	Flags uint32
}

// Type returns wire.TypeMapInfo.
func (*MapInfo) Type() wire.Type { return wire.TypeMapInfo }

// Marshal reads or writes the body in wire order.
func (p *MapInfo) Marshal(c *wire.Codec) {
	c.U32(&p.UID, "UID")
	c.U32(&p.MapID, "MapID")
	c.U32(&p.Flags, "Flags")
}
