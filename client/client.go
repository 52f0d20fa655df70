package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// chatColor is the colour the client gives its chat lines: white.
const chatColor = 0x00FFFFFF

// Ticket is the account server's accept: the one-time login token and the
// game server to present it to.
type Ticket struct {
	Token uint64
	Host  string
	Port  uint16
}

// Addr returns the game server's address as host:port.
func (t Ticket) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(int(t.Port))) }

// Client is a player in the world of a 5017 game server: its connection,
// what it knows of itself and its screen, and the actions it can take.
//
// One reader goroutine decodes the server's packets, keeps the client's
// position and screen up to date and delivers every packet as an Event.
// The action methods (Walk, Jump, Talk, ClickNPC, Answer, TakePortal,
// the item methods, Send) may be called from any
// goroutine; they are serialised, so moves reach the server in the order
// their calls return. The accessors are safe at any time.
type Client struct {
	cfg     Config
	conn    *Conn
	s       *session
	ticket  Ticket
	created bool

	amu     sync.Mutex // serialises actions: pending-move bookkeeping and send order
	walkOut msg.Walk
	actOut  msg.Action
	// interOut and allotOut are the combat requests (combat.go).
	interOut msg.Interact
	allotOut msg.Allot
	talkOut  msg.Talk
	npcOut   msg.Npc
	dlgOut   msg.TaskDialog
	// Reused items packets.
	itemOut    msg.Item
	mapItemOut msg.MapItem
	pkgOut     msg.Package

	done    chan struct{} // closed when the reader has stopped
	errMu   sync.Mutex
	err     error
	stopCtx func() bool
}

// Login runs the whole login of cfg: the account server, then the game
// server at the address the account server sends (used as is), character
// creation when the account has none (then a fresh login, since the token
// is single-use), and the login chain. It returns once the player stands
// in the world. ctx bounds the login and, afterwards, the client's life:
// cancelling it closes the client.
func Login(ctx context.Context, cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	created := false
	for {
		t, err := Authenticate(ctx, cfg)
		if err != nil {
			return nil, err
		}
		c, err := Connect(ctx, cfg, t)
		switch {
		case errors.Is(err, ErrCharacterCreated) && !created:
			created = true
			continue
		case errors.Is(err, ErrCharacterCreated):
			return nil, fmt.Errorf("client: the game server asks for a new character again after creating %q", cfg.Character)
		case err != nil:
			return nil, err
		}
		c.created = created
		return c, nil
	}
}

// Connect presents ticket t to the game server and runs the game-server
// half of the login. When the account has no character (NEW_ROLE) it
// creates cfg.Character and returns ErrCharacterCreated: the token is spent,
// so the caller logs in again from the account server.
func Connect(ctx context.Context, cfg Config, t Ticket) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	conn, err := Dial(dctx, t.Addr())
	cancel()
	if err != nil {
		return nil, err
	}
	conn.SetWriteTimeout(cfg.Timeout)
	c := &Client{cfg: cfg, conn: conn, s: newSession(cfg.EventBuffer, !cfg.IgnoreScreen, cfg.OnAck), ticket: t,
		done: make(chan struct{})}
	c.s.onDialog, c.s.onSighting = cfg.OnDialog, cfg.OnSighting
	c.stopCtx = context.AfterFunc(ctx, func() { c.fail(fmt.Errorf("client: %w", context.Cause(ctx))) })
	if err := c.enter(); err != nil {
		c.stopCtx()
		c.fail(err)
		return nil, err
	}
	if err := conn.SetReadDeadline(time.Time{}); err != nil {
		c.stopCtx()
		c.fail(err)
		return nil, fmt.Errorf("client: clearing the read deadline: %w", err)
	}
	cfg.Logger.Debug("in the world", "account", cfg.Account, "character", c.Name(), "position", c.Position())
	go c.read()
	return c, nil
}

