package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/coserver/coserver/admin"
	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/content"
)

const itemsUsage = `usage: coserver items [flags] CHARACTER

Lists the character's money and items: inventory, equipment and every
warehouse. A running server (reached on its admin address, -admin-addr and
-admin-token, as account ban does) answers with what it holds in memory when
the character is online; otherwise, or when no server runs, the database
(-db) is read, as of the character's last save. Item names come from the
content pack (-content-dir, or the built-in one).
`

// itemsCmd prints a character's holdings.
func itemsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	d := newDBCommand("items", itemsUsage, stderr)
	rest, code, ok := d.parse(args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		d.fs.Usage()
		return 2
	}
	hs, from, err := holdingsOf(ctx, d, rest[0], stderr)
	if err != nil {
		fmt.Fprintln(stderr, "coserver items:", err)
		return 1
	}
	printHoldings(stdout, hs, from)
	return 0
}

// holdingsOf asks the running server, then the database, for the holdings
// of the character called name; from says where they come from.
func holdingsOf(ctx context.Context, d *dbCommand, name string, stderr io.Writer) (admin.Holdings, string, error) {
	var hs admin.Holdings
	c, err := newAdminClient(d.cfg)
	if err == nil {
		if err = c.get(ctx, "items/"+url.PathEscape(name), &hs); err == nil {
			from := "the server at " + c.base + " (saved state)"
			if hs.Online {
				from = "the server at " + c.base + " (online, live)"
			}
			return hs, from, nil
		}
	}
	if !errors.Is(err, errNoServer) {
		return hs, "", err
	}
	db, err := d.open(ctx, false, stderr)
	if err != nil {
		return hs, "", err
	}
	defer db.Close()
	ch, err := db.CharacterByName(ctx, name)
	if err != nil {
		return hs, "", err
	}
	items, err := db.ItemsOf(ctx, ch.ID)
	if err != nil {
		return hs, "", err
	}
	var fsys fs.FS = content.Default()
	if dir := d.cfg.Game.ContentDir; dir != "" {
		fsys = os.DirFS(dir)
	}
	var names func(uint32) string
	if pack, err := content.Load(fsys); err == nil {
		names = func(t uint32) string { return pack.Items[t].Name }
	}
	return app.Holdings(ch, items, false, names), "the database " + d.cfg.General.DB + " (last save)", nil
}

// printHoldings writes hs as text: money, then one table row per item.
func printHoldings(w io.Writer, hs admin.Holdings, from string) {
	fmt.Fprintf(w, "%s, from %s\n", hs.Character, from)
	fmt.Fprintf(w, "silver %d, CPs %d, warehouse silver %d\n", hs.Silver, hs.CPs, hs.WarehouseSilver)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHERE\tUID\tTYPE\tNAME\tDURABILITY\tPLUS\tBLESS\tGEMS")
	row := func(where string, it admin.Item) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d/%d\t%d\t%d\t%d,%d\n", where, it.UID, it.Type, it.Name,
			it.Durability, it.MaxDurability, it.Plus, it.Bless, it.Gem1, it.Gem2)
	}
	for _, it := range hs.Equipment {
		row(fmt.Sprintf("equipment %d", it.Position), it)
	}
	for _, it := range hs.Inventory {
		row("inventory", it)
	}
	for _, it := range hs.Warehouse {
		row(fmt.Sprintf("warehouse %d", it.Warehouse), it)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d equipped, %d in the inventory, %d in warehouses\n", len(hs.Equipment), len(hs.Inventory), len(hs.Warehouse))
}
