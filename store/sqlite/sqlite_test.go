package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/storetest"
)

// testHash is a syntactically valid password hash; the store does not
// interpret it.
const testHash = "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"

// opener makes the suite's databases: files in a temporary directory.
var opener = storetest.Opener{
	New: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "sub", "dir", "test.db")
	},
	Open:       Open,
	Migrations: Migrations(),
}

// TestStore runs the store's suite on SQLite.
func TestStore(t *testing.T) { storetest.Run(t, opener) }

// BenchmarkStore runs the store's benchmarks on SQLite.
func BenchmarkStore(b *testing.B) { storetest.Bench(b, opener) }

// FuzzSaveItem is the suite's item fuzz target on SQLite.
func FuzzSaveItem(f *testing.F) { storetest.Fuzz(f, opener) }

// openTest opens a fresh database in a temporary directory, closed at the
// end of the test. It returns the database and its path.
func openTest(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := opener.New(t)
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

func TestOpenPragmas(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
	} {
		var got string
		if err := db.QueryRow(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tc.pragma, err)
		}
		if !strings.EqualFold(got, tc.want) {
			t.Errorf("reader PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
		}
	}
	// The read pool must not be able to write.
	if rows, err := db.Query(ctx, `DELETE FROM accounts`); err == nil {
		rows.Close()
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

func TestLoadMigrationsValidation(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name  string
		files fstest.MapFS
		ok    bool
	}{
		{"ordered", fstest.MapFS{"0002_b.sql": file, "0001_a.sql": file, "README": file}, true},
		{"gap", fstest.MapFS{"0001_a.sql": file, "0003_c.sql": file}, false},
		{"duplicate", fstest.MapFS{"0001_a.sql": file, "001_b.sql": file}, false},
		{"no number", fstest.MapFS{"init.sql": file}, false},
		{"zero", fstest.MapFS{"0000_a.sql": file}, false},
	}
	for _, tt := range tests {
		ms, err := store.LoadMigrations(tt.files)
		if (err == nil) != tt.ok {
			t.Errorf("%s: LoadMigrations = %v, %v; ok want %v", tt.name, ms, err, tt.ok)
		}
		if tt.ok && (len(ms) != 2 || ms[0].Version != 1 || ms[1].Version != 2) {
			t.Errorf("%s: migrations out of order: %+v", tt.name, ms)
		}
	}
}

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
	if db.String() != "sqlite "+existing {
		t.Fatalf("String() = %q, want sqlite %q", db.String(), existing)
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
	if _, err := db.Exec(context.Background(), `INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, v.Latest+1); err != nil {
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

// TestSQLiteLowerIsNamesKey checks the fact migration 0002 relies on:
// SQLite's lower() folds exactly as names.Key does.
func TestLowerIsNamesKey(t *testing.T) {
	db, _ := openTest(t)
	for _, name := range []string{"KiRk", "\u212Airk", "\u00c9MILE", "\u0130x", "a_B~!-9"} {
		var got string
		if err := db.QueryRow(context.Background(), `SELECT lower(?)`, name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != names.Key(name) {
			t.Errorf("lower(%q) = %q, names.Key gives %q", name, got, names.Key(name))
		}
	}
}

// TestTablesListsEveryTable: store.Copy copies store.Tables; a table a
// migration adds must be listed there too.
func TestTablesListsEveryTable(t *testing.T) {
	db, _ := openTest(t)
	rows, err := db.Query(context.Background(), `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	want := slices.Sorted(slices.Values(store.Tables()))
	if !slices.Equal(got, want) {
		t.Errorf("tables %v, store.Tables() %v", got, want)
	}
}
