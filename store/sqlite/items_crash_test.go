package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/store/storetest"
)

// Item crash test settings.
const (
	// itemCrashEnv names the environment variable that turns
	// TestItemCrashChild into the trading process; its value is the db
	// path.
	itemCrashEnv = "COSERVER_STORE_ITEM_CRASH_CHILD_DB"
	// itemCrashAcks is how many committed saves the parent waits for
	// before killing the child.
	itemCrashAcks = 60
	// itemCrashWorkers is the number of trading goroutines in the child.
	itemCrashWorkers = 3
)

// TestItemCrashChild is not a test on its own: TestItemKillMidTransfer runs
// the test binary again with only this test selected and itemCrashEnv set.
// It runs the conservation economy (econ) with concurrent workers that save
// often, printing a line after every commit, until it is killed.
func TestItemCrashChild(t *testing.T) {
	path := os.Getenv(itemCrashEnv)
	if path == "" {
		t.Skip("helper process for TestItemKillMidTransfer")
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	e := storetest.NewEcon(t, db, "econ")
	deadline := time.Now().Add(storetest.CrashChildLimit)
	var wg sync.WaitGroup
	for w := range itemCrashWorkers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for time.Now().Before(deadline) {
				e.Step(rng)
				if rng.IntN(2) == 0 {
					continue
				}
				if err := e.Save(rng); err != nil {
					fmt.Fprintln(os.Stderr, "child save:", err)
					os.Exit(3)
				}
				fmt.Fprintf(os.Stdout, "%s%d\n", storetest.CrashAckPrefix, w)
			}
		})
	}
	wg.Wait()
	t.Fatal("not killed within", storetest.CrashChildLimit)
}

// TestItemKillMidTransfer kills (SIGKILL) a process in the middle of a
// burst of item and silver transfers and checks that the database reopens
// intact, with every item exactly once and every coin: integrity_check is
// ok, and the totals are the initial ones.
func TestItemKillMidTransfer(t *testing.T) {
	if os.Getenv(itemCrashEnv) != "" {
		t.Skip("inside the child")
	}
	acks := 0
	db := storetest.KillChildAndReopen(t, opener, opener.New(t), "TestItemCrashChild", itemCrashEnv, func(line string) bool {
		if strings.HasPrefix(line, storetest.CrashAckPrefix) {
			acks++
		}
		return acks >= itemCrashAcks
	})
	defer db.Close()
	checkIntegrity(t, db)
	silver := int64(storetest.EconChars) * int64(storetest.NewCharacter(0, "").Silver)
	if err := storetest.CheckTotals(db, storetest.EconChars*storetest.EconItemsPer, silver); err != nil {
		t.Fatalf("after kill: %v", err)
	}
	var version int64
	if err := db.QueryRow(context.Background(), `SELECT MAX(version) FROM items`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	// The store still works: a new economy on top of the old one.
	e := storetest.NewEcon(t, db, "after")
	if err := storetest.CheckTotals(db, 2*storetest.EconChars*storetest.EconItemsPer, 2*silver); err != nil {
		t.Fatalf("after a new economy: %v", err)
	}
	t.Logf("killed after %d commits; newest item version on disk %d; restarted at %d", acks, version, e.Version())
}
