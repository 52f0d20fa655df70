package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// testHash is a syntactically valid password hash; the store does not
// interpret it.
const testHash = "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"

// openTest opens a fresh database in a temporary directory, closed at the
// end of the test. It returns the database and its path.
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "dir", "test.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, path
}

// reopen closes db and opens path again.
func reopen(t *testing.T, db *DB, path string) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { db2.Close() })
	return db2
}

// schemaVersions returns the recorded migration versions.
func schemaVersions(t *testing.T, db *DB) []int {
	t.Helper()
	rows, err := db.r.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestOpenPragmas(t *testing.T) {
	db, _ := openTest(t)
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "2"}, // FULL
		{"busy_timeout", "5000"},
	} {
		var got string
		if err := db.w.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tc.pragma, err)
		}
		if !strings.EqualFold(got, tc.want) {
			t.Errorf("writer PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
		}
	}
	var fk string
	if err := db.r.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != "1" {
		t.Errorf("reader PRAGMA foreign_keys = %q, %v; want 1", fk, err)
	}
	// The read pool must not be able to write.
	if _, err := db.r.Exec(`DELETE FROM accounts`); err == nil {
		t.Error("write through the read-only pool succeeded")
	}
}

func TestOpenBadPath(t *testing.T) {
	for _, p := range []string{"", "a?b.db"} {
		if db, err := Open(context.Background(), p); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func TestMigrationsFreshAndIdempotent(t *testing.T) {
	ms, err := loadMigrations(migrationsFS, migrationsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	db, path := openTest(t)
	want := fmt.Sprint(len(ms))
	if got := fmt.Sprint(len(schemaVersions(t, db))); got != want {
		t.Fatalf("fresh db has %s migrations recorded, want %s", got, want)
	}
	for _, table := range []string{"accounts", "characters", "login_tokens"} {
		var n int
		if err := db.r.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s missing (%d, %v)", table, n, err)
		}
	}
	// Reopening twice applies nothing new and keeps data.
	if _, err := db.CreateAccount(context.Background(), "keep", testHash); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		db = reopen(t, db, path)
		vs := schemaVersions(t, db)
		for i, v := range vs {
			if v != i+1 {
				t.Fatalf("versions after reopen = %v", vs)
			}
		}
		if len(vs) != len(ms) {
			t.Fatalf("versions after reopen = %v, want %d", vs, len(ms))
		}
	}
	if _, err := db.AccountByName(context.Background(), "keep"); err != nil {
		t.Fatalf("account lost across reopen: %v", err)
	}
}

func TestMigrateFailureRollsBack(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	ms, err := loadMigrations(migrationsFS, migrationsDir)
	if err != nil {
		t.Fatal(err)
	}
	bad := append(ms[:len(ms):len(ms)], migration{
		version: len(ms) + 1,
		name:    "bad.sql",
		sql:     `CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);`,
	})
	if err := migrate(ctx, db.w, bad); err == nil {
		t.Fatal("migrate with a failing migration succeeded")
	}
	var n int
	if err := db.r.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("failed migration left table half_done (%d, %v)", n, err)
	}
	if got := len(schemaVersions(t, db)); got != len(ms) {
		t.Fatalf("failed migration recorded: %d versions", got)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	db, path := openTest(t)
	if _, err := db.w.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db2, err := Open(context.Background(), path); err == nil {
		db2.Close()
		t.Fatal("Open accepted a database with a newer schema")
	}
}

func TestLoadMigrationsValidation(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name  string
		files fstest.MapFS
		ok    bool
	}{
		{"ordered", fstest.MapFS{"m/0002_b.sql": file, "m/0001_a.sql": file, "m/README": file}, true},
		{"gap", fstest.MapFS{"m/0001_a.sql": file, "m/0003_c.sql": file}, false},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": file, "m/001_b.sql": file}, false},
		{"no number", fstest.MapFS{"m/init.sql": file}, false},
		{"zero", fstest.MapFS{"m/0000_a.sql": file}, false},
	}
	for _, tt := range tests {
		ms, err := loadMigrations(tt.files, "m")
		if (err == nil) != tt.ok {
			t.Errorf("%s: loadMigrations = %v, %v; ok want %v", tt.name, ms, err, tt.ok)
		}
		if tt.ok && (len(ms) != 2 || ms[0].version != 1 || ms[1].version != 2) {
			t.Errorf("%s: migrations out of order: %+v", tt.name, ms)
		}
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "Survivor", testHash)
	if err != nil {
		t.Fatal(err)
	}
	login := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	if err := db.RecordLogin(ctx, a.ID, login); err != nil {
		t.Fatal(err)
	}
	if err := db.SetGM(ctx, "survivor", true); err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateCharacter(ctx, testCharacter(a.ID, "Hero"))
	if err != nil {
		t.Fatal(err)
	}
	c.X, c.Y, c.MapID, c.Exp = 400, 401, 1002, 1<<63+5
	if err := db.SaveCharacters(ctx, c); err != nil {
		t.Fatal(err)
	}

	db = reopen(t, db, path)
	got, err := db.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.GM, a.LastLogin = true, login
	if got != a {
		t.Errorf("account after reopen = %+v, want %+v", got, a)
	}
	gc, err := db.CharacterByAccount(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gc.X != 400 || gc.Y != 401 || gc.MapID != 1002 || gc.Exp != 1<<63+5 || gc.Name != "Hero" {
		t.Errorf("character after reopen = %+v", gc)
	}
}

// TestConcurrentCreate runs 100 goroutines creating accounts at once, half
// through a second DB on the same file (as a second process would), with
// readers in between. None may see SQLITE_BUSY or any other error.
func TestConcurrentCreate(t *testing.T) {
	db, path := openTest(t)
	other, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	const goroutines = 100
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 2*goroutines)
	for i := range goroutines {
		wg.Go(func() {
			h := db
			if i%2 == 1 {
				h = other
			}
			name := fmt.Sprintf("Player%03d", i)
			a, err := h.CreateAccount(ctx, name, testHash)
			if err != nil {
				errs <- err
				return
			}
			if _, err := h.CreateCharacter(ctx, testCharacter(a.ID, "Char"+name)); err != nil {
				errs <- err
			}
			if _, err := h.AccountByName(ctx, strings.ToUpper(name)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	as, err := db.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != goroutines {
		t.Fatalf("%d accounts, want %d", len(as), goroutines)
	}
	ids := map[uint32]bool{}
	for _, a := range as {
		c, err := db.CharacterByAccount(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ids[c.ID] || c.ID < FirstCharacterID {
			t.Fatalf("character id %d duplicate or out of range", c.ID)
		}
		ids[c.ID] = true
	}
}

func TestClosedDBFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "closed.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateAccount(context.Background(), "late", testHash)
	if err == nil || errors.Is(err, ErrExists) {
		t.Fatalf("CreateAccount after Close = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "store: create account") {
		t.Errorf("error lacks context: %v", err)
	}
}
