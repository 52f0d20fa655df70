package postgres

import (
	"strings"
	"testing"

	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/sqlite"
	"github.com/coserver/coserver/store/storetest"
)

// opener makes the suite's databases: one schema per test in the database
// of COSERVER_TEST_POSTGRES.
var opener = storetest.Opener{
	New: func(t testing.TB) string {
		return storetest.NewPostgresSchema(t, storetest.PostgresDSN(t))
	},
	Open:       Open,
	Migrations: Migrations(),
}

// TestStore runs the store's suite on PostgreSQL.
func TestStore(t *testing.T) {
	storetest.PostgresDSN(t)
	storetest.Run(t, opener)
}

// BenchmarkStore runs the store's benchmarks on PostgreSQL.
func BenchmarkStore(b *testing.B) {
	storetest.PostgresDSN(b)
	storetest.Bench(b, opener)
}

// FuzzSaveItem is the suite's item fuzz target on PostgreSQL.
func FuzzSaveItem(f *testing.F) {
	storetest.PostgresDSN(f)
	storetest.Fuzz(f, opener)
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`:                           `SELECT 1`,
		`a = ? AND b = ?`:                    `a = $1 AND b = $2`,
		`x = '?' AND y = ? AND z = 'it''s?'`: `x = '?' AND y = $1 AND z = 'it''s?'`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// contains is strings.Contains, for the tests.
func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestMigrationsMirrorSQLite: every SQLite migration has its PostgreSQL
// form under the same file name, so both backends reach the same schema
// version.
func TestMigrationsMirrorSQLite(t *testing.T) {
	pg, err := store.LoadMigrations(Migrations())
	if err != nil {
		t.Fatal(err)
	}
	lite, err := store.LoadMigrations(sqlite.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) != len(lite) {
		t.Fatalf("%d PostgreSQL migrations, %d SQLite ones: add store/postgres/migrations/%s", len(pg), len(lite), lite[len(lite)-1].Name)
	}
	for i := range pg {
		if pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: %s (PostgreSQL) vs %s (SQLite)", i+1, pg[i].Name, lite[i].Name)
		}
	}
}

// TestRebindCachedAllocatesNothing: a warm query costs a map lookup only.
func TestRebindCachedAllocatesNothing(t *testing.T) {
	b := &backend{}
	const q = `SELECT a FROM t WHERE b = ? AND c = ?`
	b.Rebind(q)
	if n := testing.AllocsPerRun(100, func() { b.Rebind(q) }); n != 0 {
		t.Errorf("Rebind of a cached query: %v allocations", n)
	}
}
