package main

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/store/sqlite"
	"github.com/coserver/coserver/store/storetest"
)

// fillForMigrate writes accounts, characters with variables, a token and
// items to a new SQLite database and returns its path.
func fillForMigrate(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "src.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 3 {
		a, err := db.CreateAccount(ctx, fmt.Sprintf("mig%d", i), storetest.TestHash)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 { // a gap in the ids, so the sequence must follow MAX(id)
			if err := db.DeleteAccount(ctx, a.Name); err != nil {
				t.Fatal(err)
			}
			continue
		}
		c := storetest.NewCharacter(a.ID, fmt.Sprintf("Mig%d", i))
		if c, err = db.CreateCharacter(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Vars = map[string]string{"quest": fmt.Sprint(i)}
		if err := db.SaveCharacters(ctx, c); err != nil {
			t.Fatal(err)
		}
		first, err := db.NewItemIDs(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		for j := range uint32(2) {
			it := store.Item{ID: first + j, Type: 410301, Owner: store.OwnerCharacter, OwnerID: c.ID,
				Position: store.PosInventory, Slot: uint16(j), Amount: 10, AmountLimit: 10, Version: uint64(10*i) + uint64(j) + 1}
			if err := db.SaveItems(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.IssueToken(ctx, uint64(100+i), a.ID, netip.MustParseAddr("127.0.0.1"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// checkMigrated compares what the store API reads from both databases and
// checks that new ids continue after the copied ones.
func checkMigrated(t *testing.T, srcPath, dst string) {
	t.Helper()
	ctx := context.Background()
	src, err := sqlite.Open(ctx, srcPath)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, err := backend.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sa, err := src.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	da, err := d.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sa, da) {
		t.Fatalf("accounts differ:\n%+v\n%+v", sa, da)
	}
	for _, a := range sa {
		sc, err := src.CharacterByAccount(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		dc, err := d.CharacterByAccount(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sc, dc) {
			t.Fatalf("character differs:\n%+v\n%+v", sc, dc)
		}
		si, _ := src.ItemsOf(ctx, sc.ID)
		di, err := d.ItemsOf(ctx, dc.ID)
		if err != nil || len(si) != 2 || !reflect.DeepEqual(si, di) {
			t.Fatalf("items differ (%v):\n%+v\n%+v", err, si, di)
		}
	}
	if id, err := d.ConsumeToken(ctx, 100, netip.MustParseAddr("127.0.0.1"), time.Now()); err != nil || id != sa[0].ID {
		t.Fatalf("token after migrate: %d, %v", id, err)
	}
	sv, _ := src.LatestVersion(ctx)
	if dv, err := d.LatestVersion(ctx); err != nil || dv != sv {
		t.Fatalf("latest version %d, %v; want %d", dv, err, sv)
	}
	na, err := d.CreateAccount(ctx, "newcomer", storetest.TestHash)
	if err != nil {
		t.Fatal(err)
	}
	if na.ID <= sa[len(sa)-1].ID {
		t.Errorf("new account id %d does not continue after the copied ones (last %d)", na.ID, sa[len(sa)-1].ID)
	}
	sn, _ := src.NewItemIDs(ctx, 1)
	if dn, err := d.NewItemIDs(ctx, 1); err != nil || dn != sn {
		t.Errorf("next item id %d, %v; want %d", dn, err, sn)
	}
}

func testMigrate(t *testing.T, dst string) {
	src := fillForMigrate(t)
	out, _ := mustRun(t, 0, "migrate", "-from", src, "-to", dst)
	if !strings.Contains(out, "accounts 2") || !strings.Contains(out, "items 4") {
		t.Errorf("migrate output: %q", out)
	}
	checkMigrated(t, src, dst)
	// A second run finds the destination not empty and changes nothing.
	_, errOut := mustRun(t, 1, "migrate", "-from", src, "-to", dst)
	if !strings.Contains(errOut, "not empty") {
		t.Errorf("second migrate: %q", errOut)
	}
}

func TestMigrateToSQLite(t *testing.T) {
	testMigrate(t, filepath.Join(t.TempDir(), "dst.db"))
}

func TestMigrateToPostgres(t *testing.T) {
	testMigrate(t, storetest.NewPostgresSchema(t, storetest.PostgresDSN(t)))
}

func TestMigrateUsage(t *testing.T) {
	mustRun(t, 2, "migrate", "-from", "x.db")
	mustRun(t, 2, "migrate", "-from", "postgres://a/b", "-to", "y.db")
	_, errOut := mustRun(t, 1, "migrate", "-from", filepath.Join(t.TempDir(), "none.db"), "-to", filepath.Join(t.TempDir(), "y.db"))
	if !strings.Contains(errOut, "no database file") {
		t.Errorf("missing source: %q", errOut)
	}
}
