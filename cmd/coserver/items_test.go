package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

// seedHoldings creates the account name with the character name+"C", 500
// silver, 70 in the warehouse, a potion in the inventory and a blade in
// the Twin City warehouse (NPC 21).
func seedHoldings(t *testing.T, path, name string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
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
