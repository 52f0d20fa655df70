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

// ShopMismatch is a shop on which the pack and the client's Shop.dat
// disagree. The client fills the buy window from its own file, so a
// mismatch shows players items the server will not sell, or hides some.
type ShopMismatch struct {
	NPC          uint32
	OnlyInPack   []uint32 // item types the pack sells and the client does not show
	OnlyInClient []uint32 // item types the client shows and the pack does not sell
	Money        bool     // the currencies differ
}

// CompareShops lists, by NPC id, the shops of pack and client (as read by
// ParseShops) that differ; a shop missing on one side differs in all its
// items. Order within a shop does not matter.
func CompareShops(pack map[uint32]content.Shop, client []content.Shop) []ShopMismatch {
	byNPC := make(map[uint32]content.Shop, len(client))
	for _, s := range client {
		byNPC[s.NPC] = s
	}
	ids := slices.Collect(maps.Keys(pack))
	for id := range byNPC {
		if _, ok := pack[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []ShopMismatch
	for _, id := range ids {
		p, inPack := pack[id]
		c, inClient := byNPC[id]
		m := ShopMismatch{
			NPC:          id,
			OnlyInPack:   missingFrom(p.Items, c.Items),
			OnlyInClient: missingFrom(c.Items, p.Items),
			Money:        inPack && inClient && p.Money != c.Money,
		}
		if len(m.OnlyInPack) > 0 || len(m.OnlyInClient) > 0 || m.Money || inPack != inClient {
			out = append(out, m)
		}
	}
	return out
}

// missingFrom returns, sorted and once each, the ids of a that b lacks.
func missingFrom(a, b []uint32) []uint32 {
	var out []uint32
	for _, id := range a {
		if !slices.Contains(b, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
