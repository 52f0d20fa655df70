package content

import (
	"fmt"
	"math"
)

// Files of the combat part of a pack; all are optional (a pack without them
// has no monsters, no levels beyond 1 and no magic).
const (
	MonsterFile = "monsters.toml"
	SpawnFile   = "spawns.toml"
	LevelFile   = "levels.toml"
	MagicFile   = "magic.toml"
)

// Limits and ranges of the combat part of a pack.
const (
	MaxMonsterTypes  = 5000   // [[monster]] entries
	MaxSpawns        = 5000   // [[spawn]] entries
	MaxSpawnCount    = 500    // monsters alive in one spawn area
	MaxSpawnSide     = 256    // tiles of a spawn rectangle's side
	MaxSpawnsPerMap  = 99999  // monsters alive on one map, within the id range
	MaxRestSecs      = 86400  // seconds before a dead monster's slot respawns
	MaxMonsterDrops  = 16     // item types in one monster's drop list
	MaxMonsterTypeID = 999999 // cq_monstertype ids
	MaxLevel         = 140    // levels a levels.toml may list
	MaxMagicTypes    = 2000   // [[magic]] entries (type × level)
	MaxMagicLevel    = 9      // levels of one magic, 0–9
	MaxRangeTiles    = 18     // view, attack and cast ranges: at most a screen
	MaxSpeedMS       = 60000  // attack and move speeds, ms
	MaxPercent       = 100    // percents (chances)
	MaxMonsterLook   = maxU32 // lookface
	MaxMonsterLevel  = 255
)

// MonsterAI is how a monster type behaves (a subset of cq_monstertype's
// attack_user bits and ai_type, combat.md §6–7).
type MonsterAI uint8

// Monster behaviours.
const (
	// AIPassive monsters fight back only when attacked (attack_user 0x1).
	AIPassive MonsterAI = iota
	// AIActive monsters attack the nearest living player in view
	// (attack_user 0x2).
	AIActive
	// AIGuard monsters attack monsters and red- or black-named players
	// in view and are never attacked by the innocent (attack_user 0x8).
	AIGuard
)

// aiNames are the values of a [[monster]]'s ai key.
var aiNames = []option[MonsterAI]{{"passive", AIPassive}, {"active", AIActive}, {"guard", AIGuard}}

// String returns the ai value of monsters.toml.
func (a MonsterAI) String() string {
	for _, o := range aiNames {
		if o.v == a {
			return o.word
		}
	}
	return fmt.Sprintf("MonsterAI(%d)", uint8(a))
}

// MonsterType is the data every monster of one type shares
// (cq_monstertype, combat.md §6).
type MonsterType struct {
	ID           uint32 // cq_monstertype.id
	Name         string // shown above it, 1–15 printable ASCII bytes
	Look         uint32 // lookface: MsgPlayer mesh
	Level        uint8
	Life         uint32 // maximum HP
	AttackMin    uint32
	AttackMax    uint32
	Defence      uint32
	MagicDefence uint8  // percent (magic_def)
	Dexterity    uint8  // hit chance percent (combat.md §5.2)
	Dodge        uint8  // percent
	AttackRange  uint8  // tiles
	ViewRange    uint8  // tiles
	AttackSpeed  uint32 // ms between attacks
	MoveSpeed    uint32 // ms between steps
	AI           MonsterAI
	DropMoney    uint32   // silver of one pile; 0 for none
	DropChance   uint8    // percent chance to drop one of Drops
	Drops        []uint32 // item types in items.toml
	ExtraExp     uint32   // experience added to the kill bonus
	Src          Source
}

// Spawn is an area where monsters of one type live and come back
// (cq_generator, combat.md §6: WC's model, Count alive at most).
type Spawn struct {
	Map      uint32
	X, Y     uint16 // top-left tile of the area
	CX, CY   uint16 // width and height, tiles
	Monster  uint32 // MonsterType.ID
	Count    uint16 // alive at most (cq_generator.max_per_gen)
	RestSecs uint32 // seconds a dead monster's slot waits before a respawn
	Src      Source
}

// MagicSort is what a magic does (cq_magictype.sort, the ones this server
// runs).
type MagicSort uint8

// Magic sorts.
const (
	MagicAttack MagicSort = 1 // damage to one target
	MagicHeal   MagicSort = 2 // HP to one target (or the caster)
)

// MagicType is one level of one magic (cq_magictype, combat.md §6).
type MagicType struct {
	Type      uint16 // magic type id
	Level     uint8  // 0–MaxMagicLevel
	Name      string
	Sort      MagicSort
	Class     uint8  // class that learns it at NeedLevel (10, 20, 40, 100); 0 for any
	NeedLevel uint8  // character level at which it is learned
	UseMP     uint16 // mana a cast costs
	Power     int32  // damage or heal (above 30,000: a percent, combat.md §5.4)
	Distance  uint8  // tiles to the target
	DelayMS   uint32 // ms before the caster may cast again
	Src       Source
}

