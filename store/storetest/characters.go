package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/coserver/coserver/store"
)

// testCharacter returns a level-1 trojan for accountID in Twin City.
func testCharacter(accountID int64, name string) store.Character {
	return store.Character{
		AccountID: accountID, Name: name,
		Body: 1003, Avatar: 1, Hair: 410, Class: 10, Level: 1,
		Silver: 1000, Strength: 5, Agility: 2, Vitality: 3, Spirit: 0,
		HP: 318, MP: 0, MapID: 1002, X: 430, Y: 380,
	}
}

func (s *suite) testCreateCharacter(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "acc", testHash)
	if err != nil {
		t.Fatal(err)
	}
	want := testCharacter(a.ID, "Hero")
	want.ID = 5 // ignored
	c, err := db.CreateCharacter(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != store.FirstCharacterID {
		t.Errorf("first character id = %d, want %d", c.ID, store.FirstCharacterID)
	}
	if c.Created.IsZero() || !c.Saved.Equal(c.Created) {
		t.Errorf("times not set: %+v", c)
	}
	want.ID, want.Created, want.Saved = c.ID, c.Created, c.Saved
	if !reflect.DeepEqual(c, want) {
		t.Errorf("CreateCharacter = %+v, want %+v", c, want)
	}
	for _, get := range []func() (store.Character, error){
		func() (store.Character, error) { return db.CharacterByAccount(ctx, a.ID) },
		func() (store.Character, error) { return db.CharacterByName(ctx, "hero") },
		func() (store.Character, error) { return db.CharacterByName(ctx, "HERO") },
	} {
		if got, err := get(); err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("lookup = %+v, %v; want %+v", got, err, c)
		}
	}

	b, err := db.CreateAccount(ctx, "acc2", testHash)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := db.CreateCharacter(ctx, testCharacter(b.ID, "Sidekick"))
	if err != nil {
		t.Fatal(err)
	}
	if c2.ID != store.FirstCharacterID+1 {
		t.Errorf("second character id = %d, want %d", c2.ID, store.FirstCharacterID+1)
	}
}

func (s *suite) testCreateCharacterConflicts(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "a", testHash)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.CreateAccount(ctx, "b", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateCharacter(ctx, testCharacter(a.ID, "Taken")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		c    store.Character
		want error
	}{
		{"second character of account", testCharacter(a.ID, "Other"), store.ErrExists},
		{"same name other case", testCharacter(b.ID, "tAKEN"), store.ErrNameTaken},
		{"missing account", testCharacter(999, "Ghost"), store.ErrNotFound},
	}
	for _, tt := range tests {
		if _, err := db.CreateCharacter(ctx, tt.c); !errors.Is(err, tt.want) {
			t.Errorf("%s: CreateCharacter = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := db.CreateCharacter(ctx, testCharacter(b.ID, "")); err == nil {
		t.Error("CreateCharacter with empty name succeeded")
	}
	if _, err := db.CharacterByAccount(ctx, b.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CharacterByAccount(b) = %v, want store.ErrNotFound", err)
	}
	if _, err := db.CharacterByName(ctx, "ghost"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CharacterByName(ghost) = %v, want store.ErrNotFound", err)
	}
}

// createCharacters creates n accounts with one character each.
func createCharacters(t testing.TB, db *store.DB, prefix string, n int) []store.Character {
	t.Helper()
	ctx := context.Background()
	cs := make([]store.Character, n)
	for i := range cs {
		name := prefix + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
		a, err := db.CreateAccount(ctx, name, testHash)
		if err != nil {
			t.Fatal(err)
		}
		if cs[i], err = db.CreateCharacter(ctx, testCharacter(a.ID, name)); err != nil {
			t.Fatal(err)
		}
	}
	return cs
}

func (s *suite) testSaveCharacters(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	cs := createCharacters(t, db, "s", 3)
	if err := db.SaveCharacters(ctx); err != nil {
		t.Fatalf("SaveCharacters() = %v", err)
	}
	for i := range cs {
		c := &cs[i]
		c.MapID, c.X, c.Y = 1015, uint16(100+i), uint16(200+i)
		c.Level, c.Exp, c.Silver, c.CPs, c.WarehouseSilver = 130, 1<<40, 1<<31, 77, 1<<32-1
		c.Class, c.PrevClass, c.Rebirths = 15, 25, 2
		c.Strength, c.Agility, c.Vitality, c.Spirit, c.AttrPoints = 1, 2, 3, 4, 5
		c.HP, c.MP, c.PKPoints = 65535, 1, 30
		c.Body, c.Avatar, c.Hair = 2001, 201, 310
		c.Name = "ignored" // not updated
	}
	if err := db.SaveCharacters(ctx, cs...); err != nil {
		t.Fatal(err)
	}
	for i, want := range cs {
		got, err := db.CharacterByAccount(ctx, want.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name == "ignored" || got.Saved.Before(got.Created) {
			t.Errorf("character %d: name or saved time wrong: %+v", i, got)
		}
		want.Name, want.Saved = got.Name, got.Saved
		if !reflect.DeepEqual(got, want) {
			t.Errorf("character %d after save = %+v, want %+v", i, got, want)
		}
	}
}

// TestSaveCharactersAtomic saves a batch whose last character does not
// exist: the call fails with ErrNotFound and none of the batch is saved.
func (s *suite) testSaveCharactersAtomic(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	cs := createCharacters(t, db, "atomic", 5)
	batch := make([]store.Character, 0, len(cs)+1)
	for _, c := range cs {
		c.X, c.Y = 1, 1
		batch = append(batch, c)
	}
	missing := cs[0]
	missing.ID = 4_000_000_000
	batch = append(batch, missing)
	if err := db.SaveCharacters(ctx, batch...); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SaveCharacters with a missing id = %v, want store.ErrNotFound", err)
	}
	for _, c := range cs {
		got, err := db.CharacterByAccount(ctx, c.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("partial save: %+v, want unchanged %+v", got, c)
		}
	}
	// A cancelled context also saves nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.SaveCharacters(cctx, batch[:len(cs)]...); err == nil {
		t.Fatal("SaveCharacters with a cancelled context succeeded")
	}
	if got, _ := db.CharacterByAccount(ctx, cs[0].AccountID); !reflect.DeepEqual(got, cs[0]) {
		t.Fatalf("save with cancelled context changed %+v", got)
	}
}
