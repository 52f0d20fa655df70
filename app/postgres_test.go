package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/storetest"
)

// TestPostgresSecondGameServerRefused: on PostgreSQL too, a second game
// server on one database refuses to start (the advisory lock), an account
// server runs beside the game server, and the lock is free after Shutdown.
func TestPostgresSecondGameServerRefused(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	cfg.General.DB = storetest.NewPostgresSchema(t, storetest.PostgresDSN(t))
	cfg.General.AdminAddr = ""
	log := slog.New(slog.DiscardHandler)
	shutdown := func(a *App) {
		t.Helper()
		shutCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := a.Shutdown(shutCtx); err != nil {
			t.Fatal(err)
		}
	}
	first, err := Start(ctx, cfg, Options{Role: RoleGame, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Start(ctx, cfg, Options{Role: RoleGame, Logger: log})
	if err == nil {
		shutdown(second)
		t.Fatal("a second game server started on the same PostgreSQL database")
	}
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "advisory lock") {
		t.Fatalf("Start = %v, want store.ErrLocked naming the advisory lock", err)
	}
	acct, err := Start(ctx, cfg, Options{Role: RoleAccount, Logger: log, HashParams: password.TestParams})
	if err != nil {
		t.Fatalf("account server beside a game server: %v", err)
	}
	shutdown(acct)
	shutdown(first)
	again, err := Start(ctx, cfg, Options{Role: RoleGame, Logger: log})
	if err != nil {
		t.Fatalf("game server after the first stopped: %v", err)
	}
	shutdown(again)
}
