package combat

import "testing"

func TestGreenFactor(t *testing.T) {
	cases := []struct {
		a, m int
		want Percent
	}{
		{10, 10, 100}, {12, 10, 100}, {13, 10, 150}, {15, 10, 150}, {16, 10, 200},
		{20, 10, 200}, {21, 10, 250}, {30, 10, 250}, {31, 10, 300}, {1, 50, 100},
	}
	for _, c := range cases {
		if got := GreenFactor(c.a, c.m); got != c.want {
			t.Errorf("GreenFactor(%d, %d) = %d, want %d", c.a, c.m, got, c.want)
		}
	}
}

func TestMonsterFactor(t *testing.T) {
	cases := []struct {
		m, p int
		want Percent
	}{
		{10, 10, 100}, {10, 20, 100}, {11, 10, 150}, {14, 10, 150}, {15, 10, 200},
		{20, 10, 200}, {21, 10, 350}, {30, 10, 350}, {31, 10, 500},
	}
	for _, c := range cases {
		if got := MonsterFactor(c.m, c.p); got != c.want {
			t.Errorf("MonsterFactor(%d, %d) = %d, want %d", c.m, c.p, got, c.want)
		}
	}
}

func TestExpFactor(t *testing.T) {
	cases := []struct {
		a, m int
		want Percent
	}{
		{50, 50, 100}, {52, 50, 100}, {53, 50, 70}, {55, 50, 70}, {56, 50, 20}, {60, 50, 20},
		{61, 50, 10}, {70, 50, 10}, {71, 50, 5}, {49, 50, 130}, {46, 50, 130}, {45, 50, 150},
		{40, 50, 150}, {39, 50, 180}, {30, 50, 180}, {29, 50, 230},
		// The attacker's level is capped at 120: a 130 on a 118 is a gap of 2.
		{130, 118, 100},
	}
	for _, c := range cases {
		if got := ExpFactor(c.a, c.m); got != c.want {
			t.Errorf("ExpFactor(%d, %d) = %d, want %d", c.a, c.m, got, c.want)
		}
	}
}

func TestRoll(t *testing.T) {
	if Roll(5, 5, 0xffff) != 5 || Roll(7, 3, 100) != 7 {
		t.Fatal("degenerate ranges")
	}
	if Roll(10, 20, 0) != 10 || Roll(10, 20, 0xffff) != 20 {
		t.Fatalf("ends: %d %d", Roll(10, 20, 0), Roll(10, 20, 0xffff))
	}
	seen := map[int]bool{}
	for r := range 1 << 16 {
		v := Roll(1, 4, uint16(r))
		if v < 1 || v > 4 {
			t.Fatalf("Roll(1, 4, %d) = %d", r, v)
		}
		seen[v] = true
	}
	if len(seen) != 4 {
		t.Fatalf("values %v", seen)
	}
}

func TestHits(t *testing.T) {
	dex := Dexterity(10, 5) // 40
	if dex != 40 || !Hits(dex, 39) || Hits(dex, 40) || !Hits(100, 99) {
		t.Fatalf("dexterity %d", dex)
	}
}

