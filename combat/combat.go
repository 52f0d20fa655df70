// Package combat holds the rules of a fight as pure functions: damage, hit
// chance, the level-difference multipliers, experience, maximum HP and MP
// and levelling. Nothing here knows maps, packets or time; the game package
// rolls the dice and passes them in, so every rule is tested with fixed
// rolls. The numbers are those of ../shared/protocol/combat.md §5 with its
// policies where the sources disagree; each function names its section.
//
// Multipliers are integer percents (150 = ×1.5) so results are exact and the
// same on every machine.
package combat

// Percent is a multiplier in hundredths: 100 leaves a value as it is.
type Percent int

// Of applies p to v, rounding down.
func (p Percent) Of(v int) int { return v * int(p) / 100 }

// GreenFactor is the damage multiplier of a player on a monster it
// out-levels (combat.md §5.3, COPS, WC agrees): gap = attacker − monster
// level; 3–5 ×1.5, 6–10 ×2, 11–20 ×2.5, above 20 ×3, else ×1.
func GreenFactor(attackerLevel, monsterLevel int) Percent {
	switch gap := attackerLevel - monsterLevel; {
	case gap > 20:
		return 300
	case gap > 10:
		return 250
	case gap > 5:
		return 200
	case gap >= 3:
		return 150
	}
	return 100
}

// MonsterFactor is the damage multiplier of a monster on a player it
// out-levels (combat.md §5.3, COPS; red border −1…−4 per the policy):
// gap = monster − player level; 1–4 (red name) ×1.5, 5–10 ×2, 11–20 ×3.5,
// above 20 ×5, else ×1.
func MonsterFactor(monsterLevel, playerLevel int) Percent {
	switch gap := monsterLevel - playerLevel; {
	case gap > 20:
		return 500
	case gap > 10:
		return 350
	case gap >= 5:
		return 200
	case gap >= 1:
		return 150
	}
	return 100
}

// ExpFactor is the experience multiplier for a hit or kill by an attacker
// on a target (combat.md §5.5, COPS AdjustExp = WC), the attacker's level
// capped at MaxExpLevel: gap = attacker − target; ≥ 3 green (3–5 ×0.7,
// 6–10 ×0.2, 11–20 ×0.1, above 20 ×0.05), 0…2 white ×1, −1…−4 red ×1.3
// (COPS border, the policy), below: −5…−10 ×1.5, −11…−20 ×1.8, below −20
// ×2.3.
func ExpFactor(attackerLevel, targetLevel int) Percent {
	switch gap := min(attackerLevel, MaxExpLevel) - targetLevel; {
	case gap > 20:
		return 5
	case gap > 10:
		return 10
	case gap > 5:
		return 20
	case gap >= 3:
		return 70
	case gap >= 0:
		return 100
	case gap >= -4:
		return 130
	case gap >= -10:
		return 150
	case gap >= -20:
		return 180
	}
	return 230
}

// MaxExpLevel caps the attacker's level in ExpFactor (COPS, WC: 120).
const MaxExpLevel = 120

// Roll returns the value a uniform draw r in [0, 1<<16) picks in [lo, hi];
// callers pass a random r. lo > hi gives lo.
func Roll(lo, hi int, r uint16) int {
	if hi <= lo {
		return lo
	}
	return lo + int(r)*(hi-lo+1)>>16
}

// Dexterity is a player's hit rating: agility + 25 + the items' dexterity
// (combat.md §5.2, COPS).
func Dexterity(agility, items int) int { return agility + DexterityBase + items }

// DexterityBase is what every player's dexterity starts from (COPS).
const DexterityBase = 25

// Hits reports whether an attack of the given dexterity hits with a roll in
// [0, 100): a hit when roll < dexterity (combat.md §5.2, COPS; the policy
// over WC's clamp). Dexterity 100 and above always hits.
func Hits(dexterity, roll int) bool { return roll < dexterity }

// Quality is an item type's quality digit (type % 10: 3–5 normal … 9
// super), which raises the minimum damage (combat.md §5.3).
func Quality(itemType uint32) int { return int(itemType % 10) }

