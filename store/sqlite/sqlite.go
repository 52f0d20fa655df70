// Package sqlite is the store's SQLite backend: the database is one file,
// opened through the pure-Go driver modernc.org/sqlite.
//
// The database runs in WAL mode with synchronous=FULL: when a write
// returns nil the change has been fsynced and survives a crash of the
// process or the machine. SQLite allows one writer at a time, so the store
// keeps a single write connection, on which writers queue inside
// database/sql (honouring their contexts) instead of failing with
// SQLITE_BUSY, and a small pool of read-only connections that, thanks to
// WAL, read committed data while a write is in progress. Write
// transactions begin IMMEDIATE and every connection has a busy timeout, so
// other processes sharing the file wait for each other instead of failing.
package sqlite

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
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/coserver/coserver/store"
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
	// lockFilePerm is the permission of a lock file Lock creates.
	lockFilePerm = 0o600
	// maxHolderBytes bounds what readHolder reads from a lock file.
	maxHolderBytes = 32
)

// ErrNoDatabase is returned by OpenExisting and Inspect when the database
// file does not exist.
var ErrNoDatabase = errors.New("no database file")

// migrationsFS holds the schema migrations, named NNNN_description.sql and
// applied in version order.
//
//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations returns the SQLite schema migrations.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationsFS, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists: a build error
	}
	return sub
}

// Open opens (creating if needed) the database at path, creating its
// parent directory, and applies any pending migrations. path is a file
// path, not a URI; it must not contain '?'.
func Open(ctx context.Context, path string) (*store.DB, error) {
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

	rq := url.Values{"_pragma": {busy, "foreign_keys(1)", "query_only(1)"}}
	r, err := sql.Open(driverName, abs+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	r.SetMaxOpenConns(maxReadConns)
	r.SetMaxIdleConns(maxReadConns)
	r.SetConnMaxLifetime(0)
	// New migrates on the writer before any reader connects: the first
	// write connection also switches the file to WAL, which is persistent.
	return store.New(ctx, w, r, &backend{path: abs}, Migrations())
}

// OpenExisting is Open for a database that must already exist: the admin
// commands use it so that a mistyped -db path is reported instead of
// creating an empty database. It returns ErrNoDatabase when path does not
// exist.
func OpenExisting(ctx context.Context, path string) (*store.DB, error) {
	if err := mustExist(path); err != nil {
		return nil, err
	}
	return Open(ctx, path)
}

// mustExist returns ErrNoDatabase (wrapped, naming the absolute path) if
// path does not exist, and an error if it is not a regular file.
func mustExist(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		abs, _ := filepath.Abs(path)
		return fmt.Errorf("store: open %s: %w", abs, ErrNoDatabase)
	}
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("store: open %s: not a regular file", path)
	}
	return nil
}

// Inspect reads the schema version of the database at path without
// changing anything (read-only, no migration, no file created). It returns
// ErrNoDatabase (wrapped) when the file does not exist.
func Inspect(ctx context.Context, path string) (store.SchemaVersion, error) {
	var v store.SchemaVersion
	ms, err := store.LoadMigrations(Migrations())
	if err != nil {
		return v, err
	}
	v.Latest = len(ms)
	if err := mustExist(path); err != nil {
		return v, err
	}
	abs, err := filepath.Abs(path)
	if err != nil || strings.ContainsRune(abs, '?') {
		return v, fmt.Errorf("store: inspect %q: invalid database path", path)
	}
	q := url.Values{"mode": {"ro"}, "_pragma": {"query_only(1)"}}
	db, err := sql.Open(driverName, "file:"+abs+"?"+q.Encode())
	if err != nil {
		return v, fmt.Errorf("store: inspect %s: %w", abs, err)
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	if err != nil {
		return v, fmt.Errorf("store: inspect %s: %w", abs, err)
	}
	if n == 0 {
		return v, nil
	}
	var cur sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return v, fmt.Errorf("store: inspect %s: %w", abs, err)
	}
	v.Current = int(cur.Int64)
	return v, nil
}

// backend is store.Backend for one SQLite file.
type backend struct {
	// path is the absolute path of the database file.
	path string
}

// Name implements store.Backend.
func (b *backend) Name() string { return "sqlite " + b.path }

// Rebind implements store.Backend: SQLite takes ? as it is.
func (*backend) Rebind(query string) string { return query }

// BeginWrite implements store.Backend: BEGIN IMMEDIATE (the _txlock
// setting) has already taken the write lock.
func (*backend) BeginWrite(context.Context, *sql.Tx) error { return nil }

// Retryable implements store.Backend: SQLite has no connection to lose,
// and a busy database is waited for (BusyTimeout), not retried.
func (*backend) Retryable(error, bool) bool { return false }

// SyncSequences implements store.Backend: SQLite moves an AUTOINCREMENT
// sequence past an explicit id by itself.
func (*backend) SyncSequences(context.Context, *sql.Tx) error { return nil }

// Close implements store.Backend.
func (*backend) Close() error { return nil }

// constraintCode returns the SQLite extended result code of a constraint
// violation, or 0 if err is not one.
func constraintCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return se.Code()
	}
	return 0
}

// IsUnique implements store.Backend.
func (*backend) IsUnique(err error) bool {
	c := constraintCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// IsForeignKey implements store.Backend.
func (*backend) IsForeignKey(err error) bool {
	return constraintCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// Backup implements store.Backend with VACUUM INTO: a consistent,
// compacted copy of the database at path, taken on the write connection so
// no write lands half-way. It refuses to overwrite an existing file.
func (*backend) Backup(ctx context.Context, w *sql.DB, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("%s: %w", abs, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := w.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		return fmt.Errorf("%s: %w", abs, err)
	}
	return nil
}

// Lock implements store.Backend with an flock(2) on the file
// "<database>.<name>.lock" beside the database, which records the holder's
// PID; the file is left in place on Unlock (removing it would let two
// processes lock two different files). The operating system releases it
// when the process dies.
func (b *backend) Lock(_ context.Context, name string) (*store.Lock, error) {
	path := b.path + "." + name + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, lockFilePerm)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	held, err := tryLockFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	if !held {
		holder := readHolder(f)
		f.Close()
		return nil, fmt.Errorf("store: database %s is in use by another %s server: lock file %s is held by %s: %w",
			b.path, name, path, holder, store.ErrLocked)
	}
	pid := strconv.Itoa(os.Getpid()) + "\n"
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(pid), 0) // the PID is informative only
	}
	return store.NewLock(path, f.Close, nil), nil
}

// readHolder returns "PID n" from a lock file, or a phrase saying it is
// unknown.
func readHolder(f *os.File) string {
	b := make([]byte, maxHolderBytes)
	n, _ := f.ReadAt(b, 0)
	s := strings.TrimSpace(string(b[:n]))
	if _, err := strconv.Atoi(s); err != nil || s == "" {
		return "another process (PID unknown)"
	}
	return "PID " + s
}
