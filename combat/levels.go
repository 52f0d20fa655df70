package combat

// Professions by number (combat.md §5.6): the tens are the class, the
// units the promotion.
const (
	ProfTrojan  = 10  // Trojan, 10–15
	ProfWarrior = 20  // Warrior, 20–25
	ProfArcher  = 40  // Archer, 40–45
	ProfTaoist  = 100 // Taoist before choosing water or fire, 100–101
	ProfWater   = 130 // Water Taoist, 132–135
	ProfFire    = 140 // Fire Taoist, 142–145
)

// Base returns a profession's class: 10 Trojan, 20 Warrior, 40 Archer, 100
// Taoist (Water and Fire Taoists included).
func Base(profession int) int {
	if profession >= ProfTaoist {
		return ProfTaoist
	}
	return profession / 10 * 10
}

// trojanHP is the Trojan's bonus on 24·vitality, by promotion 1–5.
var trojanHP = [...]Percent{105, 108, 110, 112, 115}

// MaxHP is a character's maximum HP before items: 24·vitality +
// 3·(strength + agility + spirit), a promoted Trojan's (11–15) 24·vitality
// raised by 5/8/10/12/15 % (combat.md §5.6; policy: on 24·vit, as WC).
func MaxHP(profession, strength, agility, vitality, spirit int) int {
	v := 24 * vitality
	if profession >= ProfTrojan+1 && profession <= ProfTrojan+5 {
		v = trojanHP[profession-ProfTrojan-1].Of(v)
	}
	return v + 3*(strength+agility+spirit)
}

// MaxMP is a character's maximum MP before items: 5·spirit, × 3, 4, 5, 6
// for a Water or Fire Taoist of promotion 2–5 (combat.md §5.6, WC).
func MaxMP(profession, spirit int) int {
	v := 5 * spirit
	if p := profession % 10; (Base(profession) == ProfTaoist && profession >= ProfWater) && p >= 2 && p <= 5 {
		v *= p + 1
	}
	return v
}

// AttrPointsPerLevel is the attribute points a level-up gives for manual
// allotment (combat.md §5.6, COPS, WC).
const AttrPointsPerLevel = 3

// LevelUp applies experience to a level: while exp reaches the need of the
// current level (need(level) > 0), it subtracts the need and raises the
// level, up to maxLevel (combat.md §5.6; policy: ≥, as WC). need returns 0
// for a level that cannot be passed. It returns the new level and the
// experience left in it.
func LevelUp(level int, exp uint64, maxLevel int, need func(level int) uint64) (int, uint64) {
	for level < maxLevel {
		n := need(level)
		if n == 0 || exp < n {
			break
		}
		exp -= n
		level++
	}
	return level, exp
}
