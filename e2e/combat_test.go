package e2e

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/bots"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
)

// Where the default pack's monsters live on Birth Village
// (content/default/spawns.toml): Hoppers (passive) and Briarlings (active).
const (
	birthVillage       = 1010
	hopperX, hopperY   = 105, 110
	briarX, briarY     = 145, 110
	fastClockStep      = 100 * time.Millisecond
	fastClockRealPause = 4 * time.Millisecond
)

// fastClock moves clk forward fastClockStep every fastClockRealPause until
// the test ends: the game's timers (attack speeds, AI, the revive wait) run
// about 25 times faster than real time.
func fastClock(t *testing.T, clk *testClock) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(fastClockRealPause)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				clk.Advance(fastClockStep)
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}

// jumpTo takes c to (x, y) of its map in jumps the server accepts.
func jumpTo(t *testing.T, c *client.Client, x, y uint16) {
	t.Helper()
	jumpPaced(t, c, x, y, 20, 0)
}

// jumpPaced takes c to (x, y) of its map in at most tries jumps, waiting
// pace after each one lands (0: none).
func jumpPaced(t *testing.T, c *client.Client, x, y uint16, tries int, pace time.Duration) {
	t.Helper()
	for range tries {
		p := c.Position()
		if client.Distance(p.X, p.Y, x, y) <= 1 {
			return
		}
		step := func(from, to uint16) uint16 {
			d := max(min(int(to)-int(from), game.JumpRange-2), -(game.JumpRange - 2))
			return uint16(int(from) + d)
		}
		if err := c.Jump(step(p.X, x), step(p.Y, y)); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the jump lands", func() bool { return c.Pending() == 0 })
		time.Sleep(pace) // pacing for the server's rate limit, not a wait
	}
	t.Fatalf("did not reach (%d, %d): at %+v", x, y, c.Position())
}

