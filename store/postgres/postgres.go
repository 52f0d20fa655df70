// Package postgres is the store's PostgreSQL backend, through
// github.com/jackc/pgx/v5 and its database/sql adapter, so that the store's
// SQL has one code path for every engine.
//
// Statements are prepared and cached per connection (pgx's default
// statement cache). Write transactions first take a transaction advisory
// lock (pg_advisory_xact_lock) keyed by the database and schema, so
// writers are serialised across processes exactly as SQLite's file lock
// serialises them: the store's read-then-write transactions (versioned
// saves, id allocation) need that and nothing more. Reads do not take it.
//
// The DSN is a postgres:// URL or key=value string as libpq takes it; its
// search_path parameter picks a schema (the tests give each test one).
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/coserver/coserver/store"
)

// Connection settings.
const (
	// maxWriteConns bounds the write pool. Write transactions queue on
	// the advisory lock; single-statement writes (tokens, logins) run
	// side by side.
	maxWriteConns = 4
	// maxReadConns bounds the read pool.
	maxReadConns = 8
	// maxLockConns bounds the connections holding session advisory
	// locks (DB.Lock): one per lock held at once.
	maxLockConns = 4
	// ConnectTimeout bounds each connection attempt when the DSN sets no
	// connect_timeout, so that a server that is down is reported at
	// start instead of hanging.
	ConnectTimeout = 5 * time.Second
	// connMaxLifetime recycles connections, so a server restarted or
	// failed over behind the same address is reached again.
	connMaxLifetime = 30 * time.Minute
	// codeUnique and codeForeignKey are the SQLSTATEs of a unique and a
	// foreign-key violation.
	codeUnique     = "23505"
	codeForeignKey = "23503"
)

// migrationsFS holds the schema migrations, the PostgreSQL forms of
// store/sqlite/migrations with the same versions and names.
//
//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations returns the PostgreSQL schema migrations.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationsFS, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists: a build error
	}
	return sub
}

// IsDSN reports whether s names a PostgreSQL database (postgres:// or
// postgresql://) rather than a file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the PostgreSQL database dsn and applies any pending
// migrations. A server that cannot be reached is an error naming the host,
// never a hang (ConnectTimeout).
func Open(ctx context.Context, dsn string) (*store.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: bad DSN: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = ConnectTimeout
	}
	b := &backend{name: fmt.Sprintf("postgres %s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)}
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		b.name += " (schema " + sp + ")"
	}
	open := func(n int) *sql.DB {
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxLifetime(connMaxLifetime)
		return db
	}
	w, r, l := open(maxWriteConns), open(maxReadConns), open(maxLockConns)
	b.locks = l
	var dbName, schema string
	err = w.QueryRowContext(ctx, `SELECT current_database(), COALESCE(current_schema(), '')`).Scan(&dbName, &schema)
	if err == nil && schema == "" {
		err = errors.New("no schema of the search_path exists")
	}
	if err != nil {
		err = fmt.Errorf("store: open %s: is PostgreSQL running and the DSN right? %w", b.name, err)
		return nil, errors.Join(err, w.Close(), r.Close(), l.Close())
	}
	b.scope = dbName + "." + schema
	b.writeKey = lockKey(b.scope, "write")
	return store.New(ctx, w, r, b, Migrations())
}

// lockKey is the advisory lock key of the lock called name in scope (the
// database and schema): 64 bits of FNV-1a.
func lockKey(scope, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(scope + "\x00" + name))
	return int64(h.Sum64())
}

// backend is store.Backend for one PostgreSQL database and schema.
type backend struct {
	// name describes the database for logs, without the password.
	name string
	// scope is "database.schema", the namespace of the advisory locks.
	scope string
	// writeKey is the advisory lock key writers serialise on.
	writeKey int64
	// locks is a pool for the connections that hold session advisory
	// locks (DB.Lock), apart from the store's pools.
	locks *sql.DB
	// rebound caches Rebind's results: query string to rewritten query.
	rebound sync.Map
}

// Name implements store.Backend.
func (b *backend) Name() string { return b.name }

// Rebind implements store.Backend: the n-th ? outside a quoted string
// becomes $n. Results are cached, so a warm query costs one map lookup.
func (b *backend) Rebind(query string) string {
	if q, ok := b.rebound.Load(query); ok {
		return q.(string)
	}
	q := rebind(query)
	b.rebound.Store(query, q)
	return q
}

// rebind rewrites ? placeholders to $1, $2, ...
func rebind(query string) string {
	var sb strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(n))
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// IsUnique implements store.Backend.
func (*backend) IsUnique(err error) bool { return sqlState(err) == codeUnique }

// IsForeignKey implements store.Backend.
func (*backend) IsForeignKey(err error) bool { return sqlState(err) == codeForeignKey }

// sqlState returns err's SQLSTATE, or "" if it is not a server error.
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// Retryable implements store.Backend. Before COMMIT: a connection that
// failed or was terminated (SQLSTATE class 08, 57P01-57P03: administrator
// or crash shutdown, server starting), a serialisation failure or deadlock
// (40001, 40P01), or a network error; the server rolls the transaction
// back. At COMMIT: only an error pgx marks safe to retry (the COMMIT was
// never sent, as on a connection already found closed).
func (*backend) Retryable(err error, commit bool) bool {
	if err == nil {
		return false
	}
	if commit {
		return pgconn.SafeToRetry(err)
	}
	switch code := sqlState(err); {
	case strings.HasPrefix(code, "08"), code == "57P01", code == "57P02", code == "57P03",
		code == "40001", code == "40P01":
		return true
	case code != "":
		return false
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ne) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// BeginWrite implements store.Backend: it waits for the transaction
// advisory lock that serialises writers, released at commit or rollback.
func (b *backend) BeginWrite(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, b.writeKey)
	return err
}

