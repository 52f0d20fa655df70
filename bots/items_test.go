package bots

import (
	"strings"
	"testing"
	"time"
)

// TestItemsBehaviour runs bots with BehaviourItems against the fake world
// with a shop until one bot has picked up itemRoundsGoal items: the bots
// walked to the shop, bought, used, re-equipped their blade, dropped and
// picked up.
func TestItemsBehaviour(t *testing.T) {
	w := newNPCWorld(t)
	w.items = true
	cfg := DefaultConfig()
	cfg.AccountAddr = w.acct.Addr().String()
	cfg.Count, cfg.Rate, cfg.Interval, cfg.Seed = 2, 100, 20*time.Millisecond, 7
	cfg.Behaviour, cfg.ChatEvery, cfg.JumpEvery = BehaviourItems, 0, 0
	cfg.Duration = time.Minute // a backstop only: the run ends when a bot has done its rounds
	rep, ok := runUntil(t, cfg, w.picked)
	if !ok {
		t.Fatalf("no bot picked up %d items: %+v", itemRoundsGoal, rep.Items)
	}
	t.Logf("report:\n%s", rep)
	// The run may end between a pick-up and the bot's next turn, which
	// counts it.
	n := rep.Items
	if n.Buys < itemRoundsGoal || n.Uses < itemRoundsGoal || n.Equips < itemRoundsGoal-1 ||
		n.Drops < itemRoundsGoal || n.Picks < itemRoundsGoal-1 || n.Rounds < itemRoundsGoal-1 {
		t.Errorf("counts: %+v", n)
	}
	if !strings.Contains(rep.String(), "items:") || !strings.Contains(string(rep.JSON()), `"items"`) {
		t.Errorf("report lacks the items:\n%s", rep.String())
	}
}

func TestItemsFlags(t *testing.T) {
	var out, errOut strings.Builder
	if code := Main([]string{"-shop-npc", "0"}, &out, &errOut); code != exitUsage {
		t.Errorf("-shop-npc 0: exit %d, %s", code, errOut.String())
	}
	c := DefaultConfig()
	c.Behaviour = BehaviourItems
	if err := c.validate(); err != nil {
		t.Errorf("behaviour items: %v", err)
	}
	if c := (Config{}).withDefaults(); c.ShopNPC != DefaultShopNPC || c.ShopItem != DefaultShopItem {
		t.Errorf("defaults %d %d", c.ShopNPC, c.ShopItem)
	}
}
