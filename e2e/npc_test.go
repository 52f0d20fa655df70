package e2e

import (
	"strings"
	"testing"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store/backend"
)

// twinCity is the built-in map the guide sends new players to.
const twinCity = 1002

// TestGuideDialogAndTeleport: a new player sees the guide next to the start
// point, clicks it, reads its pages, asks to go to Twin City and arrives
// there, where a player already waiting sees it come; what the guide
// remembers survives a restart.
func TestGuideDialogAndTeleport(t *testing.T) {
	db := newDB(t)
	srv := startServer(t, db, "")
	watcher := login(t, srv.clientConfig("guidew", 0))
	wrec := record(watcher)
	newbieCfg := srv.clientConfig("guiden", 1)
	newbie := login(t, newbieCfg)

	// The watcher goes to Twin City first (a GM command would need a GM
	// account: walk through the guide like everyone else).
	travel(t, watcher)
	eventually(t, "the watcher in Twin City", func() bool { return watcher.Position().Map == twinCity })

	travel(t, newbie)
	eventually(t, "the newcomer in Twin City", func() bool { return newbie.Position().Map == twinCity })
	wrec.waitCount(t, "the watcher sees the newcomer arrive", 1, isSpawnOf(newbie.ID()))

	// The guide remembers the newcomer, through a restart.
	id := newbie.ID()
	_ = newbie.Close()
	_ = watcher.Close()
	srv.stop()
	st, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var found bool
	chars, err := st.CharacterByName(t.Context(), newbieCfg.Character)
	if err != nil {
		t.Fatal(err)
	}
	if chars.ID != id || chars.MapID != twinCity {
		t.Fatalf("saved character %+v, want id %d on map %d", chars, id, twinCity)
	}
	for k := range chars.Vars {
		found = found || strings.HasPrefix(k, "guide")
	}
	if !found {
		t.Fatalf("the guide's variables were not saved: %v", chars.Vars)
	}
}

// guideID is the id of the start map's guide in the built-in content pack.
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
	t.Fatal("the built-in content has no guide on the start map")
	return 0
}

// travel clicks the guide and answers its pages until one offers Twin City,
// and picks that.
func travel(t *testing.T, c *client.Client) {
	t.Helper()
	id := guideID(t)
	eventually(t, c.Name()+" sees the guide", func() bool {
		_, ok := c.Entity(id)
		return ok
	})
	if err := c.ClickNPC(id); err != nil {
		t.Fatal(err)
	}
	for page := 0; ; page++ {
		if page == 10 {
			t.Fatalf("%s: no page of the guide offers Twin City", c.Name())
		}
		var d client.Dialog
		eventually(t, c.Name()+" gets a dialog page", func() bool {
			var ok bool
			d, ok = c.Dialog()
			return ok
		})
		if len(d.Options) == 0 {
			t.Fatalf("%s: a page without options: %+v", c.Name(), d)
		}
		choice := d.Options[0]
		for _, o := range d.Options {
			if strings.Contains(o.Text, "Twin City") {
				choice = o
			}
		}
		if err := c.Answer(choice.Index, ""); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(choice.Text, "Twin City") {
			return
		}
	}
}

// TestGMTeleportsAnotherPlayer: "/tele name map x y" moves another player
// through the same path as portals; a player at the destination sees it.
func TestGMTeleportsAnotherPlayer(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	gmCfg := srv.clientConfig("moverg", 0)
	login(t, gmCfg).Close() // create the account and character
	if err := srv.app.Store().SetGM(t.Context(), gmCfg.Account, true); err != nil {
		t.Fatal(err)
	}
	gm := login(t, gmCfg)
	target := login(t, srv.clientConfig("movert", 1))
	if err := gm.Talk(msg.ChannelTalk, "", "/tele "+gm.Name()+" 1000 490 641"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the GM in the Desert", func() bool { return gm.Position().Map == 1000 })
	rec := record(gm)
	if err := gm.Talk(msg.ChannelTalk, "", "/tele "+target.Name()+" 1000 491 641"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the player in the Desert", func() bool {
		p := target.Position()
		return p.Map == 1000 && p.X == 491 && p.Y == 641
	})
	rec.waitCount(t, "the GM sees the player arrive", 1, isSpawnOf(target.ID()))
}
