package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/sqlite"
)

// newDB creates an empty database and returns its path.
func newDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ops.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustRun runs a command line and fails the test unless it exits with code.
func mustRun(t *testing.T, code int, args ...string) (string, string) {
	t.Helper()
	got, out, errOut := runCmd(t, "", args...)
	if got != code {
		t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, got, code, out, errOut)
	}
	return out, errOut
}

func TestAccountCLIDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere", "x.db")
	_, errOut := mustRun(t, 1, "account", "-db", missing, "list")
	if !strings.Contains(errOut, "no database file") {
		t.Fatalf("missing database: %q", errOut)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the account command created the missing database's folder")
	}

	db := newDB(t)
	t.Setenv("COSERVER_DB", db) // honoured like serve
	_, errOut = mustRun(t, 0, "account", "add", "envuser", "pw")
	if !strings.Contains(errOut, "database sqlite "+db) {
		t.Fatalf("the opened database is not named: %q", errOut)
	}
	cfgFile := filepath.Join(t.TempDir(), "c.json")
	other := newDB(t)
	if err := os.WriteFile(cfgFile, []byte(`{"db": "`+other+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COSERVER_DB", "")
	mustRun(t, 0, "account", "-config", cfgFile, "add", "fileuser", "pw")
	if out, _ := mustRun(t, 0, "account", "-db", other, "list"); !strings.Contains(out, "fileuser") || strings.Contains(out, "envuser") {
		t.Fatalf("-config not honoured: %q", out)
	}
}

func TestAccountRenameDeleteCharacters(t *testing.T) {
	ctx := context.Background()
	path := newDB(t)
	mustRun(t, 0, "account", "-db", path, "add", "alice", "pw")
	mustRun(t, 0, "account", "-db", path, "add", "bob", "pw")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc, err := st.AccountByName(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateCharacter(ctx, store.Character{AccountID: acc.ID, Name: "Heroine", Body: 2001, Class: 10,
		Level: 7, MapID: 1002, X: 430, Y: 380}); err != nil {
		t.Fatal(err)
	}
	out, _ := mustRun(t, 0, "account", "-db", path, "characters", "ALICE")
	if !strings.Contains(out, "Heroine") || !strings.Contains(out, "1002") || !strings.Contains(out, "430") {
		t.Fatalf("characters: %q", out)
	}
	mustRun(t, 1, "account", "-db", path, "characters", "bob") // no character yet
	mustRun(t, 1, "account", "-db", path, "rename", "alice", "BOB")
	mustRun(t, 1, "account", "-db", path, "rename", "alice", "x!")
	mustRun(t, 0, "account", "-db", path, "rename", "alice", "alicia")
	if out, _ := mustRun(t, 0, "account", "-db", path, "characters", "alicia"); !strings.Contains(out, "Heroine") {
		t.Fatalf("the character did not follow the rename: %q", out)
	}

	// A running game server holds the lock: delete is refused.
	lock, err := st.Lock(ctx, gameLockName)
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut := mustRun(t, 1, "account", "-db", path, "delete", "alicia"); !strings.Contains(errOut, "game server is running") {
		t.Fatalf("delete while locked: %q", errOut)
	}
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}
	mustRun(t, 0, "account", "-db", path, "delete", "alicia")
	if _, err := st.CharacterByName(ctx, "Heroine"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the character survived: %v", err)
	}
	mustRun(t, 1, "account", "-db", path, "delete", "alicia")
}

// TestDeleteRefusedByRunningGameServer ties gameLockName to app's lock.
func TestDeleteRefusedByRunningGameServer(t *testing.T) {
	ctx := context.Background()
	path := newDB(t)
	mustRun(t, 0, "account", "-db", path, "add", "carol", "pw")
	cfg := config.Default()
	cfg.General.DB, cfg.General.AdminAddr, cfg.Game.GameAddr = path, "", "127.0.0.1:0"
	a, err := app.Start(ctx, cfg, app.Options{Role: app.RoleGame, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, 1, "account", "-db", path, "delete", "carol")
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mustRun(t, 0, "account", "-db", path, "delete", "carol")
}

func TestBackupCommand(t *testing.T) {
	path := newDB(t)
	mustRun(t, 0, "account", "-db", path, "add", "saved", "pw")
	out := filepath.Join(t.TempDir(), "copy.db")
	mustRun(t, 0, "backup", "-db", path, out)
	if _, errOut := mustRun(t, 1, "backup", "-db", path, out); !strings.Contains(errOut, "exists") {
		t.Fatalf("overwrite: %q", errOut)
	}
	if o, _ := mustRun(t, 0, "account", "-db", out, "list"); !strings.Contains(o, "saved") {
		t.Fatalf("the copy lacks the account: %q", o)
	}
	mustRun(t, 2, "backup", "-db", path)
	mustRun(t, 1, "backup", "-db", filepath.Join(t.TempDir(), "none.db"), filepath.Join(t.TempDir(), "b.db"))
}

func TestCommandLine(t *testing.T) {
	// A flag first means serve.
	if _, errOut := mustRun(t, 2, "-log-level", "loud"); !strings.Contains(errOut, "coserver serve") {
		t.Fatalf("-flag is not serve: %q", errOut)
	}
	// A stray word is refused, not silently the end of the flags.
	if _, errOut := mustRun(t, 2, "serve", "extra", "-db", "x"); !strings.Contains(errOut, `"extra"`) {
		t.Fatalf("stray argument: %q", errOut)
	}
	// Each role's -h shows its own groups.
	_, game := mustRun(t, 0, "game-server", "-h")
	_, acct := mustRun(t, 0, "account-server", "-h")
	if strings.Contains(game, "-account-addr") || !strings.Contains(game, "-game-addr") || !strings.Contains(game, config.GroupLimits) {
		t.Fatalf("game-server -h:\n%s", game)
	}
	if strings.Contains(acct, "-client-dir") || !strings.Contains(acct, "-account-addr") {
		t.Fatalf("account-server -h:\n%s", acct)
	}
	if !strings.Contains(game, adminAddrGame) || !strings.Contains(acct, adminAddrDefault) {
		t.Fatal("game-server and account-server must default to different admin ports")
	}
	if out, _ := mustRun(t, 0, "version"); !strings.Contains(out, "go1.") || !strings.Contains(out, "github.com/coserver/coserver") {
		t.Fatalf("version: %q", out)
	}
	mustRun(t, 2, "version", "extra")
}

func TestVersionText(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "m", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionText(bi)
	for _, want := range []string{"v1.2.3", "abc123 (with uncommitted changes)", "go1.26.0"} {
		if !strings.Contains(got, want) {
			t.Errorf("version text lacks %q:\n%s", want, got)
		}
	}
}

// takePort holds a loopback port for the test and returns its address.
func takePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

func TestPortsCheckedBeforeStart(t *testing.T) {
	a, g := takePort(t), takePort(t)
	db := filepath.Join(t.TempDir(), "never.db")
	_, errOut := mustRun(t, 1, "serve", "-db", db, "-account-addr", a, "-game-addr", g, "-admin-addr", "127.0.0.1:0")
	for _, want := range []string{"-account-addr " + a, "-game-addr " + g, "in use"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the error lacks %q:\n%s", want, errOut)
		}
	}
	for _, stray := range []string{"shutdown complete", "stopped", "listening"} {
		if strings.Contains(errOut, stray) {
			t.Errorf("a failed start logged %q:\n%s", stray, errOut)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Error("the database was created although the start failed")
	}
	// Two flags on one free port collide too.
	free := "127.0.0.1:0"
	if err := checkPorts([]listenAddr{{"account-addr", free}, {"game-addr", free}}, net.Listen); err != nil {
		t.Fatalf("port 0 twice: %v", err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
