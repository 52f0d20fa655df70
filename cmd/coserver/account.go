package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coserver/coserver/account"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

const accountUsage = `usage: coserver account [flags] <action> ...

  add NAME PASSWORD      create an account ("-" reads the password from stdin)
  passwd NAME PASSWORD   set a new password ("-" reads it from stdin)
  ban NAME               refuse the account's logins
  unban NAME             allow them again
  gm NAME on|off         grant or revoke GM commands
  list                   list every account
  characters NAME        the account's character: level, map, position
  rename NAME NEWNAME    rename the account (its character keeps its name)
  delete NAME            delete the account and its character, for good;
                         refused while a game server runs on the database
  unlock NAME            clear the running server's login lockouts of the account

The database is the one serve uses (-db, COSERVER_DB or -config); it must
exist unless -create is given. Every action but delete is safe while a server
runs. ban and unlock reach the running server through its admin address
(-admin-addr, -admin-token, from the same -config file and COSERVER_*
variables as the server's): ban disconnects the character at once.
`

// gameLockName is the database lock a running game server holds (app's
// gameLockName): delete refuses to run while it is held.
const gameLockName = "game"

// accountCmd manages accounts in the database.
func accountCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	d := newDBCommand("account", accountUsage, stderr)
	create := d.fs.Bool("create", false, "create the database if it does not exist")
	rest, code, ok := d.parse(args)
	if !ok {
		return code
	}
	if len(rest) == 0 {
		d.fs.Usage()
		return 2
	}
	if rest[0] == "unlock" { // the running server's memory, not the database
		if len(rest) != 2 {
			fmt.Fprint(stderr, accountUsage)
			return 2
		}
		if err := unlockAccount(ctx, d.cfg, rest[1], stdout); err != nil {
			fmt.Fprintln(stderr, "coserver account:", err)
			return 1
		}
		return 0
	}
	db, err := d.open(ctx, *create, stderr)
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
		if err := disconnectBanned(ctx, d.cfg, rest[1], stdout); err != nil {
			fmt.Fprintln(stderr, "coserver account:", err)
			return 1
		}
	}
	return 0
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
	case "characters":
		if err := want(2); err != nil {
			return err
		}
		return listCharacters(ctx, db, args[1], stdout)
	case "rename":
		if err := want(3); err != nil {
			return err
		}
		if !account.ValidAccountName(args[2]) {
			return errors.New("the account name must be 3 to 15 letters, digits or _")
		}
		if err := db.RenameAccount(ctx, args[1], args[2]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "account %s renamed to %s\n", args[1], args[2])
	case "delete":
		if err := want(2); err != nil {
			return err
		}
		return deleteAccount(ctx, db, args[1], stdout)
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

// listCharacters prints the character of the account called name.
func listCharacters(ctx context.Context, db *store.DB, name string, stdout io.Writer) error {
	acc, err := db.AccountByName(ctx, name)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tLEVEL\tCLASS\tMAP\tX\tY\tLAST SAVED")
	ch, err := db.CharacterByAccount(ctx, acc.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("account %s has no character yet", acc.Name)
	case err != nil:
		return err
	}
	fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", ch.ID, ch.Name, ch.Level, ch.Class, ch.MapID, ch.X, ch.Y,
		ch.Saved.Format(time.DateTime))
	return tw.Flush()
}

// deleteAccount deletes an account and its character while holding the
// game server's database lock, so that no game server runs meanwhile (it
// would save an online character back, or hold one in memory).
func deleteAccount(ctx context.Context, db *store.DB, name string, stdout io.Writer) error {
	lock, err := db.Lock(ctx, gameLockName)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("delete refused: a game server is running on this database (its player may be online); "+
			"stop it first, or ban the account instead: %w", err)
	}
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := db.DeleteAccount(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "account %s and its character deleted\n", name)
	return nil
}
