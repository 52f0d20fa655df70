package e2e

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/bots"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/msg"
)

// botConfig is a short, small bot run against srv.
func botConfig(srv *testServer, prefix string, n int, d time.Duration) bots.Config {
	cfg := bots.DefaultConfig()
	cfg.AccountAddr = srv.accountAddr()
	cfg.Prefix = prefix
	cfg.Count = n
	cfg.Rate = 100
	cfg.Interval = 150 * time.Millisecond // under the server's 10 steps/s
	cfg.Duration = d
	cfg.JumpEvery = 4
	cfg.ChatEvery = 5
	cfg.Seed = 42
	cfg.Logger = testLogger()
	return cfg
}

// TestBots runs a few bots for a few seconds: all log in, walk, jump and
// chat, and the server answers every move.
func TestBots(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	const n = 6
	var progress bytes.Buffer
	rep, err := bots.Run(t.Context(), botConfig(srv, "swarm", n, 3*time.Second), &progress)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, rep)
	}
	t.Logf("report:\n%s", rep)
	if rep.Logins != n || rep.LoginFailures != 0 || rep.Disconnects != 0 || len(rep.Errors) != 0 {
		t.Errorf("logins %d, failures %d, disconnects %d, errors %v", rep.Logins, rep.LoginFailures, rep.Disconnects, rep.Errors)
	}
	w := rep.Walks
	if w.Sent == 0 || w.Refused != 0 || w.Acknowledged+w.Unanswered != w.Sent || w.Unanswered > n {
		t.Errorf("walks %+v", w)
	}
	if rep.MoveRTT.Count != w.Acknowledged || rep.MoveRTT.P50Ms <= 0 || rep.MoveRTT.MaxMs < rep.MoveRTT.P99Ms {
		t.Errorf("move RTT %+v for %d acknowledged walks", rep.MoveRTT, w.Acknowledged)
	}
	if rep.Jumps.Acknowledged == 0 || rep.Jumps.Refused != 0 || rep.Chats == 0 {
		t.Errorf("jumps %+v, chats %d", rep.Jumps, rep.Chats)
	}
	// The bots start on one tile and roam less than a screen: each sees
	// the others walk.
	if s := rep.SeenRTT; s.Count == 0 || s.P50Ms <= 0 || s.MaxMs < s.P99Ms {
		t.Errorf("seen RTT %+v (%d left out)", s, rep.SeenUnpaired)
	}
	if lines := strings.Count(progress.String(), "\n"); lines < 2 || !strings.Contains(progress.String(), "logged in") {
		t.Errorf("progress:\n%s", progress.String())
	}
}

// TestBotsSurviveRestart restarts the server under a running swarm: every
// bot reconnects to the new process (same account address, same database).
func TestBotsSurviveRestart(t *testing.T) {
	db := newDB(t)
	srv := startServer(t, db, "")
	addr := srv.accountAddr()
	const n = 4
	type result struct {
		rep bots.Report
		err error
	}
	// Online counts a player from ANSWER_OK on; a bot moves only once its
	// login chain is over. The bots start where the watcher stands, so it
	// sees each one's first move: then every bot is playing.
	watcher := login(t, srv.clientConfig("phoenixwatch", 0))
	wrec := record(watcher)
	done := make(chan result, 1)
	go func() {
		rep, err := bots.Run(t.Context(), botConfig(srv, "phoenix", n, 5*time.Second), nil)
		done <- result{rep, err}
	}()
	eventually(t, "every bot in the world", func() bool { return srv.app.Online() == n+1 })
	eventually(t, "every bot moving", func() bool {
		wrec.mu.Lock()
		defer wrec.mu.Unlock()
		movers := map[uint32]bool{}
		for _, ev := range wrec.events {
			switch p := ev.Packet.(type) {
			case *msg.Walk:
				movers[p.ID] = true
			case *msg.Action:
				if p.Subtype == msg.ActionJump {
					movers[p.ID] = true
				}
			}
		}
		return len(movers) >= n
	})
	srv.stop()
	srv2 := startServer(t, db, addr)
	eventually(t, "every bot back after the restart", func() bool { return srv2.app.Online() == n })
	res := <-done
	if res.err != nil {
		t.Fatalf("Run: %v", res.err)
	}
	rep := res.rep
	t.Logf("report:\n%s", rep)
	if rep.Logins != n || rep.Disconnects != n || rep.Reconnects != n {
		t.Errorf("logins %d, disconnects %d, reconnects %d; want %d each", rep.Logins, rep.Disconnects, rep.Reconnects, n)
	}
	if rep.Walks.Acknowledged == 0 {
		t.Errorf("walks %+v", rep.Walks)
	}
}

// TestBotsCommand runs `coserver bots` (bots.Main) against the server and
// reads its JSON report.
func TestBotsCommand(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	var out, errOut bytes.Buffer
	code := bots.Main([]string{"-account-addr", srv.accountAddr(), "-n", "2", "-rate", "20", "-interval", "200ms",
		"-duration", "1500ms", "-prefix", "cli", "-password", "clipass", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	var rep bots.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out.String())
	}
	if rep.Bots != 2 || rep.Logins != 2 || rep.Walks.Acknowledged == 0 || rep.MoveRTT.Count == 0 {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(errOut.String(), "logged in 2/2") {
		t.Errorf("progress on stderr:\n%s", errOut.String())
	}
}

// TestBotsCommandPerIPCap: against a server whose per-IP connection cap is
// below the swarm, the command fails and names the setting to raise.
func TestBotsCommandPerIPCap(t *testing.T) {
	srv := startServerWith(t, newDB(t), "", func(c *config.Config) { c.Limits.MaxConnsPerIP = 2 })
	var out, errOut bytes.Buffer
	code := bots.Main([]string{"-account-addr", srv.accountAddr(), "-n", "8", "-rate", "50", "-interval", "200ms",
		"-duration", "6s", "-prefix", "cap", "-password", "cappass"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "-max-conns-per-ip") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
}

// TestBotsItems runs bots with -behaviour items against a real server: they
// buy a potion from the Pedlar in Birth Village, use it, buy another, drop
// it, walk onto it and pick it up, round after round, and the server
// answers every request.
func TestBotsItems(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	const n = 4
	cfg := botConfig(srv, "itembot", n, 8*time.Second)
	cfg.Behaviour, cfg.JumpEvery, cfg.ChatEvery = bots.BehaviourItems, 0, 0
	rep, err := bots.Run(t.Context(), cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, rep)
	}
	t.Logf("report:\n%s", rep)
	if rep.Logins != n || rep.Disconnects != 0 || len(rep.Errors) != 0 {
		t.Errorf("logins %d, disconnects %d, errors %v", rep.Logins, rep.Disconnects, rep.Errors)
	}
	it := rep.Items
	if it.Buys < n || it.Uses < n || it.Drops < n || it.Picks < n || it.Rounds < n {
		t.Errorf("items %+v: want every bot through a round", it)
	}
	if it.Unanswered > n { // at most one request cut short by the end of the run, per bot
		t.Errorf("%d item requests unanswered", it.Unanswered)
	}
}