// enter runs the game-server login on the caller's goroutine: MsgConnect,
// the answer, and the login chain.
func (c *Client) enter() error {
	tok := c.ticket.Token
	if err := c.conn.Send(&msg.Connect{Token: tok, Build: msg.Build5017, Language: DefaultLanguage,
		Contents: resourceContents}); err != nil {
		return c.failure(err)
	}
	// The server decrypts everything after MsgConnect with the token's key.
	c.conn.Rekey(tok)
	for answered := false; !answered; {
		p, err := c.next("waiting for the login answer")
		if err != nil {
			return err
		}
		t, ok := p.(*msg.Talk)
		if !ok || t.Channel != msg.ChannelLogin {
			continue
		}
		switch t.Message {
		case msg.AnswerOK:
			answered = true
		case msg.NewRole:
			return c.register()
		default:
			return &LoginError{Text: t.Message}
		}
	}
	if err := c.await("waiting for MsgUserInfo", func(p wire.Packet) bool {
		_, ok := p.(*msg.UserInfo)
		return ok
	}); err != nil {
		return err
	}
	if err := c.sendAction(msg.ActionSendLocation); err != nil {
		return err
	}
	if err := c.awaitAction("waiting for the location (MsgAction 74)", msg.ActionSendLocation); err != nil {
		return err
	}
	for _, a := range [...]msg.ActionType{msg.ActionSendItems, msg.ActionSendAssociates, msg.ActionSendProficiencies,
		msg.ActionSendSpells, msg.ActionConfirmGuild, msg.ActionLoginComplete} {
		if err := c.sendAction(a); err != nil {
			return err
		}
	}
	return c.awaitAction("waiting for the login to complete (MsgAction 130)", msg.ActionLoginComplete)
}

// register answers NEW_ROLE with cfg.Character.
func (c *Client) register() error {
	cfg := c.cfg
	if cfg.Character == "" {
		return ErrNoCharacter
	}
	if err := c.conn.Send(&msg.Register{Account: cfg.Account, Name: cfg.Character, Body: cfg.Body,
		Class: uint16(cfg.Class), Token: uint32(c.ticket.Token)}); err != nil {
		return c.failure(err)
	}
	for {
		p, err := c.next("waiting for the register answer")
		if err != nil {
			return err
		}
		if t, ok := p.(*msg.Talk); ok && t.Channel == msg.ChannelRegister {
			if t.Message == msg.AnswerOK {
				return ErrCharacterCreated
			}
			return &RegisterError{Text: t.Message}
		}
	}
}

// next reads and handles the next packet during login, with the login
// timeout. The packet is valid until the next call.
func (c *Client) next(step string) (wire.Packet, error) {
	if err := c.conn.SetReadDeadline(time.Now().Add(c.cfg.Timeout)); err != nil {
		return nil, c.failure(err)
	}
	b, err := c.conn.Next()
	if err != nil {
		return nil, c.failure(fmt.Errorf("client: %s: %w", step, err))
	}
	return c.s.handle(b, time.Now())
}

// await reads packets until match accepts one.
func (c *Client) await(step string, match func(wire.Packet) bool) error {
	for {
		p, err := c.next(step)
		if err != nil {
			return err
		}
		if p != nil && match(p) {
			return nil
		}
	}
}

// awaitAction reads packets until the MsgAction of subtype want for this
// player.
func (c *Client) awaitAction(step string, want msg.ActionType) error {
	id := c.ID()
	return c.await(step, func(p wire.Packet) bool {
		a, ok := p.(*msg.Action)
		return ok && a.Subtype == want && a.ID == id
	})
}

// sendAction sends a login-chain MsgAction of subtype a.
func (c *Client) sendAction(a msg.ActionType) error {
	return c.Send(&msg.Action{Timestamp: timestamp(), ID: c.ID(), Subtype: a})
}

// read is the reader goroutine.
func (c *Client) read() {
	defer close(c.done)
	if c.s.events != nil {
		defer close(c.s.events)
	}
	for {
		b, err := c.conn.Next()
		if err != nil {
			c.fail(fmt.Errorf("client: connection lost: %w", err))
			break
		}
		if _, err := c.s.handle(b, time.Now()); err != nil {
			c.fail(err)
			break
		}
	}
	c.stopCtx()
	c.cfg.Logger.Debug("client stopped", "account", c.cfg.Account, "err", c.Err())
}

// fail records the first reason the client stops and closes the
// connection, which stops the reader.
func (c *Client) fail(err error) {
	c.errMu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.errMu.Unlock()
	_ = c.conn.Close()
}

// failure returns the recorded reason the client stopped, when there is one
// (a cancelled context closes the connection, and the read error it causes
// says less than the cancellation), else err.
func (c *Client) failure(err error) error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	if c.err != nil {
		return c.err
	}
	return err
}

