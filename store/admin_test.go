package store

import (
	"context"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestOpenExistingRefusesMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "x.db")
	if _, err := OpenExisting(context.Background(), path); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("OpenExisting(missing) = %v, want ErrNoDatabase", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenExisting created the folder: %v", err)
	}
	_, existing := openTest(t)
	db, err := OpenExisting(context.Background(), existing)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Path() != existing {
		t.Fatalf("Path() = %q, want %q", db.Path(), existing)
	}
}

func TestInspect(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	v, err := Inspect(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v.Current != v.Latest || v.Latest < 3 {
		t.Fatalf("fresh database: %+v", v)
	}
	if _, err := db.w.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, v.Latest+1); err != nil {
		t.Fatal(err)
	}
	if v, err = Inspect(ctx, path); err != nil || v.Current != v.Latest+1 {
		t.Fatalf("newer schema: %+v, %v", v, err)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if _, err := Inspect(ctx, missing); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Inspect created the file: %v", err)
	}
}

func TestDeleteAccount(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	a, err := db.CreateAccount(ctx, "Gone", testHash)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateCharacter(ctx, testCharacter(a.ID, "GoneHero"))
	if err != nil {
		t.Fatal(err)
	}
	c.Vars = map[string]string{"quest": "1"}
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
	if _, err := db.AccountByName(ctx, "Gone"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("account still there: %v", err)
	}
	if _, err := db.CharacterByName(ctx, "GoneHero"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("character still there: %v", err)
	}
	if _, err := db.AccountByID(ctx, keep.ID); err != nil {
		t.Fatalf("other account: %v", err)
	}
	if err := db.DeleteAccount(ctx, "gone"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	// The name is free again.
	if _, err := db.CreateAccount(ctx, "Gone", testHash); err != nil {
		t.Fatal(err)
	}
}

func TestRenameAccount(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	a, err := db.CreateAccount(ctx, "alpha", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAccount(ctx, "beta", testHash); err != nil {
		t.Fatal(err)
	}
	if err := db.RenameAccount(ctx, "ALPHA", "BETA"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto beta: %v", err)
	}
	if err := db.RenameAccount(ctx, "nobody", "gamma"); !errors.Is(err, ErrNotFound) {
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

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	if _, err := db.CreateAccount(ctx, "saved", testHash); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, out); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second backup to the same file: %v", err)
	}
	cp, err := OpenExisting(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if _, err := cp.AccountByName(ctx, "saved"); err != nil {
		t.Fatalf("backup lacks the account: %v", err)
	}
}
