package game

import (
	"context"
	"sync"
	"time"

	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// mapQueue is how many commands may wait for a map's goroutine before
// senders (client handlers) block: backpressure on the clients of a busy map,
// never on other maps.
const mapQueue = 4096

// command is what a map's goroutine is asked to run: a function, or when
// run is nil a step (walking is most of what clients send, and a step so
// reaches its map without allocating a closure); and when it was queued,
// in nanoseconds of the world's monotonic clock
// (coserver_game_map_queue_seconds).
type command struct {
	run    func(*Map)
	step   step
	queued int64
}

// step is a walk to run on a map: player, direction, mode, and when the
// client's packet arrived (UnixNano of the game clock; the speed check
// counts from arrivals, not from when a busy map got to them).
type step struct {
	p    *Player
	at   int64
	dir  uint8
	mode msg.WalkMode
}

// exec runs c on m.
func (c *command) exec(m *Map) {
	if c.run != nil {
		c.run(m)
		return
	}
	s := &c.step
	m.walk(s.p, s.dir, s.mode, time.Unix(0, s.at))
}

// Map is one game map and the goroutine that owns everything on it: its
// players, their positions and screens. Handlers reach it only through do,
// so game logic on a map needs no locks.
type Map struct {
	id    uint32
	info  MapInfo
	floor *mapdata.Floor
	world *World
	cmds  chan command

	// Stop protocol (see run, do): senders hold gate shared while queueing;
	// the map's goroutine takes it exclusively to stop, so no command is
	// queued after the last drain.
	gate     sync.RWMutex
	stopped  bool          // guarded by gate
	stopping chan struct{} // closed when the map's context ends: wakes blocked senders
	drained  chan struct{} // closed once the commands queued before the stop have run
	inline   sync.Mutex    // serialises commands run on callers' goroutines after the stop

	// --- owned by the map's goroutine ---
	players   map[uint32]*Player
	grid      grid[*Player]
	npcs      map[uint32]*NPC
	things    grid[thing] // NPCs, floor items; monsters next
	ground    ground      // floor items and money (game/floor.go)
	portals   []portal
	ticking   bool                 // the map's ticker runs (players are on it)
	vm        *script.VM           // runs the NPC scripts of this map; made at the first click
	talking   map[*Player]struct{} // players in a dialog, for the tick's timeout
	dialogBuf []msg.TaskDialog     // a dialog page's packets
	codec     wire.Codec
	buf       []byte // a packet encoded once for many recipients
	moveBuf   []byte // the announcement of the move being applied
	mineBuf   []byte // the moving player's spawn, while its screen refreshes
	spawn     msg.Player
	action    msg.Action
	step      msg.Walk
	mobs      mobs // monsters, fights and ghosts (game/monster.go, game/fight.go)

	// The screen cap's scratch (game/screen.go).
	newcomers []ranked // players a capped screen may take, while it refreshes
	marks     uint64   // screen refreshes so far: the last one's mark

	// The warehouse's scratch (game/warehouse.go); Send encodes at once.
	pkg     msg.Package   // a warehouse list being sent
	stash   []*store.Item // the items of one warehouse, while listed
	itemOut msg.Item      // a MsgItem being sent
	infoOut msg.ItemInfo  // a MsgItemInfo being sent
}

func newMap(w *World, info MapInfo, floor *mapdata.Floor) *Map {
	return &Map{
		id:       info.ID,
		info:     info,
		floor:    floor,
		world:    w,
		cmds:     make(chan command, mapQueue),
		stopping: make(chan struct{}),
		drained:  make(chan struct{}),
		players:  make(map[uint32]*Player),
		grid:     newGrid[*Player](floor.Width(), floor.Height()),
		npcs:     make(map[uint32]*NPC),
		things:   newGrid[thing](floor.Width(), floor.Height()),
		talking:  make(map[*Player]struct{}),
		mobs:     newMobs(info.ID),
	}
}

// TickInterval is how often a map with players on it runs its timers
// (dialogs left unanswered, the awake monsters' AI, automatic attacks,
// corpses and respawns). A map nobody is on does not tick at all.
const TickInterval = 250 * time.Millisecond

// run executes the map's commands, and ticks while players are on it, until
// ctx ends, then stops the map: the commands queued before run as usual, in
// order, and from then on do and call run their command on the caller's
// goroutine, one at a time (under the map's inline lock). A stopped map so
// still answers saves and logouts (SaveAll, session.Close) instead of
// leaving them waiting forever.
func (m *Map) run(ctx context.Context) {
	var ticker *time.Ticker
	var tick <-chan time.Time
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		select {
		case c := <-m.cmds:
			m.world.metrics.mapWait.Observe(time.Duration(m.world.monotonic() - c.queued).Seconds())
			c.exec(m)
		case <-tick:
			m.tick(m.clock())
		case <-ctx.Done():
			m.stop()
			return
		}
		switch busy := len(m.players) > 0; {
		case busy && tick == nil:
			if ticker == nil {
				ticker = time.NewTicker(TickInterval)
			} else {
				ticker.Reset(TickInterval)
			}
			tick = ticker.C
			m.ticking = true
		case !busy && tick != nil:
			ticker.Stop()
			tick = nil
			m.ticking = false
		}
	}
}

