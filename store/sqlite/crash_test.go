package sqlite

import (
	"context"
	"testing"

	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/storetest"
)

// crashEnv names the environment variable that turns TestCrashChild into
// the writer process; its value is the db path.
const crashEnv = "COSERVER_STORE_CRASH_CHILD_DB"

// TestCrashChild is not a test on its own: TestKillMidWrite runs the test
// binary again with only this test selected and crashEnv set
// (storetest.CrashChild).
func TestCrashChild(t *testing.T) { storetest.CrashChild(t, opener, crashEnv) }

// TestKillMidWrite kills (SIGKILL) a process in the middle of a stream of
// writes and checks that the database reopens intact: integrity_check and
// foreign_key_check are clean, every acknowledged account is present, and
// every account row is complete (storetest.KillMidWrite).
func TestKillMidWrite(t *testing.T) {
	storetest.KillMidWrite(t, opener, "TestCrashChild", crashEnv, checkIntegrity)
}

// checkIntegrity fails t unless SQLite's integrity and foreign-key checks
// pass on db.
func checkIntegrity(t *testing.T, db *store.DB) {
	t.Helper()
	var check string
	if err := db.QueryRow(context.Background(), `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var fkViolations int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fkViolations); err != nil || fkViolations != 0 {
		t.Fatalf("foreign_key_check: %d violations, %v", fkViolations, err)
	}
}
