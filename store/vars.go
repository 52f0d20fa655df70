package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Limits on script variables, enforced by the store so that no caller can
// grow a character's row set without bound.
const (
	// MaxVars is the most variables one character may have.
	MaxVars = 256
	// MaxVarKeyLen and MaxVarValueLen bound a variable's key and value, in
	// bytes.
	MaxVarKeyLen   = 32
	MaxVarValueLen = 255
)

// loadVars reads the script variables of character id; nil when it has none.
func loadVars(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, id uint32) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM character_vars WHERE character_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("variables of character %d: %w", id, err)
	}
	defer rows.Close()
	var vars map[string]string
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("variables of character %d: %w", id, err)
		}
		if vars == nil {
			vars = make(map[string]string)
		}
		vars[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("variables of character %d: %w", id, err)
	}
	return vars, nil
}

// checkVars refuses variables beyond the limits before anything is written.
func checkVars(c *Character) error {
	if len(c.Vars) > MaxVars {
		return fmt.Errorf("character %d: %d variables, at most %d", c.ID, len(c.Vars), MaxVars)
	}
	for k, v := range c.Vars {
		if k == "" || len(k) > MaxVarKeyLen || len(v) > MaxVarValueLen {
			return fmt.Errorf("character %d: variable %.40q: key 1–%d bytes, value at most %d",
				c.ID, k, MaxVarKeyLen, MaxVarValueLen)
		}
	}
	return nil
}

// saveVars replaces the stored variables of c with c.Vars, inside tx. A nil
// c.Vars leaves them as they are.
func saveVars(ctx context.Context, tx Tx, c *Character) error {
	if c.Vars == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM character_vars WHERE character_id = ?`, c.ID); err != nil {
		return fmt.Errorf("character %d: variables: %w", c.ID, err)
	}
	for k, v := range c.Vars {
		if _, err := tx.ExecContext(ctx, `INSERT INTO character_vars (character_id, key, value) VALUES (?, ?, ?)`,
			c.ID, k, v); err != nil {
			return fmt.Errorf("character %d: variable %q: %w", c.ID, k, err)
		}
	}
	return nil
}
