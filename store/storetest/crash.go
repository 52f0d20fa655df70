package storetest

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/store"
)

// Crash test settings.
const (
	// crashAcks is how many acknowledged writes KillMidWrite waits for
	// before killing the child.
	crashAcks = 40
	// CrashChildLimit stops an orphaned child that was never killed.
	CrashChildLimit = 2 * time.Minute
	// CrashAckPrefix starts each line a child prints after a commit.
	CrashAckPrefix = "committed "
)

// crashName is the name of the i-th account the child creates.
func crashName(i int) string { return fmt.Sprintf("Crash%06d", i) }

// CrashChild is the body of a backend's child test (see KillMidWrite):
// when the environment variable env holds a DSN it opens it and creates
// accounts (each followed by a character, a token and a save, so the
// write mix resembles the server's) until it is killed, printing a line
// after every committed account. Without env it skips.
func CrashChild(t *testing.T, o Opener, env string) {
	dsn := os.Getenv(env)
	if dsn == "" {
		t.Skip("helper process for KillMidWrite")
	}
	ctx := context.Background()
	db, err := o.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(CrashChildLimit)
	for i := 0; time.Now().Before(deadline); i++ {
		a, err := db.CreateAccount(ctx, crashName(i), testHash)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "%s%d\n", CrashAckPrefix, i)
		c, err := db.CreateCharacter(ctx, testCharacter(a.ID, crashName(i)))
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
	t.Fatal("not killed within", CrashChildLimit)
}

// KillChildAndReopen runs the test binary as the test child with env set
// to dsn, feeds each line the child prints to enough until it says the
// child has written enough, kills the child with SIGKILL, and reopens the
// database. The caller closes the returned store.
func KillChildAndReopen(t *testing.T, o Opener, dsn, child, env string, enough func(line string) bool) *store.DB {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+dsn)
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

	db, err := o.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	return db
}

// KillMidWrite kills (SIGKILL) a process (the backend's child test, which
// calls CrashChild with env) in the middle of a stream of writes and
// checks that the database reopens intact: check (the backend's own
// integrity checks) passes, every acknowledged account is present, every
// account row is complete and no character is orphaned.
func KillMidWrite(t *testing.T, o Opener, child, env string, check func(*testing.T, *store.DB)) {
	if os.Getenv(env) != "" {
		t.Skip("inside the child")
	}
	lastAck := -1
	db := KillChildAndReopen(t, o, o.New(t), child, env, func(line string) bool {
		if n, ok := strings.CutPrefix(line, CrashAckPrefix); ok {
			var err error
			if lastAck, err = strconv.Atoi(n); err != nil {
				t.Fatalf("bad ack line %q", line)
			}
		}
		return lastAck+1 >= crashAcks
	})
	defer db.Close()
	if check != nil {
		check(t, db)
	}

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
