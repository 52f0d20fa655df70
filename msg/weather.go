package msg

import "github.com/coserver/coserver/wire"

// Weather is MsgWeather (1016), game server to client, 20 bytes: the
// weather the client draws on the current map.
type Weather struct {
	// Kind is the weather (CoEmu): 1 none, 2 rain, 3 snow, 4 rain and wind,
	// 5 autumn leaves, 7 cherry blossom, 8 cherry blossom with wind, 9
	// blowing cotton, 10 atoms.
	Kind uint32
	// Intensity is how strong it is, 0–999.
	Intensity uint32
	// Direction is the direction, 0–359.
	Direction uint32
	// Color is the colour, 0x00FFFFFF by default.
	Color uint32
}

// Type returns wire.TypeWeather.
func (*Weather) Type() wire.Type { return wire.TypeWeather }

// Marshal reads or writes the body in wire order.
func (p *Weather) Marshal(c *wire.Codec) {
	c.U32(&p.Kind, "Kind")
	c.U32(&p.Intensity, "Intensity")
	c.U32(&p.Direction, "Direction")
	c.U32(&p.Color, "Color")
}
