package bots

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/client"
)

// BehaviourHunt: walk out to the hunting ground, attack the nearest
// monster, heal with a skill when hurt, revive after dying; as
// BehaviourWalk when nothing is in sight.
const BehaviourHunt = "hunt"

// Hunt behaviour.
const (
	// HuntX and HuntY are where a hunting bot heads when no monster is in
	// view: the middle of the default pack's first spawn area of Birth
	// Village (content/default/spawns.toml).
	HuntX, HuntY = 105, 110
	// MeleeReach is how near, tiles on the larger axis, a bot comes to a
	// monster before attacking it (the server's melee range is 2).
	MeleeReach = 1
	// ReattackAfter is how long a bot waits for its attack to end the
	// monster before asking again (the server keeps attacking on its own).
	ReattackAfter = 3 * time.Second
	// AttackGap is the least time between an attack request and the
	// previous request or hit: the server refuses one that comes within its
	// attack interval (1 s), which would make the request wait for a hit
	// that is not its own.
	AttackGap = 1100 * time.Millisecond
	// ReviveAfter is how long a dead bot waits before asking to revive
	// (the server's wait is 20 s).
	ReviveAfter = 21 * time.Second
	// LootReach is how far, tiles on the larger axis, a hunting bot goes
	// for a floor item (its kill's drop lies next to the corpse).
	LootReach = 4
	// maxTriedLoot bounds the floor items a bot remembers having tried.
	maxTriedLoot = 64
	// HealGap is the least time between two heals a bot asks for (the
	// default pack's heals wait 1–8 s).
	HealGap = 3 * time.Second
	// HealBelowPercent is the share of its highest HP seen under which a
	// bot casts its heal.
	HealBelowPercent = 50
)

// huntState is a bot's progress through the hunt; owned by the bot's worker.
type huntState struct {
	target   uint32
	attacked time.Time
	diedAt   time.Time
	topHP    uint16
	results  uint64          // Fight.Results already recorded
	tried    map[uint32]bool // floor items already asked for (another's drop is refused)
	healed   time.Time       // no heal before then
	kills    uint64
	levels   uint64
}

// huntStats counts the hunt behaviour, from every goroutine.
type huntStats struct {
	attacks, kills, deaths, revives, heals, levelUps, picks atomic.Int64
	rtt                                                     Histogram // attack or cast → first result
}

// Hunt counts the hunt behaviour (BehaviourHunt).
type Hunt struct {
	Attacks  int64 `json:"attacks"`
	Kills    int64 `json:"kills"`
	Deaths   int64 `json:"deaths"`
	Revives  int64 `json:"revives"`
	Heals    int64 `json:"heals"`
	LevelUps int64 `json:"level_ups"`
	// Picks counts the pick-ups asked of drops lying near.
	Picks int64 `json:"picks"`
}

func (s *huntStats) report() Hunt {
	return Hunt{Attacks: s.attacks.Load(), Kills: s.kills.Load(), Deaths: s.deaths.Load(),
		Revives: s.revives.Load(), Heals: s.heals.Load(), LevelUps: s.levelUps.Load(), Picks: s.picks.Load()}
}

// String returns the counts on one line.
func (h Hunt) String() string {
	return fmt.Sprintf("%d attacks, %d kills, %d deaths, %d revives, %d heals, %d level-ups, %d pick-ups",
		h.Attacks, h.Kills, h.Deaths, h.Revives, h.Heals, h.LevelUps, h.Picks)
}

