package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/coserver/coserver/proxy"
	"github.com/coserver/coserver/record"
)

// proxyCmd runs the decrypting proxy until interrupted (docs/PROXY.md).
func proxyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	acct := fs.String("account-addr", "0.0.0.0:9958", "address the proxy's account listener binds (point the client's server.dat here)")
	game := fs.String("game-addr", "0.0.0.0:5817", "address the proxy's game listener binds")
	gameHost := fs.String("game-host", "", "IPv4 address sent to the client for the game listener (a real client refuses 127.x); empty = the game listener's IP")
	upstream := fs.String("upstream", "", "upstream account server, host:port (required)")
	format := fs.String("format", record.FormatText, "output format: text or json")
	types := fs.String("types", "", "print only these packet types, comma-separated numbers or names (1005,MsgAction); empty = all")
	out := fs.String("out", "", "write the decoded packets to this file instead of stdout")
	rec := fs.String("record", "", "also write a recording to this file (passwords masked)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *upstream == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "coserver proxy: -upstream host:port is required and no arguments are taken")
		return 2
	}
	ts, err := record.ParseTypes(*types)
	if err != nil {
		fmt.Fprintf(stderr, "coserver proxy: -types: %v\n", err)
		return 2
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "coserver proxy: %v\n", err)
			return 1
		}
		defer f.Close()
		// The file is written in the background: a disk that stalls must
		// not stall the game.
		aw := record.NewAsyncWriter(f, 0)
		defer aw.Close()
		w = aw
	}
	pr, err := record.NewPrinter(w, *format, ts)
	if err != nil {
		fmt.Fprintf(stderr, "coserver proxy: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg := proxy.Config{AccountAddr: *acct, GameAddr: *game, GameHost: *gameHost, Upstream: *upstream, Printer: pr, Logger: log}
	if *rec != "" {
		f, err := os.Create(*rec)
		if err != nil {
			fmt.Fprintf(stderr, "coserver proxy: %v\n", err)
			return 1
		}
		defer f.Close()
		aw := record.NewAsyncWriter(f, 0)
		defer aw.Close()
		if cfg.Recorder, err = record.NewWriter(aw, nil); err != nil {
			fmt.Fprintf(stderr, "coserver proxy: %v\n", err)
			return 1
		}
	}
	// Printing allocates per packet; the heap stays small, so the default
	// GC target collects several times a second on the proxy's core.
	debug.SetGCPercent(proxyGCPercent)
	p, err := proxy.Start(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "coserver proxy: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = p.Serve(ctx)
	if ferr := pr.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "coserver proxy: %v\n", err)
		return 1
	}
	return 0
}

// proxyGCPercent is the proxy's GOGC: a few MiB more heap for fewer
// collections between packets.
const proxyGCPercent = 400
