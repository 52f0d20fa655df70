package game

import (
	"maps"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/ratelimit"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// Sender is what the world needs of a client connection: queue a packet
// without ever blocking. *server.Conn implements it.
//
// SendRawLater is for news of others that a client may get a little late
// (up to the listener's -later-delay): another player's or monster's step,
// spawns and removals, local chat, the hits of fights it only watches. It
// shares a write with what comes next instead of costing one. What the
// client did itself, or what happens to it, goes with Send or SendRaw, at
// once; the order of the packets is kept either way.
type Sender interface {
	Send(p wire.Packet) bool
	SendRaw(b []byte) bool
	SendRawLater(b []byte) bool
}

// Player is a character in the world.
//
// Ownership: the fields below the line belong to the goroutine of the map the
// player is on; only that goroutine reads or writes them. id, name, look and
// conn are fixed at login and may be read anywhere.
type Player struct {
	id   uint32
	name string
	look uint32 // mesh: body + avatar × 10000
	gm   bool
	conn Sender
	// at is the map the player is on, nil when on none; written by map
	// goroutines, read by the session to route its commands.
	at atomic.Pointer[Map]

	// --- owned by the current map's goroutine ---
	place                     // position and grid slot
	ch        store.Character // saved state; MapID/X/Y mirror place on save
	dir       uint8
	pose      uint8
	screen    screenList       // players this one sees (and who see it)
	seen      map[uint32]thing // NPCs and other things on this player's screen
	moves     ratelimit.Bucket // steps: MaxStepsPerSecond, MaxStepBurst
	jumps     ratelimit.Bucket // jumps: one per MinJumpInterval, JumpBurst
	gone      bool             // logged out: a hand-off in flight must not place it again
	talk      *talking         // the NPC dialog in progress, nil when none
	varsDirty bool             // a script changed ch.Vars since login: saves write them
	inv       inventory        // items carried
	fight     fighter          // combat state (game/fight.go)
	stats     Stats            // combat values from attributes and equipment (stats.go)

	// The screen cap's (game/screen.go).
	far [MaxScreenSwaps]*Player // the farthest on its screen at its last refresh, farthest first: a hint for others' swaps
	// swapAt is when p's refresh may next look for swaps (ScreenSwapInterval).
	swapAt time.Time
}

func newPlayer(ch store.Character, gm bool, conn Sender, items []store.Item) *Player {
	var f fighter
	f.loadSkills(ch.Skills)
	ch.Skills = nil // kept in fight from here on
	return &Player{
		fight: f,
		inv:   newInventory(items),
		id:    ch.ID,
		name:  ch.Name,
		look:  mesh(&ch),
		gm:    gm,
		conn:  conn,
		ch:    ch,
		place: place{x: ch.X, y: ch.Y, cell: -1},
		seen:  make(map[uint32]thing),
		moves: ratelimit.New(MaxStepsPerSecond, MaxStepBurst),
		jumps: ratelimit.New(float64(time.Second)/float64(MinJumpInterval), JumpBurst),
	}
}

// snapshot returns the character as it should be saved. Map goroutine only.
func (p *Player) snapshot() store.Character {
	c := p.ch
	c.X, c.Y = p.x, p.y
	c.Vars = nil // unchanged: the store keeps what it has
	if p.varsDirty {
		c.Vars = maps.Clone(p.ch.Vars)
		if c.Vars == nil {
			c.Vars = map[string]string{} // every variable deleted
		}
	}
	c.Skills = p.fight.savedSkills() // nil (unchanged) unless trained since login
	if m := p.at.Load(); m != nil {
		c.MapID = m.id
	}
	return c
}

// mesh is the look other clients draw: body + avatar × 10000.
func mesh(ch *store.Character) uint32 { return uint32(ch.Body) + uint32(ch.Avatar)*10000 }

// spawnInto fills sp with the player's spawn (MsgPlayer) as observers see it.
func (p *Player) spawnInto(sp *msg.Player) {
	*sp = msg.Player{
		ID:           p.id,
		Mesh:         p.mesh(),
		Status:       p.status(),
		HP:           p.ch.HP,
		MonsterLevel: uint16(p.ch.Level),
		X:            p.x,
		Y:            p.y,
		Hair:         p.ch.Hair,
		Direction:    p.dir,
		Pose:         p.pose,
		Rebirths:     uint16(p.ch.Rebirths),
		Level:        uint16(p.ch.Level),
		ID2:          p.id,
		Name:         p.name,
		Helmet:       p.inv.equipped(store.PosHelmet),
		Armor:        p.inv.equipped(store.PosArmor),
		Garment:      p.inv.equipped(store.PosGarment),
		RightHand:    p.inv.equipped(store.PosRightHand),
		LeftHand:     p.inv.equipped(store.PosLeftHand),
	}
}

// userInfo returns the MsgUserInfo describing ch to its own client.
func userInfo(ch *store.Character) *msg.UserInfo {
	return &msg.UserInfo{
		ID:              ch.ID,
		Mesh:            mesh(ch),
		Hair:            ch.Hair,
		Silver:          ch.Silver,
		CPs:             ch.CPs,
		Experience:      ch.Exp,
		Strength:        ch.Strength,
		Agility:         ch.Agility,
		Vitality:        ch.Vitality,
		Spirit:          ch.Spirit,
		AttributePoints: ch.AttrPoints,
		HP:              ch.HP,
		MP:              ch.MP,
		PKPoints:        ch.PKPoints,
		Level:           ch.Level,
		Class:           ch.Class,
		PreviousClass:   ch.PrevClass,
		Rebirths:        ch.Rebirths,
		ShowName:        1,
		Name:            ch.Name,
		Spouse:          "None",
	}
}

// Movement limits. A rejected move snaps the client back; it does not
// disconnect.
const (
	// MaxStepsPerSecond is the sustained walking/running speed allowed; a
	// running client takes a step about every 150–200 ms.
	MaxStepsPerSecond = 10
	// MaxStepBurst is how many steps may come at once (network jitter
	// bunches them up).
	MaxStepBurst = 12
	// MinJumpInterval is the shortest average time between two jumps; a
	// normal jump takes about 800 ms (COPS counts below 410 ms as a speed
	// hack).
	MinJumpInterval = 400 * time.Millisecond
	// JumpBurst is how many jumps may arrive closer together than
	// MinJumpInterval: the network bunches honest jumps up.
	JumpBurst = 2
	// JumpRange is the farthest a jump reaches on each axis (CoEmu; COPS 17).
	JumpRange = 18
	// MaxJumpRise is the most a jump may climb, in elevation units, along
	// its line (CoEmu and COPS use 210).
	MaxJumpRise = 210
)
