package client

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// MaxPending is how many moves (walks and jumps) may wait for the server's
// answer at once.
const MaxPending = 64

// ViewRange is how far the 5017 client sees, in tiles on each axis (Wiki
// Systems/Screen.md, CoEmu): an entity further away leaves the screen even
// when the server sends no removal.
const ViewRange = 18

// walkDelta is the step of each direction, dir mod 8 (game-rules §2).
var walkDelta = [8][2]int{{0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}, {1, 0}, {1, 1}}

// Step returns the tile one step from (x, y) in direction dir (taken mod 8).
func Step(x, y uint16, dir uint8) (uint16, uint16) {
	d := walkDelta[dir%8]
	return uint16(int(x) + d[0]), uint16(int(y) + d[1])
}

// Facing returns the direction (0–7) that points from (x0, y0) towards
// (x1, y1), by the signs of the deltas; 0 when the points are equal.
func Facing(x0, y0, x1, y1 uint16) uint8 {
	sx, sy := cmp.Compare(int(x1)-int(x0), 0), cmp.Compare(int(y1)-int(y0), 0)
	for dir, d := range walkDelta {
		if d[0] == sx && d[1] == sy {
			return uint8(dir)
		}
	}
	return 0
}

// Position is where an entity stands.
type Position struct {
	Map  uint32
	X, Y uint16
}

// EntityKind says what an entity on the screen is.
type EntityKind uint8

// Entity kinds.
const (
	EntityPlayer    EntityKind = iota // a player or monster, spawned by MsgPlayer
	EntityNPC                         // an NPC, spawned by MsgNpcInfo
	EntityFloorItem                   // an item or money on the floor, created by MsgMapItem
)

// String returns "player", "npc" or "floor item".
func (k EntityKind) String() string {
	switch k {
	case EntityPlayer:
		return "player"
	case EntityNPC:
		return "npc"
	case EntityFloorItem:
		return "floor item"
	}
	return fmt.Sprintf("EntityKind(%d)", uint8(k))
}

// Entity is another player, monster or NPC, or a floor item, on the
// client's screen, keyed by id: a server gives floor items ids apart from
// those of other entities.
type Entity struct {
	ID   uint32
	Kind EntityKind
	// Name is the player's name, or the NPC's when the server sends one
	// (servers leave it out for most NPCs: the client shows npc.ini's).
	Name string
	// Mesh and Level are a player's.
	Mesh  uint32
	Level uint16
	X, Y  uint16
	// Direction is the facing, 0–7; an NPC's is Look % 10.
	Direction uint8
	// Look, NPCType and Sort are an NPC's (msg.NpcInfo's Look, Kind and
	// Sort): type × 10 + direction, its role (1 shopkeeper, 2 task, ...) and
	// its sort flags.
	Look, NPCType, Sort uint16
	// ItemType and Colour are a floor item's (msg.MapItem's): the item
	// type it shows (a money type for money, msg.IsMoneyItemType) and its
	// colour.
	ItemType uint32
	Colour   uint16
}

// MoveKind says which action a pending move was.
type MoveKind uint8

// Move kinds.
const (
	MoveWalk   MoveKind = iota + 1 // MsgWalk
	MoveJump                       // MsgAction 133
	MovePortal                     // MsgAction 85, answered by a teleport
)

// String returns "walk", "jump" or "portal".
func (k MoveKind) String() string {
	switch k {
	case MoveWalk:
		return "walk"
	case MoveJump:
		return "jump"
	case MovePortal:
		return "portal"
	}
	return fmt.Sprintf("MoveKind(%d)", uint8(k))
}

// Ack is the server's answer to one of the client's moves.
//
// The game server answers every move in order: an accepted walk or jump is
// echoed to the mover (MsgWalk, MsgAction 133), a refused one is answered
// with a pull-back (MsgAction 86 to the server's position). A portal is
// answered with a teleport: accepted when it leads elsewhere, refused (a
// pull-back) when it leaves the player where the client last knew it. The client matches answers to
// its moves in that order. A teleport the server sends on its own while
// moves are pending is taken for the answer to the oldest.
type Ack struct {
	Kind     MoveKind
	Accepted bool
	// RTT is the time from sending the move to reading its answer.
	RTT time.Duration
	// Sent is when the move was sent (the Walk, Jump or TakePortal call):
	// it tells apart moves of one kind answered in a row.
	Sent time.Time
}

