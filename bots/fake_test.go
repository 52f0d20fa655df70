package bots

import (
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// npcWorld is a tiny 5017 account and game server for the NPC behaviour's
// tests, in the spirit of client/fake_test.go: any account logs in (a
// character is made on the spot), walks and jumps are echoed, and each of
// two maps has an NPC near the arrival point whose dialog offers the other
// map, more talk, or goodbye.
type npcWorld struct {
	t          *testing.T
	acct, game net.Listener
	wg         sync.WaitGroup

	mu        sync.Mutex
	tokens    map[uint64]string // the account each unused token is for
	lastToken uint64
	conns     []net.Conn
	nextID    uint32
	teleports map[uint32]int // per character
	travelled chan struct{}  // closed when a character has been teleported travelGoal times
	arrived   bool           // travelled is closed
	items     bool           // a shop and items (fake_items_test.go)
	picked    chan struct{}  // with items: closed when a character has picked up itemRoundsGoal items
	pickedOK  bool           // picked is closed
	crowd     crowd          // with crowd.on, everyone sees everyone (fake_crowd_test.go)
}

// The fake world: maps, arrival points, NPCs.
const (
	npcMapA, npcMapB = 1010, 1002
	npcArriveX       = 61
	npcArriveY       = 109
	npcFirstID       = 1_000_000
	travelGoal       = 2
)

// npcOf is the NPC of each map: 4 tiles east of the arrival point on map A
// (within ClickRange), 14 on map B (the bot walks or jumps first).
var npcOf = map[uint32]msg.NpcInfo{
	npcMapA: {ID: 1, X: npcArriveX + 4, Y: npcArriveY, Look: 1650, Kind: 2},
	npcMapB: {ID: 2, X: npcArriveX + 14, Y: npcArriveY, Look: 1650, Kind: 2},
}

// fakeConn is the server end of a connection. send may be called from
// any goroutine.
type fakeConn struct {
	mu     sync.Mutex // serialises send
	nc     net.Conn
	cipher *tq.Cipher
	framer *wire.Framer
	codec  wire.Codec // for what the connection reads
	out    wire.Codec // for send, which other connections' goroutines call too
	wbuf   []byte
}

func (c *fakeConn) send(p wire.Packet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := c.out.Encode(c.wbuf[:0], p)
	if err != nil {
		panic(err) // a test bug
	}
	c.wbuf = b
	c.cipher.Encrypt(b)
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.nc.Write(b)
}

func (c *fakeConn) recv(p wire.Packet) error {
	b, err := c.framer.Next()
	if err != nil {
		return err
	}
	return c.codec.Decode(b, p)
}

func newNPCWorld(t *testing.T) *npcWorld {
	t.Helper()
	w := &npcWorld{t: t, tokens: make(map[uint64]string), nextID: npcFirstID, teleports: make(map[uint32]int),
		travelled: make(chan struct{}), picked: make(chan struct{}), crowd: newCrowd()}
	var err error
	if w.acct, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if w.game, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	w.wg.Go(func() { w.serve(w.acct, w.account) })
	w.wg.Go(func() { w.serve(w.game, w.play) })
	t.Cleanup(func() {
		_ = w.acct.Close()
		_ = w.game.Close()
		w.mu.Lock()
		for _, nc := range w.conns {
			_ = nc.Close()
		}
		w.mu.Unlock()
		w.wg.Wait()
	})
	return w
}

func (w *npcWorld) serve(ln net.Listener, h func(*fakeConn)) {
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		w.mu.Lock()
		w.conns = append(w.conns, nc)
		w.mu.Unlock()
		c := &fakeConn{nc: nc, cipher: tq.NewServer()}
		c.framer = wire.NewFramer(nc, c.cipher, nil)
		w.wg.Go(func() {
			defer nc.Close()
			h(c)
		})
	}
}

func (w *npcWorld) account(c *fakeConn) {
	var req msg.Account
	if c.recv(&req) != nil {
		return
	}
	_, portText, _ := net.SplitHostPort(w.game.Addr().String())
	port, _ := strconv.Atoi(portText)
	w.mu.Lock()
	w.lastToken++
	tok := w.lastToken<<32 | 0x5678
	w.tokens[tok] = req.Account
	w.mu.Unlock()
	c.send(msg.AcceptLogin(tok, "127.0.0.1", uint32(port)))
	var bye msg.ConnectAccount
	_ = c.recv(&bye)
}

