package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/coserver/coserver/record"
)

// replayCmd prints a recording decoded, with the layout checks, and can
// replay its client side against a server (docs/PROXY.md).
func replayCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", record.FormatText, "output format: text or json")
	types := fs.String("types", "", "print only these packet types (1005,MsgAction); empty = all")
	check := fs.Bool("check", true, "say which packets contradict our decoders and which documented layout fits")
	against := fs.String("against", "", "replay the client side against this account server (host:port) and compare the answers")
	password := fs.String("password", "", "with -against: the password of the recorded accounts (recordings mask it)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: coserver replay [flags] FILE")
		return 2
	}
	ts, err := record.ParseTypes(*types)
	if err != nil {
		fmt.Fprintf(stderr, "coserver replay: -types: %v\n", err)
		return 2
	}
	pr, err := record.NewPrinter(stdout, *format, ts)
	if err != nil {
		fmt.Fprintf(stderr, "coserver replay: %v\n", err)
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "coserver replay: %v\n", err)
		return 1
	}
	defer f.Close()
	h, packets, err := record.ReadAll(f)
	if err != nil {
		fmt.Fprintf(stderr, "coserver replay: %v\n", err)
		return 1
	}
	findings := 0
	for i, p := range packets {
		_ = pr.Print(record.Event{Time: h.Start.Add(p.At), Conn: p.Conn, Kind: p.Kind, Dir: p.Dir, Bytes: p.Bytes})
		if !*check {
			continue
		}
		for _, fd := range record.Check(p.Kind, p.Bytes) {
			findings++
			_ = pr.Note(fmt.Sprintf("layout: packet %d (%s#%d %s): %v", i, p.Kind, p.Conn, p.Dir.Arrow(), fd))
		}
	}
	_ = pr.Note(fmt.Sprintf("%d packets, %d layout findings", len(packets), findings))
	if *against == "" {
		return 0
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(len(packets)+1)*record.DefaultReplayTimeout)
	defer cancel()
	rep, err := record.Replay(ctx, record.ReplayConfig{AccountAddr: *against, Password: *password, Pace: true}, packets)
	for _, m := range rep.Mismatches {
		_ = pr.Note("mismatch: " + m.String())
	}
	_ = pr.Note(fmt.Sprintf("replay: %d packets sent, %d compared, %d mismatches", rep.Sent, rep.Compared, len(rep.Mismatches)))
	if err != nil {
		fmt.Fprintf(stderr, "coserver replay: %v\n", err)
		return 1
	}
	if len(rep.Mismatches) > 0 {
		return 1
	}
	return 0
}
