package game

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/tq"
)

// adminStore is a store with one character per account: account i owns
// character "Hero<i>" on the start map.
type adminStore struct{ fakeStore }

func (f *adminStore) AccountByID(_ context.Context, id int64) (store.Account, error) {
	return store.Account{ID: id, Name: "acct" + string(rune('0'+id))}, nil
}

func (f *adminStore) CharacterByAccount(_ context.Context, id int64) (store.Character, error) {
	return store.Character{ID: 1_000_000 + uint32(id), AccountID: id, Name: "Hero" + string(rune('0'+id)),
		MapID: StartMap, X: StartX + uint16(id), Y: StartY, Level: uint8(id), Body: 1003, Class: 10, HP: 100}, nil
}

// tokenIsAccount redeems token n as account n.
type tokenIsAccount struct{}

func (tokenIsAccount) ConsumeToken(_ context.Context, tok uint64, _ netip.Addr, _ time.Time) (int64, error) {
	return int64(tok), nil
}

// listenGame serves a game server on 127.0.0.1 and returns it and its port.
func listenGame(t *testing.T) (*Server, uint16) {
	t.Helper()
	return listenGameWith(t, nil)
}

// listenGameWith is listenGame with the configuration adjusted by tune
// (nil for none).
func listenGameWith(t *testing.T, tune func(*Config)) (*Server, uint16) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st := &adminStore{fakeStore: *newFakeStore()}
	reg := prometheus.NewRegistry()
	cfg := Config{SaveInterval: time.Hour, Logger: log}
	if tune != nil {
		tune(&cfg)
	}
	g, err := New(cfg, st, tokenIsAccount{}, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { g.Run(ctx) })
	srv := server.New(server.Config{Name: "game", Logger: log, NewCipher: func() server.Cipher { return tq.NewServer() }},
		g, server.NewMetrics(reg), g.Types())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { _ = srv.Serve(ctx, ln) })
	eventually(t, "the listener serving", func() bool { return srv.Addr() != nil }) // Shutdown must not come first
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), waitTimeout)
		defer scancel()
		_ = srv.Shutdown(sctx)
		cancel()
		wg.Wait()
	})
	return g, uint16(ln.Addr().(*net.TCPAddr).Port)
}

// enterAs logs account id in over TCP.
func enterAs(t *testing.T, port uint16, id uint64) *client.Client {
	t.Helper()
	c, err := client.Connect(t.Context(), client.Config{AccountAddr: "127.0.0.1:1", Account: "x", Password: "x", Timeout: waitTimeout},
		client.Ticket{Token: id, Host: "127.0.0.1", Port: port})
	if err != nil {
		t.Fatalf("connect %d: %v", id, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// eventually polls cond until it holds or waitTimeout passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitTimeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
	}
}

func TestAdminPlayersKickBroadcast(t *testing.T) {
	g, port := listenGame(t)
	c1 := enterAs(t, port, 1)
	c2 := enterAs(t, port, 2)
	eventually(t, "two players placed", func() bool { return len(g.Players()) == 2 })

	ps := g.Players()
	want := PlayerInfo{Name: "Hero1", AccountID: 1, Account: "acct1", Map: StartMap, X: StartX + 1, Y: StartY,
		Level: 1, IP: netip.MustParseAddr("127.0.0.1")}
	if ps[0] != want || ps[1].Name != "Hero2" {
		t.Errorf("Players() = %+v, want first %+v", ps, want)
	}
	if on := g.MapPlayers(StartMap); len(on) != 2 {
		t.Errorf("MapPlayers(start) = %+v", on)
	}
	if on := g.MapPlayers(builtinTwinCityID); len(on) != 0 {
		t.Errorf("MapPlayers(twin city) = %+v, want none", on)
	}
	if on := g.MapPlayers(4242); on != nil {
		t.Errorf("MapPlayers(unknown) = %+v", on)
	}

	if _, err := g.Broadcast(""); !errors.Is(err, ErrBadBroadcast) {
		t.Errorf("empty broadcast: %v", err)
	}
	if _, err := g.Broadcast(strings.Repeat("x", msg.MaxMessageLen+1)); !errors.Is(err, ErrBadBroadcast) {
		t.Errorf("long broadcast: %v", err)
	}
	if n, err := g.Broadcast("server restarts soon"); err != nil || n != 2 {
		t.Fatalf("Broadcast = %d, %v", n, err)
	}
	for _, c := range []*client.Client{c1, c2} {
		waitTalk(t, c, "server restarts soon")
	}

	if g.Kick("nobody") {
		t.Error("Kick(nobody) = true")
	}
	if !g.Kick("hero1") { // any case
		t.Fatal("Kick(hero1) = false")
	}
	<-c1.Done()
	eventually(t, "Hero1 gone", func() bool { return len(g.Players()) == 1 })
	if !g.KickAccount(2) || g.KickAccount(3) {
		t.Error("KickAccount: want true for 2, false for 3")
	}
	<-c2.Done()
	eventually(t, "nobody online", func() bool { return g.Online() == 0 })
}

// waitTalk waits for the broadcast text among c's events.
func waitTalk(t *testing.T, c *client.Client, text string) {
	t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case ev := <-c.Events():
			if tk, ok := ev.Packet.(*msg.Talk); ok && tk.Message == text {
				if tk.Channel != msg.ChannelBroadcast || tk.Sender != msg.SystemName {
					t.Errorf("broadcast came as %+v", tk)
				}
				return
			}
		case <-timeout:
			t.Fatalf("no broadcast %q", text)
		}
	}
}

func TestAdminMaps(t *testing.T) {
	g, _ := listenGame(t)
	maps := g.Maps()
	if len(maps) != len(builtinMaps) || maps[0].ID != 1000 || maps[0].Width != builtinMapSide {
		t.Errorf("Maps() = %+v", maps)
	}
	if f := g.MapFloor(StartMap); f == nil || !f.Walkable(StartX, StartY) {
		t.Error("MapFloor(start) missing or blocked at the start")
	}
	if g.MapFloor(4242) != nil {
		t.Error("MapFloor(unknown) != nil")
	}
}
