package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrLocked is returned by DB.Lock when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock is an exclusive, process-wide lock tied to a database, such as the
// one a game server holds so that a second game server on the same database
// refuses to start (two game servers would each believe the same character
// is theirs, and the last save would win). Release it with Unlock; the lock
// goes when the process dies, kill -9 included.
type Lock struct {
	desc    string
	release func() error
	lost    <-chan struct{}
}

// NewLock makes the Lock a backend took: desc describes it for logs,
// release frees it, and lost (nil if the lock cannot be lost) is closed
// when the backend finds the lock gone and taken by another process.
func NewLock(desc string, release func() error, lost <-chan struct{}) *Lock {
	return &Lock{desc: desc, release: release, lost: lost}
}

// Lost returns a channel closed when the lock was lost while held: the
// PostgreSQL connection holding it ended and another process took the
// lock before this one could take it again. It is nil (never ready) for
// SQLite, whose lock lives as long as the process.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// String describes the lock for logs (SQLite: the lock file; PostgreSQL:
// the advisory lock key).
func (l *Lock) String() string { return l.desc }

// Unlock releases the lock. It is safe to call more than once.
func (l *Lock) Unlock() error {
	if l.release == nil {
		return nil
	}
	err := l.release()
	l.release = nil
	if err != nil {
		return fmt.Errorf("store: unlock %s: %w", l.desc, err)
	}
	return nil
}

// Lock takes the exclusive lock called name (a lower-case word such as
// "game") on the database, without waiting: when another process holds it,
// the error wraps ErrLocked and names the database, the lock and, where
// the backend knows it, the holder.
//
// SQLite: an flock(2) on the file "<database>.<name>.lock" beside the
// database. PostgreSQL: a session-level advisory lock
// (pg_try_advisory_lock) on a connection held for the lock's life.
func (db *DB) Lock(ctx context.Context, name string) (*Lock, error) {
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz") != "" {
		return nil, fmt.Errorf("store: lock %q: the name must be a lower-case word", name)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	return db.b.Lock(ctx, name)
}
