package e2e

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store/backend"

	_ "modernc.org/sqlite" // the integrity check opens the file directly
)

// Environment of the child process TestKill9 starts: a server on the
// database in childDBEnv, saving every crashSaveInterval.
const (
	childDBEnv        = "COSERVER_E2E_CHILD_DB"
	crashSaveInterval = 300 * time.Millisecond
)

// TestMain lets the test binary run as the server that TestKill9 kills.
func TestMain(m *testing.M) {
	if db := os.Getenv(childDBEnv); db != "" {
		runChildServer(db)
		return
	}
	if spec := os.Getenv(childRealmEnv); spec != "" {
		runChildRealm(spec)
		return
	}
	os.Exit(m.Run())
}

// runChildServer starts a server, prints its account address and waits to
// be killed.
func runChildServer(db string) {
	cfg := config.Default()
	cfg.General.DB = db
	cfg.General.AdminAddr = ""
	cfg.Account.AccountAddr = loopback + ":0"
	cfg.Account.GameHost = loopback
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = loopback + ":0"
	cfg.Game.SaveInterval = crashSaveInterval
	a, err := app.Start(context.Background(), cfg, app.Options{HashParams: password.TestParams, Logger: testLogger()})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("ready", a.AccountAddr().String())
	select {}
}

// startChild starts the test binary as a server on db (runChildServer) and
// returns it with its account address.
func startChild(t *testing.T, db string) (*exec.Cmd, string) {
	t.Helper()
	return startChildEnv(t, "child server", childDBEnv+"="+db)
}

// startChildEnv starts the test binary with env added (a TestMain reads it
// and becomes a server), waits for its "ready ADDR" line and returns it with
// ADDR; the child is killed when the test ends.
func startChildEnv(t *testing.T, what, env string) (*exec.Cmd, string) {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), env)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		t.Fatalf("%s: %q, %v", what, line, err)
	}
	return child, strings.TrimSpace(strings.TrimPrefix(line, "ready "))
}

// TestKill9 kills the server process with SIGKILL while a player walks: the
// restarted server finds the database intact and the character where it
// was at most one save interval before the kill.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	db := newDB(t)
	child, addr := startChild(t, db)

	cfg := client.Config{AccountAddr: addr, Account: "crash1", Password: testPassword, Character: "Crasher",
		Body: 1003, Class: 10, Timeout: waitTimeout, Logger: testLogger()}
	c := login(t, cfg)
	step := func(dir uint8) {
		want := c.Predicted()
		if err := c.Walk(dir, msg.WalkModeWalk); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the step is confirmed", func() bool { return c.Pending() == 0 })
		if c.Position() == want {
			t.Fatalf("step %d not taken", dir)
		}
		// 7 steps in all: within game.MaxStepBurst, so no pace is needed.
	}
	// Walk, then stand still for two save intervals: that position is saved.
	for range 4 {
		step(6) // east
	}
	saved := c.Position()
	// A periodic save stores that position: watch the database for it.
	reader, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the periodic save of the position", func() bool {
		ch, err := reader.CharacterByName(t.Context(), cfg.Character)
		return err == nil && ch.MapID == saved.Map && ch.X == saved.X && ch.Y == saved.Y
	})
	reader.Close()
	// Walk again and kill the server at once: these steps may be lost.
	var path []client.Position
	for range 3 {
		step(0) // south
		path = append(path, c.Position())
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	// The database is intact after the kill (SQLite: integrity_check).
	if !backend.IsPostgres(db) {
		sqldb, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		var check string
		if err := sqldb.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity_check: %q, %v", check, err)
		}
		sqldb.Close()
	}

	s := startServer(t, db, "")
	cfg.AccountAddr = s.accountAddr()
	again := login(t, cfg)
	if again.Created() {
		t.Fatal("the character was lost: the restarted server asked for a new one")
	}
	got := again.Position()
	ok := got == saved
	for _, p := range path {
		ok = ok || got == p
	}
	if !ok {
		t.Fatalf("after kill -9 the character is at %+v; want the saved %+v or a later step of %+v", got, saved, path)
	}
	t.Logf("saved before the walk: %+v, path: %+v, restored at: %+v", saved, path, got)
}

// TestKill9AfterDialog: a player talks to the guide (who sets a variable)
// and travels to Twin City; once a periodic save has stored that, the server
// is killed with SIGKILL. The restarted server has the player in Twin City
// and the guide remembers it.
func TestKill9AfterDialog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	db := newDB(t)
	child, addr := startChild(t, db)
	cfg := client.Config{AccountAddr: addr, Account: "crash2", Password: testPassword, Character: "Traveller",
		Body: 1003, Class: 10, Timeout: waitTimeout, Logger: testLogger()}
	c := login(t, cfg)
	travel(t, c)
	eventually(t, "the player in Twin City", func() bool { return c.Position().Map == twinCity })
	reader, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the periodic save of the journey", func() bool {
		ch, err := reader.CharacterByName(t.Context(), cfg.Character)
		return err == nil && ch.MapID == twinCity && ch.Vars["guide.met"] != ""
	})
	reader.Close()
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	s := startServer(t, db, "")
	cfg.AccountAddr = s.accountAddr()
	again := login(t, cfg)
	if got := again.Position(); again.Created() || got.Map != twinCity {
		t.Fatalf("after kill -9: created %v, at %+v", again.Created(), got)
	}
	_ = again.Close()
	ch, err := s.app.Store().CharacterByName(t.Context(), cfg.Character)
	if err != nil || ch.Vars["guide.met"] == "" {
		t.Fatalf("the guide's variable after kill -9: %v, %v", ch.Vars, err)
	}
}
