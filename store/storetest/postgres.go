package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables that point the tests at a PostgreSQL server.
const (
	// EnvPostgres holds the DSN of a database the tests may fill with
	// schemas of their own (.ci/postgres.sh prints one).
	EnvPostgres = "COSERVER_TEST_POSTGRES"
	// EnvRequirePostgres, set to 1, makes a missing EnvPostgres fail the
	// PostgreSQL tests instead of skipping them (CI sets it).
	EnvRequirePostgres = "COSERVER_REQUIRE_POSTGRES"
	// schemaTimeout bounds creating or dropping a test schema.
	schemaTimeout = 30 * time.Second
)

// schemaSeq numbers the schemas this test process creates.
var schemaSeq atomic.Int64

// PostgresDSN returns the DSN in EnvPostgres. Without one it skips t, or
// fails it when EnvRequirePostgres is 1.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		if os.Getenv(EnvRequirePostgres) == "1" {
			t.Fatalf("%s=1 but %s is not set (run .ci/postgres.sh)", EnvRequirePostgres, EnvPostgres)
		}
		t.Skipf("%s not set: no PostgreSQL to test against", EnvPostgres)
	}
	return dsn
}

// NewPostgresSchema creates an empty schema in the database of dsn, dropped
// with its tables at the end of t, and returns dsn with search_path set to
// it: a fresh database for one test.
func NewPostgresSchema(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL: %q", EnvPostgres, dsn)
	}
	name := fmt.Sprintf("t%d_%d_%s", os.Getpid(), schemaSeq.Add(1),
		strings.ToLower(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, t.Name())))
	if len(name) > 63 { // PostgreSQL's identifier limit
		name = name[:63]
	}
	exec := func(sql string) {
		ctx, cancel := context.WithTimeout(context.Background(), schemaTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Errorf("postgres: %s: %v", sql, err)
		}
	}
	exec(`CREATE SCHEMA "` + name + `"`)
	t.Cleanup(func() { exec(`DROP SCHEMA "` + name + `" CASCADE`) })
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