// SyncSequences implements store.Backend: accounts.id is the one
// generated id (an identity column); its sequence continues after the
// largest id.
func (*backend) SyncSequences(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('accounts', 'id'),
		COALESCE((SELECT MAX(id) FROM accounts), 0) + 1, false)`)
	if err != nil {
		return fmt.Errorf("sequence of accounts.id: %w", err)
	}
	return nil
}

// Backup implements store.Backend: PostgreSQL's own tools (pg_dump,
// base backups) do it better.
func (*backend) Backup(context.Context, *sql.DB, string) error {
	return fmt.Errorf("use pg_dump for PostgreSQL: %w", store.ErrUnsupported)
}

// Close implements store.Backend.
func (b *backend) Close() error { return b.locks.Close() }

// Lock implements store.Backend with a session advisory lock
// (pg_try_advisory_lock) keyed by the database, schema and name, on a
// connection kept open until Unlock. PostgreSQL releases it when that
// connection ends, the holder's death included. Every lockCheckInterval
// the connection is checked; when it has ended (a server restart, a
// terminated backend), the lock is taken again on a new one, and if
// another process took it meanwhile the Lock's Lost channel is closed.
func (b *backend) Lock(ctx context.Context, name string) (*store.Lock, error) {
	key := lockKey(b.scope, name)
	desc := fmt.Sprintf("advisory lock %d (%s %s)", key, b.scope, name)
	conn, held, err := b.tryLock(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	if !held {
		holder := "another session"
		var pid int64
		var addr sql.NullString
		// A bigint advisory key shows in pg_locks as classid (high 32
		// bits), objid (low 32 bits) and objsubid 1.
		err := conn.QueryRowContext(ctx, `SELECT l.pid, host(a.client_addr) FROM pg_locks l
			LEFT JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
			AND l.classid = $1 AND l.objid = $2 LIMIT 1`,
			int64(uint64(key)>>32), int64(uint64(key)&0xffffffff)).Scan(&pid, &addr)
		if err == nil {
			holder = fmt.Sprintf("backend PID %d from %s", pid, addr.String)
		}
		conn.Close()
		return nil, fmt.Errorf("store: database %s is in use by another %s server: %s is held by %s: %w",
			b.name, name, desc, holder, store.ErrLocked)
	}
	w := &lockWatch{b: b, key: key, conn: conn, stop: make(chan struct{}), done: make(chan struct{}), lost: make(chan struct{})}
	go w.run()
	return store.NewLock(desc, w.release, w.lost), nil
}

// lockCheckInterval is how often a held advisory lock's connection is
// checked.
const lockCheckInterval = 2 * time.Second

// tryLock takes a connection from the lock pool and tries the advisory
// lock key on it. The caller closes conn.
func (b *backend) tryLock(ctx context.Context, key int64) (conn *sql.Conn, held bool, err error) {
	conn, err = b.locks.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&held); err != nil {
		conn.Close()
		return nil, false, err
	}
	return conn, held, nil
}

// lockWatch keeps a session advisory lock held (see backend.Lock).
type lockWatch struct {
	b    *backend
	key  int64
	conn *sql.Conn     // the connection holding the lock; run's own until done
	stop chan struct{} // closed by release
	done chan struct{} // closed when run returns
	lost chan struct{} // closed when the lock was taken by another process
}

// run checks the lock's connection every lockCheckInterval and takes the
// lock again on a new connection when it has ended.
func (w *lockWatch) run() {
	defer close(w.done)
	t := time.NewTicker(lockCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		if w.conn != nil && w.conn.PingContext(context.Background()) == nil {
			continue
		}
		if w.conn != nil {
			w.conn.Close()
			w.conn = nil
		}
		conn, held, err := w.b.tryLock(context.Background(), w.key)
		switch {
		case err != nil: // the server is away: try again at the next tick
		case held:
			w.conn = conn
		default:
			conn.Close()
			close(w.lost)
			return
		}
	}
}

// release stops run and frees the lock.
func (w *lockWatch) release() error {
	close(w.stop)
	<-w.done
	if w.conn == nil {
		return nil
	}
	_, err := w.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, w.key)
	return errors.Join(err, w.conn.Close())
}

// Inspect connects to dsn and reads its schema version without changing
// anything (no migration), for coserver doctor.
func Inspect(ctx context.Context, dsn string) (store.SchemaVersion, error) {
	var v store.SchemaVersion
	ms, err := store.LoadMigrations(Migrations())
	if err != nil {
		return v, err
	}
	v.Latest = len(ms)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return v, fmt.Errorf("store: inspect postgres: bad DSN: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = ConnectTimeout
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return v, fmt.Errorf("store: inspect postgres %s@%s:%d/%s: is PostgreSQL running and the DSN right? %w",
			cfg.User, cfg.Host, cfg.Port, cfg.Database, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return v, fmt.Errorf("store: inspect postgres: %w", err)
	}
	if !exists {
		return v, nil
	}
	var cur *int64
	if err := conn.QueryRow(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return v, fmt.Errorf("store: inspect postgres: %w", err)
	}
	if cur != nil {
		v.Current = int(*cur)
	}
	return v, nil
}
