package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoDatabase is returned by OpenExisting and Inspect when the database
// file does not exist.
var ErrNoDatabase = errors.New("no database file")

// OpenExisting is Open for a database that must already exist: it returns
// an error wrapping ErrNoDatabase instead of creating a missing file (and
// its folder). Operator tools use it so that a wrong path or working
// directory is not mistaken for an empty database.
func OpenExisting(ctx context.Context, path string) (*DB, error) {
	if err := mustExist(path); err != nil {
		return nil, err
	}
	return Open(ctx, path)
}

// mustExist returns an error wrapping ErrNoDatabase when path is not an
// existing regular file.
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

// Path returns the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// SchemaVersion is the migration state of a database file.
type SchemaVersion struct {
	// Current is the newest migration applied to the file (0: none).
	Current int
	// Latest is the newest migration this program knows.
	Latest int
}

// Inspect reads the schema version of the database at path without
// creating, migrating or writing it. A missing file is ErrNoDatabase.
func Inspect(ctx context.Context, path string) (SchemaVersion, error) {
	var v SchemaVersion
	ms, err := loadMigrations(migrationsFS, migrationsDir)
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

// DeleteAccount deletes the account called name (ignoring case) with its
// character, the character's variables and its login tokens, in one
// transaction; ErrNotFound if there is no such account. The caller makes
// sure the account is not online (a running game server would save the
// character again).
func (db *DB) DeleteAccount(ctx context.Context, name string) error {
	err := inTx(ctx, db.w, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE name_key = ?`, nameKey(name)).Scan(&id); err != nil {
			return notFound(err)
		}
		for _, q := range []string{
			`DELETE FROM character_vars WHERE character_id IN (SELECT id FROM characters WHERE account_id = ?)`,
			`DELETE FROM characters WHERE account_id = ?`,
			`DELETE FROM login_tokens WHERE account_id = ?`,
			`DELETE FROM accounts WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete account %q: %w", name, err)
	}
	return nil
}

// RenameAccount renames the account called name (ignoring case) to
// newName; ErrNotFound if there is no such account, ErrExists if another
// account is called newName (ignoring case). Changing only the case of a
// name is allowed. The caller checks newName against the name rules.
func (db *DB) RenameAccount(ctx context.Context, name, newName string) error {
	if newName == "" {
		return fmt.Errorf("store: rename account %q: empty name", name)
	}
	err := db.updateOne(ctx, `UPDATE accounts SET name = ?, name_key = ? WHERE name_key = ?`,
		newName, nameKey(newName), nameKey(name))
	if isUnique(err) {
		err = ErrExists
	}
	if err != nil {
		return fmt.Errorf("store: rename account %q to %q: %w", name, newName, err)
	}
	return nil
}

// Backup writes a consistent copy of the database to path with VACUUM
// INTO, while the database stays in use. It refuses to overwrite an
// existing file (the error wraps fs.ErrExist).
func (db *DB) Backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store: backup to %q: %w", path, err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("store: backup to %s: %w", abs, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup to %s: %w", abs, err)
	}
	// VACUUM INTO refuses an existing non-empty file itself too, so a
	// file created in between is not overwritten either.
	if _, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		return fmt.Errorf("store: backup to %s: %w", abs, err)
	}
	return nil
}
