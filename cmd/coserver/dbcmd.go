package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/store/sqlite"
)

// dbCommand is a tool command working on the server's database: it reads
// -db from the same flags, COSERVER_* environment and -config file as
// serve, so it opens the database the server uses.
type dbCommand struct {
	name string
	fs   *flag.FlagSet
	cfg  config.Config
}

// newDBCommand returns the flag set of a database command; usage heads its
// -h. Register the command's own flags on fs before parse.
func newDBCommand(name, usage string, stderr io.Writer) *dbCommand {
	d := &dbCommand{name: name, cfg: config.Default()}
	d.fs = flag.NewFlagSet("coserver "+name, flag.ContinueOnError)
	d.fs.SetOutput(stderr)
	d.cfg.Register(d.fs)
	d.fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fmt.Fprintln(stderr, "\nflags:")
		for _, n := range []string{"config", "db"} {
			printFlag(stderr, d.fs.Lookup(n))
		}
		d.fs.VisitAll(func(f *flag.Flag) {
			if config.GroupOf(f.Name) == "" {
				printFlag(stderr, f)
			}
		})
		fmt.Fprintln(stderr, "\n-db is also COSERVER_DB or the \"db\" key of the -config file, as for serve.")
	}
	return d
}

// parse reads the settings; it returns the positional arguments, or an
// exit code (0 after -h) and false.
func (d *dbCommand) parse(args []string) ([]string, int, bool) {
	if err := config.Load(d.fs, args, os.Getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0, false
		}
		fmt.Fprintf(d.fs.Output(), "coserver %s: %v\n", d.name, err)
		return nil, 2, false
	}
	if d.cfg.General.DB == "" {
		fmt.Fprintf(d.fs.Output(), "coserver %s: -db: must not be empty\n", d.name)
		return nil, 2, false
	}
	return d.fs.Args(), 0, true
}

// open opens the configured database, creating it only when create is set,
// and says on stderr which file it opened.
func (d *dbCommand) open(ctx context.Context, create bool, stderr io.Writer) (*store.DB, error) {
	var db *store.DB
	var err error
	if create {
		db, err = backend.Open(ctx, d.cfg.General.DB)
	} else {
		db, err = backend.OpenExisting(ctx, d.cfg.General.DB)
	}
	if errors.Is(err, sqlite.ErrNoDatabase) {
		return nil, fmt.Errorf("%w\n(check -db, COSERVER_DB, -config or the working directory; "+
			"the server creates it on its first start)", err)
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "database %s\n", db)
	return db, nil
}
