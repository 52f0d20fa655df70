package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Status is an account's standing.
type Status uint8

// Account statuses, as stored in accounts.status.
const (
	// StatusActive accounts may log in.
	StatusActive Status = 0
	// StatusBanned accounts are refused at login.
	StatusBanned Status = 1
)

// String returns "active", "banned", or "Status(N)" for unknown values.
func (s Status) String() string {
	switch s {
	case StatusActive:
		return "active"
	case StatusBanned:
		return "banned"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// valid reports whether s is a known status.
func (s Status) valid() bool { return s == StatusActive || s == StatusBanned }

// Account is a login account.
type Account struct {
	// ID is assigned by CreateAccount; ids are never reused.
	ID int64
	// Name is the login name as created; lookups ignore case.
	Name string
	// PasswordHash is an encoded hash from package password.
	PasswordHash string
	// Status is the account's standing.
	Status Status
	// GM grants game-master commands.
	GM bool
	// Created is when the account was created (UTC, microseconds).
	Created time.Time
	// LastLogin is the last login recorded, or the zero time if none.
	LastLogin time.Time
}

// accountCols are the columns scanAccount reads, in order.
const accountCols = `id, name, password_hash, status, gm, created_at, last_login`

// scanAccount scans one row of accountCols.
func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var created, lastLogin int64
	if err := row.Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Status, &a.GM, &created, &lastLogin); err != nil {
		return Account{}, err
	}
	a.Created, a.LastLogin = timeFromDB(created), timeFromDB(lastLogin)
	return a, nil
}

// CreateAccount creates an active, non-GM account. It returns ErrExists if
// an account with the same name, ignoring case, exists.
func (db *DB) CreateAccount(ctx context.Context, name, hash string) (Account, error) {
	if name == "" {
		return Account{}, fmt.Errorf("store: create account: empty name")
	}
	a := Account{Name: name, PasswordHash: hash, Status: StatusActive, Created: time.Now().UTC().Truncate(time.Microsecond)}
	err := db.w.QueryRowContext(ctx,
		`INSERT INTO accounts (name, name_key, password_hash, status, gm, created_at, last_login) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Name, nameKey(a.Name), a.PasswordHash, a.Status, boolToDB(a.GM), timeToDB(a.Created), 0).Scan(&a.ID)
	if err != nil {
		if db.isUnique(err) {
			err = ErrExists
		}
		return Account{}, fmt.Errorf("store: create account %q: %w", name, err)
	}
	return a, nil
}

// AccountByName returns the account called name, ignoring case, or
// ErrNotFound.
func (db *DB) AccountByName(ctx context.Context, name string) (Account, error) {
	a, err := scanAccount(db.r.QueryRowContext(ctx,
		`SELECT `+accountCols+` FROM accounts WHERE name_key = ?`, nameKey(name)))
	if err != nil {
		return Account{}, fmt.Errorf("store: account %q: %w", name, notFound(err))
	}
	return a, nil
}

// AccountByID returns the account with id, or ErrNotFound.
func (db *DB) AccountByID(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(db.r.QueryRowContext(ctx,
		`SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return Account{}, fmt.Errorf("store: account %d: %w", id, notFound(err))
	}
	return a, nil
}

// ListAccounts returns every account, ordered by id.
func (db *DB) ListAccounts(ctx context.Context) ([]Account, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	defer rows.Close()
	var as []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list accounts: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	return as, nil
}

// SetPassword replaces the password hash of account id; ErrNotFound if
// there is no such account.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	if err := db.updateOne(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
		return fmt.Errorf("store: set password of account %d: %w", id, err)
	}
	return nil
}

// SetStatus sets the status of the account called name (ignoring case);
// ErrNotFound if there is no such account.
func (db *DB) SetStatus(ctx context.Context, name string, s Status) error {
	if !s.valid() {
		return fmt.Errorf("store: set status of account %q: unknown status %v", name, s)
	}
	if err := db.updateOne(ctx, `UPDATE accounts SET status = ? WHERE name_key = ?`, s, nameKey(name)); err != nil {
		return fmt.Errorf("store: set status of account %q: %w", name, err)
	}
	return nil
}

// SetGM grants or revokes game-master rights of the account called name
// (ignoring case); ErrNotFound if there is no such account.
func (db *DB) SetGM(ctx context.Context, name string, gm bool) error {
	if err := db.updateOne(ctx, `UPDATE accounts SET gm = ? WHERE name_key = ?`, boolToDB(gm), nameKey(name)); err != nil {
		return fmt.Errorf("store: set gm of account %q: %w", name, err)
	}
	return nil
}

// RecordLogin sets the last login time of account id; ErrNotFound if there
// is no such account.
func (db *DB) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	if err := db.updateOne(ctx, `UPDATE accounts SET last_login = ? WHERE id = ?`, timeToDB(at), id); err != nil {
		return fmt.Errorf("store: record login of account %d: %w", id, err)
	}
	return nil
}

// updateOne runs an UPDATE on the writer and returns ErrNotFound if it
// matched no row.
func (db *DB) updateOne(ctx context.Context, query string, args ...any) error {
	res, err := db.w.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// DeleteAccount deletes the account called name (ignoring case) with its
// character, the character's variables and skills and its login tokens, in one
// transaction; ErrNotFound if there is no such account. The caller makes
// sure the account is not online (a running game server would save the
// character again).
func (db *DB) DeleteAccount(ctx context.Context, name string) error {
	err := db.inTx(ctx, func(tx Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE name_key = ?`, nameKey(name)).Scan(&id); err != nil {
			return notFound(err)
		}
		for _, q := range []string{
			`DELETE FROM skills WHERE character_id IN (SELECT id FROM characters WHERE account_id = ?)`,
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
	if db.isUnique(err) {
		err = ErrExists
	}
	if err != nil {
		return fmt.Errorf("store: rename account %q to %q: %w", name, newName, err)
	}
	return nil
}