// Close disconnects and waits for the reader to stop. It is safe to call
// more than once and from any goroutine.
func (c *Client) Close() error {
	c.fail(ErrClosed)
	<-c.done
	return nil
}

// Done returns a channel closed when the client has stopped: closed by
// Close, by its context, by the server, or after a malformed packet.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the client stopped: ErrClosed after Close, the context's
// error, the connection's error, or a malformed packet's *wire.FieldError
// (wrapped). It is nil while the client runs.
func (c *Client) Err() error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err
}

// Events returns the server's packets, in arrival order, from MsgConnect's
// answer on. The channel is closed when the client stops; it is nil when
// Config.EventBuffer is negative.
//
// The reader never waits for the consumer: when the channel is full the
// oldest event is dropped and counted (Dropped). The client's own state
// (Position, Screen) is kept by the reader, so a slow consumer loses
// events, never state, and Close never waits on it.
func (c *Client) Events() <-chan Event { return c.s.events }

// Dropped returns how many events were dropped because the consumer did not
// keep up.
func (c *Client) Dropped() uint64 { return c.s.dropped.Load() }

// Ticket returns the ticket the client logged in with.
func (c *Client) Ticket() Ticket { return c.ticket }

// Created reports whether Login created the character.
func (c *Client) Created() bool { return c.created }

// UserInfo returns the character as the server described it at login.
func (c *Client) UserInfo() msg.UserInfo {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.user
}

// ID returns the character's id.
func (c *Client) ID() uint32 {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.user.ID
}

// Name returns the character's name.
func (c *Client) Name() string {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.user.Name
}

// Position returns where the server last said the player stands: the
// login location, then each echoed walk and jump and each teleport or
// pull-back.
func (c *Client) Position() Position { return c.s.position() }

// Predicted returns where the player will stand once the server has
// accepted every pending move: Position with them applied. Jumps start from
// here.
func (c *Client) Predicted() Position {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return Position{Map: c.s.w.pos.Map, X: c.s.w.px, Y: c.s.w.py}
}

// Pending returns how many moves wait for the server's answer.
func (c *Client) Pending() int {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.w.n
}

// Screen returns the entities in view, by id: added by MsgPlayer, moved by
// their MsgWalk, jumps and teleports, removed by MsgAction 132, by a change
// of map, or, as the real client does, when they are more than ViewRange
// tiles away on either axis.
func (c *Client) Screen() []Entity { return c.s.screenCopy() }

// ScreenLen returns how many entities are in view.
func (c *Client) ScreenLen() int {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return len(c.s.w.screen)
}

// PlayersInView returns how many other players are in view (NPCs and other
// entities not counted).
func (c *Client) PlayersInView() int {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	n := 0
	for _, e := range c.s.w.screen {
		if e.Kind == EntityPlayer && !IsMonster(e.ID) {
			n++
		}
	}
	return n
}

// Entity returns the entity id on screen, if it is there.
func (c *Client) Entity(id uint32) (Entity, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	e, ok := c.s.w.screen[id]
	return e, ok
}

// Walk takes one step in direction dir (0–7, game-rules §2). The position
// changes when the server echoes the step; OnAck reports the answer.
func (c *Client) Walk(dir uint8, mode msg.WalkMode) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	ok := c.s.w.addPending(pendingMove{kind: MoveWalk, dir: dir, sent: time.Now()})
	id := c.s.w.user.ID
	c.s.mu.Unlock()
	if !ok {
		return ErrTooManyPending
	}
	c.walkOut = msg.Walk{ID: id, Direction: dir, Mode: mode}
	return c.sendLocked(&c.walkOut)
}

// Jump leaps to (x, y) from the predicted position (MsgAction 133). The
// server checks range, speed and floor; it echoes an accepted jump and
// pulls the player back otherwise.
func (c *Client) Jump(x, y uint16) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	fx, fy := c.s.w.px, c.s.w.py
	ok := c.s.w.addPending(pendingMove{kind: MoveJump, tx: x, ty: y, sent: time.Now()})
	id := c.s.w.user.ID
	c.s.mu.Unlock()
	if !ok {
		return ErrTooManyPending
	}
	c.actOut = msg.Action{Timestamp: timestamp(), ID: id, Data1: msg.XY(x, y), Data2: msg.XY(fx, fy),
		Direction: uint16(Facing(fx, fy, x, y)), Subtype: msg.ActionJump}
	return c.sendLocked(&c.actOut)
}

