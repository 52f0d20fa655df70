package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/store/sqlite"
)

const migrateUsage = `usage: coserver migrate -from FILE.db -to postgres://USER:PASSWORD@HOST:PORT/DB

Copies every table of a SQLite database into an empty PostgreSQL database
(created with its schema if needed), in one transaction: all or nothing.
Account ids continue past the copied ones. Stop the servers first: migrate
refuses a source a game server holds. The source is left as it is (its
schema is brought to this version first, as a server start would).
`

// migrateCmd copies a SQLite database into PostgreSQL.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, migrateUsage); fs.PrintDefaults() }
	from := fs.String("from", "", "the SQLite database file to copy")
	to := fs.String("to", "", "the PostgreSQL database to fill (postgres://...)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *from == "" || *to == "" || fs.NArg() != 0 {
		fmt.Fprint(stderr, "coserver migrate: -from and -to are required\n\n", migrateUsage)
		return 2
	}
	if backend.IsPostgres(*from) {
		fmt.Fprintln(stderr, "coserver migrate: -from must be a SQLite file")
		return 2
	}
	if err := migrate(ctx, *from, *to, stdout); err != nil {
		fmt.Fprintln(stderr, "coserver migrate:", err)
		return 1
	}
	return 0
}

// migrate copies the SQLite database at from into the database to names.
func migrate(ctx context.Context, from, to string, stdout io.Writer) error {
	src, err := sqlite.OpenExisting(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	// The game lock: no game server may write the source meanwhile.
	lock, err := src.Lock(ctx, "game")
	if err != nil {
		return err
	}
	defer lock.Unlock()
	dst, err := backend.Open(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()
	dlock, err := dst.Lock(ctx, "game")
	if err != nil {
		return err
	}
	defer dlock.Unlock()
	stats, err := store.Copy(ctx, dst, src)
	if err != nil {
		return err
	}
	var parts []string
	for _, t := range store.Tables() {
		parts = append(parts, fmt.Sprintf("%s %d", t, stats[t]))
	}
	fmt.Fprintf(stdout, "copied %s to %s: %s\n", src, dst, strings.Join(parts, ", "))
	return nil
}