// Sighting is another entity seen to step or appear, for Config.OnSighting.
//
// A server shows a client the steps of an entity in the order it made them,
// while the entity stays on the client's screen; when it comes back into
// view the server spawns it again (MsgPlayer) before its next step. So the
// steps between two spawns of an entity are all of its steps the server
// accepted in that time, in order. Jumps, teleports and removals are not
// sightings.
type Sighting struct {
	// ID is the entity's id: another player's or a monster's.
	ID uint32
	// Spawn is set when the entity appeared (MsgPlayer); unset for a step
	// (MsgWalk).
	Spawn bool
	// Direction is the step's direction, 0–7 (0 for a spawn).
	Direction uint8
	// At is when the client read the packet.
	At time.Time
}

// Event is one packet from the game server, in arrival order.
type Event struct {
	// Type is the packet type.
	Type wire.Type
	// Packet is the decoded packet (*msg.Player, *msg.Walk, *msg.Action,
	// *msg.Talk, *msg.UserInfo, ...), owned by the receiver; nil for a type
	// package msg does not define.
	Packet wire.Packet
	// Raw is a copy of an undecoded packet, header included, for a type
	// package msg does not define; nil otherwise.
	Raw []byte
	// Dialog is the dialog page a MsgTaskDialog create (action 100)
	// completes; nil on every other event.
	Dialog *Dialog
}

// Limits of a dialog page as the client collects it: a server that sends
// more before the page's create is broken or hostile, and stops the client.
const (
	// MaxDialogPieces is the most MsgTaskDialog packets of one page.
	MaxDialogPieces = 64
	// MaxDialogBytes is the most bytes of text of one page.
	MaxDialogBytes = 8 << 10
)

// Dialog is one page of an NPC dialog, collected from the MsgTaskDialog
// packets that precede its create (action 100).
type Dialog struct {
	// Text is the page's text packets joined without a separator, as the
	// client shows them (text is not altered: a '~' stays a '~').
	Text string
	// Options are the page's links, in order.
	Options []DialogOption
	// Input is the page's input box, nil when it has none.
	Input *msg.DialogInput
	// Face is the NPC's face (the pic packet's Data), 0 when none came.
	Face uint16
	// Click reports that the page answers a ClickNPC (else an Answer, or
	// nothing the client asked for).
	Click bool
	// RTT is the time from the ClickNPC or Answer that asked for the page
	// to reading its create; 0 when the client asked for nothing.
	RTT time.Duration
}

// DialogOption is a link of a dialog page: its caption and the index
// Answer returns for it.
type DialogOption struct {
	Index uint8
	Text  string
}

// dialogBuilder collects the pieces of a page until its create.
type dialogBuilder struct {
	text    []byte
	options []DialogOption
	input   *msg.DialogInput
	face    uint16
	pieces  int
}

// pendingMove is a move sent and not yet answered.
type pendingMove struct {
	kind   MoveKind
	dir    uint8  // walk direction
	tx, ty uint16 // jump target
	sent   time.Time
}

// world is what the client knows of the game: itself, its position, its
// screen and the NPC dialog on it. Guarded by session.mu.
type world struct {
	user        msg.UserInfo
	placed      bool
	pos         Position
	px, py      uint16            // predicted position: pos with the pending moves applied
	screen      map[uint32]Entity // the NPCs and floor items, and the players when keepPlayers
	keepPlayers bool
	items       items
	fight       fight

	building dialogBuilder // the page being received
	dialog   *Dialog       // the open page: shown and not yet answered
	asked    time.Time     // when ClickNPC or Answer asked for a page; zero when nothing is asked
	askClick bool          // the ask was a ClickNPC

	pending [MaxPending]pendingMove // ring
	head, n int
}

// session decodes the game server's packets, keeps the world up to date and
// delivers events. It is the part of a Client that does not touch the
// network, so tests and fuzzers drive it directly. handle runs on one
// goroutine (the reader); the accessors from any.
type session struct {
	codec      wire.Codec
	onAck      func(Ack)
	onDialog   func(Dialog)
	onSighting func(Sighting)

	// Reused decode targets when events are off.
	talk   msg.Talk
	walk   msg.Walk
	action msg.Action
	player msg.Player
	user   msg.UserInfo
	other  map[wire.Type]wire.Packet

	events  chan Event // nil when events are off
	dropped atomic.Uint64

	mu sync.Mutex
	w  world
}

