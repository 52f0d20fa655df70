package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
)

// Settings of the servers these tests start.
const (
	cliWaitTimeout = 10 * time.Second
	cliPassword    = "cli-pass"
)

// startServer runs a server (account and game) on loopback with its admin
// address, as `coserver serve` would, over the database db.
func startServer(t *testing.T, db string, tune func(*config.Config)) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.General.DB = db
	cfg.General.AdminAddr = "127.0.0.1:0"
	cfg.Account.AccountAddr = "127.0.0.1:0"
	cfg.Account.GameHost = "127.0.0.1"
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = "127.0.0.1:0"
	if tune != nil {
		tune(&cfg)
	}
	a, err := app.Start(t.Context(), cfg, app.Options{HashParams: password.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cliWaitTimeout)
		defer cancel()
		if err := a.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return a
}

// player returns the login of account name, whose character is name+"C".
func player(a *app.App, name, pw string) client.Config {
	return client.Config{AccountAddr: a.AccountAddr().String(), Account: name, Password: pw, Character: name + "C",
		Timeout: cliWaitTimeout}
}

func TestAccountBanDisconnects(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	a := startServer(t, db, nil)
	c, err := client.Login(t.Context(), player(a, "mallory", cliPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	admin := a.AdminAddr().String()

	code, out, errOut := runCmd(t, "", "account", "-db", db, "-admin-addr", admin, "ban", "mallory")
	if code != 0 || !strings.Contains(out, "account mallory is banned") || !strings.Contains(out, "disconnected its character") {
		t.Fatalf("ban: %d %q %q", code, out, errOut)
	}
	select {
	case <-c.Done():
	case <-time.After(cliWaitTimeout):
		t.Fatal("the banned player is still connected")
	}
	if _, err := client.Login(t.Context(), player(a, "mallory", cliPassword)); err == nil {
		t.Fatal("the banned account logged in again")
	}

	// Offline now: the server says so.
	code, out, _ = runCmd(t, "", "account", "-db", db, "-admin-addr", admin, "ban", "mallory")
	if code != 0 || !strings.Contains(out, "not online") {
		t.Errorf("ban offline: %d %q", code, out)
	}
	// No server: the ban is stored and the command says what that means.
	t.Setenv("COSERVER_ADMIN_ADDR", "127.0.0.1:1")
	code, out, errOut = runCmd(t, "", "account", "-db", db, "ban", "mallory")
	if code != 0 || !strings.Contains(out, "no running server answered") || !strings.Contains(out, "next login is refused") {
		t.Errorf("ban without a server: %d %q %q", code, out, errOut)
	}
}

func TestAccountUnlock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	a := startServer(t, db, func(c *config.Config) {
		c.Account.LoginFailuresPerAccount = 2
		c.Account.LoginExemptIPs = "none"
	})
	if _, err := client.Login(t.Context(), player(a, "victor", cliPassword)); err != nil { // registers it
		t.Fatal(err)
	}
	for range 2 {
		if _, err := client.Login(t.Context(), player(a, "victor", "wrong")); err == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	if _, err := client.Login(t.Context(), player(a, "victor", cliPassword)); err == nil {
		t.Fatal("not locked out after the failures")
	}
	// The admin address comes from the environment, as the server's would.
	t.Setenv("COSERVER_ADMIN_ADDR", a.AdminAddr().String())
	code, out, errOut := runCmd(t, "", "account", "unlock", "Victor")
	if code != 0 || !strings.Contains(out, "account Victor unlocked") {
		t.Fatalf("unlock: %d %q %q", code, out, errOut)
	}
	c, err := client.Login(t.Context(), player(a, "victor", cliPassword))
	if err != nil {
		t.Fatalf("still locked after unlock: %v", err)
	}
	c.Close()

	t.Setenv("COSERVER_ADMIN_ADDR", "127.0.0.1:1")
	code, _, errOut = runCmd(t, "", "account", "unlock", "victor")
	if code != 1 || !strings.Contains(errOut, "needs the running account server") {
		t.Errorf("unlock without a server: %d %q", code, errOut)
	}
	if code, _, _ = runCmd(t, "", "account", "unlock"); code != 2 {
		t.Errorf("unlock without a name: %d, want 2", code)
	}
}
