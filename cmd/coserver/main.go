// Command coserver runs the Conquer Online 5017 server and its tools.
//
//	coserver serve            account and game server in one process (the default)
//	coserver account-server   the account server alone
//	coserver game-server      the game server alone
//	coserver doctor           check what makes clients fail to connect
//	coserver account ...      manage accounts in the database
//	coserver items NAME       a character's money, inventory, equipment and warehouses
//	coserver backup FILE      a consistent copy of the database, while it runs
//	coserver migrate ...      copy a SQLite database into PostgreSQL
//	coserver bots ...         a swarm of headless clients for load tests
//	coserver version          module version, VCS commit, Go version
//	coserver proxy ...        a decrypting proxy that prints every packet
//	coserver replay FILE      print a recording decoded, check layouts, replay it
//
// Every setting is a flag, a COSERVER_* environment variable or a key of a
// JSON file given with -config; docs/CONFIG.md lists them all. A command
// line starting with a flag runs serve.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: coserver [command] [flags]

commands:
  serve           run the account and game servers in one process (embedded SQLite);
                  the default: "coserver -db x" is "coserver serve -db x"
  account-server  run only the account server (tokens pass through the database)
  game-server     run only the game server (admin address 127.0.0.1:9101 by default,
                  so that it and an account-server on one host do not collide)
  doctor          check ports, advertised address, client files, database, content
  account         manage accounts: add, passwd, ban, unban, gm, list, delete, rename, characters
  items NAME      a character's money, inventory, equipment and warehouses (live when online)
  backup FILE     write a consistent copy of the database to FILE (safe while a server runs)
  migrate         copy a SQLite database into PostgreSQL: -from FILE.db -to postgres://...
  bots            run a swarm of headless clients against a server
  version         print the module version, VCS commit and Go version
  proxy           a decrypting proxy in front of a 5017 server: prints every packet, records
  replay          print a recording decoded with layout checks; -against replays it
  help            show this text

Run "coserver <command> -h" for the flags of a command; docs/CONFIG.md lists every setting.
`

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	if a := args[0]; strings.HasPrefix(a, "-") && a != "-h" && a != "-help" && a != "--help" {
		args = append([]string{"serve"}, args...) // coserver -flag ... means serve
	}
	switch args[0] {
	case "serve":
		return serve(ctx, roleBoth, args[1:], stdout, stderr)
	case "account-server":
		return serve(ctx, roleAccount, args[1:], stdout, stderr)
	case "game-server":
		return serve(ctx, roleGame, args[1:], stdout, stderr)
	case "doctor":
		return doctorCmd(ctx, args[1:], stdout, stderr)
	case "account":
		return accountCmd(ctx, args[1:], stdin, stdout, stderr)
	case "items":
		return itemsCmd(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args[1:], stdout, stderr)
	case "bots":
		return botsCmd(args[1:], stdout, stderr)
	case "version":
		return versionCmd(args[1:], stdout, stderr)
	case "proxy":
		return proxyCmd(ctx, args[1:], stdout, stderr)
	case "replay":
		return replayCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "coserver: unknown command %q\n\n%s", args[0], usage)
	return 2
}