// TestHuntLevelUpDieRevive: a Taoist walks out of the village, kills
// monsters with its spell, gains experience and a level, picks up a drop
// reserved for it; another player in view sees the fight; the Taoist then dies to the active monsters, waits
// and revives at the village's revive point.
func TestHuntLevelUpDieRevive(t *testing.T) {
	clk := newTestClock()
	db := newDB(t)
	// The default pack, its Hoppers dropping a potion at every death.
	pack := packWith(t, content.MonsterFile, "drop_chance = 20\ndrops = [1000000]", "drop_chance = 100\ndrops = [1000000]")
	srv := startServerClock(t, db, "", func(c *config.Config) { c.Game.ContentDir = pack }, clk)
	fastClock(t, clk)
	hunter := login(t, srv.clientConfig("hunt", 3)) // class 100: a Taoist
	watcher := login(t, srv.clientConfig("huntw", 0))
	wrec := record(watcher)

	eventually(t, "the skills at login", func() bool { return len(hunter.Fight().Skills) == 2 })
	var bolt uint16
	for _, s := range hunter.Fight().Skills {
		if s.Magic == 1000 {
			bolt = s.Magic
		}
	}
	if bolt == 0 {
		t.Fatalf("skills %+v", hunter.Fight().Skills)
	}
	jumpTo(t, watcher, hopperX-8, hopperY)
	jumpTo(t, hunter, hopperX-6, hopperY)

	// Hunt until the first level-up.
	start := hunter.Fight()
	deadline := time.Now().Add(3 * waitTimeout)
	for hunter.Fight().Level == start.Level {
		if time.Now().After(deadline) {
			t.Fatalf("no level-up: %+v", hunter.Fight())
		}
		mon, ok := hunter.NearestMonster()
		if !ok {
			t.Fatal("no monster in view")
		}
		cast := clk.Now()
		if err := hunter.Cast(bolt, 0, mon.ID); err != nil {
			t.Fatal(err)
		}
		// The spell's delay (1 s), in the game's time.
		eventually(t, "the spell's delay", func() bool { return clk.Now().Sub(cast) > time.Second })
	}
	f := hunter.Fight()
	if f.Kills == 0 || f.LevelUps == 0 || f.AttributePoints != 3 {
		t.Fatalf("after the hunt: %+v", f)
	}
	// The drop lies next to a corpse, reserved for the hunter: pick it up.
	var drop client.Entity
	eventually(t, "a potion on the floor", func() bool {
		for _, e := range hunter.FloorItems() {
			if e.ItemType == 1000000 {
				drop = e
				return true
			}
		}
		return false
	})
	before, _ := hunter.CountItems(1000000)
	jumpTo(t, hunter, drop.X, drop.Y)
	if err := hunter.PickUp(drop.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the potion in the bag", func() bool { n, _ := hunter.CountItems(1000000); return n == before+1 })
	wrec.waitCount(t, "the watcher sees the spells", 1, func(ev client.Event) bool {
		e, ok := ev.Packet.(*msg.MagicEffect)
		return ok && e.Caster == hunter.ID()
	})
	wrec.waitCount(t, "the watcher sees a kill", 1, func(ev client.Event) bool {
		it, ok := ev.Packet.(*msg.Interact)
		return ok && it.Action == msg.InteractKill && it.Sender == hunter.ID()
	})
	wrec.waitCount(t, "the watcher sees the level-up", 1, func(ev client.Event) bool {
		a, ok := ev.Packet.(*msg.Action)
		return ok && a.Subtype == msg.ActionLevelUp && a.ID == hunter.ID()
	})

	// Among the Briarlings, which attack on sight, until dead. They see 8
	// tiles and wander over 30 × 30: stand by the nearest one, or none
	// may ever come near enough (about one run in fifty).
	jumpTo(t, hunter, briarX, briarY)
	var briar client.Entity
	eventually(t, "a Briarling in view", func() (ok bool) { briar, ok = hunter.NearestMonster(); return ok })
	jumpTo(t, hunter, briar.X, briar.Y)
	eventually(t, "killed by the monsters", func() bool { return hunter.Fight().Dead })
	died := clk.Now() // the death was at or before this
	eventually(t, "the revive wait", func() bool { return clk.Now().Sub(died) > game.ReviveWait })
	if err := hunter.Revive(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "revived at the revive point", func() bool {
		p := hunter.Position()
		return !hunter.Fight().Dead && p.Map == birthVillage && p.X == game.StartX && p.Y == game.StartY
	})
	f = hunter.Fight()
	if f.HP == 0 {
		t.Fatalf("revived with %+v", f)
	}

	// Level, experience, attribute points and HP survive a restart.
	name := hunter.Name()
	_ = hunter.Close()
	_ = watcher.Close()
	srv.stop()
	st, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ch, err := st.CharacterByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Level != f.Level || ch.Exp != f.Exp || ch.AttrPoints != f.AttributePoints || ch.HP != f.HP {
		t.Fatalf("saved %+v, the client had %+v", ch, f)
	}
	// So does the experience of the spell (the skills table), which the
	// restarted server sends back at login in MsgMagicInfo.
	i := slices.IndexFunc(ch.Skills, func(s store.Skill) bool { return s.Kind == store.SkillMagic && s.Type == uint32(bolt) })
	if i < 0 || ch.Skills[i].Exp == 0 {
		t.Fatalf("saved skills %+v: no experience of magic %d", ch.Skills, bolt)
	}
	// A fresh clock: the fast one ran past the login token's lifetime.
	srv = startServerClock(t, db, "", func(c *config.Config) { c.Game.ContentDir = pack }, newTestClock())
	back := login(t, srv.clientConfig("hunt", 3))
	eventually(t, "the saved magic experience at login", func() bool {
		return slices.ContainsFunc(back.Fight().Skills, func(s msg.MagicInfo) bool {
			return s.Magic == bolt && s.Exp == ch.Skills[i].Exp
		})
	})
}

// packWith copies the default content pack into a temporary folder,
// replacing old with new in file, and returns the folder.
func packWith(t *testing.T, file, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.Default(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.IsDir() {
				return os.MkdirAll(filepath.Join(dir, path), 0o755)
			}
			return err
		}
		b, err := fs.ReadFile(content.Default(), path)
		if err != nil {
			return err
		}
		if path == file {
			if !strings.Contains(string(b), old) {
				return fmt.Errorf("%s has no %q", file, old)
			}
			b = []byte(strings.Replace(string(b), old, new, 1))
		}
		return os.WriteFile(filepath.Join(dir, path), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBotsHunt runs a few hunting bots: they walk out to the monsters and
// fight, and the server answers their attacks.
func TestBotsHunt(t *testing.T) {
	srv := startServer(t, newDB(t), "")
	cfg := botConfig(srv, "hunter", 4, 6*time.Second)
	cfg.Behaviour = bots.BehaviourHunt
	rep, err := bots.Run(t.Context(), cfg, io.Discard)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, rep)
	}
	t.Logf("report:\n%s", rep)
	if rep.Logins != 4 || rep.Disconnects != 0 || len(rep.Errors) != 0 {
		t.Errorf("logins %d, disconnects %d, errors %v", rep.Logins, rep.Disconnects, rep.Errors)
	}
	if rep.Hunt.Attacks == 0 || rep.AttackRTT.Count == 0 {
		t.Errorf("hunt %+v, attack RTT %+v", rep.Hunt, rep.AttackRTT)
	}
}
