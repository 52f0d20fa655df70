package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/realm/natstest"
)

// BenchmarkKick measures an operator's kick and ban, from the admin API
// call to the client seeing its connection closed: "local" kicks a player
// of the same process (coserver serve), "nats" kicks from the account
// server a player on a realm's process, one NATS request and reply away.
// Each iteration logs a player in first, untimed.
func BenchmarkKick(b *testing.B) {
	for _, mode := range []string{"local", "nats"} {
		for _, op := range []string{"kick", "ban"} {
			b.Run(mode+"/"+op, func(b *testing.B) { benchKick(b, mode, op) })
		}
	}
}

func benchKick(b *testing.B, mode, op string) {
	db := filepath.Join(b.TempDir(), "bench.db")
	var acct, game *app.App
	if mode == "local" {
		acct = startB(b, db, nil, app.RoleBoth)
		game = acct
	} else {
		ns := natstest.Start(b, "")
		game = startB(b, db, realmConfig(ns.URL(), "West"), app.RoleGame)
		acct = startB(b, db, realmConfig(ns.URL(), ""), app.RoleAccount)
		deadline := time.Now().Add(waitTimeout)
		for len(acct.Realms()) != 1 {
			if time.Now().After(deadline) {
				b.Fatal("the realm never showed in the directory")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	cfg := client.Config{AccountAddr: acct.AccountAddr().String(), Account: "kickme", Password: testPassword,
		Character: "KickMe", Body: 1003, Class: 10, Timeout: waitTimeout, Server: "West", Logger: testLogger()}
	adminURL := "http://" + acct.AdminAddr().String() + "/admin/api/"
	post := func(path string, body any) {
		data, _ := json.Marshal(body)
		resp, err := http.Post(adminURL+path, "application/json", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: HTTP %d", path, resp.StatusCode)
		}
	}
	first := true
	for b.Loop() {
		b.StopTimer()
		if op == "ban" && !first {
			post("unban", map[string]string{"account": cfg.Account})
		}
		first = false
		c, err := client.Login(b.Context(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		for game.Online() != 1 { // the admin lists only players in the world
			time.Sleep(time.Millisecond)
		}
		b.StartTimer()
		if op == "ban" {
			post("ban", map[string]string{"account": cfg.Account})
		} else {
			post("kick", map[string]string{"name": cfg.Character})
		}
		<-c.Done()
		b.StopTimer()
		for game.Online() != 0 {
			time.Sleep(time.Millisecond)
		}
		b.StartTimer()
	}
}

// startB starts a process for a benchmark, with an admin endpoint.
func startB(b *testing.B, db string, tune func(*config.Config), role app.Role) *app.App {
	cfg := config.Default()
	cfg.General.DB = db
	cfg.General.AdminAddr = loopback + ":0"
	cfg.Account.AccountAddr = loopback + ":0"
	cfg.Account.GameHost = loopback
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = loopback + ":0"
	cfg.Limits.MaxConnsPerIP = maxConnsPerIP
	cfg.Account.LoginRatePerIP = -1
	if tune != nil {
		tune(&cfg)
	}
	a, err := app.Start(b.Context(), cfg, app.Options{Role: role, HashParams: password.TestParams, Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		_ = a.Shutdown(ctx)
	})
	return a
}
