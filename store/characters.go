package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Character id range. The 5017 client treats entity ids from 1,000,000 up
// as players (lower ids are NPCs, monsters and other entities), so the
// store hands out character ids from FirstCharacterID upwards, up to
// COPS's bound, below the item uids (FirstItemID).
const (
	// FirstCharacterID is the id of the first character created.
	FirstCharacterID uint32 = 1_000_000
	// LastCharacterID is the largest id CreateCharacter assigns.
	LastCharacterID uint32 = 1_999_999_999
)

// Character is a player character. An account has at most one (5017).
type Character struct {
	// ID is assigned by CreateCharacter, from FirstCharacterID up.
	ID uint32
	// AccountID is the owning account.
	AccountID int64
	// Name is the character name as created; lookups ignore case.
	Name string
	// Body is the body model (lookface).
	Body uint16
	// Avatar is the face/portrait.
	Avatar uint16
	// Hair is the hair style.
	Hair uint16
	// Class is the current profession; PrevClass the one before the last
	// rebirth.
	Class, PrevClass uint8
	// Rebirths is the number of rebirths.
	Rebirths uint8
	// Level is the character level.
	Level uint8
	// Exp is the experience within the level. Stored as the int64 with
	// the same bit pattern, so the full uint64 range round-trips.
	Exp uint64
	// Silver and CPs are the two currencies.
	Silver, CPs uint32
	// WarehouseSilver is the silver kept in the warehouses (MsgItem 9–11),
	// one purse for all warehouse NPCs.
	WarehouseSilver uint32
	// Strength, Agility, Vitality, Spirit and AttrPoints (unassigned
	// points) are the attributes.
	Strength, Agility, Vitality, Spirit, AttrPoints uint16
	// HP and MP are the current hit and mana points.
	HP, MP uint16
	// PKPoints are the player-kill points.
	PKPoints uint16
	// MapID and X, Y are the position.
	MapID uint32
	X, Y  uint16
	// Created is when the character was created; Saved when it was last
	// written by CreateCharacter or SaveCharacters (UTC, microseconds).
	Created, Saved time.Time
	// Vars are the character's script variables (quest flags and the
	// like), at most MaxVars. SaveCharacters replaces the stored set with
	// Vars when Vars is not nil and leaves it alone when it is nil.
	Vars map[string]string
	// Skills are the character's weapon proficiencies and magic
	// experience, at most MaxSkills. Like Vars, SaveCharacters replaces
	// the stored set with Skills when Skills is not nil and leaves it
	// alone when it is nil.
	Skills []Skill
}

// characterCols are the columns scanCharacter reads, in order.
const characterCols = `id, account_id, name, body, avatar, hair, class, prev_class, rebirths, level, exp,
	silver, cps, strength, agility, vitality, spirit, attr_points, hp, mp, pk_points,
	map_id, x, y, created_at, saved_at, warehouse_silver`

// scanCharacter scans one row of characterCols. database/sql range-checks
// every narrow integer, so a corrupt value is an error, not a truncation.
func scanCharacter(row interface{ Scan(...any) error }) (Character, error) {
	var c Character
	var exp, created, saved int64
	err := row.Scan(&c.ID, &c.AccountID, &c.Name, &c.Body, &c.Avatar, &c.Hair,
		&c.Class, &c.PrevClass, &c.Rebirths, &c.Level, &exp,
		&c.Silver, &c.CPs, &c.Strength, &c.Agility, &c.Vitality, &c.Spirit, &c.AttrPoints,
		&c.HP, &c.MP, &c.PKPoints, &c.MapID, &c.X, &c.Y, &created, &saved, &c.WarehouseSilver)
	if err != nil {
		return Character{}, err
	}
	c.Exp = uint64(exp)
	c.Created, c.Saved = timeFromDB(created), timeFromDB(saved)
	return c, nil
}