// stop ends the queue: no sender can queue after it took the gate, and
// what was queued before runs now. Map goroutine only, once.
func (m *Map) stop() {
	close(m.stopping)
	m.gate.Lock()
	m.stopped = true
	m.gate.Unlock()
	m.inline.Lock()
	defer func() { m.inline.Unlock(); close(m.drained) }()
	for {
		select {
		case c := <-m.cmds:
			c.exec(m)
		default:
			return
		}
	}
}

// tick runs the map's timers. Map goroutine only.
func (m *Map) tick(now time.Time) {
	m.expireDialogs(now)
	m.expireFloor(now)
	m.tickMonsters(now)
}

// do runs f on the map's goroutine. It blocks only while the map's queue is
// full. On a stopped map it runs f on the caller's goroutine, after the
// commands queued before the stop. Commands running on a map reach other
// maps with handOff, never do.
func (m *Map) do(f func(*Map)) {
	if m.queue(command{run: f}, true) {
		return
	}
	m.runStopped(f)
}

// walkOn queues a step of p in direction dir, taken at time at, as do
// would queue m.walk, without allocating.
func (m *Map) walkOn(p *Player, dir uint8, mode msg.WalkMode, at time.Time) {
	c := command{step: step{p: p, at: at.UnixNano(), dir: dir, mode: mode}}
	if m.queue(c, true) {
		return
	}
	m.runStopped(c.exec)
}

// queue puts c on the map's queue, waiting for room when wait is set; it
// reports false when the map has stopped (or, without wait, is full) and c
// was not queued.
func (m *Map) queue(c command, wait bool) bool {
	m.gate.RLock()
	defer m.gate.RUnlock()
	if m.stopped {
		return false
	}
	c.queued = m.world.monotonic()
	if !wait {
		select {
		case m.cmds <- c:
			return true
		default:
			return false
		}
	}
	select {
	case m.cmds <- c:
		return true
	case <-m.stopping:
		return false
	}
}

// runStopped runs f on the caller's goroutine once the map has stopped and
// drained its queue.
func (m *Map) runStopped(f func(*Map)) {
	<-m.drained
	m.inline.Lock()
	defer m.inline.Unlock()
	f(m)
}

// call runs f on the map's goroutine (or, once the map stopped, on the
// caller's) and waits for it.
func (m *Map) call(f func(*Map)) {
	done := make(chan struct{})
	m.do(func(m *Map) { f(m); close(done) })
	<-done
}

// encode encodes p into the map's broadcast buffer and returns the bytes,
// valid until the next encode.
func (m *Map) encode(p wire.Packet) []byte { return m.encodeTo(&m.buf, p) }

// encodeTo encodes p into *buf, reusing its memory, and returns the bytes.
func (m *Map) encodeTo(buf *[]byte, p wire.Packet) []byte {
	b, err := m.codec.Encode((*buf)[:0], p)
	if err != nil {
		m.world.log.Error("encoding broadcast", "type", p.Type(), "err", err)
		return nil
	}
	*buf = b
	return b
}

// broadcast sends the encoded packet b to every player who sees p (for
// later: they only watch), and to p itself, at once, when self is true.
func (m *Map) broadcast(p *Player, b []byte, self bool) {
	if b == nil {
		return
	}
	if self {
		p.conn.SendRaw(b)
	}
	for _, e := range p.screen.e {
		e.o.conn.SendRawLater(b)
	}
}

// enter places p on the map at its position and shows it to everyone in
// view, and them to it. Map goroutine only.
func (m *Map) enter(p *Player) {
	if p.gone {
		return
	}
	p.at.Store(m)
	p.x, p.y = m.clamp(p.x, p.y)
	m.players[p.id] = p
	m.restat(p) // the content may have changed the item types
	m.grid.add(p)
	m.world.online.Add(1)
	m.expireFloor(m.clock()) // a map nobody was on did not tick
	m.refreshScreen(p, nil)
}

