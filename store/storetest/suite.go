// Package storetest is the store's test suite, run against every backend:
// store/sqlite always, store/postgres when COSERVER_TEST_POSTGRES names a
// database. A backend's tests call Run (and Bench, Fuzz) with an Opener.
package storetest

import (
	"context"
	"io/fs"
	"testing"

	"github.com/coserver/coserver/store"
)

// Opener is how the suite makes databases of one backend.
type Opener struct {
	// New returns the DSN of a fresh, empty database: a file path, or a
	// PostgreSQL URL with a schema of its own.
	New func(t testing.TB) string
	// Open opens (migrating) the database dsn names.
	Open func(ctx context.Context, dsn string) (*store.DB, error)
	// Migrations are the backend's schema migrations.
	Migrations fs.FS
}

// suite runs the tests with one Opener.
type suite struct{ o Opener }

// Run runs every test of the suite against the backend o opens, each as a
// parallel subtest on a database of its own.
func Run(t *testing.T, o Opener) {
	s := &suite{o}
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"AccountCRUD", s.testAccountCRUD},
		{"AccountNotFound", s.testAccountNotFound},
		{"AccountNameCaseInsensitiveUnique", s.testAccountNameCaseInsensitiveUnique},
		{"ListAccountsOrdered", s.testListAccountsOrdered},
		{"StatusString", s.testStatusString},
		{"NameKeyUnicode", s.testNameKeyUnicode},
		{"DeleteAccount", s.testDeleteAccount},
		{"RenameAccount", s.testRenameAccount},
		{"CreateCharacter", s.testCreateCharacter},
		{"CreateCharacterConflicts", s.testCreateCharacterConflicts},
		{"SaveCharacters", s.testSaveCharacters},
		{"SaveCharactersAtomic", s.testSaveCharactersAtomic},
		{"Conservation", s.testConservation},
		{"NewItemIDs", s.testNewItemIDs},
		{"ItemsRoundTrip", s.testItemsRoundTrip},
		{"ItemVersions", s.testItemVersions},
		{"ItemsRefused", s.testItemsRefused},
		{"SaveAllOrNothing", s.testSaveAllOrNothing},
		{"MoneyOrders", s.testMoneyOrders},
		{"SaveVarsVersioned", s.testSaveVarsVersioned},
		{"WarehouseSilver", s.testWarehouseSilver},
		{"MigrationsFreshAndIdempotent", s.testMigrationsFreshAndIdempotent},
		{"MigrateFailureRollsBack", s.testMigrateFailureRollsBack},
		{"MigrateRefusesNewerSchema", s.testMigrateRefusesNewerSchema},
		{"DataSurvivesReopen", s.testDataSurvivesReopen},
		{"ConcurrentCreate", s.testConcurrentCreate},
		{"ClosedDBFails", s.testClosedDBFails},
		{"TokenSingleUse", s.testTokenSingleUse},
		{"TokenExpiry", s.testTokenExpiry},
		{"TokenConcurrentConsume", s.testTokenConcurrentConsume},
		{"TokenBoundToIP", s.testTokenBoundToIP},
		{"CharacterVars", s.testCharacterVars},
		{"CharacterVarsLimits", s.testCharacterVarsLimits},
		{"CharacterSkills", s.testCharacterSkills},
		{"SaveSkillsVersioned", s.testSaveSkillsVersioned},
		{"CharacterSkillsLimits", s.testCharacterSkillsLimits},
		{"LockIsExclusiveAndReleased", s.testLockIsExclusiveAndReleased},
		{"LockBadName", s.testLockBadName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t)
		})
	}
}

// Bench runs the store's benchmarks against the backend o opens.
func Bench(b *testing.B, o Opener) {
	s := &suite{o}
	b.Run("CreateAccount", s.benchCreateAccount)
	b.Run("AccountByName", s.benchAccountByName)
	b.Run("Login", s.benchLogin)
	b.Run("SaveCharacters", s.benchSaveCharacters)
	b.Run("SavePeriodic", s.benchSavePeriodic)
	b.Run("SavePeriodicSkills", s.benchSavePeriodicSkills)
	b.Run("Transfer", s.benchTransfer)
	b.Run("TransferFullInventories", s.benchTransferFullInventories)
	b.Run("ItemsOf", s.benchItemsOf)
}
