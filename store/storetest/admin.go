package storetest

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
)

func (s *suite) testDeleteAccount(t *testing.T) {
	ctx := context.Background()
	db, _ := s.openTest(t)
	a, err := db.CreateAccount(ctx, "Gone", testHash)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateCharacter(ctx, testCharacter(a.ID, "GoneHero"))
	if err != nil {
		t.Fatal(err)
	}
	c.Vars = map[string]string{"quest": "1"}
	c.Skills = []store.Skill{{Kind: store.SkillWeapon, Type: 410, Level: 2, Exp: 5}}
	if err := db.SaveCharacters(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.IssueToken(ctx, 42, a.ID, netip.MustParseAddr("127.0.0.1"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	keep, err := db.CreateAccount(ctx, "Kept", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAccount(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AccountByName(ctx, "Gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("account still there: %v", err)
	}
	if _, err := db.CharacterByName(ctx, "GoneHero"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("character still there: %v", err)
	}
	if _, err := db.AccountByID(ctx, keep.ID); err != nil {
		t.Fatalf("other account: %v", err)
	}
	if err := db.DeleteAccount(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	// The name is free again.
	if _, err := db.CreateAccount(ctx, "Gone", testHash); err != nil {
		t.Fatal(err)
	}
}

func (s *suite) testRenameAccount(t *testing.T) {
	ctx := context.Background()
	db, _ := s.openTest(t)
	a, err := db.CreateAccount(ctx, "alpha", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAccount(ctx, "beta", testHash); err != nil {
		t.Fatal(err)
	}
	if err := db.RenameAccount(ctx, "ALPHA", "BETA"); !errors.Is(err, store.ErrExists) {
		t.Fatalf("rename onto beta: %v", err)
	}
	if err := db.RenameAccount(ctx, "nobody", "gamma"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rename nobody: %v", err)
	}
	if err := db.RenameAccount(ctx, "alpha", "Alpha"); err != nil {
		t.Fatalf("case-only rename: %v", err)
	}
	if err := db.RenameAccount(ctx, "alpha", "Gamma"); err != nil {
		t.Fatal(err)
	}
	got, err := db.AccountByName(ctx, "gamma")
	if err != nil || got.ID != a.ID || got.Name != "Gamma" {
		t.Fatalf("after rename: %+v, %v", got, err)
	}
}
