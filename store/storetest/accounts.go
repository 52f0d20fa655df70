package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
)

func (s *suite) testAccountCRUD(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()

	before := time.Now().Add(-time.Second)
	a, err := db.CreateAccount(ctx, "Alice", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID <= 0 || a.Name != "Alice" || a.PasswordHash != testHash || a.Status != store.StatusActive || a.GM ||
		a.Created.Before(before) || !a.LastLogin.IsZero() {
		t.Fatalf("CreateAccount = %+v", a)
	}
	for _, name := range []string{"Alice", "alice", "ALICE"} {
		got, err := db.AccountByName(ctx, name)
		if err != nil || got != a {
			t.Fatalf("AccountByName(%q) = %+v, %v; want %+v", name, got, err, a)
		}
	}
	if got, err := db.AccountByID(ctx, a.ID); err != nil || got != a {
		t.Fatalf("AccountByID = %+v, %v; want %+v", got, err, a)
	}

	if err := db.SetPassword(ctx, a.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStatus(ctx, "ALICE", store.StatusBanned); err != nil {
		t.Fatal(err)
	}
	if err := db.SetGM(ctx, "alice", true); err != nil {
		t.Fatal(err)
	}
	login := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.FixedZone("X", 3600))
	if err := db.RecordLogin(ctx, a.ID, login); err != nil {
		t.Fatal(err)
	}
	got, err := db.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "new-hash" || got.Status != store.StatusBanned || !got.GM || !got.LastLogin.Equal(login) {
		t.Fatalf("after updates: %+v", got)
	}
	if err := db.SetGM(ctx, "alice", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.AccountByID(ctx, a.ID); got.GM {
		t.Fatal("SetGM(false) did not revoke")
	}
	if err := db.SetStatus(ctx, "alice", store.Status(7)); err == nil {
		t.Fatal("SetStatus accepted an unknown status")
	}
}

func (s *suite) testAccountNotFound(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	checks := map[string]error{
		"AccountByName": func() error { _, err := db.AccountByName(ctx, "nobody"); return err }(),
		"AccountByID":   func() error { _, err := db.AccountByID(ctx, 42); return err }(),
		"SetPassword":   db.SetPassword(ctx, 42, testHash),
		"SetStatus":     db.SetStatus(ctx, "nobody", store.StatusBanned),
		"SetGM":         db.SetGM(ctx, "nobody", true),
		"RecordLogin":   db.RecordLogin(ctx, 42, time.Now()),
	}
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s = %v, want store.ErrNotFound", name, err)
		}
	}
	if as, err := db.ListAccounts(ctx); err != nil || len(as) != 0 {
		t.Errorf("ListAccounts on empty db = %v, %v", as, err)
	}
}

func (s *suite) testAccountNameCaseInsensitiveUnique(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	if _, err := db.CreateAccount(ctx, "Bob", testHash); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Bob", "bob", "BOB", "bOb"} {
		_, err := db.CreateAccount(ctx, name, testHash)
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("CreateAccount(%q) = %v, want store.ErrExists", name, err)
		}
	}
	if _, err := db.CreateAccount(ctx, "", testHash); err == nil {
		t.Error("CreateAccount with empty name succeeded")
	}
	as, err := db.ListAccounts(ctx)
	if err != nil || len(as) != 1 || as[0].Name != "Bob" {
		t.Fatalf("ListAccounts = %+v, %v", as, err)
	}
}

func (s *suite) testListAccountsOrdered(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	names := []string{"zed", "amy", "Mo"}
	for _, n := range names {
		if _, err := db.CreateAccount(ctx, n, testHash); err != nil {
			t.Fatal(err)
		}
	}
	as, err := db.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range as {
		if a.Name != names[i] || (i > 0 && a.ID <= as[i-1].ID) {
			t.Fatalf("ListAccounts = %+v", as)
		}
	}
}

func (s *suite) testStatusString(t *testing.T) {
	for s, want := range map[store.Status]string{store.StatusActive: "active", store.StatusBanned: "banned", 9: "Status(9)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", uint8(s), got, want)
		}
	}
}

// TestNameKeyUnicode: names compare by names.Key, so a name spelt with the
// Kelvin sign (U+212A, which strings.ToLower folds to "k") is another name
// than its ASCII look-alike, for accounts and characters alike.
func (s *suite) testNameKeyUnicode(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	kirk, err := db.CreateAccount(ctx, "kirk", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := db.AccountByName(ctx, "\u212Airk"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("AccountByName(Kelvin irk) = %+v, %v; want store.ErrNotFound", a, err)
	}
	kelvin, err := db.CreateAccount(ctx, "\u212Airk", testHash)
	if err != nil {
		t.Fatalf("CreateAccount(Kelvin irk): %v", err)
	}
	if got, err := db.AccountByName(ctx, "KIRK"); err != nil || got.ID != kirk.ID {
		t.Fatalf("AccountByName(KIRK) = %+v, %v", got, err)
	}
	if _, err := db.CreateCharacter(ctx, testCharacter(kirk.ID, "Kirk")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateCharacter(ctx, testCharacter(kelvin.ID, "\u212Airk")); err != nil {
		t.Fatalf("character named with the Kelvin sign refused: %v", err)
	}
	if c, err := db.CharacterByName(ctx, "\u212AIRK"); err != nil || c.AccountID != kelvin.ID {
		t.Fatalf("CharacterByName(Kelvin IRK) = %+v, %v", c, err)
	}
}
