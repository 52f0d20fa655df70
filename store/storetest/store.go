package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
)

// testHash is a syntactically valid password hash; the store does not
// interpret it.
const testHash = "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"

// openTest opens a fresh database, closed at the end of the test. It
// returns the database and its DSN.
func (s *suite) openTest(t testing.TB) (*store.DB, string) {
	t.Helper()
	dsn := s.o.New(t)
	db, err := s.o.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, dsn
}

// reopen closes db and opens dsn again.
func (s *suite) reopen(t *testing.T, db *store.DB, dsn string) *store.DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db2, err := s.o.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { db2.Close() })
	return db2
}

// schemaVersions returns the recorded migration versions.
func schemaVersions(t *testing.T, db *store.DB) []int {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT version FROM schema_migrations ORDER BY version`)
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

func (s *suite) testMigrationsFreshAndIdempotent(t *testing.T) {
	ms, err := store.LoadMigrations(s.o.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	db, path := s.openTest(t)
	want := fmt.Sprint(len(ms))
	if got := fmt.Sprint(len(schemaVersions(t, db))); got != want {
		t.Fatalf("fresh db has %s migrations recorded, want %s", got, want)
	}
	for _, table := range []string{"accounts", "characters", "login_tokens"} {
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Errorf("table %s missing (%d, %v)", table, n, err)
		}
	}
	// Reopening twice applies nothing new and keeps data.
	if _, err := db.CreateAccount(context.Background(), "keep", testHash); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		db = s.reopen(t, db, path)
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

func (s *suite) testMigrateFailureRollsBack(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	ms, err := store.LoadMigrations(s.o.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	bad := append(ms[:len(ms):len(ms)], store.Migration{
		Version: len(ms) + 1,
		Name:    "bad.sql",
		SQL:     `CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);`,
	})
	if err := db.Migrate(ctx, bad); err == nil {
		t.Fatal("migrate with a failing migration succeeded")
	}
	if _, err := db.Exec(ctx, `SELECT COUNT(*) FROM half_done`); err == nil {
		t.Fatal("failed migration left table half_done")
	}
	if got := len(schemaVersions(t, db)); got != len(ms) {
		t.Fatalf("failed migration recorded: %d versions", got)
	}
}

func (s *suite) testMigrateRefusesNewerSchema(t *testing.T) {
	db, path := s.openTest(t)
	if _, err := db.Exec(context.Background(), `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db2, err := s.o.Open(context.Background(), path); err == nil {
		db2.Close()
		t.Fatal("Open accepted a database with a newer schema")
	}
}

func (s *suite) testDataSurvivesReopen(t *testing.T) {
	db, path := s.openTest(t)
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

	db = s.reopen(t, db, path)
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
func (s *suite) testConcurrentCreate(t *testing.T) {
	db, path := s.openTest(t)
	other, err := s.o.Open(context.Background(), path)
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
		if ids[c.ID] || c.ID < store.FirstCharacterID {
			t.Fatalf("character id %d duplicate or out of range", c.ID)
		}
		ids[c.ID] = true
	}
}

func (s *suite) testClosedDBFails(t *testing.T) {
	db, err := s.o.Open(context.Background(), s.o.New(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateAccount(context.Background(), "late", testHash)
	if err == nil || errors.Is(err, store.ErrExists) {
		t.Fatalf("CreateAccount after Close = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "store: create account") {
		t.Errorf("error lacks context: %v", err)
	}
}
