package record

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// TypeItem is MsgItem (1009), whose size is disputed: the layout checks
// know it.
const TypeItem = wire.TypeItem

// Alternative is a layout that public sources document for a packet and
// our decoder does not follow (the "Where the sources disagree" tables in
// ../shared/protocol/*.md).
type Alternative struct {
	// Type is the packet.
	Type wire.Type
	// Field is the disputed field, or "length".
	Field string
	// Ours is the layout our decoder follows, with its sources.
	Ours string
	// Theirs is the documented alternative, with its sources.
	Theirs string
	// fits reports whether a recorded packet fits the alternative better
	// than ours.
	fits func(b []byte, d *Decoded) bool
}

// npcKinds are the NPC types CoEmu names (msg.NpcInfo.Kind); a Look field
// holding one of these and a Kind field holding none hints at the swapped
// layout.
var npcKinds = map[uint16]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 9: true,
	10: true, 14: true, 15: true, 16: true, 19: true, 21: true, 22: true, 23: true, 24: true,
	25: true, 26: true, 27: true}

func lengthIs(n int) func([]byte, *Decoded) bool {
	return func(b []byte, _ *Decoded) bool { return len(b) == n }
}

// Alternatives is the table of known disputed layouts.
var Alternatives = []Alternative{
	{Type: wire.TypeNpcInfo, Field: "Look/Kind",
		Ours:   "Look @12, Kind @14 (CoEmu, COPS 4330, Java, Wiki/Wiki2 5065)",
		Theirs: "Kind @12, Look @14 (Wiki2 4267)",
		fits: func(_ []byte, d *Decoded) bool {
			p, ok := d.Packet.(*msg.NpcInfo)
			return ok && !npcKinds[p.Kind] && npcKinds[p.Look]
		}},
	{Type: TypeItem, Field: "length",
		Ours:   "24 bytes (Comet 5017, CoEmu, Wiki2 5017)",
		Theirs: "20 bytes (COPS, Wiki 4330, Java)",
		fits:   lengthIs(20)},
	{Type: wire.TypeTaskDialog, Field: "length",
		Ours:   "14 bytes without a string: count 0 and a spare byte (COPS, Java)",
		Theirs: "13 bytes without a string: count 0, no spare byte (CoEmu)",
		fits:   lengthIs(13)},
	{Type: wire.TypeNpc, Field: "length",
		Ours:   "16 bytes (CoEmu, COPS, Wiki2, WCO, Wiki)",
		Theirs: "24 bytes (Java)",
		fits:   lengthIs(24)},
	{Type: wire.TypeItemInfo, Field: "length",
		Ours:   "44 bytes (Wiki 5017, CoEmu)",
		Theirs: "36 bytes (Wiki2 5017, unverified)",
		fits:   lengthIs(36)},
	{Type: wire.TypeConnectEx, Field: "length",
		Ours:   "32 bytes (CoEmu, Java, COPS, Wiki 5017)",
		Theirs: "12-byte reject (Comet), 28-byte reject (CoEmu), 34-byte accept (Comet)",
		fits: func(b []byte, _ *Decoded) bool {
			return len(b) == 12 || len(b) == 28 || len(b) == 34
		}},
	{Type: wire.TypeWalk, Field: "length",
		Ours:   "10 bytes (5017)",
		Theirs: "12 bytes (later builds: a u16 more)",
		fits:   lengthIs(12)},
}

// expectedLength is the size of packets whose type msg does not define
// but whose layout is known.
var expectedLength = map[wire.Type]int{TypeItem: 24}

// Finding is a recorded packet whose length or fields contradict our
// decoder, or that fits a documented alternative.
type Finding struct {
	// Type and Length are the packet's header.
	Type   wire.Type
	Length int
	// Field is the field in question ("length" for a size).
	Field string
	// Problem says what contradicts our decoder.
	Problem string
	// Fits lists the documented alternatives that fit the packet, as
	// "Theirs (ours: Ours)".
	Fits []string
}

// String describes the finding in one line.
func (f Finding) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%d bytes): field %s: %s", typeName(f.Type), f.Length, f.Field, f.Problem)
	if len(f.Fits) == 0 {
		sb.WriteString("; no documented alternative fits")
	}
	for _, a := range f.Fits {
		sb.WriteString("; fits ")
		sb.WriteString(a)
	}
	return sb.String()
}

// Check returns what a recorded packet b, seen on a connection of kind,
// says about our layouts: nothing when it decodes cleanly and fits no
// documented alternative.
func Check(kind string, b []byte) []Finding {
	d := Decode(kind, b)
	if len(b) < wire.HeaderSize {
		return []Finding{{Length: len(b), Field: "header", Problem: "shorter than a header"}}
	}
	var problem, field string
	switch {
	case d.Err != nil:
		problem, field = d.Err.Error(), "?"
		var fe *wire.FieldError
		if errors.As(d.Err, &fe) {
			field, problem = fe.Field, fe.Reason
		}
	case len(d.Trailing) > 0:
		field = "length"
		problem = fmt.Sprintf("%d bytes after the last field our decoder reads", len(d.Trailing))
	case d.Packet == nil:
		if n, ok := expectedLength[d.Type]; ok && n != len(b) {
			field, problem = "length", fmt.Sprintf("%d bytes, our layout has %d", len(b), n)
		}
	}
	var fits []string
	fitField := ""
	for _, a := range Alternatives {
		if a.Type == d.Type && a.fits(b, &d) {
			fits = append(fits, a.Theirs+" (ours: "+a.Ours+")")
			fitField = a.Field
		}
	}
	if problem == "" && len(fits) == 0 {
		return nil
	}
	if problem == "" {
		field = fitField
		problem = "decodes, but fits a documented alternative better than our layout"
	}
	return []Finding{{Type: d.Type, Length: len(b), Field: field, Problem: problem, Fits: fits}}
}