// leave takes p off the map, removing it from every screen. Map goroutine
// only.
func (m *Map) leave(p *Player) {
	if m.players[p.id] != p {
		return
	}
	rm := m.encode(m.removal(p.id))
	for i := p.screen.len() - 1; i >= 0; i-- {
		unlink(p, i).conn.SendRawLater(rm)
	}
	m.dropDialog(p, "left")
	clear(p.seen) // the client clears its screen on a map change
	m.grid.remove(p)
	delete(m.players, p.id)
	m.world.online.Add(-1)
}

// removal returns the packet that removes entity id from a client's view.
func (m *Map) removal(id uint32) *msg.Action {
	m.action = msg.Action{Timestamp: timestamp(), ID: id, Data1: id, Subtype: m.world.cfg.RemoveAction}
	return &m.action
}

// see puts p and o on each other's screen and spawns each on the other's
// client; *mine caches p's encoded spawn across calls of one refresh.
func (m *Map) see(p, o *Player, mine *[]byte) {
	link(p, o, m.world.cfg.ScreenPlayers)
	if *mine == nil {
		p.spawnInto(&m.spawn)
		*mine = m.encodeTo(&m.mineBuf, &m.spawn)
	}
	o.conn.SendRawLater(*mine)
	o.spawnInto(&m.spawn)
	p.conn.SendRawLater(m.encode(&m.spawn))
}

// unsee takes the i-th player on p's screen and p off each other's screen
// (the last player on p's screen takes place i) and removes each from the
// other's client.
func (m *Map) unsee(p *Player, i int) {
	o := unlink(p, i)
	o.conn.SendRawLater(m.encode(m.removal(p.id)))
	p.conn.SendRawLater(m.encode(m.removal(o.id)))
}

// moveTo sets p's position and announces the move: the packet goes to p
// and to everyone who saw p before and still does; newcomers get p's spawn
// instead, and those left behind its removal.
func (m *Map) moveTo(p *Player, x, y uint16, move wire.Packet) {
	announce := m.encodeTo(&m.moveBuf, move)
	if announce == nil {
		return
	}
	p.x, p.y = x, y
	m.grid.moved(p)
	if p.talk != nil && !p.talk.npc.near(x, y) {
		m.dropDialog(p, "walked_away")
	}
	p.conn.SendRaw(announce)
	m.refreshScreen(p, announce)
}

// pullBack snaps p's client back to the server's position (MsgAction
// teleport to the current spot, as CoEmu and COPS do).
func (m *Map) pullBack(p *Player) {
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data1: m.id, Data2: msg.XY(p.x, p.y),
		Direction: uint16(p.dir), Subtype: msg.ActionTeleport}
	p.conn.Send(&m.action)
}

// clamp keeps a position inside the map.
func (m *Map) clamp(x, y uint16) (uint16, uint16) {
	w, h := m.floor.Width(), m.floor.Height()
	return uint16(min(int(x), max(w-1, 0))), uint16(min(int(y), max(h-1, 0)))
}

// snapshots appends to out the saved state of every player on the map whose
// id is slice modulo slices, numbered by sv. Map goroutine only.
func (m *Map) snapshots(sv *saver, out []snap, slice, slices int) []snap {
	for _, p := range m.players {
		if int(p.id%uint32(slices)) == slice {
			out = append(out, sv.take(p))
		}
	}
	return out
}

// timestamp is the server clock put in MsgAction, in milliseconds.
func timestamp() uint32 { return uint32(time.Now().UnixMilli()) }

// showScreen sends p the spawn of everyone it sees (MsgAction 114).
func (m *Map) showScreen(p *Player) {
	if m.players[p.id] != p {
		return
	}
	for _, e := range p.screen.e {
		e.o.spawnInto(&m.spawn)
		p.conn.SendRaw(m.encode(&m.spawn))
	}
	for _, t := range p.seen {
		p.conn.SendRaw(t.spawn(m))
	}
}

// query sends p the spawn of entity id if p sees it (MsgAction 102).
func (m *Map) query(p *Player, id uint32) {
	if m.players[p.id] != p {
		return
	}
	if o := p.screen.byID(id); o != nil {
		o.spawnInto(&m.spawn)
		p.conn.SendRaw(m.encode(&m.spawn))
	} else if t := p.seen[id]; t != nil {
		p.conn.SendRaw(t.spawn(m))
	}
}

// talk shows t to everyone who sees p (local chat).
func (m *Map) talk(p *Player, t *msg.Talk) {
	if m.players[p.id] != p {
		return
	}
	m.broadcast(p, m.encode(t), false)
}
