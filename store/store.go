// Package store is the server's persistent store: accounts, characters,
// items and one-time login tokens. It holds the types, the errors and the
// SQL, written once for database/sql; a database engine plugs in through
// Backend. The engines are subpackages: store/sqlite (an embedded SQLite
// file, the default) and store/postgres (PostgreSQL through pgx); package
// store/backend picks one from the -db setting. This package imports no
// driver.
//
// # Items and money
//
// Item instances and money transfers are versioned (Save): a change is
// applied only if it is newer than what is stored, and a money move exactly
// once, so an item is never in two places and no coin is made or lost
// whatever order the game's saves arrive in (docs/ITEMS-STORE.md).
//
// # Durability and concurrency
//
// When a write method returns nil the change is durable (SQLite:
// synchronous=FULL in WAL mode; PostgreSQL: a committed transaction).
// Multi-row changes (SaveCharacters, Save) are one transaction: all rows or
// none. A *DB is safe for concurrent use. It keeps two pools: a single
// write connection, on which writers queue inside database/sql, and a small
// read pool. Write transactions are serialised across processes too
// (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction advisory lock taken by
// Backend.BeginWrite), so the read-then-write steps inside them see no
// other writer.
//
// # Portability
//
// The SQL is kept plain: no collations (a lower-cased name_key column
// computed in Go carries the case-insensitive uniqueness), RETURNING for
// generated ids and consumed rows, `?` placeholders (rewritten by
// Backend.Rebind), times as 64-bit integer Unix microseconds, booleans as
// 0/1 integers.
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
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

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
	// ErrUnsupported: the backend cannot do this (such as Backup on
	// PostgreSQL, whose own tools do it).
	ErrUnsupported = errors.New("not supported by this database")
)

// Backend is what a database engine supplies to a DB: the SQL dialect's
// differences, error classification, and the operations outside SQL.
type Backend interface {
	// Name names the engine and the database for logs ("sqlite
	// /var/lib/coserver/coserver.db", "postgres db@host:port").
	Name() string
	// Rebind rewrites a query written with ? placeholders for the engine.
	// It is called on every query, so it must not allocate once warm.
	Rebind(query string) string
	// IsUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
	IsUnique(err error) bool
	// IsForeignKey reports whether err is a FOREIGN KEY violation.
	IsForeignKey(err error) bool
	// BeginWrite runs first in every write transaction, to serialise
	// writers across processes where BEGIN alone does not.
	BeginWrite(ctx context.Context, tx *sql.Tx) error
	// Retryable reports whether a write transaction that failed with err
	// (at its COMMIT when commit is set) was certainly rolled back by a
	// lost connection or a like failure, so that running it again on a
	// new connection may succeed and applies nothing twice.
	Retryable(err error, commit bool) bool
	// SyncSequences moves the generated-id sequences past the ids of
	// rows inserted with explicit ids (after Copy).
	SyncSequences(ctx context.Context, tx *sql.Tx) error
	// Lock takes the process-wide lock called name without waiting (see
	// DB.Lock).
	Lock(ctx context.Context, name string) (*Lock, error)
	// Backup writes a consistent copy of the database to a new file.
	Backup(ctx context.Context, w *sql.DB, path string) error
	// Close releases what the backend holds beside the two pools.
	Close() error
}

// DB is an open store. Create it with a backend's Open (or New) and
// release it with Close.
type DB struct {
	// w is the single write connection.
	w pool
	// r is the read pool.
	r pool
	// b is the engine.
	b Backend
}

// New makes a DB of a backend's two pools, after applying to w the
// migrations in the root of fsys that the database lacks. New owns w, r
// and b from then on, closing them if it fails.
func New(ctx context.Context, w, r *sql.DB, b Backend, migrations fs.FS) (*DB, error) {
	db := &DB{w: pool{w, b}, r: pool{r, b}, b: b}
	fail := func(err error) (*DB, error) {
		return nil, errors.Join(fmt.Errorf("store: open %s: %w", b.Name(), err), db.Close())
	}
	ms, err := LoadMigrations(migrations)
	if err != nil {
		return fail(err)
	}
	if err := db.migrate(ctx, ms); err != nil {
		return fail(err)
	}
	if err := r.PingContext(ctx); err != nil {
		return fail(err)
	}
	return db, nil
}

// Close closes the database. Calls in progress finish first; later calls
// fail.
func (db *DB) Close() error {
	err := errors.Join(db.r.Close(), db.w.Close(), db.b.Close())
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// String names the engine and the database, for logs.
func (db *DB) String() string { return db.b.Name() }

// Backup writes a consistent copy of the database to path, a file that
// must not exist yet, while the server runs (SQLite only: ErrUnsupported
// elsewhere).
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := db.b.Backup(ctx, db.w.DB, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// pool is a database/sql pool whose queries are rebound for its backend.
type pool struct {
	*sql.DB
	b Backend
}

// ExecContext runs query, rebound.
func (p pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.DB.ExecContext(ctx, p.b.Rebind(query), args...)
}

// QueryContext runs query, rebound.
func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.DB.QueryContext(ctx, p.b.Rebind(query), args...)
}

// QueryRowContext runs query, rebound.
func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.DB.QueryRowContext(ctx, p.b.Rebind(query), args...)
}

