package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

type role struct {
	name string
	app  app.Role
	// groups are the config groups its -h shows.
	groups []string
	// adminAddr is its default -admin-addr.
	adminAddr string
}

// Default admin addresses: the two separate servers of one host must not
// both want the same port.
const (
	adminAddrDefault = "127.0.0.1:9100" // serve and account-server
	adminAddrGame    = "127.0.0.1:9101" // game-server
)

var (
	roleBoth = role{"serve", app.RoleBoth,
		[]string{config.GroupGeneral, config.GroupAccount, config.GroupGame, config.GroupLimits, config.GroupRealm}, adminAddrDefault}
	roleAccount = role{"account-server", app.RoleAccount,
		[]string{config.GroupGeneral, config.GroupAccount, config.GroupLimits, config.GroupRealm}, adminAddrDefault}
	roleGame = role{"game-server", app.RoleGame,
		[]string{config.GroupGeneral, config.GroupGame, config.GroupLimits, config.GroupRealm}, adminAddrGame}
)

// errArgs reports a positional argument where only flags belong.
var errArgs = errors.New("unexpected argument")

// loadConfig parses the settings of a server role. Every setting is
// registered, so one config file serves every role, but -h shows only the
// role's own groups.
func loadConfig(r role, args []string, stderr io.Writer) (config.Config, *flag.FlagSet, error) {
	cfg := config.Default()
	cfg.General.AdminAddr = r.adminAddr
	fs := flag.NewFlagSet("coserver "+r.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Register(fs)
	fs.Usage = func() { printGroupedUsage(fs, "usage: coserver "+r.name+" [flags]", r.groups) }
	if err := config.Load(fs, args, os.Getenv); err != nil {
		return cfg, fs, err
	}
	if fs.NArg() > 0 {
		return cfg, fs, fmt.Errorf("%w %q: flags only (the flags after it would be ignored)", errArgs, fs.Arg(0))
	}
	return cfg, fs, cfg.Validate()
}

// newLogger builds the process logger from the settings.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.General.LogLevel)) // Validate has checked it
	opts := &slog.HandlerOptions{Level: level}
	if cfg.General.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs servers until SIGINT or SIGTERM, then shuts down gracefully.
// SIGHUP reloads the game server's content pack.
func serve(ctx context.Context, r role, args []string, stdout, stderr io.Writer) int {
	cfg, _, err := loadConfig(r, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "coserver %s: %v\n", r.name, err)
		return 2
	}
	log := newLogger(cfg, stderr)
	if err := checkPorts(listenAddrs(cfg, r.app), net.Listen); err != nil {
		log.Error("cannot start: listen ports unavailable", "err", err)
		fmt.Fprintf(stderr, "coserver %s: %v\n", r.name, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	a, err := app.Start(ctx, cfg, app.Options{Role: r.app, Logger: log})
	if err != nil {
		log.Error("start failed", "err", err)
		return 1
	}
	if r.app != app.RoleGame {
		if err := ensureDemoAccount(ctx, a.Store(), app.HashParams(cfg.Account.PasswordHash), stdout); err != nil {
			log.Error("creating the demo account", "err", err)
		}
	}
	hup := make(chan os.Signal, 1)
	if r.app != app.RoleAccount {
		signal.Notify(hup, syscall.SIGHUP) // reload the content pack
		defer signal.Stop(hup)
	}
	for waiting := true; waiting; {
		select {
		case <-hup:
			_ = a.ReloadContent() // logs what was refused and why
		case <-ctx.Done():
			waiting = false
		}
	}
	log.Info("shutting down", "timeout", cfg.General.ShutdownTimeout)
	start := time.Now()
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.General.ShutdownTimeout)
	defer cancel()
	if err := a.Shutdown(shutCtx); err != nil {
		log.Error("shutdown", "err", err)
		log.Error("stopped", "characters_saved", a.SavedAtShutdown(), "took", time.Since(start).Round(time.Millisecond))
		return 1
	}
	log.Info("stopped", "characters_saved", a.SavedAtShutdown(), "took", time.Since(start).Round(time.Millisecond))
	return 0
}

// demoAccount is the account a fresh database gets, so a newcomer can log in
// with a real client at once.
const demoAccount = "demo"

// ensureDemoAccount creates the demo account with a random password when the
// database has no account, and prints the password once.
func ensureDemoAccount(ctx context.Context, db *store.DB, params password.Params, stdout io.Writer) error {
	accs, err := db.ListAccounts(ctx)
	if err != nil || len(accs) > 0 {
		return err
	}
	pw := randomPassword()
	hash, err := password.Hash(pw, params)
	if err != nil {
		return err
	}
	if _, err := db.CreateAccount(ctx, demoAccount, hash); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil // another process made it first
		}
		return err
	}
	fmt.Fprintf(stdout, "\nA fresh database: created account %q with password %q.\n"+
		"This is shown once; change it with: coserver account passwd %s <new password>\n\n",
		demoAccount, pw, demoAccount)
	return nil
}

// randomPassword returns 12 characters a player can type (no look-alikes).
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return s.String()
}