// Talk says text on channel ch; to is the recipient's name for a whisper,
// and "" means everyone (ALLUSERS).
func (c *Client) Talk(ch msg.Channel, to, text string) error {
	if to == "" {
		to = msg.AllUsers
	}
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	u := &c.s.w.user
	c.talkOut = msg.Talk{Color: chatColor, Channel: ch, Identity: u.ID, SenderMesh: u.Mesh, Sender: u.Name,
		Recipient: to, Message: text}
	c.s.mu.Unlock()
	return c.sendLocked(&c.talkOut)
}

// NearestNPC returns the NPC on screen nearest the player, by Distance.
func (c *Client) NearestNPC() (Entity, bool) { return c.s.nearestNPC(nil) }

// NearestNPCWhere returns the NPC on screen nearest the player among those
// keep accepts (keep runs under the client's lock: it must not call the
// Client). It does not allocate.
func (c *Client) NearestNPCWhere(keep func(Entity) bool) (Entity, bool) { return c.s.nearestNPC(keep) }

// Dialog returns the open NPC dialog page: the last one received, until
// Answer, ClickNPC or a change of map closes it.
func (c *Client) Dialog() (Dialog, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.w.dialog == nil {
		return Dialog{}, false
	}
	return *c.s.w.dialog, true
}

// ClickNPC clicks NPC id (MsgNpc, action activate): the server answers with
// the NPC's first dialog page, whose Dialog has Click set and RTT measured
// from this call. It closes the open dialog.
func (c *Client) ClickNPC(id uint32) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	w := &c.s.w
	kind := w.screen[id].NPCType
	w.dialog, w.asked, w.askClick = nil, time.Now(), true
	c.s.mu.Unlock()
	c.npcOut = msg.Npc{ID: id, Action: msg.NpcActivate, Kind: kind}
	return c.sendLocked(&c.npcOut)
}

// Answer answers the open dialog with an option's index (DialogOption.Index,
// or the input box's msg.DialogInput.Option with the typed text; text is
// ignored by the server otherwise). msg.OptionClose closes the dialog. The
// next page, if the server sends one, has RTT measured from this call.
func (c *Client) Answer(option uint8, text string) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	w := &c.s.w
	w.dialog, w.asked, w.askClick = nil, time.Time{}, false
	if option != msg.OptionClose {
		w.asked = time.Now()
	}
	c.s.mu.Unlock()
	c.dlgOut = msg.TaskDialog{Option: option, Action: msg.DialogAnswer, Text: text}
	return c.sendLocked(&c.dlgOut)
}

// TakePortal steps into the portal at (x, y) (MsgAction 85). The server
// answers with a teleport: elsewhere when it accepts (OnAck reports a
// MovePortal, Accepted), else a pull-back to where the player stands
// (refused). Portals count as
// pending moves; the predicted position waits for the answer.
func (c *Client) TakePortal(x, y uint16) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	c.s.mu.Lock()
	ok := c.s.w.addPending(pendingMove{kind: MovePortal, tx: x, ty: y, sent: time.Now()})
	id := c.s.w.user.ID
	c.s.mu.Unlock()
	if !ok {
		return ErrTooManyPending
	}
	c.actOut = msg.Action{Timestamp: timestamp(), ID: id, Data1: msg.XY(x, y), Subtype: msg.ActionPortal}
	return c.sendLocked(&c.actOut)
}

// Send sends any packet as is. Moves sent this way are not tracked: use
// Walk and Jump for those.
func (c *Client) Send(p wire.Packet) error {
	c.amu.Lock()
	defer c.amu.Unlock()
	return c.sendLocked(p)
}

// sendLocked sends p; a failed write stops the client. Caller holds amu.
func (c *Client) sendLocked(p wire.Packet) error {
	select {
	case <-c.done:
		return c.Err()
	default:
	}
	if err := c.conn.Send(p); err != nil {
		var fe *wire.FieldError
		if !errors.As(err, &fe) { // an encoding error leaves the connection usable
			c.fail(err)
		}
		return err
	}
	return nil
}

// timestamp is the client clock put in MsgAction, in milliseconds.
func timestamp() uint32 { return uint32(time.Now().UnixMilli()) }