func TestPlayerOnMonster(t *testing.T) {
	cases := []struct {
		name                            string
		attack, lvl, mlvl, def, q, want int
	}{
		{"even", 100, 10, 10, 30, 0, 70},
		{"green ×2", 100, 20, 10, 30, 0, 170},
		{"defence wins: floor 1 + 10/10 + quality 5", 10, 10, 10, 300, 5, 7},
		{"floor 1", 0, 0, 0, 10, 0, 1},
	}
	for _, c := range cases {
		if got := PlayerOnMonster(c.attack, c.lvl, c.mlvl, c.def, c.q); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestMonsterOnPlayer(t *testing.T) {
	cases := []struct {
		name                                  string
		attack, mlvl, plvl, def, reb, q, want int
	}{
		{"even", 50, 10, 10, 20, 0, 0, 30},
		{"red ×1.5", 50, 12, 10, 20, 0, 0, 55},
		{"black ×5", 100, 40, 10, 0, 0, 0, 500},
		{"one rebirth ×0.7", 50, 10, 10, 20, 1, 0, 21},
		{"two rebirths ×0.5", 50, 10, 10, 20, 2, 0, 15},
		{"low level floor 1", 5, 10, 10, 50, 0, 0, 1},
		{"level 30 floor 7 + 3 − quality 2", 5, 30, 30, 50, 0, 2, 8},
	}
	for _, c := range cases {
		if got := MonsterOnPlayer(c.attack, c.mlvl, c.plvl, c.def, c.reb, c.q); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestPlayerOnPlayer(t *testing.T) {
	if PlayerOnPlayer(100, 30) != 70 || PlayerOnPlayer(10, 30) != 1 {
		t.Fatal("player on player")
	}
}

func TestMagic(t *testing.T) {
	if MagicBase(100, 50) != 150 || MagicBase(100, 30150) != 150 {
		t.Fatalf("base %d %d", MagicBase(100, 50), MagicBase(100, 30150))
	}
	// (100 + 100) × 1 × (100 − 20) / 100 − 10 = 150; × 0.75 = 112.
	if d := MagicDamage(100, 100, 10, 10, 20, 10); d != 112 {
		t.Fatalf("damage %d", d)
	}
	// Green ×2: 400 × 0.8 − 10 = 310; × 0.75 = 232.
	if d := MagicDamage(100, 100, 20, 10, 20, 10); d != 232 {
		t.Fatalf("green damage %d", d)
	}
	if d := MagicDamage(0, 0, 1, 1, 150, 1000); d != 1 {
		t.Fatalf("floor %d", d)
	}
	if Heal(100, 50, 120) != 70 || Heal(100, 0, 500) != 100 || Heal(10, 120, 100) != 0 {
		t.Fatal("heal")
	}
}

func TestExp(t *testing.T) {
	if HitExp(100, 500, 10, 10) != 100 || HitExp(100, 40, 10, 10) != 40 || HitExp(100, 500, 20, 10) != 20 {
		t.Fatal("hit exp")
	}
	if KillExp(1000, 10, 10) != 50 || KillExp(1000, 8, 10) != 65 {
		t.Fatalf("kill exp %d %d", KillExp(1000, 10, 10), KillExp(1000, 8, 10))
	}
}

func TestMaxHPMP(t *testing.T) {
	// A new Trojan: 5/2/3/0 → 72 + 21 = 93.
	if hp := MaxHP(10, 5, 2, 3, 0); hp != 93 {
		t.Fatalf("hp %d", hp)
	}
	// Promoted Trojan 15: 24·10 × 1.15 = 276 + 3·(5+5+0) = 306.
	if hp := MaxHP(15, 5, 5, 10, 0); hp != 306 {
		t.Fatalf("trojan hp %d", hp)
	}
	if MaxMP(100, 10) != 50 || MaxMP(132, 10) != 150 || MaxMP(145, 10) != 300 || MaxMP(10, 10) != 50 {
		t.Fatalf("mp %d %d %d", MaxMP(100, 10), MaxMP(132, 10), MaxMP(145, 10))
	}
	if Base(15) != 10 || Base(25) != 20 || Base(41) != 40 || Base(142) != 100 || Base(101) != 100 {
		t.Fatal("base")
	}
}

func TestLevelUp(t *testing.T) {
	need := func(l int) uint64 {
		if l >= 5 {
			return 0
		}
		return uint64(l) * 100
	}
	cases := []struct {
		level   int
		exp     uint64
		max     int
		wantL   int
		wantExp uint64
	}{
		{1, 99, 10, 1, 99},
		{1, 100, 10, 2, 0}, // ≥, the policy
		{1, 350, 10, 3, 50},
		{1, 100000, 10, 5, 99000}, // level 5 cannot be passed
		{1, 100000, 3, 3, 99700},
	}
	for _, c := range cases {
		l, e := LevelUp(c.level, c.exp, c.max, need)
		if l != c.wantL || e != c.wantExp {
			t.Errorf("LevelUp(%d, %d, %d) = %d, %d; want %d, %d", c.level, c.exp, c.max, l, e, c.wantL, c.wantExp)
		}
	}
}