// PlayerOnMonster is the damage of a player's physical hit on a monster:
// attack (already rolled in the player's [min, max]) × GreenFactor − the
// monster's defence, at least 1 + attacker level / 10 + the weapon's
// quality digit (combat.md §5.3, COPS, WC agrees).
func PlayerOnMonster(attack, attackerLevel, monsterLevel, defence, weaponQuality int) int {
	d := GreenFactor(attackerLevel, monsterLevel).Of(attack) - defence
	return max(d, 1, 1+attackerLevel/10+weaponQuality)
}

// MonsterOnPlayer is the damage of a monster's physical hit on a player:
// attack (rolled in [attack_min, attack_max]) × MonsterFactor − the
// player's defence, × (1 − 0.3) after one rebirth and × 0.5 after two, at
// least 1; when the monster is above level MinDamageLevel, at least 7 +
// monster level / 10 − the armour's quality digit (combat.md §5.3, COPS).
func MonsterOnPlayer(attack, monsterLevel, playerLevel, defence, rebirths, armourQuality int) int {
	d := MonsterFactor(monsterLevel, playerLevel).Of(attack) - defence
	switch {
	case rebirths >= 2:
		d /= 2
	case rebirths == 1:
		d = d * 70 / 100
	}
	floor := 1
	if monsterLevel > MinDamageLevel {
		floor = max(floor, 7+monsterLevel/10-armourQuality)
	}
	return max(d, floor)
}

// MinDamageLevel is the monster level above which MonsterOnPlayer's larger
// floor applies (COPS).
const MinDamageLevel = 15

// PlayerOnPlayer is the damage of a physical hit between players: attack
// − defence, at least 1 (combat.md §5.3; reborn, bless and gem reductions
// are not modelled yet).
func PlayerOnPlayer(attack, defence int) int { return max(attack-defence, 1) }

// MagicPowerPercent is the power above which a skill's power is a percent
// of the base (power − 30,000 %) instead of an addition (combat.md §5.4).
const MagicPowerPercent = 30000

// MagicBase is a spell's raw strength: magicAttack + power, or
// magicAttack × (power − 30,000) % when power is above MagicPowerPercent
// (combat.md §5.4, COPS).
func MagicBase(magicAttack, power int) int {
	if power > MagicPowerPercent {
		return magicAttack * (power - MagicPowerPercent) / 100
	}
	return magicAttack + power
}

// MagicDamage is a spell's damage: MagicBase × GreenFactor × (100 − the
// target's magic defence %) / 100 − magic block, × 0.75, at least 1
// (combat.md §5.4, COPS).
func MagicDamage(magicAttack, power, attackerLevel, targetLevel, magicDefencePct, block int) int {
	b := GreenFactor(attackerLevel, targetLevel).Of(MagicBase(magicAttack, power))
	d := b*(100-min(max(magicDefencePct, 0), 100))/100 - block
	return max(d*75/100, 1)
}

// Heal is what a healing spell restores: its power (combat.md §5.4),
// never more than the target is missing.
func Heal(power, hp, maxHP int) int { return max(min(power, maxHP-hp), 0) }

// HitExp is the experience a hit of damage on a target with hp left gives:
// the damage, or the remaining HP on a killing blow, × ExpFactor
// (combat.md §5.5).
func HitExp(damage, hp, attackerLevel, targetLevel int) int {
	return ExpFactor(attackerLevel, targetLevel).Of(min(damage, hp))
}

// KillBonusPercent is the share of a monster's maximum HP its killer gets
// as extra experience (combat.md §5.5, COPS).
const KillBonusPercent = 5

// KillExp is the kill bonus: KillBonusPercent of the target's maximum HP,
// × ExpFactor (combat.md §5.5).
func KillExp(maxHP, attackerLevel, targetLevel int) int {
	return ExpFactor(attackerLevel, targetLevel).Of(maxHP * KillBonusPercent / 100)
}
