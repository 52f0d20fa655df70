package msg

import "github.com/coserver/coserver/wire"

// Walk is MsgWalk (1005), both directions, 10 bytes: one step of an entity.
// The client sends its own steps; the server checks each, applies it (every
// mode moves one tile) and echoes it to the walker and to observers.
//
// Encoding writes the 5017 form of 10 bytes (CoEmu, Wiki 5017); decoding
// accepts longer forms (12 bytes in Java and COPS's 4330 build, an unknown
// u16 @10) and ignores the extra bytes.
type Walk struct {
	// ID is the moving entity.
	ID uint32
	// Direction is the step's direction. A receiver takes it mod 8: COPS
	// sends random×8 + direction, so values of 8 and more occur.
	Direction uint8
	// Mode is how the entity moves.
	Mode WalkMode
}

// Type returns wire.TypeWalk.
func (*Walk) Type() wire.Type { return wire.TypeWalk }

// Marshal reads or writes the body in wire order.
func (p *Walk) Marshal(c *wire.Codec) {
	c.U32(&p.ID, "ID")
	c.U8(&p.Direction, "Direction")
	c.U8((*uint8)(&p.Mode), "Mode")
}

// WalkMode is how a Walk step is taken (CoEmu; later patches add more).
type WalkMode uint8

// Walk modes.
const (
	WalkModeWalk  WalkMode = 0 // walking
	WalkModeRun   WalkMode = 1 // running
	WalkModeShift WalkMode = 2 // shift
)
