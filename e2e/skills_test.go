package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
)

// bareHands is the weapon proficiency of an unarmed character.
func bareHands(ch store.Character) (store.Skill, bool) {
	i := slices.IndexFunc(ch.Skills, func(s store.Skill) bool { return s.Kind == store.SkillWeapon && s.Type == 0 })
	if i < 0 {
		return store.Skill{}, false
	}
	return ch.Skills[i], true
}

// pacedJumpTo takes c to (x, y) of its map in jumps paced at the server's
// real-time jump rate (game.MinJumpInterval): the child server has no test
// clock. A refused jump snaps back and is tried again.
func pacedJumpTo(t *testing.T, c *client.Client, x, y uint16) {
	t.Helper()
	jumpPaced(t, c, x, y, 30, game.MinJumpInterval)
}

// TestKill9KeepsProficiency: a Trojan hits Hoppers bare-handed until a
// periodic save has stored the proficiency, then the server is killed
// with SIGKILL: the database after the kill holds that proficiency or a
// later one (at most one save interval lost), and a restarted server
// logs the character in.
func TestKill9KeepsProficiency(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	db := newDB(t)
	child, addr := startChild(t, db)
	cfg := client.Config{AccountAddr: addr, Account: "crashprof", Password: testPassword, Character: "Boxer",
		Body: 1003, Class: 10, Timeout: waitTimeout, Logger: testLogger()}
	c := login(t, cfg)

	reader, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	savedSkill := func() (store.Skill, bool) {
		ch, err := reader.CharacterByName(t.Context(), cfg.Character)
		if err != nil {
			return store.Skill{}, false
		}
		s, ok := bareHands(ch)
		return s, ok && (s.Exp > 0 || s.Level > 1)
	}
	// Hit the nearest Hopper until a periodic save stored some proficiency;
	// a Hopper that wandered off or died only costs a round.
	saved, ok := savedSkill()
	for round := 0; !ok; round++ {
		if round == 30 {
			t.Fatalf("no proficiency saved after %d rounds: %+v", round, c.Fight())
		}
		pacedJumpTo(t, c, hopperX-1, hopperY)
		mon, found := c.NearestMonster()
		if !found {
			t.Fatal("no monster in view")
		}
		pacedJumpTo(t, c, mon.X, mon.Y)
		if err := c.Attack(mon.ID); err != nil {
			t.Fatal(err)
		}
		// The server repeats the attack while the Hopper is in reach; a
		// save runs every crashSaveInterval. Poll the database for a while.
		until := time.Now().Add(2 * game.AttackInterval)
		for !ok && time.Now().Before(until) {
			time.Sleep(5 * time.Millisecond)
			saved, ok = savedSkill()
		}
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	after, err := reader.CharacterByName(t.Context(), cfg.Character)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := bareHands(after)
	if !ok || got.Level < saved.Level || got.Level == saved.Level && got.Exp < saved.Exp {
		t.Fatalf("after kill -9 the proficiency is %+v (%v), saved before was %+v", got, ok, saved)
	}
	s := startServer(t, db, "")
	cfg.AccountAddr = s.accountAddr()
	if again := login(t, cfg); again.Created() {
		t.Fatal("the character was lost: the restarted server asked for a new one")
	}
	t.Logf("saved before the kill: %+v, stored after: %+v", saved, got)
}
