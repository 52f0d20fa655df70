package itemfile

import (
	"maps"
	"slices"

	"github.com/coserver/coserver/content"
)

// MergeReport says what MergeNames did.
type MergeReport struct {
	Renamed int // pack types that took the client's name
	// Missing lists, sorted, the pack's types that the client does not
	// have: the client draws no picture and no name for them.
	Missing []uint32
	// BadNames lists, sorted, the pack's types whose client name fails
	// content.ValidItemName (GBK bytes, too long…): they keep the pack's name.
	BadNames []uint32
}

// MergeNames returns a copy of the pack's item types in which every type
// the client also has carries the client's name, so that what the server
// says (logs, GM commands, scripts) matches what the player's client shows.
//
// The pack stays the source of everything else: which types exist, their
// numbers (price, stats, requirements) and their slot. Types only the client
// has are not added; pack types the client lacks keep their name and are
// listed in the report. items is not modified.
func MergeNames(items map[uint32]content.ItemType, client []content.ItemType) (map[uint32]content.ItemType, MergeReport) {
	names := make(map[uint32]string, len(client))
	for _, t := range client {
		if _, dup := names[t.ID]; !dup {
			names[t.ID] = t.Name
		}
	}
	out := maps.Clone(items)
	if out == nil {
		out = map[uint32]content.ItemType{}
	}
	var r MergeReport
	for id, t := range out {
		name, ok := names[id]
		switch {
		case !ok:
			r.Missing = append(r.Missing, id)
		case content.ValidItemName(name) != nil:
			r.BadNames = append(r.BadNames, id)
		case name != t.Name:
			t.Name = name
			out[id] = t
			r.Renamed++
		}
	}
	slices.Sort(r.Missing)
	slices.Sort(r.BadNames)
	return out, r
}
