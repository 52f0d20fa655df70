package record_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/proxy"
	"github.com/coserver/coserver/record"
)

// update rewrites the fixtures: go test ./record -run TestFixtures -update
var update = flag.Bool("update", false, "record the fixtures in testdata/ again")

const (
	loopback    = "127.0.0.1"
	waitTimeout = 10 * time.Second
	// fixturePassword is the password of every fixture's account (the
	// recordings mask it; the replay restores it).
	fixturePassword = "fixture-pw"
	// portalX, portalY is the Birth Village portal of the default content
	// (content/default/portals.toml).
	portalX, portalY = 71, 109
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startServer starts a fresh coserver on loopback and returns its account
// address.
func startServer(t *testing.T) string {
	t.Helper()
	cfg := config.Default()
	cfg.General.DB = filepath.Join(t.TempDir(), "replay.db")
	cfg.General.AdminAddr = ""
	cfg.Account.AccountAddr = loopback + ":0"
	cfg.Account.GameHost = loopback
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = loopback + ":0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Start(t.Context(), cfg, app.Options{HashParams: password.TestParams, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("app.Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := a.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return a.AccountAddr().String()
}

// player is a headless client whose answers the scenario waits for
// through channels.
type player struct {
	*client.Client
	acks    chan client.Ack
	dialogs chan client.Dialog
}

func (p *player) walk(t *testing.T, dir uint8) {
	t.Helper()
	if err := p.Walk(dir, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	p.ack(t)
}

func (p *player) ack(t *testing.T) client.Ack {
	t.Helper()
	select {
	case a := <-p.acks:
		return a
	case <-time.After(waitTimeout):
		t.Fatal("no answer to a move")
	}
	return client.Ack{}
}

func (p *player) dialog(t *testing.T) client.Dialog {
	t.Helper()
	select {
	case d := <-p.dialogs:
		return d
	case <-time.After(waitTimeout):
		t.Fatal("no dialog page")
	}
	return client.Dialog{}
}

// east is the direction whose step adds one to x.
func east(t *testing.T) uint8 {
	for d := range uint8(8) {
		if x, y := client.Step(10, 10, d); x == 11 && y == 10 {
			return d
		}
	}
	t.Fatal("no direction steps east")
	return 0
}

func guideID(t *testing.T) uint32 {
	t.Helper()
	pack, err := content.Load(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range pack.NPCs {
		if n.Map == game.StartMap && n.Script == "guide.lua" {
			return n.ID
		}
	}
	t.Fatal("no guide on the start map")
	return 0
}

// scenarios are the sessions shipped as fixtures: each logs a new account
// in (creating its character) and does one thing.
var scenarios = map[string]func(t *testing.T, p *player){
	"login_walk_chat": func(t *testing.T, p *player) {
		e := east(t)
		p.walk(t, e)
		p.walk(t, e)
		if err := p.Talk(msg.ChannelTalk, msg.AllUsers, "hello from a fixture"); err != nil {
			t.Fatal(err)
		}
		p.walk(t, (e+4)%8) // an answered move after the chat: it has reached the server
	},
	"guide_dialog_teleport": func(t *testing.T, p *player) {
		if err := p.ClickNPC(guideID(t)); err != nil {
			t.Fatal(err)
		}
		for page := 0; ; page++ {
			if page == 10 {
				t.Fatal("no page of the guide offers Twin City")
			}
			d := p.dialog(t)
			if len(d.Options) == 0 {
				t.Fatalf("a page without options: %+v", d)
			}
			choice := d.Options[0]
			for _, o := range d.Options {
				if strings.Contains(o.Text, "Twin City") {
					choice = o
				}
			}
			if err := p.Answer(choice.Index, ""); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(choice.Text, "Twin City") {
				break
			}
		}
		for ev := range p.Events() { // the teleport ends with the new map
			if ev.Type == msg.New(1110).Type() {
				return
			}
		}
	},
	"portal": func(t *testing.T, p *player) {
		e := east(t)
		for range portalX - game.StartX - 1 {
			p.walk(t, e)
		}
		if err := p.TakePortal(portalX, portalY); err != nil {
			t.Fatal(err)
		}
		if a := p.ack(t); !a.Accepted {
			t.Fatalf("portal refused: %+v", a)
		}
	},
}

// recordScenario runs a scenario through a recording proxy in front of a
// fresh server and returns the recording.
func recordScenario(t *testing.T, name string, run func(*testing.T, *player)) []byte {
	var buf bytes.Buffer
	w, err := record.NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	px, err := proxy.Start(proxy.Config{AccountAddr: loopback + ":0", GameAddr: loopback + ":0",
		Upstream: startServer(t), Recorder: w, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	p := &player{acks: make(chan client.Ack, 16), dialogs: make(chan client.Dialog, 16)}
	p.Client, err = client.Login(t.Context(), client.Config{
		AccountAddr: px.AccountAddr().String(), Account: cut(name, 12), Password: fixturePassword,
		Character: "Fix" + cut(strings.ReplaceAll(name, "_", ""), 8), Timeout: waitTimeout, Logger: quietLogger(),
		OnAck: func(a client.Ack) { p.acks <- a }, OnDialog: func(d client.Dialog) { p.dialogs <- d },
	})
	if err != nil {
		t.Fatal(err)
	}
	run(t, p)
	p.Close()
	if err := px.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFixtures(t *testing.T) {
	for name, run := range scenarios {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name+".rec")
			if *update {
				if err := os.WriteFile(path, recordScenario(t, name, run), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (record the fixtures with -update)", err)
			}
			defer f.Close()
			_, packets, err := record.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := record.Replay(t.Context(), record.ReplayConfig{
				AccountAddr: startServer(t), Password: fixturePassword, Pace: true}, packets)
			if err != nil {
				t.Fatalf("replay: %v (after %d sent, %d compared)", err, rep.Sent, rep.Compared)
			}
			for _, m := range rep.Mismatches {
				t.Errorf("mismatch: %v", m)
			}
			if rep.Sent == 0 || rep.Compared == 0 {
				t.Errorf("replay sent %d and compared %d packets", rep.Sent, rep.Compared)
			}
			for i, p := range packets {
				for _, f := range record.Check(p.Kind, p.Bytes) {
					t.Errorf("packet %d: our own server contradicts our layouts: %v", i, f)
				}
			}
		})
	}
}

func cut(s string, n int) string { return s[:min(len(s), n)] }
