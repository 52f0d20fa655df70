package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coserver/coserver/account"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

const accountUsage = `usage: coserver account [-config file] [-db file] <action> ...

  add NAME PASSWORD      create an account ("-" reads the password from stdin)
  passwd NAME PASSWORD   set a new password ("-" reads it from stdin)
  ban NAME               refuse the account's logins; the running server, if any,
                         disconnects its character at once
  unban NAME             allow them again
  gm NAME on|off         grant or revoke GM commands
  list                   list every account
  unlock NAME            clear the running server's login lockouts of the account

The database may be in use by a running server. ban and unlock reach the
running server through its admin address (-admin-addr, -admin-token), read
from the same -config file and COSERVER_* variables as the server's.
`

// accountCmd manages accounts in the database.
func accountCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg := config.Default()
	fs := flag.NewFlagSet("coserver account", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Register(fs) // the server's settings: the same file and variables name the same database and server
	fs.Usage = func() { fmt.Fprint(stderr, accountUsage); printFlags(fs, stderr, accountFlags...) }
	if err := config.Load(fs, args, os.Getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "coserver account:", err) // a bad file or variable; a bad flag printed itself
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	if rest[0] == "unlock" { // the running server's memory, not the database
		if len(rest) != 2 {
			fmt.Fprint(stderr, accountUsage)
			return 2
		}
		if err := unlockAccount(ctx, cfg, rest[1], stdout); err != nil {
			fmt.Fprintln(stderr, "coserver account:", err)
			return 1
		}
		return 0
	}
	db, err := store.Open(ctx, cfg.General.DB)
	if err != nil {
		fmt.Fprintln(stderr, "coserver account:", err)
		return 1
	}
	defer db.Close()
	if err := accountAction(ctx, db, rest, stdin, stdout); err != nil {
		fmt.Fprintln(stderr, "coserver account:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(stderr, accountUsage)
			return 2
		}
		return 1
	}
	if rest[0] == "ban" {
		if err := disconnectBanned(ctx, cfg, rest[1], stdout); err != nil {
			fmt.Fprintln(stderr, "coserver account:", err)
			return 1
		}
	}
	return 0
}

// accountFlags are the settings the account command uses.
var accountFlags = []string{"config", "db", "admin-addr", "admin-token"}

// printFlags prints the usage of the named flags of fs.
func printFlags(fs *flag.FlagSet, w io.Writer, names ...string) {
	for _, n := range names {
		if f := fs.Lookup(n); f != nil {
			fmt.Fprintf(w, "  -%s\t%s (default %q)\n", f.Name, f.Usage, f.DefValue)
		}
	}
}

var errUsage = errors.New("wrong arguments")

func accountAction(ctx context.Context, db *store.DB, args []string, stdin io.Reader, stdout io.Writer) error {
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s: %w", args[0], errUsage)
		}
		return nil
	}
	switch args[0] {
	case "add", "passwd":
		if err := want(3); err != nil {
			return err
		}
		name := args[1]
		pw, err := readPassword(args[2], stdin)
		if err != nil {
			return err
		}
		if !account.ValidPassword(pw) {
			return errors.New("the password must be 1 to 15 characters (the 5017 client's limit)")
		}
		hash, err := password.Hash(pw, password.DefaultParams)
		if err != nil {
			return err
		}
		if args[0] == "add" {
			if !account.ValidAccountName(name) {
				return errors.New("the account name must be 3 to 15 letters, digits or _")
			}
			if _, err := db.CreateAccount(ctx, name, hash); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "account %s created\n", name)
			return nil
		}
		acc, err := db.AccountByName(ctx, name)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, acc.ID, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed\n", name)
	case "ban", "unban":
		if err := want(2); err != nil {
			return err
		}
		st := store.StatusBanned
		if args[0] == "unban" {
			st = store.StatusActive
		}
		if err := db.SetStatus(ctx, args[1], st); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "account %s is %s\n", args[1], st)
	case "gm":
		if err := want(3); err != nil {
			return err
		}
		on := args[2] == "on"
		if !on && args[2] != "off" {
			return fmt.Errorf("gm: say on or off: %w", errUsage)
		}
		if err := db.SetGM(ctx, args[1], on); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "account %s: gm %s\n", args[1], args[2])
	case "list":
		accs, err := db.ListAccounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tGM\tCREATED\tLAST LOGIN")
		for _, a := range accs {
			last := "never"
			if !a.LastLogin.IsZero() {
				last = a.LastLogin.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%s\t%s\n", a.ID, a.Name, a.Status, a.GM, a.Created.Format(time.DateTime), last)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("unknown action %q: %w", args[0], errUsage)
	}
	return nil
}

// readPassword returns arg, or the first line of stdin when arg is "-".
func readPassword(arg string, stdin io.Reader) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