// CreateCharacter stores a new character for c.AccountID and returns it
// with ID, Created and Saved set (c.ID, c.Created and c.Saved are
// ignored). It returns ErrExists if the account already has a character,
// ErrNameTaken if another character has the name (ignoring case), and
// ErrNotFound if the account does not exist.
func (db *DB) CreateCharacter(ctx context.Context, c Character) (Character, error) {
	if c.Name == "" {
		return Character{}, fmt.Errorf("store: create character: empty name")
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	c.Created, c.Saved = now, now
	key := nameKey(c.Name)
	err := db.inTx(ctx, func(tx Tx) error {
		// The transaction holds the write lock from BEGIN, so these
		// checks cannot race another creation.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM characters WHERE account_id = ?`, c.AccountID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrExists
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM characters WHERE name_key = ?`, key).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNameTaken
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), ?) FROM characters`, int64(FirstCharacterID)-1).Scan(&last); err != nil {
			return err
		}
		if last >= int64(LastCharacterID) {
			return errors.New("character ids exhausted")
		}
		c.ID = uint32(last + 1)
		_, err := tx.ExecContext(ctx, `INSERT INTO characters (id, account_id, name, name_key,
			body, avatar, hair, class, prev_class, rebirths, level, exp,
			silver, cps, strength, agility, vitality, spirit, attr_points, hp, mp, pk_points,
			map_id, x, y, created_at, saved_at, warehouse_silver)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.AccountID, c.Name, key,
			c.Body, c.Avatar, c.Hair, c.Class, c.PrevClass, c.Rebirths, c.Level, int64(c.Exp),
			c.Silver, c.CPs, c.Strength, c.Agility, c.Vitality, c.Spirit, c.AttrPoints, c.HP, c.MP, c.PKPoints,
			c.MapID, c.X, c.Y, timeToDB(c.Created), timeToDB(c.Saved), c.WarehouseSilver)
		switch {
		case err == nil:
		case db.isForeignKey(err):
			return fmt.Errorf("account %d: %w", c.AccountID, ErrNotFound)
		case db.isUnique(err) && strings.Contains(err.Error(), "name_key"):
			return ErrNameTaken
		case db.isUnique(err):
			return ErrExists
		}
		return err
	})
	if err != nil {
		return Character{}, fmt.Errorf("store: create character %q: %w", c.Name, err)
	}
	return c, nil
}

// CharacterByAccount returns the character of account accountID, or
// ErrNotFound.
func (db *DB) CharacterByAccount(ctx context.Context, accountID int64) (Character, error) {
	c, err := scanCharacter(db.r.QueryRowContext(ctx,
		`SELECT `+characterCols+` FROM characters WHERE account_id = ?`, accountID))
	if err != nil {
		return Character{}, fmt.Errorf("store: character of account %d: %w", accountID, notFound(err))
	}
	if c.Vars, err = loadVars(ctx, db.r, c.ID); err != nil {
		return Character{}, fmt.Errorf("store: %w", err)
	}
	if c.Skills, err = loadSkills(ctx, db.r, c.ID); err != nil {
		return Character{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

// CharacterByName returns the character called name, ignoring case, or
// ErrNotFound.
func (db *DB) CharacterByName(ctx context.Context, name string) (Character, error) {
	c, err := scanCharacter(db.r.QueryRowContext(ctx,
		`SELECT `+characterCols+` FROM characters WHERE name_key = ?`, nameKey(name)))
	if err != nil {
		return Character{}, fmt.Errorf("store: character %q: %w", name, notFound(err))
	}
	if c.Vars, err = loadVars(ctx, db.r, c.ID); err != nil {
		return Character{}, fmt.Errorf("store: %w", err)
	}
	if c.Skills, err = loadSkills(ctx, db.r, c.ID); err != nil {
		return Character{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

// SaveCharacters writes the mutable state of every character in cs —
// appearance, class, level, experience, currencies (warehouse silver too),
// attributes, HP/MP, PK points, position, script variables and skills — in one transaction, and sets their saved time.
// ID, AccountID, Name and Created are not changed. It is all or nothing:
// if any character does not exist (ErrNotFound) or any write fails, no
// character is saved.
func (db *DB) SaveCharacters(ctx context.Context, cs ...Character) error {
	if len(cs) == 0 {
		return nil
	}
	for i := range cs {
		if err := checkVars(&cs[i]); err != nil {
			return fmt.Errorf("store: save %d characters: %w", len(cs), err)
		}
		if err := checkSkills(&cs[i]); err != nil {
			return fmt.Errorf("store: save %d characters: %w", len(cs), err)
		}
	}
	saved := timeToDB(time.Now())
	err := db.inTx(ctx, func(tx Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE characters SET
			body = ?, avatar = ?, hair = ?, class = ?, prev_class = ?, rebirths = ?, level = ?, exp = ?,
			silver = ?, cps = ?, strength = ?, agility = ?, vitality = ?, spirit = ?, attr_points = ?,
			hp = ?, mp = ?, pk_points = ?, map_id = ?, x = ?, y = ?, saved_at = ?, warehouse_silver = ?
			WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			res, err := stmt.ExecContext(ctx,
				c.Body, c.Avatar, c.Hair, c.Class, c.PrevClass, c.Rebirths, c.Level, int64(c.Exp),
				c.Silver, c.CPs, c.Strength, c.Agility, c.Vitality, c.Spirit, c.AttrPoints,
				c.HP, c.MP, c.PKPoints, c.MapID, c.X, c.Y, saved, c.WarehouseSilver, c.ID)
			if err != nil {
				return fmt.Errorf("character %d: %w", c.ID, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("character %d: %w", c.ID, err)
			}
			if n != 1 {
				return fmt.Errorf("character %d: %w", c.ID, ErrNotFound)
			}
			if err := saveVars(ctx, tx, &c); err != nil {
				return err
			}
			if err := saveSkills(ctx, tx, &c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save %d characters: %w", len(cs), err)
	}
	return nil
}
