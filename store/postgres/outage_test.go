package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/storetest"
)

// Outage test settings.
const (
	// outageWorkers save characters side by side.
	outageWorkers = 4
	// outageSaves is how many saves each worker makes.
	outageSaves = 150
	// outageKills is how many times every connection of the store is
	// terminated during the burst.
	outageKills = 20
	// outageApp is the application_name of the store's connections, so
	// that only they are terminated.
	outageApp = "coserver_outage_test"
)

// TestConnectionsKilledMidBurst terminates every connection of the store
// (pg_terminate_backend) again and again while workers save characters: a
// save either returns nil and is stored, or returns an error (the game
// keeps the state and saves it again); none is lost silently. Transactions
// cut before COMMIT are retried on a new connection, so most saves succeed.
func TestConnectionsKilledMidBurst(t *testing.T) {
	base := storetest.PostgresDSN(t)
	dsn := storetest.NewPostgresSchema(t, base)
	ctx := context.Background()
	db := openAs(t, dsn, outageApp)
	defer db.Close()
	killer, err := Open(ctx, dsn) // another application_name: never killed
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close()

	chars := make([]store.Character, outageWorkers)
	for i := range chars {
		a, err := db.CreateAccount(ctx, fmt.Sprintf("outage%d", i), storetest.TestHash)
		if err != nil {
			t.Fatal(err)
		}
		if chars[i], err = db.CreateCharacter(ctx, storetest.NewCharacter(a.ID, fmt.Sprintf("Outage%d", i))); err != nil {
			t.Fatal(err)
		}
	}

	acked := make([]uint32, outageWorkers) // the last silver value a save acknowledged
	tried := make([]uint32, outageWorkers) // the last silver value tried
	failed := make([]int, outageWorkers)
	var wg sync.WaitGroup
	progress := make(chan struct{}, outageWorkers*outageSaves)
	for w := range outageWorkers {
		wg.Go(func() {
			c := chars[w]
			for v := uint32(1); v <= outageSaves; v++ {
				c.Silver = v
				tried[w] = v
				if err := db.SaveCharacters(ctx, c); err != nil {
					failed[w]++
					t.Log(err)
				} else {
					acked[w] = v
				}
				progress <- struct{}{}
			}
		})
	}
	kills := 0
	for range outageKills {
		for range outageWorkers * outageSaves / outageKills / 2 {
			<-progress // spread the kills over the burst
		}
		var n int
		if err := killer.QueryRow(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = ? AND pid <> pg_backend_pid()`, outageApp).Scan(&n); err != nil {
			t.Fatal(err)
		}
		kills += n
	}
	wg.Wait()

	totalFailed := 0
	for w, c := range chars {
		got, err := killer.CharacterByName(ctx, c.Name)
		if err != nil {
			t.Fatal(err)
		}
		// The stored value is the last acknowledged one, or a later one
		// whose COMMIT reply was lost.
		if got.Silver < acked[w] || got.Silver > tried[w] {
			t.Errorf("worker %d: stored silver %d, last acknowledged %d, last tried %d", w, got.Silver, acked[w], tried[w])
		}
		totalFailed += failed[w]
	}
	t.Logf("%d connections terminated; %d of %d saves failed (reported to the caller), the rest stored",
		kills, totalFailed, outageWorkers*outageSaves)
	if kills == 0 {
		t.Error("no connection was terminated: the test tested nothing")
	}
	if _, err := db.CharacterByName(ctx, chars[0].Name); err != nil {
		t.Errorf("the store does not recover after the kills: %v", err)
	}
	if errors.Is(err, store.ErrNotFound) {
		t.Error("unreachable")
	}
}

// TestOpenServerDown: a server that is not there is a clear error at once.
func TestOpenServerDown(t *testing.T) {
	// Port 1 on loopback: nothing listens there.
	_, err := Open(context.Background(), "postgres://coserver@127.0.0.1:1/coserver?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open of a server that is down succeeded")
	}
	for _, want := range []string{"127.0.0.1:1", "is PostgreSQL running"} {
		if !contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// lockTestApp is the application_name of the store whose lock is cut.
const lockTestApp = "coserver_lock_test"

// TestLockLostIsReported: when the connection holding the game lock ends
// and another process takes the lock before the holder can take it again,
// the holder's Lost channel is closed (the app logs it); if the holder was
// first, the other process is refused as usual.
func TestLockLostIsReported(t *testing.T) {
	dsn := storetest.NewPostgresSchema(t, storetest.PostgresDSN(t))
	ctx := context.Background()
	db := openAs(t, dsn, lockTestApp)
	defer db.Close()
	other, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	l, err := db.Lock(ctx, "game")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	var n int
	if err := other.QueryRow(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = ?`, lockTestApp).Scan(&n); err != nil || n == 0 {
		t.Fatalf("terminated %d backends: %v", n, err)
	}
	ol, err := other.Lock(ctx, "game")
	if errors.Is(err, store.ErrLocked) {
		t.Log("the holder took the lock again first")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer ol.Unlock()
	select {
	case <-l.Lost():
	case <-time.After(waitTimeout): // a hang guard, not a timing assertion
		t.Fatal("the lost lock was not reported")
	}
}

// waitTimeout bounds a wait that should end at once.
const waitTimeout = 30 * time.Second

// crashEnv names the environment variable that turns TestCrashChild into
// the writer process; its value is the DSN.
const crashEnv = "COSERVER_STORE_PG_CRASH_CHILD_DSN"

// TestCrashChild is not a test on its own: TestKillMidWrite runs the test
// binary again with only this test selected and crashEnv set.
func TestCrashChild(t *testing.T) { storetest.CrashChild(t, opener, crashEnv) }

// TestKillMidWrite kills (SIGKILL) a process writing to PostgreSQL in the
// middle of a stream of writes: every acknowledged account is there,
// complete, and no character is orphaned (storetest.KillMidWrite).
func TestKillMidWrite(t *testing.T) {
	storetest.PostgresDSN(t)
	storetest.KillMidWrite(t, opener, "TestCrashChild", crashEnv, nil)
}

// TestOpenMissingSchema: a search_path naming no schema is a clear error.
func TestOpenMissingSchema(t *testing.T) {
	u, err := url.Parse(storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "no_such_schema")
	u.RawQuery = q.Encode()
	if db, err := Open(context.Background(), u.String()); err == nil {
		db.Close()
		t.Fatal("Open with a missing schema succeeded")
	} else if !strings.Contains(err.Error(), "no schema") {
		t.Errorf("error %q does not say the schema is missing", err)
	}
}

// TestBackupUnsupported: PostgreSQL's backups are pg_dump's.
func TestBackupUnsupported(t *testing.T) {
	db, err := opener.Open(context.Background(), opener.New(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Backup(context.Background(), t.TempDir()+"/x.db"); !errors.Is(err, store.ErrUnsupported) || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Backup = %v, want ErrUnsupported naming pg_dump", err)
	}
}

// openAs opens the store on dsn with application_name app, so a test can
// end its connections (and only its) with pg_terminate_backend.
func openAs(t *testing.T, dsn, app string) *store.DB {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	db, err := Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	return db
}