// play logs a character in at the arrival point of map A and runs its
// world until it leaves.
func (w *npcWorld) play(c *fakeConn) {
	c.framer.SetStepwise(true)
	var con msg.Connect
	if c.recv(&con) != nil {
		return
	}
	c.cipher.Rekey(con.Token)
	c.framer.SetStepwise(false)
	w.mu.Lock()
	acct, ok := w.tokens[con.Token]
	delete(w.tokens, con.Token)
	id := w.nextID
	w.nextID++
	if w.crowd.on {
		id = w.crowd.idOf(acct, id)
	}
	w.mu.Unlock()
	if !ok {
		c.send(msg.SystemMessage(msg.ChannelLogin, "Login Invalid"))
		return
	}
	if w.crowd.on {
		defer w.leave(id, c)
	}
	c.send(msg.SystemMessage(msg.ChannelLogin, msg.AnswerOK))
	w.mu.Lock()
	var items *fakeItems
	if w.items {
		items = newFakeItems(id)
	}
	w.mu.Unlock()
	var silver uint32
	if items != nil {
		silver = items.silver
	}
	c.send(&msg.UserInfo{ID: id, Mesh: 11003, Level: 1, Class: 10, ShowName: 1, Name: "bot", Spouse: "None",
		Silver: silver})
	m, x, y := uint32(npcMapA), uint16(npcArriveX), uint16(npcArriveY)
	page := 0
	for {
		b, err := c.framer.Next()
		if err != nil {
			return
		}
		if items != nil {
			if !items.packet(c, b, x, y) {
				return
			}
			w.picks(items)
		}
		switch _, typ := wire.Header(b); typ {
		case wire.TypeAction:
			var a msg.Action
			if c.codec.Decode(b, &a) != nil {
				return
			}
			switch a.Subtype {
			case msg.ActionSendLocation:
				c.send(&msg.Action{ID: id, Data1: m, Data2: msg.XY(x, y), Subtype: msg.ActionSendLocation})
				c.send(&msg.MapInfo{UID: m, MapID: m})
				n := npcOf[m]
				c.send(&n)
				if items != nil && m == npcMapA {
					items.login(c)
				}
				if w.crowd.on {
					w.enter(c, id, acct)
				}
			case msg.ActionJump:
				x, y = msg.UnpackXY(a.Data1)
				c.send(&a)
			default:
				c.send(&a)
			}
		case wire.TypeWalk:
			var wk msg.Walk
			if c.codec.Decode(b, &wk) != nil {
				return
			}
			x, y = client.Step(x, y, wk.Direction)
			c.send(&wk)
			if w.crowd.on {
				w.step(id, &wk)
			}
		case wire.TypeNpc:
			var n msg.Npc
			if c.codec.Decode(b, &n) != nil {
				return
			}
			if n.ID == npcOf[m].ID && client.Distance(x, y, npcOf[m].X, npcOf[m].Y) <= 18 {
				page = 1
				w.page(c, "Hello. Where do you want to go?", []string{"The other map", "Tell me more", "Bye"})
			}
		case wire.TypeTaskDialog:
			var a msg.TaskDialog
			if c.codec.Decode(b, &a) != nil {
				return
			}
			switch {
			case page == 0 || a.Option == msg.OptionClose:
			case a.Option == 1:
				m = npcMapA + npcMapB - m
				x, y = npcArriveX, npcArriveY
				c.send(&msg.Action{ID: id, Data1: m, Data2: msg.XY(x, y), Subtype: msg.ActionTeleport})
				c.send(&msg.MapInfo{UID: m, MapID: m})
				n := npcOf[m]
				c.send(&n)
				w.teleported(id)
			case a.Option == 2:
				w.page(c, "There is little more to say.", []string{"The other map", "Then tell me more"})
				continue
			}
			page = 0
		}
	}
}

// page sends one dialog page.
func (w *npcWorld) page(c *fakeConn, text string, options []string) {
	ps, err := msg.DialogPage(nil, text, options, &msg.DialogInput{Prompt: "Code", MaxLen: 4,
		Option: uint8(len(options) + 1)}, 67)
	if err != nil {
		panic(err)
	}
	for i := range ps {
		c.send(&ps[i])
	}
}

// teleported counts a teleport of id and closes travelled at the goal.
func (w *npcWorld) teleported(id uint32) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.teleports[id]++
	if w.teleports[id] == travelGoal && !w.arrived {
		w.arrived = true
		close(w.travelled)
	}
}

// picks closes picked when the character of f has picked up
// itemRoundsGoal items.
func (w *npcWorld) picks(f *fakeItems) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f.picks >= itemRoundsGoal && !w.pickedOK {
		w.pickedOK = true
		close(w.picked)
	}
}
