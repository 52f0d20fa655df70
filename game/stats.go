package game

import (
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/store"
)

// Stats are a character's combat values as its attributes and equipment
// make them: what the damage formulas read (fight.go's statsOf adds the
// weapon and armour qualities and dexterity). computeStats derives them;
// Player.stats keeps the values of the last change (equip, unequip, map
// entry, attribute points), owned by the map's goroutine like the rest of
// the player.
//
// The sums follow combat.md §5.3 (COPS's GetEquipStats): attack starts at
// the Strength attribute and magic attack at Spirit, and each worn item
// adds its type's values; a one-hand weapon in the left hand adds half its
// attack. Upgrades (plus, bless, gems) and weapon skills do not count yet.
type Stats struct {
	// MinAttack and MaxAttack bound a physical hit before defence:
	// Strength plus the worn items' AttackMin and AttackMax.
	MinAttack, MaxAttack uint32
	// Defence is subtracted from a physical hit: the worn items' Defense.
	Defence uint32
	// MagicAttack is Spirit plus the worn items' MagicAttack.
	MagicAttack uint32
	// MagicDefence is the percent a spell loses: the worn items'
	// MagicDefense, at most maxPercent.
	MagicDefence uint32
	// Dodge is the percent chance to avoid a physical hit: the worn items'
	// Dodge, at most maxPercent.
	Dodge uint32
}

// maxPercent caps the Stats that are percentages.
const maxPercent = 100

// computeStats returns p's Stats from its attributes and the items it
// wears, read in tab (nil: attributes only). Map goroutine only.
func computeStats(p *Player, tab *itemTable) Stats {
	st := Stats{MinAttack: uint32(p.ch.Strength), MaxAttack: uint32(p.ch.Strength), MagicAttack: uint32(p.ch.Spirit)}
	if tab == nil {
		return st
	}
	for pos := store.PosHelmet; pos <= store.PosGarment; pos++ {
		it := p.inv.items[p.inv.equip[pos]]
		if it == nil {
			continue
		}
		t, ok := tab.types[it.Type]
		if !ok {
			continue
		}
		half := uint32(1)
		if pos == store.PosLeftHand && content.SlotOf(it.Type) == content.PosRightHand {
			half = 2 // a second weapon counts half (COPS)
		}
		st.MinAttack += uint32(t.AttackMin) / half
		st.MaxAttack += uint32(t.AttackMax) / half
		st.Defence += uint32(t.Defense)
		st.MagicAttack += uint32(t.MagicAttack)
		st.MagicDefence += uint32(t.MagicDefense)
		st.Dodge += uint32(t.Dodge)
	}
	st.MagicDefence = min(st.MagicDefence, maxPercent)
	st.Dodge = min(st.Dodge, maxPercent)
	return st
}

// restat recomputes p's Stats after its equipment or attributes changed.
// Map goroutine only.
func (m *Map) restat(p *Player) { p.stats = computeStats(p, m.world.table.Load()) }