// MagicKey identifies a MagicType in Pack.Magic.
type MagicKey struct {
	Type  uint16
	Level uint8
}

// parseMonsters decodes and validates monsters.toml; drops are checked
// against items when itemsOK (a missing item is not reported twice).
func (l *loader) parseMonsters(src []byte, items map[uint32]ItemType, itemsOK bool) map[uint32]MonsterType {
	entries := l.decodeTable(MonsterFile, src, "monster", MaxMonsterTypes)
	out := make(map[uint32]MonsterType, len(entries))
	for _, e := range entries {
		f := l.fields(e, "id", "name", "look", "level", "life", "attack_min", "attack_max",
			"defence", "magic_defence", "dexterity", "dodge", "attack_range", "view_range",
			"attack_speed", "move_speed", "ai", "drop_money", "drop_chance", "drops", "extra_exp")
		e.label = fmt.Sprintf("monster entry %d", e.index)
		id, idOK := f.int("id", true, 1, MaxMonsterTypeID)
		if idOK {
			e.label = fmt.Sprintf("monster %d", id)
		}
		f.unknown()
		m := MonsterType{ID: uint32(id), Src: e.src()}
		valid := idOK
		if idOK {
			if prev, dup := out[m.ID]; dup {
				f.add(e.keyLine("id"), "duplicate id, first defined at %s", prev.Src)
				valid = false
			}
		}
		m.Name = f.name(&valid, ValidItemName)
		get := func(key string, required bool, lo, hi int64) int64 { return f.num(&valid, key, required, lo, hi) }
		m.Look = uint32(get("look", true, 1, MaxMonsterLook))
		m.Level = uint8(get("level", true, 1, MaxMonsterLevel))
		m.Life = uint32(get("life", true, 1, math.MaxInt32))
		m.AttackMin = uint32(get("attack_min", true, 0, math.MaxInt32))
		m.AttackMax = uint32(get("attack_max", true, 0, math.MaxInt32))
		m.Defence = uint32(get("defence", false, 0, math.MaxInt32))
		m.MagicDefence = uint8(get("magic_defence", false, 0, MaxPercent))
		m.Dexterity = uint8(get("dexterity", true, 0, MaxPercent))
		m.Dodge = uint8(get("dodge", false, 0, MaxPercent))
		m.AttackRange = uint8(get("attack_range", true, 1, MaxRangeTiles))
		m.ViewRange = uint8(get("view_range", true, 1, MaxRangeTiles))
		m.AttackSpeed = uint32(get("attack_speed", true, 100, MaxSpeedMS))
		m.MoveSpeed = uint32(get("move_speed", true, 100, MaxSpeedMS))
		m.DropMoney = uint32(get("drop_money", false, 0, math.MaxInt32))
		m.DropChance = uint8(get("drop_chance", false, 0, MaxPercent))
		m.ExtraExp = uint32(get("extra_exp", false, 0, math.MaxInt32))
		m.AI = oneOf(f, &valid, "ai", aiNames)
		if m.AttackMin > m.AttackMax {
			f.add(e.keyLine("attack_min"), "attack_min %d is more than attack_max %d", m.AttackMin, m.AttackMax)
			valid = false
		}
		if f.has("drops") {
			ids, ok := f.intList("drops", 1, MaxMonsterDrops)
			valid = valid && ok
			for _, d := range ids {
				if _, exists := items[uint32(d)]; (d < 0 || d > maxU32 || !exists) && itemsOK {
					f.add(e.keyLine("drops"), "drop %d is not an item type of %s", d, ItemFile)
					valid = false
				}
				m.Drops = append(m.Drops, uint32(d))
			}
		}
		if valid {
			out[m.ID] = m
		}
	}
	return out
}