func newSession(eventBuffer int, keepScreen bool, onAck func(Ack)) *session {
	s := &session{onAck: onAck, other: make(map[wire.Type]wire.Packet)}
	s.w.screen = make(map[uint32]Entity)
	s.w.items.held = make(map[uint32]msg.ItemInfo)
	s.w.keepPlayers = keepScreen
	if eventBuffer > 0 {
		s.events = make(chan Event, eventBuffer)
	}
	return s
}

// target returns the struct to decode a packet of type t into: a fresh one
// when events are on (it goes to the consumer), a reused one otherwise; nil
// for a type package msg does not define.
func (s *session) target(t wire.Type) wire.Packet {
	if s.events != nil {
		return msg.New(t)
	}
	switch t {
	case wire.TypeTalk:
		return &s.talk
	case wire.TypeWalk:
		return &s.walk
	case wire.TypeAction:
		return &s.action
	case wire.TypePlayer:
		return &s.player
	case wire.TypeUserInfo:
		return &s.user
	}
	if p, ok := s.other[t]; ok {
		return p
	}
	p := msg.New(t)
	if p != nil {
		s.other[t] = p
	}
	return p
}

// handle decodes one packet (header included), applies it to the world and
// delivers it as an event. It returns the decoded packet, valid until the
// next call, or nil for an unknown type. A malformed packet is an error
// wrapping the *wire.FieldError that names the packet and field.
func (s *session) handle(b []byte, now time.Time) (wire.Packet, error) {
	if len(b) < wire.HeaderSize {
		return nil, fmt.Errorf("client: packet of %d bytes is shorter than its header", len(b))
	}
	_, t := wire.Header(b)
	p := s.target(t)
	if p == nil {
		s.emit(Event{Type: t, Raw: bytes.Clone(b)})
		return nil, nil
	}
	if err := s.codec.Decode(b, p); err != nil {
		return nil, fmt.Errorf("client: malformed %v from the server: %w", t, err)
	}
	s.mu.Lock()
	ack, acked := s.w.apply(p, now)
	var sight Sighting
	sighted := false
	if s.onSighting != nil {
		sight, sighted = s.w.sighting(p, now)
	}
	if a, ok := p.(*msg.UserAttrib); ok {
		s.w.applyAttribs(a)
	}
	s.w.applyCombat(p, now)
	if err := s.w.applyItems(p); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	var page *Dialog
	if td, ok := p.(*msg.TaskDialog); ok {
		var err error
		if page, err = s.w.collect(td, now); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	s.mu.Unlock()
	if acked && s.onAck != nil {
		s.onAck(ack)
	}
	if sighted {
		s.onSighting(sight)
	}
	if page != nil && s.onDialog != nil {
		s.onDialog(*page)
	}
	s.emit(Event{Type: t, Packet: p, Dialog: page})
	return p, nil
}

// emit queues ev for the consumer without ever blocking the reader: when
// the buffer is full the oldest event is dropped and counted. The client's
// own state never depends on the consumer, so a slow consumer loses events,
// not correctness.
func (s *session) emit(ev Event) {
	if s.events == nil {
		return
	}
	for {
		select {
		case s.events <- ev:
			return
		default:
		}
		select {
		case <-s.events:
			s.dropped.Add(1)
		default:
		}
	}
}

// addPending records a move about to be sent and advances the predicted
// position. Caller holds s.mu.
func (w *world) addPending(m pendingMove) bool {
	if w.n == MaxPending {
		return false
	}
	w.pending[(w.head+w.n)%MaxPending] = m
	w.n++
	w.advance(&m)
	return true
}

// advance applies move m to the predicted position.
func (w *world) advance(m *pendingMove) {
	switch m.kind {
	case MoveWalk:
		w.px, w.py = Step(w.px, w.py, m.dir)
	case MoveJump:
		w.px, w.py = m.tx, m.ty
	}
}

// resolve takes the oldest pending move as answered. For an echo (want
// set) it first drops moves of another kind, which the server can no longer
// be answering. It then recomputes the predicted position.
func (w *world) resolve(want MoveKind, accepted bool, now time.Time) (Ack, bool) {
	var ack Ack
	found := false
	for w.n > 0 {
		m := w.pending[w.head]
		w.head = (w.head + 1) % MaxPending
		w.n--
		if want == 0 || m.kind == want {
			ack, found = Ack{Kind: m.kind, Accepted: accepted, RTT: now.Sub(m.sent), Sent: m.sent}, true
			break
		}
	}
	w.px, w.py = w.pos.X, w.pos.Y
	for i := range w.n {
		w.advance(&w.pending[(w.head+i)%MaxPending])
	}
	return ack, found
}

// apply updates the world with one decoded packet and reports the answer
// to a pending move it carries.
func (w *world) apply(p wire.Packet, now time.Time) (Ack, bool) {
	switch p := p.(type) {
	case *msg.UserInfo:
		w.user = *p
	case *msg.Player:
		if p.ID != w.user.ID && (w.keepPlayers || IsMonster(p.ID)) {
			w.screen[p.ID] = Entity{ID: p.ID, Kind: EntityPlayer, Name: p.Name, Mesh: p.Mesh, Level: p.Level,
				X: p.X, Y: p.Y, Direction: p.Direction}
		}
	case *msg.NpcInfo:
		w.screen[p.ID] = Entity{ID: p.ID, Kind: EntityNPC, Name: p.Name, X: p.X, Y: p.Y,
			Direction: uint8(p.Look % 10), Look: p.Look, NPCType: p.Kind, Sort: p.Sort}
	case *msg.Npc:
		if p.Action == msg.NpcLeaveMap {
			delete(w.screen, p.ID)
		}
	case *msg.MapInfo:
		w.enterMap(p.MapID)
	case *msg.Walk:
		if p.ID == w.user.ID {
			w.pos.X, w.pos.Y = Step(w.pos.X, w.pos.Y, p.Direction)
			w.prune()
			return w.resolve(MoveWalk, true, now)
		}
		if e, ok := w.screen[p.ID]; ok {
			e.X, e.Y = Step(e.X, e.Y, p.Direction)
			e.Direction = p.Direction % 8
			w.place(e)
		}
	case *msg.Action:
		return w.applyAction(p, now)
	}
	return Ack{}, false
}

// sighting returns the Sighting that p is, if it is one: another entity's
// MsgWalk or MsgPlayer.
func (w *world) sighting(p wire.Packet, now time.Time) (Sighting, bool) {
	switch p := p.(type) {
	case *msg.Walk:
		if p.ID != w.user.ID {
			return Sighting{ID: p.ID, Direction: p.Direction % 8, At: now}, true
		}
	case *msg.Player:
		if p.ID != w.user.ID {
			return Sighting{ID: p.ID, Spawn: true, At: now}, true
		}
	}
	return Sighting{}, false
}

// applyAction is apply for MsgAction.
func (w *world) applyAction(a *msg.Action, now time.Time) (Ack, bool) {
	self := a.ID == w.user.ID
	switch a.Subtype {
	case msg.ActionSendLocation:
		if self {
			w.placed = true
			w.moveSelf(a.Data1, a.Data2)
		}
	case msg.ActionJump:
		x, y := msg.UnpackXY(a.Data1)
		if self {
			w.pos.X, w.pos.Y = x, y
			w.prune()
			return w.resolve(MoveJump, true, now)
		}
		if e, ok := w.screen[a.ID]; ok {
			e.X, e.Y, e.Direction = x, y, uint8(a.Direction%8)
			w.place(e)
		}
	case msg.ActionTeleport:
		if self {
			moved := a.Data1 != w.pos.Map || a.Data2 != msg.XY(w.pos.X, w.pos.Y)
			w.moveSelf(a.Data1, a.Data2)
			if w.n > 0 {
				portal := w.pending[w.head].kind == MovePortal
				return w.resolve(0, portal && moved, now)
			}
			return Ack{}, false
		}
		if e, ok := w.screen[a.ID]; ok {
			if a.Data1 != w.pos.Map {
				delete(w.screen, a.ID)
				break
			}
			e.X, e.Y = msg.UnpackXY(a.Data2)
			w.place(e)
		}
	case msg.ActionLeaveMap:
		delete(w.screen, a.ID)
	}
	return Ack{}, false
}

// moveSelf puts the player at map, XY-packed xy.
func (w *world) moveSelf(mapID, xy uint32) {
	w.enterMap(mapID)
	w.pos.X, w.pos.Y = msg.UnpackXY(xy)
	w.px, w.py = w.pos.X, w.pos.Y
	w.prune()
}

// enterMap records the map the player is on. A new map empties the screen
// (the new map's server sends its spawns) and drops the dialog, as the
// server does.
func (w *world) enterMap(mapID uint32) {
	if mapID == w.pos.Map {
		return
	}
	clear(w.screen)
	w.pos.Map = mapID
	w.dialog, w.asked = nil, time.Time{}
	w.building.reset()
}

// collect adds one MsgTaskDialog to the page being received and returns
// the page when td is its create.
func (w *world) collect(td *msg.TaskDialog, now time.Time) (*Dialog, error) {
	b := &w.building
	if td.Action == msg.DialogAnswer || td.Action == msg.DialogTaskID {
		return nil, nil // client-to-server actions: not part of a page
	}
	b.pieces++
	if b.pieces > MaxDialogPieces {
		return nil, fmt.Errorf("client: dialog page of more than %d MsgTaskDialog packets", MaxDialogPieces)
	}
	switch td.Action {
	case msg.DialogText:
		if len(b.text)+len(td.Text) > MaxDialogBytes {
			return nil, fmt.Errorf("client: dialog page of more than %d bytes of text", MaxDialogBytes)
		}
		b.text = append(b.text, td.Text...)
	case msg.DialogLink:
		b.options = append(b.options, DialogOption{Index: td.Option, Text: td.Text})
	case msg.DialogEdit:
		b.input = &msg.DialogInput{Prompt: td.Text, MaxLen: td.Data, Option: td.Option}
	case msg.DialogPic:
		b.face = td.Data
	case msg.DialogCreate:
		d := &Dialog{Text: string(b.text), Options: b.options, Input: b.input, Face: b.face, Click: w.askClick}
		if !w.asked.IsZero() {
			d.RTT = now.Sub(w.asked)
		}
		w.dialog, w.asked, w.askClick = d, time.Time{}, false
		b.reset()
		return d, nil
	}
	return nil, nil
}

// reset empties the builder; the options slice goes with the page.
func (b *dialogBuilder) reset() {
	*b = dialogBuilder{text: b.text[:0]}
}

// inView reports whether (x, y) is within ViewRange of the player.
func (w *world) inView(x, y uint16) bool {
	return abs(int(x)-int(w.pos.X)) <= ViewRange && abs(int(y)-int(w.pos.Y)) <= ViewRange
}

// place stores a moved entity, or drops it when it moved out of view.
func (w *world) place(e Entity) {
	if w.inView(e.X, e.Y) {
		w.screen[e.ID] = e
	} else {
		delete(w.screen, e.ID)
	}
}

// prune drops the entities out of view after the player moved.
func (w *world) prune() {
	for id, e := range w.screen {
		if !w.inView(e.X, e.Y) {
			delete(w.screen, id)
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// snapshot accessors, for the Client's methods.

func (s *session) position() Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.pos
}

func (s *session) screenCopy() []Entity {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Collect(maps.Values(s.w.screen))
	slices.SortFunc(out, func(a, b Entity) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// nearestNPC returns the NPC on screen nearest the player (distance on the
// larger axis; the lower id on a tie).
func (s *session) nearestNPC(keep func(Entity) bool) (Entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best Entity
	bestD, found := 0, false
	for _, e := range s.w.screen {
		if e.Kind != EntityNPC || keep != nil && !keep(e) {
			continue
		}
		d := Distance(s.w.pos.X, s.w.pos.Y, e.X, e.Y)
		if !found || d < bestD || d == bestD && e.ID < best.ID {
			best, bestD, found = e, d, true
		}
	}
	return best, found
}

// Distance returns how many tiles apart two points are: the larger of the
// two axis distances, as the game measures ranges.
func Distance(x0, y0, x1, y1 uint16) int {
	return max(abs(int(x1)-int(x0)), abs(int(y1)-int(y0)))
}
