package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/coserver/coserver/store"
)

// testCharacterSkills: skills round-trip through SaveCharacters and a
// reopen, nil leaves them alone, a set replaces them whole, and Copy
// carries them.
func (s *suite) testCharacterSkills(t *testing.T) {
	db, path := s.openTest(t)
	ctx := context.Background()
	c := createCharacters(t, db, "Skl", 1)[0]
	if c.Skills != nil {
		t.Fatalf("a new character has skills: %v", c.Skills)
	}
	c.Skills = []store.Skill{
		{Kind: store.SkillWeapon, Type: 410, Level: 3, Exp: 1234},
		{Kind: store.SkillWeapon, Type: 0, Level: 20, Exp: 0},
		{Kind: store.SkillMagic, Type: 1000, Level: 0, Exp: 4_294_967_295},
	}
	if err := db.SaveCharacters(ctx, c); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(c.Skills)
	slices.SortFunc(want, func(a, b store.Skill) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return int(a.Type) - int(b.Type)
	})
	db = s.reopen(t, db, path)
	got, err := db.CharacterByAccount(ctx, c.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Skills, want) {
		t.Fatalf("skills after reopen = %v, want %v", got.Skills, want)
	}
	got.Skills = nil
	got.X++
	if err := db.SaveCharacters(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.CharacterByName(ctx, c.Name); !slices.Equal(again.Skills, want) {
		t.Fatalf("a nil Skills changed the stored set: %v", again.Skills)
	}

	dst, _ := s.openTest(t)
	if _, err := store.Copy(ctx, dst, db); err != nil {
		t.Fatal(err)
	}
	if copied, err := dst.CharacterByName(ctx, c.Name); err != nil || !slices.Equal(copied.Skills, want) {
		t.Fatalf("skills after Copy = %v, %v; want %v", copied.Skills, err, want)
	}

	got.Skills = []store.Skill{}
	if err := db.SaveCharacters(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.CharacterByName(ctx, c.Name); again.Skills != nil {
		t.Fatalf("an empty Skills left %v", again.Skills)
	}
}

// testSaveSkillsVersioned: a snapshot's skills are written only with the
// snapshot, so an older one arriving later does not roll them back.
func (s *suite) testSaveSkillsVersioned(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	c := createCharacters(t, db, "sklv", 1)[0]
	newer, older := c, c
	newer.Skills = []store.Skill{{Kind: store.SkillWeapon, Type: 480, Level: 2, Exp: 7}}
	older.Skills = []store.Skill{{Kind: store.SkillWeapon, Type: 480, Level: 1, Exp: 900}}
	if err := db.Save(ctx, store.Batch{Characters: []store.CharacterSnapshot{snapshotOf(newer, 5), snapshotOf(older, 4)}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.CharacterByName(ctx, c.Name)
	if err != nil || !slices.Equal(got.Skills, newer.Skills) {
		t.Fatalf("skills = %v, %v; want %v", got.Skills, err, newer.Skills)
	}
}

// testCharacterSkillsLimits: too many skills, an unknown kind or a
// duplicate are refused and nothing is written.
func (s *suite) testCharacterSkillsLimits(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	c := createCharacters(t, db, "SLim", 1)[0]
	tooMany := make([]store.Skill, store.MaxSkills+1)
	for i := range tooMany {
		tooMany[i] = store.Skill{Kind: store.SkillMagic, Type: uint32(i)}
	}
	for name, skills := range map[string][]store.Skill{
		"too many":     tooMany,
		"unknown kind": {{Kind: 9, Type: 1}},
		"twice":        {{Kind: store.SkillWeapon, Type: 410}, {Kind: store.SkillWeapon, Type: 410, Level: 2}},
	} {
		bad := c
		bad.Skills = skills
		if err := db.SaveCharacters(ctx, bad); err == nil {
			t.Errorf("%s: SaveCharacters accepted it", name)
		}
		if err := db.Save(ctx, store.Batch{Characters: []store.CharacterSnapshot{snapshotOf(bad, 1)}}); err == nil {
			t.Errorf("%s: Save accepted it", name)
		}
	}
	if got, err := db.CharacterByName(ctx, c.Name); err != nil || got.Skills != nil {
		t.Fatalf("skills after refusals = %v, %v", got.Skills, err)
	}
}
