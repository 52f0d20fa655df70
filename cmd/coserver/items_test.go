package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/sqlite"
)

// seedHoldings creates the account name with the character name+"C", 500
// silver, 70 in the warehouse, a potion in the inventory and a blade in
// the Twin City warehouse (NPC 21).
func seedHoldings(t *testing.T, path, name string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hash, err := password.Hash(cliPassword, password.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := db.CreateAccount(ctx, name, hash)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := db.CreateCharacter(ctx, store.Character{AccountID: acc.ID, Name: name + "C", Body: 1003, Class: 10,
		Level: 1, Silver: 500, WarehouseSilver: 70, HP: 10, MapID: 1002, X: 430, Y: 378})
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.NewItemIDs(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	err = db.SaveItems(ctx,
		store.Item{ID: first, Type: 1000000, Owner: store.OwnerCharacter, OwnerID: ch.ID, Position: store.PosInventory,
			Amount: 1, AmountLimit: 10, Version: 1},
		store.Item{ID: first + 1, Type: 410301, Owner: store.OwnerCharacter, OwnerID: ch.ID, Position: store.PosWarehouse,
			Warehouse: 21, Amount: 3000, AmountLimit: 3000, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
}

func TestItemsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	seedHoldings(t, db, "ivy")
	a := startServer(t, db, nil)
	c, err := client.Login(t.Context(), player(a, "ivy", cliPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	adminAddr := a.AdminAddr().String()

	// Online: the server's memory.
	code, out, errOut := runCmd(t, "", "items", "-db", db, "-admin-addr", adminAddr, "ivyC")
	for _, want := range []string{"online, live", "silver 500", "warehouse silver 70", "MinorHealPotion",
		"warehouse 21", "TrainingBlade", "0 equipped, 1 in the inventory, 1 in warehouses"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("items online: %d, no %q in\n%s%s", code, want, out, errOut)
		}
	}
	code, _, errOut = runCmd(t, "", "items", "-db", db, "-admin-addr", adminAddr, "nobody")
	if code != 1 || !strings.Contains(errOut, "404") {
		t.Errorf("items of nobody: %d %q", code, errOut)
	}

	// No server: the database, as last saved.
	t.Setenv("COSERVER_ADMIN_ADDR", "127.0.0.1:1")
	code, out, errOut = runCmd(t, "", "items", "-db", db, "ivyC")
	if code != 0 || !strings.Contains(out, "the database") || !strings.Contains(out, "TrainingBlade") ||
		!strings.Contains(out, "1 in the inventory, 1 in warehouses") {
		t.Fatalf("items from the database: %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := runCmd(t, "", "items", "-db", db); code != 2 {
		t.Errorf("items without a name: exit %d, want 2", code)
	}
}

// BenchmarkLoginFullHoldings is one whole login (account server, game
// server, the login chain with every item sent) of a character with a full
// inventory (40), a worn weapon and both default warehouses full (20 each,
// the default capacity), then its logout; end to end over loopback. "empty"
// is the same login of a character with nothing.
func BenchmarkLoginFullHoldings(b *testing.B) {
	b.Run("empty", func(b *testing.B) { benchLogin(b, false) })
	b.Run("full", func(b *testing.B) { benchLogin(b, true) })
}

func benchLogin(b *testing.B, full bool) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	hash, err := password.Hash(cliPassword, password.TestParams)
	if err != nil {
		b.Fatal(err)
	}
	acc, err := db.CreateAccount(ctx, "rich", hash)
	if err != nil {
		b.Fatal(err)
	}
	ch, err := db.CreateCharacter(ctx, store.Character{AccountID: acc.ID, Name: "richC", Body: 1003, Class: 10,
		Level: 1, Silver: 500, HP: 10, MapID: 1002, X: 430, Y: 378})
	if err != nil {
		b.Fatal(err)
	}
	inventory, perWarehouse, worn := 40, 20, 1
	if !full {
		inventory, perWarehouse, worn = 0, 0, 0
	}
	n := max(inventory+worn+2*perWarehouse, 1)
	first, err := db.NewItemIDs(ctx, n)
	if err != nil {
		b.Fatal(err)
	}
	items := make([]store.Item, n)
	for i := range items {
		it := store.Item{ID: first + uint32(i), Type: 1000000, Owner: store.OwnerCharacter, OwnerID: ch.ID,
			Amount: 1, AmountLimit: 10, Version: 1}
		switch {
		case i < inventory:
		case i == inventory:
			it.Type, it.Position, it.Amount, it.AmountLimit = 410301, store.PosRightHand, 3000, 3000
		case i < inventory+1+perWarehouse:
			it.Position, it.Warehouse = store.PosWarehouse, 21
		default:
			it.Position, it.Warehouse = store.PosWarehouse, 2
		}
		items[i] = it
	}
	if full {
		if err := db.SaveItems(ctx, items...); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	cfg.General.DB = path
	cfg.General.AdminAddr = ""
	cfg.Account.AccountAddr = "127.0.0.1:0"
	cfg.Account.GameHost = "127.0.0.1"
	cfg.Game.GameAddr = "127.0.0.1:0"
	a, err := app.Start(ctx, cfg, app.Options{HashParams: password.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), cliWaitTimeout)
		defer cancel()
		_ = a.Shutdown(sctx)
	})
	login := client.Config{AccountAddr: a.AccountAddr().String(), Account: "rich", Password: cliPassword,
		Character: "richC", Timeout: cliWaitTimeout}
	b.ReportAllocs()
	for b.Loop() {
		c, err := client.Login(ctx, login)
		if err != nil {
			b.Fatal(err)
		}
		if got := len(c.Inventory()) + len(c.Equipment()); got != inventory+worn {
			b.Fatalf("the client got %d items, want %d", got, inventory+worn)
		}
		c.Close()
		<-c.Done()
	}
}
