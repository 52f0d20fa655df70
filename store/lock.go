package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked is returned by DB.Lock when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// lockFilePerm is the permission of a lock file Lock creates.
const lockFilePerm = 0o600

// Lock is an exclusive, process-wide lock tied to a database, such as the
// one a game server holds so that a second game server on the same database
// refuses to start (two game servers would each believe the same character
// is theirs, and the last save would win). Release it with Unlock; the
// operating system releases it when the process dies, kill -9 included.
type Lock struct {
	desc    string
	release func() error
}

// String describes the lock for logs: the lock file (SQLite).
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
// the error wraps ErrLocked and names the database, the lock and the
// holder's PID.
//
// With SQLite the lock is an flock(2) on the file "<database>.<name>.lock"
// beside the database, which records the holder's PID; the file is left in
// place on Unlock (removing it would let two processes lock two different
// files). A PostgreSQL store would take a session advisory lock instead.
func (db *DB) Lock(ctx context.Context, name string) (*Lock, error) {
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz") != "" {
		return nil, fmt.Errorf("store: lock %q: the name must be a lower-case word", name)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	path := db.path + "." + name + ".lock"
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
			db.path, name, path, holder, ErrLocked)
	}
	pid := strconv.Itoa(os.Getpid()) + "\n"
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(pid), 0) // the PID is informative only
	}
	return &Lock{desc: path, release: f.Close}, nil
}

// maxHolderBytes bounds what readHolder reads from a lock file.
const maxHolderBytes = 32

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
