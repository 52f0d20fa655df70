package content

import (
	"testing"
	"testing/fstest"
)

// TestDefaultCombat checks the default pack's monsters, spawns, levels and
// magic load and check against the built-in maps.
func TestDefaultCombat(t *testing.T) {
	p, err := LoadAndCheck(Default(), builtinWorld())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Monsters) < 4 || len(p.Spawns) < 4 || len(p.Levels) < 100 || len(p.Magic) < 8 {
		t.Fatalf("%d monsters, %d spawns, %d levels, %d magic", len(p.Monsters), len(p.Spawns), len(p.Levels), len(p.Magic))
	}
	for l := 2; l < len(p.Levels); l++ {
		if p.Levels[l] <= p.Levels[l-1] {
			t.Fatalf("level %d needs %d, not more than level %d", l, p.Levels[l], l-1)
		}
	}
	for _, class := range []uint8{10, 20, 40, 100} {
		var attack, heal bool
		for _, m := range p.Magic {
			if m.Class == class {
				attack = attack || m.Sort == MagicAttack
				heal = heal || m.Sort == MagicHeal
			}
		}
		if !attack || !heal {
			t.Errorf("class %d: attack %v, heal %v", class, attack, heal)
		}
	}
}

const combatItems = `
[[item]]
id = 1000000
name = "Potion"
hp = 50
`

const combatMonster = `[[monster]]
id = 1
name = "Hopper"
look = 101
level = 1
life = 40
attack_min = 4
attack_max = 7
dexterity = 55
attack_range = 1
view_range = 8
attack_speed = 1500
move_speed = 900
ai = "passive"
drops = [1000000]
`

// combatPack is a valid pack with the given combat files.
func combatPack(files map[string]string) fstest.MapFS {
	fsys := pack(goodNPCs, goodPortals, helloScript)
	fsys[ItemFile] = &fstest.MapFile{Data: []byte(combatItems)}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

func TestCombatErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"duplicate monster", map[string]string{MonsterFile: combatMonster + "\n" + combatMonster},
			[]string{"monsters.toml:18: monster 1: duplicate id, first defined at monsters.toml:1"}},
		{"missing drop", map[string]string{MonsterFile: `[[monster]]
id = 2
name = "Hopper"
look = 101
level = 1
life = 40
attack_min = 9
attack_max = 7
dexterity = 55
attack_range = 1
view_range = 8
attack_speed = 1500
move_speed = 900
ai = "angry"
drops = [1000001]
`}, []string{
			`monsters.toml:14: monster 2: ai = "angry": want "passive", "active" or "guard"`,
			"monsters.toml:7: monster 2: attack_min 9 is more than attack_max 7",
			"monsters.toml:15: monster 2: drop 1000001 is not an item type of items.toml",
		}},
		{"spawn of a missing monster", map[string]string{MonsterFile: combatMonster, SpawnFile: `[[spawn]]
map = 1010
x = 90
y = 90
cx = 2
cy = 2
monster = 7
count = 5
rest_secs = 10
`}, []string{
			"spawns.toml:7: spawn entry 1: monster 7 is not in monsters.toml",
		}},
		{"spawn too dense", map[string]string{MonsterFile: combatMonster, SpawnFile: `[[spawn]]
map = 1010
x = 90
y = 90
cx = 2
cy = 2
monster = 1
count = 5
rest_secs = 10
`}, []string{
			"spawns.toml:8: spawn entry 1: count 5 is more than the 4 tiles of the area",
		}},
		{"levels out of order", map[string]string{LevelFile: "[[level]]\nlevel = 1\nexp = 10\n[[level]]\nlevel = 3\nexp = 20\n"},
			[]string{"levels.toml:5: level entry 2: level 3 out of order: want 2 (levels start at 1, one entry each)"}},
		{"duplicate magic", map[string]string{MagicFile: `[[magic]]
type = 1000
level = 0
name = "Bolt"
sort = "attack"
power = 10
distance = 5
[[magic]]
type = 1000
level = 0
name = "Bolt"
sort = "curse"
power = 10
distance = 5
`}, []string{
			`magic.toml:12: magic 1000 level 0: sort = "curse": want "attack" or "heal"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(combatPack(c.files))
			wantProblems(t, err, c.want...)
		})
	}
}

func TestSpawnCheck(t *testing.T) {
	p, err := Load(combatPack(map[string]string{MonsterFile: combatMonster, SpawnFile: `[[spawn]]
map = 1010
x = 1020
y = 90
cx = 10
cy = 2
monster = 1
count = 10
rest_secs = 10

[[spawn]]
map = 4444
x = 10
y = 10
cx = 10
cy = 10
monster = 1
count = 10
rest_secs = 10
`}))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Check(withPassage(newOpenWorld(1010, 1002, 1000, 1011, 1015), 1015, 3))
	wantProblems(t, err,
		"spawns.toml:1: spawn: area (1020, 90)–(1029, 91) of map 1010 has 8 walkable tiles, fewer than count 10",
		"spawns.toml:11: spawn: map 4444 does not exist")
}
