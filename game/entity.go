package game

// Entity id ranges (combat.md §1, world-content.md §1.1): the client tells
// what it clicked or attacks by the id alone, so the kinds never overlap.
const (
	NPCIDMin        = 1       // static NPCs: 1 … NPCIDMax, outside the dynamic range
	NPCIDMax        = 700_000 // CoEmu's upper bound for NPCs
	DynamicNPCIDMin = 100_001 // terrain NPCs (guild poles, stakes): reserved
	DynamicNPCIDMax = 199_999
	MonsterIDMin    = 400_001 // monsters (recycled within the range)
	MonsterIDMax    = 499_999
	PlayerIDMin     = 1_000_000 // characters
)

// thing is an entity players see that is not a player: NPCs and floor
// items now, monsters next. A thing belongs to its map's goroutine; sessions and
// scripts refer to it by id only.
type thing interface {
	located
	// entityID is the id clients know it by.
	entityID() uint32
	// spawn encodes the packet that shows the thing to a client into one of
	// the map's buffers and returns it (valid until the next encode).
	spawn(m *Map) []byte
}

// addThing puts t on the map and shows it to every player in view; a
// monster someone sees is woken (its players' moves will not wake it: it
// is on their screens already). Map goroutine only.
func (m *Map) addThing(t thing) {
	m.things.add(t)
	pl := t.where()
	var b []byte
	m.grid.near(int(pl.x), int(pl.y), func(p *Player) {
		if b == nil {
			b = t.spawn(m)
		}
		p.seen[t.entityID()] = t
		p.conn.SendRaw(b)
	})
	if mo, ok := t.(*Monster); ok && b != nil {
		m.wake(mo)
	}
}

// removeThing takes t off the map and off every screen that shows it. Map
// goroutine only.
func (m *Map) removeThing(t thing) {
	id := t.entityID()
	pl := t.where()
	var b []byte
	m.grid.near(int(pl.x), int(pl.y), func(p *Player) {
		if p.seen[id] != t {
			return
		}
		delete(p.seen, id)
		if b == nil {
			b = m.despawn(t)
		}
		p.conn.SendRaw(b)
	})
	m.things.remove(t)
}

// refreshThings brings the things on p's screen up to date after p appeared
// or moved: new ones in view are spawned, those out of view removed.
func (m *Map) refreshThings(p *Player) {
	m.things.near(int(p.x), int(p.y), func(t thing) {
		id := t.entityID()
		if _, seen := p.seen[id]; seen {
			return
		}
		p.seen[id] = t
		p.conn.SendRawLater(t.spawn(m))
		if mo, ok := t.(*Monster); ok {
			m.wake(mo) // a player came into its view
		}
	})
	for id, t := range p.seen {
		if pl := t.where(); inView(int(p.x), int(p.y), int(pl.x), int(pl.y)) {
			continue
		}
		delete(p.seen, id)
		p.conn.SendRawLater(m.despawn(t))
	}
}

// despawner is a thing with a packet of its own that takes it off a
// client's screen (floor items: MsgMapItem delete); other things go with
// MsgAction's removal.
type despawner interface {
	despawn(m *Map) []byte
}

// despawn encodes the packet that takes t off a client's screen.
func (m *Map) despawn(t thing) []byte {
	if d, ok := t.(despawner); ok {
		return d.despawn(m)
	}
	return m.encode(m.removal(t.entityID()))
}