// Tx is a write transaction whose queries are rebound for the backend.
type Tx struct {
	*sql.Tx
	b Backend
}

// ExecContext runs query, rebound.
func (tx Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(ctx, tx.b.Rebind(query), args...)
}

// QueryContext runs query, rebound.
func (tx Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(ctx, tx.b.Rebind(query), args...)
}

// QueryRowContext runs query, rebound.
func (tx Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(ctx, tx.b.Rebind(query), args...)
}

// PrepareContext prepares query, rebound.
func (tx Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.Tx.PrepareContext(ctx, tx.b.Rebind(query))
}

// Exec runs one statement on the write connection, outside Save's rules:
// for tools (migrate) and backend tests. The query uses ? placeholders.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.w.ExecContext(ctx, query, args...)
}

// Query runs a read-only query on the read pool, for tools (migrate) and
// backend tests. The query uses ? placeholders.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, query, args...)
}

// QueryRow runs a read-only query returning one row on the read pool, for
// tools and backend tests. The query uses ? placeholders.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, query, args...)
}

// Migration is one versioned schema change, from a file named
// NNNN_description.sql.
type Migration struct {
	// Version is NNNN: migrations run 1, 2, 3, ... in order.
	Version int
	// Name is the file name.
	Name string
	// SQL is the file's statements, run in one transaction.
	SQL string
}

// LoadMigrations reads the *.sql files in the root of fsys. Versions are
// the decimal prefix before the first '_' and must run 1, 2, 3, ...
// without gaps or duplicates.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var ms []Migration
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
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("store: migration %q: %w", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migration %q: version %d, want %d (gap or duplicate)", m.Name, m.Version, i+1)
		}
	}
	return ms, nil
}

// Migrate applies the migrations of ms not yet recorded in
// schema_migrations, each in its own transaction together with its record,
// so a failure or a crash leaves the schema at the previous version. It
// refuses a database whose schema is newer than ms. New runs it; it is
// exported for backend tests.
func (db *DB) Migrate(ctx context.Context, ms []Migration) error {
	return db.migrate(ctx, ms)
}

func (db *DB) migrate(ctx context.Context, ms []Migration) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		applied_at BIGINT NOT NULL
	)`
	if _, err := db.w.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	current, err := db.schemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", current, len(ms))
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	return nil
}

// SchemaVersion is a database's schema version beside the newest this
// program knows (the backends' Inspect).
type SchemaVersion struct {
	// Current is the highest migration applied (0: a database without
	// the store's schema).
	Current int
	// Latest is the number of migrations this program embeds.
	Latest int
}

// schemaVersion returns the highest migration version recorded.
func (db *DB) schemaVersion(ctx context.Context) (int, error) {
	var current sql.NullInt64
	if err := db.w.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(current.Int64), nil
}

// applyMigration applies m unless it is already recorded; the check runs
// inside the write transaction, so two processes starting together cannot
// both apply it.
func (db *DB) applyMigration(ctx context.Context, m Migration) error {
	return db.inTx(ctx, func(tx Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Tx.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			m.Version, timeToDB(time.Now()))
		return err
	})
}

// maxTxAttempts is how many times inTx runs a transaction that fails in a
// way Backend.Retryable allows.
const maxTxAttempts = 5

// inTx runs f in a write transaction, committing if f returns nil and
// rolling back otherwise. A transaction that fails with a transient error
// (a connection lost, PostgreSQL restarted) before its COMMIT was sent is
// run again on a new connection, up to maxTxAttempts times: the server
// rolled it back, so nothing of it is applied twice. A COMMIT that may
// have reached the server is returned as an error, its outcome unknown
// (Save is idempotent: the game saves the same batch again).
func (db *DB) inTx(ctx context.Context, f func(Tx) error) error {
	var err error
	for range maxTxAttempts {
		var committing bool
		committing, err = db.tryTx(ctx, f)
		if err == nil || !db.b.Retryable(err, committing) || ctx.Err() != nil {
			return err
		}
	}
	return fmt.Errorf("%d attempts: %w", maxTxAttempts, err)
}

// tryTx is one attempt of inTx; committing reports a failed COMMIT.
func (db *DB) tryTx(ctx context.Context, f func(Tx) error) (committing bool, err error) {
	stx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	tx := Tx{stx, db.b}
	if err = db.b.BeginWrite(ctx, stx); err == nil {
		err = f(tx)
	} else {
		err = fmt.Errorf("begin write: %w", err)
	}
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && !db.b.Retryable(rerr, false) {
			return false, errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return true, fmt.Errorf("commit: %w", err)
	}
	return false, nil
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

// boolToDB is the stored form of a flag, 0 or 1.
func boolToDB(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// nameKey is the case-insensitive uniqueness key of an account or
// character name: names.Key, the rule the throttle and the game use too.
func nameKey(name string) string { return names.Key(name) }

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func (db *DB) isUnique(err error) bool { return err != nil && db.b.IsUnique(err) }

// isForeignKey reports whether err is a FOREIGN KEY violation.
func (db *DB) isForeignKey(err error) bool { return err != nil && db.b.IsForeignKey(err) }
