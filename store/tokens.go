package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Login tokens are 64-bit values the account server hands to a client and
// the game server redeems once. The column is a signed 64-bit integer
// (SQLite INTEGER, PostgreSQL BIGINT), so a token is stored as the int64
// with the same bit pattern: int64(token) on the way in, uint64(v) on the
// way out. Every uint64 round-trips; tokens at or above 1<<63 are stored
// as negative numbers.

// IssueToken records a one-time login token for accountID, valid until
// expires and only from the client address ip. It returns ErrExists if the
// token is already outstanding and ErrNotFound if the account does not
// exist.
func (db *DB) IssueToken(ctx context.Context, token uint64, accountID int64, ip netip.Addr, expires time.Time) error {
	if !ip.IsValid() {
		return fmt.Errorf("store: issue token for account %d: no client address", accountID)
	}
	_, err := db.w.ExecContext(ctx,
		`INSERT INTO login_tokens (token, account_id, client_ip, expires_at) VALUES (?, ?, ?, ?)`,
		int64(token), accountID, ip.Unmap().String(), timeToDB(expires))
	switch {
	case err == nil:
		return nil
	case db.isUnique(err):
		err = ErrExists
	case db.isForeignKey(err):
		err = fmt.Errorf("account %d: %w", accountID, ErrNotFound)
	}
	return fmt.Errorf("store: issue token for account %d: %w", accountID, err)
}

// ConsumeToken redeems token presented by a client at ip: it deletes it and
// returns its account id. A token can be consumed once; ErrNotFound if it
// is missing or expired (a token is valid while now is before its expiry),
// or was issued to another address (it is deleted all the same: a token
// shown from elsewhere has leaked). It also purges every token expired at
// now.
func (db *DB) ConsumeToken(ctx context.Context, token uint64, ip netip.Addr, now time.Time) (accountID int64, err error) {
	nowDB := timeToDB(now)
	var expires int64
	var issuedTo string
	found := true
	err = db.inTx(ctx, func(tx Tx) error {
		err := tx.QueryRowContext(ctx,
			`DELETE FROM login_tokens WHERE token = ? RETURNING account_id, client_ip, expires_at`,
			int64(token)).Scan(&accountID, &issuedTo, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			found = false
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM login_tokens WHERE expires_at <= ?`, nowDB)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: consume token: %w", err)
	}
	if !found || expires <= nowDB {
		return 0, fmt.Errorf("store: consume token: %w", ErrNotFound)
	}
	if !ip.IsValid() || issuedTo != ip.Unmap().String() {
		return 0, fmt.Errorf("store: consume token: issued to %q, presented from %v: %w", issuedTo, ip, ErrNotFound)
	}
	return accountID, nil
}
