package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// SkillKind says what a Skill trains.
type SkillKind uint8

// The kinds of Skill.
const (
	// SkillWeapon is a weapon proficiency: Type is the weapon item type /
	// 1000 (0: bare hands), as MsgWeaponSkill carries it.
	SkillWeapon SkillKind = 1
	// SkillMagic is a magic: Type is the magic type, as MsgMagicInfo
	// carries it.
	SkillMagic SkillKind = 2
)

// MaxSkills is the most skills (proficiencies and magic together) one
// character may have, enforced by the store so that no caller can grow a
// character's row set without bound.
const MaxSkills = 256

// Skill is one of a character's weapon proficiencies or magics: its level
// and its experience towards the next level.
type Skill struct {
	// Kind says whether Type is a weapon kind or a magic type.
	Kind SkillKind
	// Type is the weapon kind or the magic type.
	Type uint32
	// Level is the level (a proficiency 1–20; a magic its level).
	Level uint16
	// Exp is the experience towards the next level.
	Exp uint32
}

// loadSkills reads the skills of character id, ordered by kind and type;
// nil when it has none.
func loadSkills(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, id uint32) ([]Skill, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, type, level, exp FROM skills WHERE character_id = ? ORDER BY kind, type`, id)
	if err != nil {
		return nil, fmt.Errorf("skills of character %d: %w", id, err)
	}
	defer rows.Close()
	var out []Skill
	for rows.Next() {
		var s Skill
		if err := rows.Scan(&s.Kind, &s.Type, &s.Level, &s.Exp); err != nil {
			return nil, fmt.Errorf("skills of character %d: %w", id, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("skills of character %d: %w", id, err)
	}
	return out, nil
}

// checkSkills refuses skills beyond the limits before anything is written:
// too many, an unknown kind, or the same kind and type twice.
func checkSkills(c *Character) error {
	if len(c.Skills) > MaxSkills {
		return fmt.Errorf("character %d: %d skills, at most %d", c.ID, len(c.Skills), MaxSkills)
	}
	type key struct {
		kind SkillKind
		typ  uint32
	}
	seen := make(map[key]bool, len(c.Skills))
	for _, s := range c.Skills {
		if s.Kind != SkillWeapon && s.Kind != SkillMagic {
			return fmt.Errorf("character %d: skill %d: unknown kind %d", c.ID, s.Type, s.Kind)
		}
		k := key{s.Kind, s.Type}
		if seen[k] {
			return fmt.Errorf("character %d: skill kind %d type %d twice", c.ID, s.Kind, s.Type)
		}
		seen[k] = true
	}
	return nil
}

// saveSkills replaces the stored skills of c with c.Skills, inside tx. A
// nil c.Skills leaves them as they are; an empty one deletes them.
func saveSkills(ctx context.Context, tx Tx, c *Character) error {
	if c.Skills == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM skills WHERE character_id = ?`, c.ID); err != nil {
		return fmt.Errorf("character %d: skills: %w", c.ID, err)
	}
	if len(c.Skills) == 0 {
		return nil
	}
	// One multi-row INSERT: a statement per skill would double the cost of
	// a periodic save of players who all trained (BENCHMARKS.md). There is
	// one query text per count, at most MaxSkills (Backend.Rebind caches
	// them).
	var q strings.Builder
	q.WriteString(`INSERT INTO skills (character_id, kind, type, level, exp) VALUES `)
	args := make([]any, 0, 5*len(c.Skills))
	for i, s := range c.Skills {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, c.ID, s.Kind, s.Type, s.Level, s.Exp)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("character %d: %d skills: %w", c.ID, len(c.Skills), err)
	}
	return nil
}
