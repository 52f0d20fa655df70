package store

import (
	"context"
	"fmt"
	"strings"
)

// Tables returns the store's tables in an order that satisfies their
// foreign keys (a table after those it references): the order Copy
// copies them in.
func Tables() []string {
	return []string{"accounts", "characters", "character_vars", "login_tokens", "items", "item_ids", "money_log", "skills"}
}

// CopyStats counts the rows Copy copied, by table.
type CopyStats map[string]int64

// Copy copies every row of src into dst, which must be empty (no accounts,
// characters or items) and at the same schema version, in one transaction
// on dst: all of it or nothing. Generated ids continue past the copied
// ones (Backend.SyncSequences). Run it with the servers stopped: writes
// to src during the copy may be missed.
func Copy(ctx context.Context, dst, src *DB) (CopyStats, error) {
	sv, err := src.schemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: copy: source: %w", err)
	}
	dv, err := dst.schemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: copy: destination: %w", err)
	}
	if sv != dv {
		return nil, fmt.Errorf("store: copy: source %s has schema version %d, destination %s %d", src, sv, dst, dv)
	}
	stats := CopyStats{}
	err = dst.inTx(ctx, func(tx Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM characters)
			+ (SELECT COUNT(*) FROM items)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("destination %s is not empty (%d accounts, characters and items)", dst, n)
		}
		// item_ids holds one row from the migration; the source's replaces it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM item_ids`); err != nil {
			return err
		}
		for _, t := range Tables() {
			n, err := copyTable(ctx, tx, src, t)
			if err != nil {
				return fmt.Errorf("table %s: %w", t, err)
			}
			stats[t] = n
		}
		return dst.b.SyncSequences(ctx, tx.Tx)
	})
	if err != nil {
		return nil, fmt.Errorf("store: copy %s to %s: %w", src, dst, err)
	}
	return stats, nil
}

// copyTable copies the rows of table from src into tx and returns how many.
func copyTable(ctx context.Context, tx Tx, src *DB, table string) (int64, error) {
	rows, err := src.r.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+marks+`)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		n++
	}
	return n, rows.Err()
}
