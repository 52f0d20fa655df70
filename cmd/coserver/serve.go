package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

type role struct {
	name string
	app  app.Role
}

var (
	roleBoth    = role{"serve", app.RoleBoth}
	roleAccount = role{"account-server", app.RoleAccount}
	roleGame    = role{"game-server", app.RoleGame}
)

// loadConfig parses the settings of a command.
func loadConfig(name string, args []string, stderr io.Writer) (config.Config, *flag.FlagSet, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("coserver "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Register(fs)
	if err := config.Load(fs, args, os.Getenv); err != nil {
		return cfg, fs, err
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
	cfg, _, err := loadConfig(r.name, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "coserver %s: %v\n", r.name, err)
		return 2
	}
	log := newLogger(cfg, stderr)
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
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.General.ShutdownTimeout)
	defer cancel()
	if err := a.Shutdown(shutCtx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
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
