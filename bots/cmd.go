package bots

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Exit codes of Main.
const (
	exitOK    = 0
	exitRun   = 1 // the run failed: most bots did not log in
	exitUsage = 2 // bad flags or settings
)

// usageHeader introduces the flags in Main's help.
const usageHeader = `usage: coserver bots [flags]

Runs a swarm of bots against a 5017 account server and reports logins/s and
the walk round trip; with -behaviour npc also the NPC click → first dialog
page time, dialogs and teleports; with -behaviour items the item requests. Each bot n logs in to account <prefix><n> and plays
character <prefix><n>. The server must create accounts on first login and
admit many connections from one address, for example:

  coserver serve -auto-register -password-hash test -game-host 127.0.0.1 \
    -max-conns-per-ip 20000 -max-players 20000

The run fails (exit 1) when fewer than half the bots log in, and says why.

With many bots add -spread (450 for the built-in maps) and keep -rate modest
(50): every bot appears at the start spot, and a crowd there makes every
move a broadcast to the whole crowd.
Progress goes to stderr once a second; the report to stdout. Ctrl-C ends the
run early and still reports.

flags:
`

// Main is the `coserver bots` command: it parses args (without the command
// name), runs the bots and prints the report. It returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	stderr = &lockedWriter{w: stderr} // the log and the progress lines write from several goroutines
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("bots", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHeader)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.AccountAddr, "account-addr", cfg.AccountAddr, "account server address, host:port")
	fs.IntVar(&cfg.Count, "n", cfg.Count, "number of bots")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "logins started per second, reconnects included")
	fs.DurationVar(&cfg.Interval, "interval", cfg.Interval, "time between two actions of a bot")
	fs.DurationVar(&cfg.Duration, "duration", 0, "length of the run; 0 runs until interrupted")
	fs.DurationVar(&cfg.Settle, "settle", 0, "how long after the last login the steady figures begin (the login ramp's backlog drains first)")
	fs.StringVar(&cfg.Prefix, "prefix", cfg.Prefix, "account and character name prefix (letters and digits)")
	fs.StringVar(&cfg.Password, "password", cfg.Password, "password of every bot account (at most 15 bytes)")
	fs.StringVar(&cfg.Server, "server", cfg.Server, "realm name sent at login")
	fs.IntVar(&cfg.Roam, "roam", cfg.Roam, "tiles a bot strays from its home on each axis")
	fs.IntVar(&cfg.Spread, "spread", cfg.Spread, "spread the bots' homes over this many tiles around the start (0: everyone stays at the start)")
	fs.IntVar(&cfg.JumpEvery, "jump-every", cfg.JumpEvery, "every n-th action is a jump (0: never)")
	fs.IntVar(&cfg.ChatEvery, "chat-every", cfg.ChatEvery, "every n-th action is a chat line (0: never)")
	fs.StringVar(&cfg.Behaviour, "behaviour", cfg.Behaviour,
		"what the bots do: walk (walk, jump, chat), npc (walk, and talk to NPCs, answer their dialogs, travel by them) "+
			"items (walk, and buy from -shop-npc, use, re-equip, drop and pick up -shop-item) "+
			"or hunt (walk out to the monsters, attack the nearest, heal, revive)")
	fs.Func("shop-npc", fmt.Sprintf("shop NPC id of -behaviour items (default %d)", DefaultShopNPC), func(v string) error {
		return parseID(v, &cfg.ShopNPC)
	})
	fs.Func("shop-item", fmt.Sprintf("item type -behaviour items buys (default %d)", DefaultShopItem), func(v string) error {
		return parseID(v, &cfg.ShopItem)
	})
	fs.Uint64Var(&cfg.Seed, "seed", 0, "random seed of the bots' choices (0: random)")
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "log the bots' errors to stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bots: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := Run(ctx, cfg, stderr)
	if err != nil && !errors.Is(err, ErrNoLogins) {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if *jsonOut {
		_, _ = stdout.Write(rep.JSON())
	} else {
		fmt.Fprint(stdout, rep.String())
	}
	if err != nil || failedMostly(rep) {
		fmt.Fprintf(stderr, "bots: only %d of %d bots logged in: %s\n", rep.Logins, rep.Bots, diagnose(rep))
		return exitRun
	}
	return exitOK
}

// failedMostly reports whether fewer than half the bots logged in.
func failedMostly(rep Report) bool { return rep.Logins*2 < int64(rep.Bots) }

// diagnose says why logins failed, from the most frequent login error kind,
// with what to change.
func diagnose(rep Report) string {
	kind, most := "", int64(0)
	for k, n := range rep.Errors {
		if strings.HasPrefix(k, "login_") && (n > most || n == most && k < kind) {
			kind, most = k, n
		}
	}
	switch strings.TrimPrefix(kind, "login_") {
	case "":
		return "no login error was recorded (the run was too short? raise -duration)"
	case "eof", "conn_reset", "closed":
		return "refused: the server closed the connections at once, most likely its per-IP connection cap " +
			"(every bot comes from one address); raise -max-conns-per-ip on the server above -n"
	case "conn_refused", "dial":
		return "nothing accepts connections at -account-addr; start the server or fix the address"
	case "login_refused", "reject_InvalidPassword":
		return "the server refused the accounts: start it with -auto-register, or give -password the bots' accounts have"
	case "reject_ServerDown":
		return "the server is in maintenance (-maintenance)"
	case "reject_ServerBusy", "reject_ServerFull", "reject_TryAgainLater", "reject_AccountMaxLoginAttempts":
		return "the server refused the logins as too many: raise -max-players, -hash-queue or the -login-* limits " +
			"(or add the bots' address to -login-exempt-ips); lower -rate"
	case "timeout", "backlog", "cancelled":
		return "logins timed out: the server is overloaded or throttles this address; lower -rate, " +
			"start the server with -password-hash test, check -login-exempt-ips"
	}
	return "most logins failed with " + kind + " (see the errors in the report; -v logs each)"
}

// lockedWriter serialises writes to w: a log handler and the progress
// printer share stderr, which need not be safe for concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// parseID parses a positive u32 id flag into v.
func parseID(s string, v *uint32) error {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		return fmt.Errorf("want a positive 32-bit number, got %q", s)
	}
	*v = uint32(n)
	return nil
}