// parseSpawns decodes and validates spawns.toml against the monster types
// loaded (a missing type is not reported twice when monstersOK is false).
func (l *loader) parseSpawns(src []byte, monsters map[uint32]MonsterType, monstersOK bool) []Spawn {
	entries := l.decodeTable(SpawnFile, src, "spawn", MaxSpawns)
	out := make([]Spawn, 0, len(entries))
	for _, e := range entries {
		f := l.fields(e, "map", "x", "y", "cx", "cy", "monster", "count", "rest_secs")
		e.label = fmt.Sprintf("spawn entry %d", e.index)
		f.unknown()
		s := Spawn{Src: e.src()}
		valid := true
		get := func(key string, lo, hi int64) int64 { return f.num(&valid, key, true, lo, hi) }
		s.Map = uint32(get("map", minMapID, maxU32))
		s.X = uint16(get("x", 0, maxCoord))
		s.Y = uint16(get("y", 0, maxCoord))
		s.CX = uint16(get("cx", 1, MaxSpawnSide))
		s.CY = uint16(get("cy", 1, MaxSpawnSide))
		s.Monster = uint32(get("monster", 1, MaxMonsterTypeID))
		s.Count = uint16(get("count", 1, MaxSpawnCount))
		s.RestSecs = uint32(get("rest_secs", 0, MaxRestSecs))
		if valid {
			if _, ok := monsters[s.Monster]; !ok {
				if monstersOK {
					f.add(e.keyLine("monster"), "monster %d is not in %s", s.Monster, MonsterFile)
				}
				valid = false
			}
		}
		if valid && (int(s.X)+int(s.CX) > maxCoord+1 || int(s.Y)+int(s.CY) > maxCoord+1) {
			f.add(e.src(), "area (%d, %d) + (%d, %d) passes the largest coordinate", s.X, s.Y, s.CX, s.CY)
			valid = false
		}
		if valid && int(s.CX)*int(s.CY) < int(s.Count) {
			f.add(e.keyLine("count"), "count %d is more than the %d tiles of the area", s.Count, int(s.CX)*int(s.CY))
			valid = false
		}
		if valid {
			out = append(out, s)
		}
	}
	perMap := map[uint32]int{}
	for _, s := range out {
		perMap[s.Map] += int(s.Count)
		if perMap[s.Map] > MaxSpawnsPerMap {
			l.add(s.Src, "spawn: map %d has more than %d monsters", s.Map, MaxSpawnsPerMap)
			return nil
		}
	}
	return out
}

// parseLevels decodes and validates levels.toml: one [[level]] per level
// from 1 up, each the experience needed to pass it. It returns the needs
// indexed by level (index 0 unused).
func (l *loader) parseLevels(src []byte) []uint64 {
	entries := l.decodeTable(LevelFile, src, "level", MaxLevel)
	out := make([]uint64, 1, len(entries)+1)
	for _, e := range entries {
		f := l.fields(e, "level", "exp")
		e.label = fmt.Sprintf("level entry %d", e.index)
		f.unknown()
		lv, ok1 := f.int("level", true, 1, MaxLevel)
		exp, ok2 := f.int("exp", true, 1, math.MaxInt64)
		if !ok1 || !ok2 {
			continue
		}
		if int(lv) != len(out) {
			f.add(e.keyLine("level"), "level %d out of order: want %d (levels start at 1, one entry each)", lv, len(out))
			return nil
		}
		out = append(out, uint64(exp))
	}
	return out
}

// parseMagic decodes and validates magic.toml.
func (l *loader) parseMagic(src []byte) map[MagicKey]MagicType {
	entries := l.decodeTable(MagicFile, src, "magic", MaxMagicTypes)
	out := make(map[MagicKey]MagicType, len(entries))
	for _, e := range entries {
		f := l.fields(e, "type", "level", "name", "sort", "class", "need_level", "use_mp",
			"power", "distance", "delay_ms")
		e.label = fmt.Sprintf("magic entry %d", e.index)
		f.unknown()
		valid := true
		get := func(key string, required bool, lo, hi int64) int64 { return f.num(&valid, key, required, lo, hi) }
		m := MagicType{Src: e.src()}
		m.Type = uint16(get("type", true, 1, maxU16))
		m.Level = uint8(get("level", true, 0, MaxMagicLevel))
		if valid {
			e.label = fmt.Sprintf("magic %d level %d", m.Type, m.Level)
		}
		m.Name = f.name(&valid, ValidItemName)
		m.Sort = oneOf(f, &valid, "sort", []option[MagicSort]{{"attack", MagicAttack}, {"heal", MagicHeal}})
		m.Class = uint8(get("class", false, 0, MaxReqClass))
		m.NeedLevel = uint8(get("need_level", false, 0, MaxLevel))
		m.UseMP = uint16(get("use_mp", false, 0, maxU16))
		m.Power = int32(get("power", true, 0, math.MaxInt32))
		m.Distance = uint8(get("distance", true, 0, MaxRangeTiles))
		m.DelayMS = uint32(get("delay_ms", false, 0, MaxSpeedMS))
		k := MagicKey{Type: m.Type, Level: m.Level}
		if prev, dup := out[k]; dup && valid {
			f.add(e.keyLine("type"), "duplicate magic %d level %d, first defined at %s", m.Type, m.Level, prev.Src)
			valid = false
		}
		if valid {
			out[k] = m
		}
	}
	return out
}
