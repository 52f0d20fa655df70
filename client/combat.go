package client

import (
	"slices"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// Monster id range (combat.md §1): the client keeps the monsters on its
// screen even when it does not keep players.
const (
	MonsterIDMin = 400_001
	MonsterIDMax = 499_999
)

// IsMonster reports whether id is a monster's.
func IsMonster(id uint32) bool { return id >= MonsterIDMin && id <= MonsterIDMax }

// statusDead is the dead flag of MsgUserAttrib 26 (combat.md "Status flags").
const statusDead = 0x400

// MaxSkills is the most skills (MsgMagicInfo) the client keeps.
const MaxSkills = 64

// fight is what the client knows of its fights. Part of world, guarded by
// session.mu.
type fight struct {
	dead   bool
	killed map[uint32]bool // monsters on the screen that died (corpses)
	skills []msg.MagicInfo
	kills  uint64 // kills by this client
	levels uint64 // level-ups seen
	// sentAt is when the last attack or cast was sent; zero once its
	// first result (a MsgInteract or MsgMagicEffect from this client)
	// came back, after rtt and results were updated.
	sentAt  time.Time
	sentTo  uint32 // the target of that attack or cast
	rtt     time.Duration
	results uint64
	lastHit time.Time // when the last hit of this client (any target) was seen
}

// applyCombat updates the fight state with one decoded packet received at
// now. Caller holds the session's mu.
func (w *world) applyCombat(p wire.Packet, now time.Time) {
	f := &w.fight
	result := func(target uint32) {
		if !f.sentAt.IsZero() && target == f.sentTo {
			f.rtt, f.sentAt = now.Sub(f.sentAt), time.Time{}
			f.results++
		}
	}
	switch p := p.(type) {
	case *msg.MagicEffect:
		if p.Caster == w.user.ID {
			result(p.Target)
		}
	case *msg.Interact:
		if p.Sender == w.user.ID && (p.Action == msg.InteractAttack || p.Action == msg.InteractShoot) {
			result(p.Target)
			f.lastHit = now
		}
		if p.Action != msg.InteractKill {
			return
		}
		if p.Target == w.user.ID {
			f.dead = true
			return
		}
		if _, ok := w.screen[p.Target]; ok {
			if f.killed == nil {
				f.killed = map[uint32]bool{}
			}
			f.killed[p.Target] = true
		}
		if p.Sender == w.user.ID {
			f.kills++
		}
	case *msg.Action:
		switch {
		case p.Subtype == msg.ActionLevelUp && p.ID == w.user.ID:
			f.levels++
		case p.Subtype == msg.ActionRevive && p.ID == w.user.ID:
			f.dead = false
		case p.Subtype == msg.ActionLeaveMap:
			delete(f.killed, p.ID)
		}
	case *msg.Player:
		delete(f.killed, p.ID) // a respawn may reuse the id
	case *msg.MagicInfo:
		if i := slices.IndexFunc(f.skills, func(s msg.MagicInfo) bool { return s.Magic == p.Magic }); i >= 0 {
			f.skills[i] = *p
		} else if len(f.skills) < MaxSkills {
			f.skills = append(f.skills, *p)
		}
	}
}

// Fight is a snapshot of the character's fighting state.
type Fight struct {
	HP, MP uint16
	Level  uint8
	Exp    uint64
	// AttributePoints are the unspent attribute points.
	AttributePoints uint16
	Dead            bool
	// Skills are the magic the server said the character knows.
	Skills []msg.MagicInfo
	// Kills and LevelUps count the kill and level-up messages about this
	// character seen since login.
	Kills, LevelUps uint64
	// Results counts the attacks and casts answered; ResultRTT is the time
	// from the last one sent to its first result on the same target.
	Results   uint64
	ResultRTT time.Duration
	// LastHit is when the server last showed a hit (or miss) of this
	// character; zero before the first. The server repeats a hit every
	// attack interval on its own.
	LastHit time.Time
}

// Fight returns the character's fighting state.
func (c *Client) Fight() Fight {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	w := &c.s.w
	return Fight{HP: w.user.HP, MP: w.user.MP, Level: w.user.Level, Exp: w.user.Experience,
		AttributePoints: w.user.AttributePoints, Dead: w.fight.dead, Skills: slices.Clone(w.fight.skills),
		Kills: w.fight.kills, LevelUps: w.fight.levels, Results: w.fight.results, ResultRTT: w.fight.rtt,
		LastHit: w.fight.lastHit}
}

// NearestMonster returns the living monster on the screen closest to the
// predicted position.
func (c *Client) NearestMonster() (Entity, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	w := &c.s.w
	var best Entity
	bestD := -1
	for id, e := range w.screen {
		if !IsMonster(id) || w.fight.killed[id] {
			continue
		}
		d := max(abs(int(e.X)-int(w.px)), abs(int(e.Y)-int(w.py)))
		if bestD < 0 || d < bestD || (d == bestD && id < best.ID) {
			best, bestD = e, d
		}
	}
	return best, bestD >= 0
}

// Attack asks the server to attack role target in melee (MsgInteract 2);
// the server keeps attacking until the target dies or leaves range.
func (c *Client) Attack(target uint32) error { return c.interact(msg.InteractAttack, target) }

// Shoot is Attack with a bow (MsgInteract 25).
func (c *Client) Shoot(target uint32) error { return c.interact(msg.InteractShoot, target) }

func (c *Client) interact(kind msg.InteractType, target uint32) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	id := c.s.w.user.ID
	e := c.s.w.screen[target]
	c.s.mu.Unlock()
	c.interOut = msg.Interact{Timestamp: timestamp(), Sender: id, Target: target, X: e.X, Y: e.Y, Action: kind}
	c.sent(target)
	return c.sendLocked(&c.interOut)
}

// Cast casts magic at level on role target (0 for none: a heal on
// oneself), encoded as the 5017 client does (MsgInteract 21).
func (c *Client) Cast(magic, level uint16, target uint32) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	id := c.s.w.user.ID
	e, ok := c.s.w.screen[target]
	if !ok {
		e.X, e.Y = c.s.w.pos.X, c.s.w.pos.Y
	}
	c.s.mu.Unlock()
	c.interOut = msg.Interact{Timestamp: timestamp()}
	c.interOut.EncodeMagic(id, magic, level, target, e.X, e.Y)
	if target == 0 {
		target = id // a heal on oneself answers for the caster
	}
	c.sent(target)
	return c.sendLocked(&c.interOut)
}

// sent records when an attack or cast on target left, for
// Fight.ResultRTT.
func (c *Client) sent(target uint32) {
	c.s.mu.Lock()
	c.s.w.fight.sentAt, c.s.w.fight.sentTo = time.Now(), target
	c.s.mu.Unlock()
}

// Revive asks to come back to life (MsgAction 94); the server refuses it
// before its wait (20 s).
func (c *Client) Revive() error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	id := c.s.w.user.ID
	c.s.mu.Unlock()
	c.actOut = msg.Action{Timestamp: timestamp(), ID: id, Subtype: msg.ActionRevive}
	return c.sendLocked(&c.actOut)
}

// Allot spends attribute points (MsgAllot).
func (c *Client) Allot(str, agi, vit, spi uint8) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.allotOut = msg.Allot{Strength: str, Agility: agi, Vitality: vit, Spirit: spi}
	return c.sendLocked(&c.allotOut)
}
