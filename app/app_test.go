package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

// testConfig is a process on loopback with ephemeral ports and a temporary
// database.
func testConfig(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.General.DB = filepath.Join(t.TempDir(), "app.db")
	cfg.General.AdminAddr = "127.0.0.1:0"
	cfg.Account.AccountAddr = "127.0.0.1:0"
	cfg.Account.GameHost = "127.0.0.1"
	cfg.Game.GameAddr = "127.0.0.1:0"
	return cfg
}

func TestStartServeMetricsShutdown(t *testing.T) {
	ctx := context.Background()
	a, err := Start(ctx, testConfig(t), Options{HashParams: password.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if a.AccountAddr() == nil || a.GameAddr() == nil || a.AdminAddr() == nil {
		t.Fatal("a listener is missing")
	}
	resp, err := http.Get("http://" + a.AdminAddr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, name := range []string{"coserver_connections_open", "coserver_game_players_online", "go_goroutines"} {
		if !strings.Contains(string(body), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	resp, err = http.Get("http://" + a.AdminAddr().String() + "/debug/pprof/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("pprof: %v %v", resp, err)
	}
	resp.Body.Close()
	shutCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.Shutdown(shutCtx); err != nil {
		t.Fatal(err)
	}
}

func TestSeparateRoles(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	cfg.General.AdminAddr = ""
	log := slog.New(slog.DiscardHandler)
	g, err := Start(ctx, cfg, Options{Role: RoleGame, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(g.GameAddr().String())
	cfg.Account.GamePort, _ = strconv.Atoi(port)
	acct, err := Start(ctx, cfg, Options{Role: RoleAccount, Logger: log, HashParams: password.TestParams})
	if err != nil {
		t.Fatal(err)
	}
	if acct.GameAddr() != nil || g.AccountAddr() != nil {
		t.Fatal("a role started the other role's listener")
	}
	host, p, err := acct.advertised(nil)
	if err != nil || host != "127.0.0.1" || strconv.Itoa(int(p)) != port {
		t.Fatalf("account process advertises %s:%d (%v), want 127.0.0.1:%s", host, p, err, port)
	}
	shutCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := errors.Join(acct.Shutdown(shutCtx), g.Shutdown(shutCtx)); err != nil {
		t.Fatal(err)
	}
}

func TestSecondGameServerOnOneDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	cfg.General.AdminAddr = ""
	log := slog.New(slog.DiscardHandler)
	first, err := Start(ctx, cfg, Options{Role: RoleGame, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	shutdown := func(a *App) {
		t.Helper()
		shutCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := a.Shutdown(shutCtx); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range []Role{RoleGame, RoleBoth} {
		second, err := Start(ctx, cfg, Options{Role: role, Logger: log, HashParams: password.TestParams})
		if err == nil {
			shutdown(second)
			t.Fatalf("role %d: a second game server started on the same database", role)
		}
		if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), cfg.General.DB+".game.lock") ||
			!strings.Contains(err.Error(), "PID "+strconv.Itoa(os.Getpid())) {
			t.Fatalf("role %d: Start = %v, want store.ErrLocked naming the lock file and the holder's PID", role, err)
		}
	}
	// The account server takes no lock: it runs beside the game server.
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
