package msg

import (
	"time"

	"github.com/coserver/coserver/wire"
)

// DataSetServerTime is the Data action that sets the client's clock.
const DataSetServerTime = 0

// Data is MsgData (1033), game server to client, 32 bytes: the server's
// date and time, sent right after UserInfo so the client's clock matches
// the server's. The fields follow C's struct tm: years since 1900, months
// from 0.
type Data struct {
	// Action is what the packet does; DataSetServerTime (0) sets the clock.
	Action uint32
	// Year is the year minus 1900.
	Year int32
	// Month is the month minus 1 (0 = January).
	Month int32
	// Day is the day of the month, 1–31.
	Day int32
	// Hour is the hour, 0–23.
	Hour int32
	// Minute is the minute, 0–59.
	Minute int32
	// Second is the second, 0–59.
	Second int32
}

// Type returns wire.TypeData.
func (*Data) Type() wire.Type { return wire.TypeData }

// Marshal reads or writes the body in wire order.
func (p *Data) Marshal(c *wire.Codec) {
	c.U32(&p.Action, "Action")
	c.I32(&p.Year, "Year")
	c.I32(&p.Month, "Month")
	c.I32(&p.Day, "Day")
	c.I32(&p.Hour, "Hour")
	c.I32(&p.Minute, "Minute")
	c.I32(&p.Second, "Second")
}

// ServerTime returns the Data that sets the client's clock to t, in t's
// location (CoEmu sends UTC).
func ServerTime(t time.Time) *Data {
	return &Data{
		Action: DataSetServerTime,
		Year:   int32(t.Year() - 1900),
		Month:  int32(t.Month() - 1),
		Day:    int32(t.Day()),
		Hour:   int32(t.Hour()),
		Minute: int32(t.Minute()),
		Second: int32(t.Second()),
	}
}

// Time returns the date and time p carries, in loc. Out-of-range fields
// normalise as in time.Date.
func (p *Data) Time(loc *time.Location) time.Time {
	return time.Date(int(p.Year)+1900, time.Month(p.Month+1), int(p.Day),
		int(p.Hour), int(p.Minute), int(p.Second), 0, loc)
}
