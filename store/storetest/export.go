package storetest

import (
	"math/rand/v2"
	"testing"

	"github.com/coserver/coserver/store"
)

// Exported for the backends' own tests (the crash tests, which run a
// writer in a child process).
const (
	// TestHash is a syntactically valid password hash.
	TestHash = testHash
	// EconChars is the number of characters an Econ trades between.
	EconChars = econChars
	// EconItemsPer is the number of items each starts with.
	EconItemsPer = econItemsPer
)

// NewCharacter is the character the suite creates for accountID.
func NewCharacter(accountID int64, name string) store.Character {
	return testCharacter(accountID, name)
}

// Econ is the suite's conservation economy: characters trading items and
// silver at random, saved in shuffled snapshots, so that the store must
// hold every item exactly once and every coin after any commit.
type Econ struct{ e *econ }

// NewEcon creates the economy's characters and items in db.
func NewEcon(t testing.TB, db *store.DB, prefix string) *Econ {
	return &Econ{newEcon(t, db, prefix)}
}

// Step makes one random trade in memory; it is safe for concurrent use.
func (e *Econ) Step(rng *rand.Rand) { e.e.step(rng) }

// Save saves a random selection of pending snapshots and transfers.
func (e *Econ) Save(rng *rand.Rand) error { return e.e.save(rng) }

// Version is the economy's version counter.
func (e *Econ) Version() uint64 { return e.e.version }

// CheckTotals reports an error unless db holds exactly items live items,
// each with an existing owner, and silver coins in all.
func CheckTotals(db *store.DB, items int, silver int64) error {
	return checkTotals(db, items, silver)
}
