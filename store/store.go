// Package store is the server's persistent store: accounts, characters,
// items and one-time login tokens, kept in an embedded SQLite database
// through the pure-Go driver modernc.org/sqlite.
//
// # Items and money
//
// Item instances and money transfers are versioned (Save): a change is
// applied only if it is newer than what is stored, and a money move exactly
// once, so an item is never in two places and no coin is made or lost
// whatever order the game's saves arrive in (docs/ITEMS-STORE.md).
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL: when a write method
// returns nil the change has been fsynced and survives a crash of the
// process or the machine. Multi-row changes (SaveCharacters, Save) are one
// transaction: all rows or none.
//
// # Concurrency
//
// A *DB is safe for concurrent use by any number of goroutines. SQLite
// allows one writer at a time, so a DB keeps two connection pools: a
// single write connection, on which writers queue inside database/sql
// (honouring their contexts) instead of failing with SQLITE_BUSY, and a
// small pool of read-only connections that, thanks to WAL, read committed
// data while a write is in progress. Write transactions begin IMMEDIATE
// and every connection has a busy timeout, so other processes sharing the
// file wait for each other instead of failing.
//
// # Portability
//
// A PostgreSQL implementation will follow, so the SQL is kept plain: no
// collations (a lower-cased name_key column computed in Go carries the
// case-insensitive uniqueness), RETURNING only on DELETE, `?` placeholders
// in simple statements, times as INTEGER Unix microseconds.
//
// # Errors
//
// Methods return ErrNotFound, ErrExists, ErrNameTaken or ErrInvalid (test with
// errors.Is) for the expected failures, and wrap every other error with
// the operation that failed.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/coserver/coserver/names"
)

// DefaultPath is where the server keeps its database unless configured
// otherwise, relative to its working directory.
const DefaultPath = "data/coserver.db"

// Sentinel errors, wrapped by the methods; test with errors.Is.
var (
	// ErrNotFound: no such account, character or (unexpired) token.
	ErrNotFound = errors.New("not found")
	// ErrExists: the account name, login token, or the account's one
	// character already exists.
	ErrExists = errors.New("already exists")
	// ErrNameTaken: another character has this name (case-insensitive).
	ErrNameTaken = errors.New("name taken")
	// ErrInvalid: Save refused a batch that cannot be stored as it is (a
	// bad field, an item uid not handed out, money out of range, a broken
	// item limit); saving it again fails again.
	ErrInvalid = errors.New("invalid")
)

// Connection settings.
const (
	// driverName is the database/sql name modernc.org/sqlite registers.
	driverName = "sqlite"
	// BusyTimeout is how long a connection waits for a lock held by
	// another connection (normally another process) before failing.
	BusyTimeout = 5 * time.Second
	// maxReadConns bounds the read-only pool. Reads are short point
	// lookups; a handful of connections keeps them off the writer's path
	// without holding many file descriptors and page caches.
	maxReadConns = 4
	// dirPerm is the permission of a database directory Open creates.
	dirPerm = 0o750
)

// DB is an open store. Create it with Open and release it with Close.
type DB struct {
	// w is the single write connection: SQLite serializes writers, so
	// one connection makes them queue in database/sql rather than in
	// SQLite's busy handler.
	w *sql.DB
	// r is the read-only pool.
	r *sql.DB
	// path is the absolute path of the database file.
	path string
}

// Open opens (creating if needed) the database at path, creating its
// parent directory, and applies any pending migrations. path is a file
// path, not a URI; it must not contain '?'.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("store: open %q: invalid database path", path)
	}
	abs, err := filepath.Abs(path) // absolute: never mistaken for a "file:" URI
	if err != nil {
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), dirPerm); err != nil {
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}

	busy := "busy_timeout(" + strconv.FormatInt(BusyTimeout.Milliseconds(), 10) + ")"
	wq := url.Values{
		"_pragma": {busy, "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)"},
		// BEGIN IMMEDIATE takes the write lock up front: a deferred
		// transaction that reads and then writes could otherwise fail
		// with SQLITE_BUSY when another process wrote in between, which
		// the busy timeout cannot cure.
		"_txlock": {"immediate"},
	}
	w, err := sql.Open(driverName, abs+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	// Migrate on the writer before any reader exists: the first write
	// connection also switches the file to WAL, which is persistent.
	ms, err := loadMigrations(migrationsFS, migrationsDir)
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w, ms); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}

	rq := url.Values{"_pragma": {busy, "foreign_keys(1)", "query_only(1)"}}
	r, err := sql.Open(driverName, abs+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	r.SetMaxOpenConns(maxReadConns)
	r.SetMaxIdleConns(maxReadConns)
	r.SetConnMaxLifetime(0)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	return &DB{w: w, r: r, path: abs}, nil
}

// Close closes the database. Calls in progress finish first; later calls
// fail.
func (db *DB) Close() error {
	rerr := db.r.Close()
	werr := db.w.Close()
	if err := errors.Join(rerr, werr); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// migrationsFS holds the schema migrations, named NNNN_description.sql and
// applied in version order.
//
//go:embed migrations/*.sql
var migrationsFS embed.FS

// migrationsDir is the directory of migrationsFS holding the migrations.
const migrationsDir = "migrations"

// migration is one versioned schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads dir/*.sql. Versions are the decimal prefix before
// the first '_' and must run 1, 2, 3, ... without gaps or duplicates.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		prefix, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("store: migration %q: name must be NNNN_description.sql", name)
		}
		body, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("store: migration %q: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %q: version %d, want %d (gap or duplicate)", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations not yet recorded in schema_migrations,
// each in its own transaction together with its record, so a failure or a
// crash leaves the schema at the previous version. It refuses a database
// whose schema is newer than ms.
func migrate(ctx context.Context, db *sql.DB, ms []migration) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var current sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if current.Int64 > int64(len(ms)) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", current.Int64, len(ms))
	}
	for _, m := range ms {
		if err := applyMigration(ctx, db, m); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
	}
	return nil
}

// applyMigration applies m unless it is already recorded; the check runs
// inside the (immediate) transaction, so two processes starting together
// cannot both apply it.
func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	return inTx(ctx, db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			m.version, timeToDB(time.Now()))
		return err
	})
}

// inTx runs f in a transaction on db, committing if f returns nil and
// rolling back otherwise.
func inTx(ctx context.Context, db *sql.DB, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	return tx.Commit()
}

// timeToDB converts t to the stored form, Unix microseconds; the zero
// time is stored as 0.
func timeToDB(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// timeFromDB is the inverse of timeToDB; times come back in UTC.
func timeFromDB(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// nameKey is the case-insensitive uniqueness key of an account or
// character name: names.Key, the rule the throttle and the game use too.
func nameKey(name string) string { return names.Key(name) }

// constraintCode returns the SQLite extended result code of a constraint
// violation, or 0 if err is not one.
func constraintCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return se.Code()
	}
	return 0
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	c := constraintCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isForeignKey reports whether err is a FOREIGN KEY violation.
func isForeignKey(err error) bool {
	return constraintCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
