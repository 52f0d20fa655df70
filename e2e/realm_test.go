package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/realm"
	"github.com/coserver/coserver/realm/natstest"
)

// Realm test settings.
const (
	// realmInterval is the realms' announce interval: a dead realm leaves
	// the directory after three of them.
	realmInterval = 100 * time.Millisecond
	// childRealmEnv holds "db|nats URL|realm" for a child process that
	// serves one realm (runChildRealm).
	childRealmEnv = "COSERVER_E2E_CHILD_REALM"
)

// realmConfig sets cfg up as a process of the cluster on NATS at url;
// name is its realm ("" for the account server).
func realmConfig(url, name string) func(*config.Config) {
	return func(cfg *config.Config) {
		cfg.Realm.NATS = url
		cfg.Realm.Name = name
		cfg.Realm.AnnounceInterval = realmInterval
	}
}

// cluster is one account server and two realms, East and West, on one
// database and one NATS server, all in the test process.
type cluster struct {
	nats       *natstest.Server
	db         string
	acct       *testServer
	east, west *testServer
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{nats: natstest.Start(t, ""), db: newDB(t)}
	role := func(r app.Role) func(*app.Options) { return func(o *app.Options) { o.Role = r } }
	c.east = startServerOpts(t, c.db, "", realmConfig(c.nats.URL(), "East"), role(app.RoleGame))
	c.west = startServerOpts(t, c.db, "", realmConfig(c.nats.URL(), "West"), role(app.RoleGame))
	c.acct = startServerOpts(t, c.db, "", func(cfg *config.Config) {
		realmConfig(c.nats.URL(), "")(cfg)
		cfg.General.AdminAddr = loopback + ":0"
	}, role(app.RoleAccount))
	c.waitRealms(t, "East", "West")
	return c
}

// waitRealms waits until the account server's directory lists exactly
// names.
func (c *cluster) waitRealms(t *testing.T, names ...string) {
	t.Helper()
	eventually(t, fmt.Sprintf("realms %v listed", names), func() bool {
		got := c.acct.app.Realms()
		if len(got) != len(names) {
			return false
		}
		for i, a := range got {
			if a.Realm != names[i] {
				return false
			}
		}
		return true
	})
}

// player returns the login of test player i on realm.
func (c *cluster) player(prefix string, i int, realm string) client.Config {
	cfg := c.acct.clientConfig(prefix, i)
	cfg.Server = realm
	return cfg
}

