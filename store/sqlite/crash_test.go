package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/storetest"
)

// Crash test settings.
const (
	// crashEnv names the environment variable that turns
	// TestCrashChild into the writer process; its value is the db path.
	crashEnv = "COSERVER_STORE_CRASH_CHILD_DB"
	// crashAcks is how many acknowledged writes the parent waits for
	// before killing the child.
	crashAcks = 40
	// crashChildLimit stops an orphaned child that was never killed.
	crashChildLimit = 2 * time.Minute
	// crashAckPrefix starts each line the child prints after a commit.
	crashAckPrefix = "committed "
)

// crashName is the name of the i-th account the child creates.
func crashName(i int) string { return fmt.Sprintf("Crash%06d", i) }

// TestCrashChild is not a test on its own: TestKillMidWrite runs the test
// binary again with only this test selected and crashEnv set. It creates
// accounts (each followed by a character, a token and a batch save, so
// the write mix resembles the server's) until it is killed, printing a
// line after every committed account.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process for TestKillMidWrite")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(crashChildLimit)
	for i := 0; time.Now().Before(deadline); i++ {
		a, err := db.CreateAccount(ctx, crashName(i), testHash)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "%s%d\n", crashAckPrefix, i)
		c, err := db.CreateCharacter(ctx, storetest.NewCharacter(a.ID, crashName(i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.IssueToken(ctx, uint64(i), a.ID, netip.MustParseAddr("127.0.0.1"), time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		c.X++
		if err := db.SaveCharacters(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("not killed within", crashChildLimit)
}

// killChildAndReopen runs the test binary as test child with env set to a
// fresh database file called file, feeds each line the child prints to
// enough until it says the child has written enough, kills the child with
// SIGKILL, and reopens the database, which must pass the integrity and
// foreign-key checks. The caller closes the returned store.
func killChildAndReopen(t *testing.T, child, env, file string, enough func(line string) bool) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), file)
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	sc := bufio.NewScanner(stdout)
	done := false
	for !done && sc.Scan() {
		done = enough(sc.Text())
	}
	if !done {
		t.Fatalf("child %s stopped before it had written enough: %v", child, sc.Err())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed = true
	cmd.Wait() // "signal: killed"; reaps the child

	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	var check string
	if err := db.QueryRow(context.Background(), `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		db.Close()
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var fkViolations int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fkViolations); err != nil || fkViolations != 0 {
		db.Close()
		t.Fatalf("foreign_key_check: %d violations, %v", fkViolations, err)
	}
	return db
}

// TestKillMidWrite kills (SIGKILL) a process in the middle of a stream of
// writes and checks that the database reopens intact: integrity_check is
// ok, every acknowledged account is present, and every account row is
// complete.
func TestKillMidWrite(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("inside the child")
	}
	lastAck := -1
	db := killChildAndReopen(t, "TestCrashChild", crashEnv, "crash.db", func(line string) bool {
		if n, ok := strings.CutPrefix(line, crashAckPrefix); ok {
			var err error
			if lastAck, err = strconv.Atoi(n); err != nil {
				t.Fatalf("bad ack line %q", line)
			}
		}
		return lastAck+1 >= crashAcks
	})
	defer db.Close()

	// Every row complete: exactly the values the child wrote.
	rows, err := db.Query(context.Background(), `SELECT id, name, name_key, password_hash, status, gm, created_at, last_login FROM accounts ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for ; rows.Next(); n++ {
		var id, status, gm, created, lastLogin int64
		var name, key, hash string
		if err := rows.Scan(&id, &name, &key, &hash, &status, &gm, &created, &lastLogin); err != nil {
			t.Fatal(err)
		}
		if name != crashName(n) || key != names.Key(name) || hash != testHash ||
			status != int64(store.StatusActive) || gm != 0 || created <= 0 || lastLogin != 0 {
			t.Fatalf("incomplete account row %d: %d %q %q %q %d %d %d %d", n, id, name, key, hash, status, gm, created, lastLogin)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n <= lastAck {
		t.Fatalf("%d accounts after kill, but the child acknowledged %d", n, lastAck+1)
	}
	// Characters are never orphaned and never duplicated.
	var chars, orphans int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*), COUNT(*) - COUNT(a.id) FROM characters c LEFT JOIN accounts a ON a.id = c.account_id`).Scan(&chars, &orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 || chars > n || chars < n-1 {
		t.Fatalf("%d characters (%d orphans) for %d accounts", chars, orphans, n)
	}
	// The store still works.
	if _, err := db.CreateAccount(context.Background(), "after-crash", testHash); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d acknowledged accounts; %d accounts, %d characters on disk", lastAck+1, n, chars)
}
