package game

import (
	"time"

	"github.com/coserver/coserver/msg"
)

// walkDelta is the step of each direction (CoEmu WALK_XCOORDS/YCOORDS, Java,
// COPS; game-rules §2).
var walkDelta = [8][2]int{{0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}, {1, 0}, {1, 1}}

// invalidLocation is the text CoEmu shows when a move is refused.
const invalidLocation = "Invalid Location"

// walk applies one step of p in direction dir, or snaps p back. Map
// goroutine only.
func (m *Map) walk(p *Player, dir uint8, mode msg.WalkMode, now time.Time) {
	if m.players[p.id] != p {
		return // p left this map while the command was queued
	}
	dir %= 8
	d := walkDelta[dir]
	x, y := int(p.x)+d[0], int(p.y)+d[1]
	if !p.moves.Allow(now) {
		m.world.metrics.snapBacks.WithLabelValues("speed").Inc()
		m.pullBack(p)
		return
	}
	if !m.floor.Walkable(x, y) {
		m.world.metrics.snapBacks.WithLabelValues("blocked").Inc()
		p.conn.Send(msg.SystemMessage(msg.ChannelTopLeft, invalidLocation))
		m.pullBack(p)
		return
	}
	p.dir = dir
	p.pose = 0
	m.step = msg.Walk{ID: p.id, Direction: dir, Mode: mode}
	m.moveTo(p, uint16(x), uint16(y), &m.step)
}

// jump moves p to (x, y) in one leap, or snaps p back. from is where the
// client says p stands. Map goroutine only.
func (m *Map) jump(p *Player, x, y, fromX, fromY uint16, dir uint16, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	reason := ""
	switch {
	case fromX != p.x || fromY != p.y:
		reason = "desync"
	case abs(int(x)-int(p.x)) > JumpRange || abs(int(y)-int(p.y)) > JumpRange:
		reason = "range"
	case !m.floor.Walkable(int(x), int(y)) || !m.floor.ClearJump(int(p.x), int(p.y), int(x), int(y), MaxJumpRise):
		reason = "blocked"
	}
	if reason == "" && !p.jumps.Allow(now) {
		reason = "speed"
	}
	if reason != "" {
		m.world.metrics.snapBacks.WithLabelValues(reason).Inc()
		m.pullBack(p)
		return
	}
	p.dir = uint8(dir % 8)
	p.pose = 0
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data1: msg.XY(x, y), Data2: msg.XY(p.x, p.y),
		Direction: uint16(p.dir), Subtype: msg.ActionJump}
	m.moveTo(p, x, y, &m.action)
}

// turn sets p's facing and shows it to p and its observers.
func (m *Map) turn(p *Player, dir uint16, atX, atY uint16) {
	if m.players[p.id] != p {
		return
	}
	if atX != p.x || atY != p.y {
		m.pullBack(p)
		return
	}
	p.dir = uint8(dir % 8)
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data2: msg.XY(p.x, p.y), Direction: uint16(p.dir),
		Subtype: msg.ActionChangeDirection}
	m.broadcast(p, m.encode(&m.action), true)
}

// emote plays emote on p for p and its observers.
func (m *Map) emote(p *Player, emote uint32) {
	if m.players[p.id] != p {
		return
	}
	p.pose = uint8(emote)
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data1: emote, Data2: msg.XY(p.x, p.y),
		Direction: uint16(p.dir), Subtype: msg.ActionEmote}
	m.broadcast(p, m.encode(&m.action), true)
}

// teleport moves p to (x, y) on map dest, which may be this map. Map
// goroutine only; p must be on m.
func (m *Map) teleport(p *Player, dest *Map, x, y uint16) {
	if m.players[p.id] != p {
		return
	}
	if dest == m {
		x, y = m.clamp(x, y)
		m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data1: m.id, Data2: msg.XY(x, y),
			Direction: uint16(p.dir), Subtype: msg.ActionTeleport}
		m.moveTo(p, x, y, &m.action)
		return
	}
	m.leave(p)
	p.x, p.y = x, y
	p.at.Store(dest) // from now on the session's commands (and its logout) go to dest
	dest.handOff(func(d *Map) {
		if p.gone {
			return // logged out while being handed over
		}
		// The client clears its screen on a map change: tell it where it is
		// first, then spawn what it sees there.
		d.arrive(p)
	})
}

// handOff queues f on m from another map's goroutine without ever blocking
// it: two full maps handing players to each other must not deadlock. When m
// is full or stopped, a new goroutine delivers f (do).
func (m *Map) handOff(f func(*Map)) {
	if !m.queue(command{run: f}, false) {
		go m.do(f)
	}
}