// admin posts body to the account server's admin API and returns the
// status code.
func (c *cluster) admin(t *testing.T, path string, body any) int {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + c.acct.app.AdminAddr().String() + "/admin/api/" + path
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRealmsRouteLogins: the account server sends each client to the realm
// it picked, and refuses an unknown realm with code 10 (server down).
func TestRealmsRouteLogins(t *testing.T) {
	c := startCluster(t)
	e := login(t, c.player("route", 0, "East"))
	w := login(t, c.player("route", 1, "west")) // realm names compare in any case
	if e.Ticket().Addr() != c.east.gameAddr() || w.Ticket().Addr() != c.west.gameAddr() {
		t.Fatalf("East player sent to %s (East is %s), West player to %s (West is %s)",
			e.Ticket().Addr(), c.east.gameAddr(), w.Ticket().Addr(), c.west.gameAddr())
	}
	_, err := client.Login(t.Context(), c.player("route", 2, "Nowhere"))
	if re, ok := errors.AsType[*client.RejectError](err); !ok || re.Code != msg.RejectServerDown {
		t.Fatalf("login to an unknown realm: %v, want reject %v", err, msg.RejectServerDown)
	}
	// The operator sees the directory in the account server's status.
	resp, err := http.Get("http://" + c.acct.app.AdminAddr().String() + "/admin/api/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var status struct {
		Realms []struct {
			Name string `json:"name"`
			Port int    `json:"port"`
		} `json:"realms"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&status); err != nil {
		t.Fatal(err)
	}
	if len(status.Realms) != 2 || status.Realms[0].Name != "East" || status.Realms[1].Name != "West" {
		t.Fatalf("status realms: %+v", status.Realms)
	}
}

// TestRealmsDuplicateLogin: an account logged in on East that logs in on
// West is disconnected from East, which saves first: West loads the
// character where it stood on East.
func TestRealmsDuplicateLogin(t *testing.T) {
	c := startCluster(t)
	cfg := c.player("dup", 0, "East")
	first := login(t, cfg)
	before := first.Position()
	if err := first.Walk(6, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the step on East", func() bool { return first.Position().X == before.X+1 })
	cfg.Server = "West"
	second := login(t, cfg)
	waitDone(t, first, "the East session to be replaced")
	if got := second.Position(); got != first.Position() {
		t.Fatalf("on West at %+v, left East at %+v", got, first.Position())
	}
	if c.east.app.Online() != 0 || c.west.app.Online() != 1 {
		t.Fatalf("online: East %d, West %d", c.east.app.Online(), c.west.app.Online())
	}
}

// TestRealmsKickBanBroadcast: the account server's admin API reaches the
// realm that holds the player, and a broadcast reaches every realm; so does
// a GM's broadcast in the game.
func TestRealmsKickBanBroadcast(t *testing.T) {
	c := startCluster(t)
	gmCfg := c.player("kbb", 0, "East")
	login(t, gmCfg).Close()
	if err := c.acct.app.Store().SetGM(t.Context(), gmCfg.Account, true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first GM session to leave", func() bool { return c.east.app.Online() == 0 })
	gm := login(t, gmCfg)
	onEast := login(t, c.player("kbb", 1, "East"))
	onWest := login(t, c.player("kbb", 2, "West"))
	toKick := login(t, c.player("kbb", 3, "West"))
	erec, wrec := record(onEast), record(onWest)

	if code := c.admin(t, "broadcast", map[string]string{"text": "hello realms"}); code != http.StatusOK {
		t.Fatalf("broadcast: HTTP %d", code)
	}
	said := func(sender, text string) func(client.Event) bool {
		return func(ev client.Event) bool {
			tk, ok := ev.Packet.(*msg.Talk)
			return ok && tk.Channel == msg.ChannelBroadcast && tk.Message == text && tk.Sender == sender
		}
	}
	erec.waitCount(t, "the operator's broadcast on East", 1, said(msg.SystemName, "hello realms"))
	wrec.waitCount(t, "the operator's broadcast on West", 1, said(msg.SystemName, "hello realms"))

	if err := gm.Talk(msg.ChannelBroadcast, "", "event at noon"); err != nil {
		t.Fatal(err)
	}
	wrec.waitCount(t, "the GM's broadcast relayed to West", 1, said(gm.Name(), "event at noon"))
	erec.waitCount(t, "the GM's broadcast on East", 1, said(gm.Name(), "event at noon"))

	if code := c.admin(t, "kick", map[string]string{"name": toKick.Name()}); code != http.StatusOK {
		t.Fatalf("kick: HTTP %d", code)
	}
	waitDone(t, toKick, "the kicked West player to go")
	if code := c.admin(t, "kick", map[string]string{"name": "nobodyhere"}); code != http.StatusNotFound {
		t.Fatalf("kick of nobody: HTTP %d", code)
	}

	if code := c.admin(t, "ban", map[string]string{"account": c.player("kbb", 2, "").Account}); code != http.StatusOK {
		t.Fatalf("ban: HTTP %d", code)
	}
	waitDone(t, onWest, "the banned West player to go")
	if _, err := client.Login(t.Context(), c.player("kbb", 2, "West")); err == nil {
		t.Fatal("the banned account logged in again")
	}
	select {
	case <-onEast.Done():
		t.Fatalf("the East player went too: %v", onEast.Err())
	default:
	}
}

// TestRealmDiesOtherServes kills a realm's process (SIGKILL): the
// directory drops it within seconds, its players' logins are refused
// "server down", they can play on the other realm with what the dead one
// saved last (at most a save interval lost), and the other realm serves on.
func TestRealmDiesOtherServes(t *testing.T) {
	c := &cluster{nats: natstest.Start(t, ""), db: newDB(t)}
	role := func(r app.Role) func(*app.Options) { return func(o *app.Options) { o.Role = r } }
	c.east = startServerOpts(t, c.db, "", realmConfig(c.nats.URL(), "East"), role(app.RoleGame))
	c.acct = startServerOpts(t, c.db, "", func(cfg *config.Config) {
		realmConfig(c.nats.URL(), "")(cfg)
		cfg.General.AdminAddr = loopback + ":0"
	}, role(app.RoleAccount))
	child, westAddr := startChildRealm(t, c.db, c.nats.URL(), "West")
	c.waitRealms(t, "East", "West")

	onEast := login(t, c.player("die", 0, "East"))
	onWest := login(t, c.player("die", 1, "West"))
	if onWest.Ticket().Addr() != westAddr {
		t.Fatalf("West player sent to %s, West is %s", onWest.Ticket().Addr(), westAddr)
	}
	erec := record(onEast)
	// The West player walks; the child saves every crashSaveInterval:
	// wait until the database has the new tile, then kill.
	westStart := onWest.Position()
	if err := onWest.Walk(6, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the step on West", func() bool { return onWest.Position().X == westStart.X+1 })
	moved := onWest.Position()
	st := c.acct.app.Store()
	acc, err := st.AccountByName(t.Context(), c.player("die", 1, "").Account)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "West's periodic save of the step", func() bool {
		ch, err := st.CharacterByAccount(t.Context(), acc.ID)
		return err == nil && ch.X == moved.X && ch.Y == moved.Y
	})

	killed := time.Now()
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitDone(t, onWest, "the West player to lose its server")
	c.waitRealms(t, "East")
	t.Logf("West dropped from the directory %v after the kill", time.Since(killed).Round(time.Millisecond))
	_, err = client.Login(t.Context(), c.player("die", 1, "West"))
	if re, ok := errors.AsType[*client.RejectError](err); !ok || re.Code != msg.RejectServerDown {
		t.Fatalf("login to the dead realm: %v, want reject %v", err, msg.RejectServerDown)
	}
	// Its player moves to East with what the dead realm last saved.
	refugee := login(t, c.player("die", 1, "East"))
	if got := refugee.Position(); got != moved {
		t.Fatalf("the West player on East at %+v, West saved %+v", got, moved)
	}
	// East serves on: its player walks, a new player logs in, and the
	// realm's kick and broadcast still work without West answering.
	before := onEast.Position()
	if err := onEast.Walk(6, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a step on East", func() bool { return onEast.Position().X == before.X+1 })
	login(t, c.player("die", 2, "East"))
	if code := c.admin(t, "broadcast", map[string]string{"text": "still here"}); code != http.StatusOK {
		t.Fatalf("broadcast after West died: HTTP %d", code)
	}
	erec.waitCount(t, "the broadcast on East", 1, func(ev client.Event) bool {
		tk, ok := ev.Packet.(*msg.Talk)
		return ok && tk.Message == "still here"
	})
	// The dead West's name is free again: a new process claims it.
	startServerOpts(t, c.db, "", realmConfig(c.nats.URL(), "West"), role(app.RoleGame))
	c.waitRealms(t, "East", "West")
}

// TestRealmNameTakenRefusesStart: a second process claiming a realm name
// that is served refuses to start, naming the holder.
func TestRealmNameTakenRefusesStart(t *testing.T) {
	ns := natstest.Start(t, "")
	db := newDB(t)
	startServerOpts(t, db, "", realmConfig(ns.URL(), "East"), func(o *app.Options) { o.Role = app.RoleGame })
	cfg := config.Default()
	cfg.General.DB = newDB(t) // another database: only NATS can tell
	cfg.General.AdminAddr = ""
	cfg.Account.GameHost = loopback
	cfg.Game.GameAddr = loopback + ":0"
	realmConfig(ns.URL(), "east")(&cfg) // any case
	_, err := app.Start(t.Context(), cfg, app.Options{Role: app.RoleGame, HashParams: password.TestParams, Logger: testLogger()})
	if !errors.Is(err, realm.ErrRealmTaken) {
		t.Fatalf("second East: %v, want ErrRealmTaken", err)
	}
}

// TestRealmKeepsPlayersWhileNATSIsDown stops NATS: players in the world
// carry on, logins pause (the account server's directory empties: server
// down), and when NATS is back the realm announces itself again and logins
// resume.
func TestRealmKeepsPlayersWhileNATSIsDown(t *testing.T) {
	c := startCluster(t)
	p := login(t, c.player("down", 0, "East"))
	c.nats.Stop()
	c.waitRealms(t)
	before := p.Position()
	if err := p.Walk(6, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a step while NATS is down", func() bool { return p.Position().X == before.X+1 })
	_, err := client.Login(t.Context(), c.player("down", 1, "East"))
	if re, ok := errors.AsType[*client.RejectError](err); !ok || re.Code != msg.RejectServerDown {
		t.Fatalf("login while NATS is down: %v, want reject %v", err, msg.RejectServerDown)
	}
	c.nats.Restart()
	c.waitRealms(t, "East", "West")
	login(t, c.player("down", 1, "East"))
	select {
	case <-p.Done():
		t.Fatalf("the player in the world was disconnected: %v", p.Err())
	default:
	}
}

// runChildRealm serves one realm in this process (the test binary run by
// startChildRealm), prints its game address and waits to be killed.
func runChildRealm(spec string) {
	parts := strings.SplitN(spec, "|", 3)
	cfg := config.Default()
	cfg.General.DB = parts[0]
	cfg.General.AdminAddr = ""
	cfg.Account.GameHost = loopback
	cfg.Game.GameAddr = loopback + ":0"
	cfg.Limits.MaxConnsPerIP = maxConnsPerIP
	cfg.Game.SaveInterval = crashSaveInterval
	realmConfig(parts[1], parts[2])(&cfg)
	a, err := app.Start(context.Background(), cfg, app.Options{Role: app.RoleGame, HashParams: password.TestParams, Logger: testLogger()})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("ready", a.GameAddr().String())
	select {}
}

// startChildRealm starts the test binary as realm name's game server and
// returns it with its game address.
func startChildRealm(t *testing.T, db, natsURL, name string) (*exec.Cmd, string) {
	t.Helper()
	return startChildEnv(t, "child realm", childRealmEnv+"="+db+"|"+natsURL+"|"+name)
}

// TestServeWithNATS: `coserver serve -nats URL -realm Solo` is a realm and
// an account server in one process; its tokens go through the database, and
// it routes by realm name like a separate account server.
func TestServeWithNATS(t *testing.T) {
	ns := natstest.Start(t, "")
	srv := startServerWith(t, newDB(t), "", realmConfig(ns.URL(), "Solo"))
	eventually(t, "Solo in its own directory", func() bool { return len(srv.app.Realms()) == 1 })
	cfg := srv.clientConfig("solo", 0)
	cfg.Server = "Solo"
	login(t, cfg)
	cfg = srv.clientConfig("solo", 1)
	cfg.Server = "Other"
	_, err := client.Login(t.Context(), cfg)
	if re, ok := errors.AsType[*client.RejectError](err); !ok || re.Code != msg.RejectServerDown {
		t.Fatalf("login to another realm: %v, want reject %v", err, msg.RejectServerDown)
	}
}
