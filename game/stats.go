package game

import "github.com/coserver/coserver/store"

// Stats are a character's combat values as its equipment and attributes
// make them: what damage and defence formulas read. They are recomputed
// (computeStats) whenever the equipment changes and when the player
// enters a map, and kept in Player.stats, owned by the map's goroutine
// like the rest of the player.
//
// The sums follow COPS's GetEquipStats (world-content.md §3): physical
// attack starts at the Strength attribute, every other value at 0, and each
// equipped item adds its type's values. Upgrades (plus, bless, gems) and
// weapon skills do not count yet.
type Stats struct {
	// MinAttack and MaxAttack bound a physical hit before defence:
	// Strength plus the AttackMin and AttackMax of every equipped item.
	MinAttack, MaxAttack uint32
	// Defence is subtracted from a physical hit: the Defense of every
	// equipped item.
	Defence uint32
	// MagicAttack is the MagicAttack of every equipped item.
	MagicAttack uint32
	// MagicDefence is the MagicDefense of every equipped item.
	MagicDefence uint32
	// Dodge is the chance, in percent (at most 100), to avoid a physical
	// hit: the Dodge of every equipped item.
	Dodge uint32
}

// maxDodge caps Stats.Dodge: it is a percentage.
const maxDodge = 100

// computeStats returns p's Stats from its attributes and the items it
// wears, read in tab (nil: attributes only). Map goroutine only.
func computeStats(p *Player, tab *itemTable) Stats {
	st := Stats{MinAttack: uint32(p.ch.Strength), MaxAttack: uint32(p.ch.Strength)}
	if tab == nil {
		return st
	}
	for pos := store.PosHelmet; pos <= store.PosGarment; pos++ {
		it := p.inv.items[p.inv.equip[pos]]
		if it == nil {
			continue
		}
		t := tab.types[it.Type]
		st.MinAttack += uint32(t.AttackMin)
		st.MaxAttack += uint32(t.AttackMax)
		st.Defence += uint32(t.Defense)
		st.MagicAttack += uint32(t.MagicAttack)
		st.MagicDefence += uint32(t.MagicDefense)
		st.Dodge += uint32(t.Dodge)
	}
	st.Dodge = min(st.Dodge, maxDodge)
	return st
}

// restat recomputes p's Stats after its equipment changed. Map goroutine
// only.
func (m *Map) restat(p *Player) { p.stats = computeStats(p, m.world.table.Load()) }
