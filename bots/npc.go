package bots

import (
	"cmp"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
)

// Behaviours a bot can have (Config.Behaviour).
const (
	// BehaviourWalk: walk about home, jump and chat now and then.
	BehaviourWalk = "walk"
	// BehaviourNPC: as BehaviourWalk between dialogs, and talk to NPCs:
	// walk to the nearest NPC in view that talks (not a shopkeeper, whose
	// window is the client's own), click it, answer every page at random,
	// travel when an answer teleports.
	BehaviourNPC = "npc"
)

// NPC behaviour.
const (
	// ClickRange is how near, in tiles on the larger axis, a bot comes to
	// an NPC before clicking it; coserver accepts clicks within 18.
	ClickRange = 10
	// NPCApproachGap is how far from the NPC a bot's jump towards it lands,
	// so that it does not aim at the NPC's own tile.
	NPCApproachGap = 2
	// DialogTimeout is how long a bot waits for the first page after a
	// click; a click left without a page after it counts as unanswered.
	DialogTimeout = 5 * time.Second
	// AnswerWait is how long a bot stands still after an answer, for the
	// next page or the teleport the answer may bring (a player reads too).
	AnswerWait = 500 * time.Millisecond
	// NPCPauseActions is how many actions of the walk behaviour a bot takes
	// between two dialogs.
	NPCPauseActions = 5
	// InputText is what a bot types into a dialog's input box.
	InputText = "1234"
)

// npcState is a bot's progress through the NPC behaviour; owned by the
// bot's worker.
type npcState struct {
	lastMap     uint32    // the map the bot was on at its last turn
	clickedAt   time.Time // the click waiting for its first page; zero when none
	answerUntil time.Time // stand still until then after an answer
	pause       int       // walk-behaviour actions left before the next dialog
	// The last NPC seen, to come back to after walking away (with Spread a
	// bot's home can be out of the NPC's view).
	seen         bool
	seenMap      uint32
	seenX, seenY uint16
}

// npcStats counts the NPC behaviour, from every goroutine.
type npcStats struct {
	clicks, pages, answers, closes, teleports, unanswered atomic.Int64
	rtt                                                   Histogram // click → first page
}

// report returns the counts.
func (s *npcStats) report() NPCs {
	return NPCs{Clicks: s.clicks.Load(), Pages: s.pages.Load(), Answers: s.answers.Load(), Closes: s.closes.Load(),
		Teleports: s.teleports.Load(), Unanswered: s.unanswered.Load()}
}

// clickRTT returns the click → first page histogram.
func (s *stats) clickRTT() snapshot { return s.npc.rtt.snapshot() }

// onDialog counts a dialog page; it runs on the clients' reader goroutines.
// The bot answers it on its next turn (client.Client.Dialog).
func (r *runner) onDialog(d client.Dialog) {
	r.st.npc.pages.Add(1)
	if d.Click {
		r.st.npc.rtt.Record(d.RTT)
	}
}

// actNPC is the NPC behaviour's part of b's turn: it notices a change of
// map, answers the open page, waits for a page or what an answer brings,
// and heads for an NPC and clicks it. It reports whether it used the turn;
// when it did not, the bot acts as BehaviourWalk does.
func (r *runner) actNPC(b *bot, now time.Time, rng *rand.Rand) bool {
	c, st := b.c, &b.npc
	pos := c.Position()
	if pos.Map != st.lastMap {
		// Teleported: make the arrival point home and start afresh there.
		r.st.npc.teleports.Add(1)
		st.lastMap = pos.Map
		b.homeX, b.homeY = pos.X, pos.Y
		st.clickedAt, st.answerUntil, st.pause = time.Time{}, time.Time{}, NPCPauseActions
	}
	if d, ok := c.Dialog(); ok {
		st.clickedAt = time.Time{}
		r.answer(b, d, now, rng)
		return true
	}
	if !st.clickedAt.IsZero() {
		if now.Sub(st.clickedAt) < DialogTimeout {
			return true
		}
		r.st.npc.unanswered.Add(1)
		st.clickedAt, st.pause = time.Time{}, NPCPauseActions
	}
	if now.Before(st.answerUntil) {
		return true
	}
	if st.pause > 0 {
		st.pause--
		return false
	}
	npc, visible := c.NearestNPCWhere(talks)
	if visible {
		st.seen, st.seenMap, st.seenX, st.seenY = true, pos.Map, npc.X, npc.Y
		if client.Distance(pos.X, pos.Y, npc.X, npc.Y) <= ClickRange {
			if c.Pending() > 0 {
				return true // let the moves land: the server checks the range from its position
			}
			if err := c.ClickNPC(npc.ID); err != nil {
				r.sendFailed(err)
				return true
			}
			r.st.npc.clicks.Add(1)
			st.clickedAt = now
			return true
		}
	} else if !st.seen || st.seenMap != pos.Map {
		return false // no NPC known on this map: walk about
	}
	r.approach(b, st.seenX, st.seenY, now)
	if !visible && client.Distance(pos.X, pos.Y, st.seenX, st.seenY) <= ClickRange {
		st.seen = false // where it stood, it is gone
	}
	return true
}

// approach moves b one action towards (x, y): a jump when it may jump and
// the spot is beyond ClickRange, else a run step.
func (r *runner) approach(b *bot, x, y uint16, now time.Time) {
	p := b.c.Predicted()
	dx, dy := int(x)-int(p.X), int(y)-int(p.Y)
	if now.Sub(b.lastJump) >= MinJumpGap && max(abs(dx), abs(dy)) > ClickRange {
		r.jump(b, int(p.X)+clamp(dx-cmp.Compare(dx, 0)*NPCApproachGap, JumpReach),
			int(p.Y)+clamp(dy-cmp.Compare(dy, 0)*NPCApproachGap, JumpReach), now)
		return
	}
	r.walk(b, client.Facing(p.X, p.Y, x, y), msg.WalkModeRun)
}

// answer picks one of the page's links, its input box or closing, each
// with the same chance.
func (r *runner) answer(b *bot, d client.Dialog, now time.Time, rng *rand.Rand) {
	st := &b.npc
	n := len(d.Options)
	if d.Input != nil {
		n++
	}
	option, text := uint8(msg.OptionClose), ""
	switch k := rng.IntN(n + 1); {
	case k < len(d.Options):
		option = d.Options[k].Index
	case k < n:
		option, text = d.Input.Option, InputText
	}
	if err := b.c.Answer(option, text); err != nil {
		r.sendFailed(err)
		return
	}
	st.pause = NPCPauseActions
	if option == msg.OptionClose {
		r.st.npc.closes.Add(1)
		return
	}
	r.st.npc.answers.Add(1)
	st.answerUntil = now.Add(AnswerWait)
}

// MsgNpcInfo types and sort bits of NPCs that answer a click with a client
// window instead of a dialog (world-content.md §1.1).
const (
	npcTypeShop      = 1 // a shopkeeper: the client opens its shop window
	npcTypeWarehouse = 3 // a warehouse: the server opens the warehouse window
	npcSortWindow    = 1 // sort bit: the NPC opens a client window
)

// talks reports whether clicking NPC e may open a dialog: a shopkeeper's
// window is the client's own, and the server answers its click with nothing;
// a warehouse's click opens the warehouse window.
func talks(e client.Entity) bool {
	return e.NPCType != npcTypeShop && e.NPCType != npcTypeWarehouse && e.Sort&npcSortWindow == 0
}