// actHunt is the hunt behaviour's part of b's turn. It reports whether it
// used the turn; when it did not, the bot acts as BehaviourWalk does.
func (r *runner) actHunt(b *bot, now time.Time) bool {
	c, st := b.c, &b.hunt
	f := c.Fight()
	if f.Results > st.results {
		st.results = f.Results
		r.st.hunt.rtt.Record(f.ResultRTT)
	}
	if f.Kills > st.kills {
		r.st.hunt.kills.Add(int64(f.Kills - st.kills))
		st.kills = f.Kills
	}
	if f.LevelUps > st.levels {
		r.st.hunt.levelUps.Add(int64(f.LevelUps - st.levels))
		st.levels = f.LevelUps
	}
	st.topHP = max(st.topHP, f.HP)
	if f.Dead {
		if st.diedAt.IsZero() {
			st.diedAt = now
			r.st.hunt.deaths.Add(1)
		}
		if now.Sub(st.diedAt) >= ReviveAfter {
			if err := c.Revive(); err != nil {
				r.sendFailed(err)
			}
			r.st.hunt.revives.Add(1)
			st.diedAt = now // ask again after another wait if refused
		}
		return true
	}
	st.diedAt = time.Time{}
	if heal, ok := healSkill(f); ok && int(f.HP)*100 < int(st.topHP)*HealBelowPercent && now.After(st.healed) {
		if err := c.Cast(heal, 0, 0); err != nil {
			r.sendFailed(err)
		}
		st.healed = now.Add(HealGap)
		r.st.hunt.heals.Add(1)
		return true
	}
	pos := c.Position()
	if r.lootNear(b, pos, now) {
		return true
	}
	mon, ok := c.NearestMonster()
	if !ok {
		if pos.Map != huntMap || client.Distance(pos.X, pos.Y, HuntX, HuntY) <= MeleeReach {
			return false
		}
		r.approach(b, HuntX, HuntY, now)
		return true
	}
	if client.Distance(pos.X, pos.Y, mon.X, mon.Y) > MeleeReach {
		r.approach(b, mon.X, mon.Y, now)
		return true
	}
	if c.Pending() > 0 {
		return true // let the moves land: the server checks the range from its position
	}
	last := st.attacked
	if f.LastHit.After(last) {
		last = f.LastHit
	}
	since := now.Sub(last)
	if mon.ID == st.target && since < ReattackAfter {
		return true // the server keeps attacking
	}
	if since < AttackGap {
		return true // a new target: wait out the server's attack interval
	}
	if err := c.Attack(mon.ID); err != nil {
		r.sendFailed(err)
		return true
	}
	st.target, st.attacked = mon.ID, now
	r.st.hunt.attacks.Add(1)
	return true
}

// huntMap is the map of HuntX, HuntY: Birth Village, where bots start.
const huntMap = 1010

// healSkills are the heal magic types of the default pack
// (content/default/magic.toml), one per class.
var healSkills = [...]uint16{1005, 1190, 1195, 1175}

// healSkill returns a heal the character knows.
func healSkill(f client.Fight) (uint16, bool) {
	for _, s := range f.Skills {
		for _, h := range healSkills {
			if s.Magic == h {
				return h, true
			}
		}
	}
	return 0, false
}

// lootNear goes for the nearest floor item within LootReach that b has
// not asked for yet: a step towards it, or the pick-up once on its tile.
// It reports whether it used the turn.
func (r *runner) lootNear(b *bot, pos client.Position, now time.Time) bool {
	st := &b.hunt
	var best client.Entity
	found := false
	for _, e := range b.c.FloorItems() {
		d := client.Distance(pos.X, pos.Y, e.X, e.Y)
		if d <= LootReach && !st.tried[e.ID] && (!found || d < client.Distance(pos.X, pos.Y, best.X, best.Y)) {
			best, found = e, true
		}
	}
	if !found {
		return false
	}
	if best.X != pos.X || best.Y != pos.Y {
		r.approach(b, best.X, best.Y, now)
		return true
	}
	if b.c.Pending() > 0 {
		return true
	}
	if st.tried == nil || len(st.tried) >= maxTriedLoot {
		st.tried = map[uint32]bool{}
	}
	st.tried[best.ID] = true
	if err := b.c.PickUp(best.ID); err != nil {
		r.sendFailed(err)
		return true
	}
	r.st.hunt.picks.Add(1)
	return true
}
