package client

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/rc5"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// srvConn is the server end of a test connection: tq.NewServer, a framer
// and a codec, as the real server runs them.
type srvConn struct {
	nc     net.Conn
	cipher *tq.Cipher
	framer *wire.Framer
	codec  wire.Codec

	mu    sync.Mutex
	wc    wire.Codec
	wbuf  []byte
	wrErr error
}

func newSrvConn(nc net.Conn) *srvConn {
	c := &srvConn{nc: nc, cipher: tq.NewServer()}
	c.framer = wire.NewFramer(nc, c.cipher, nil)
	return c
}

// send encodes, encrypts and writes p; the first error is kept.
func (c *srvConn) send(p wire.Packet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := c.wc.Encode(c.wbuf[:0], p)
	if err != nil {
		panic(err) // a test bug
	}
	c.wbuf = b
	c.writeLocked(b)
}

// sendRaw encrypts and writes plaintext bytes that need not be a packet.
func (c *srvConn) sendRaw(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wbuf = append(c.wbuf[:0], b...)
	c.writeLocked(c.wbuf)
}

func (c *srvConn) writeLocked(b []byte) {
	c.cipher.Encrypt(b)
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.nc.Write(b); err != nil && c.wrErr == nil {
		c.wrErr = err
	}
}

func (c *srvConn) recv(p wire.Packet) error {
	b, err := c.framer.Next()
	if err != nil {
		return err
	}
	return c.codec.Decode(b, p)
}

// fakeChar is a character of the fake server.
type fakeChar struct {
	id   uint32
	name string
	m    uint32
	x, y uint16
	inv  *fakeInv // with fake.items
}

// fake is a tiny 5017 account and game server for the client's tests. Its
// game connections follow a script close to coserver's: tokens are single
// use, NEW_ROLE for accounts without a character, echo of the login chain,
// echo of walks and jumps (or pull-backs when rejectMoves is set).
type fake struct {
	t          *testing.T
	acct, game net.Listener
	rc5        *rc5.Cipher

	mu          sync.Mutex
	tokens      map[uint64]string // token → account
	chars       map[string]*fakeChar
	nextID      uint32
	registerMsg string // register answer; "" = ANSWER_OK
	rejectMoves bool
	spawn       *msg.Player // sent after the location answer
	conns       []*srvConn
	flood       int  // packets sent right after login
	npcs        bool // an NPC with a dialog, and a portal, on fakeMap
	items       bool // items, money, shop and warehouse (fake_items_test.go)
	wg          sync.WaitGroup
}

const (
	fakeMap           = 1010
	fakeX, fakeY      = 61, 109
	fakeBadPassword   = "wrong"
	fakeFirstCharID   = 1_000_000
	fakeOtherEntityID = 2_000_000

	// With fake.npcs: an NPC near the start with a dialog of two pages
	// (and a third for the input box), whose "Take me" option teleports
	// to fakeMap2 at fakeArrivalX/Y, where another NPC stands; and a
	// portal at fakePortalX/Y to the same place.
	fakeNpcID                  = 10_001
	fakeNpcX, fakeNpcY         = 63, 111
	fakeNpcLook                = 1_652
	fakeMap2                   = 1_002
	fakeArrivalX, fakeArrivalY = 300, 300
	fakeNpc2ID                 = 10_002
	fakePortalX, fakePortalY   = 65, 105
	fakeFace                   = 67
)

// Texts of the fake NPC's pages.
var (
	fakePage1Text = "Welcome to the~fake world. " + strings.Repeat("It is a small world. ", 15)
	fakePage2Text = "Where to?"
)

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, rc5: rc5.New5017(), tokens: make(map[uint64]string), chars: make(map[string]*fakeChar),
		nextID: fakeFirstCharID}
	var err error
	if f.acct, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if f.game, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	f.wg.Go(func() { f.serve(f.acct, f.account) })
	f.wg.Go(func() { f.serve(f.game, f.gameConn) })
	t.Cleanup(func() {
		_ = f.acct.Close()
		_ = f.game.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			_ = c.nc.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
	return f
}

func (f *fake) serve(ln net.Listener, h func(*srvConn)) {
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		c := newSrvConn(nc)
		f.mu.Lock()
		f.conns = append(f.conns, c)
		f.mu.Unlock()
		f.wg.Go(func() {
			defer nc.Close()
			h(c)
		})
	}
}

// lastGame returns the newest game connection.
func (f *fake) lastGame() *srvConn {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.conns) - 1; i >= 0; i-- {
		if f.conns[i].nc.LocalAddr().String() == f.game.Addr().String() {
			return f.conns[i]
		}
	}
	return nil
}

func (f *fake) config(account string) Config {
	return Config{AccountAddr: f.acct.Addr().String(), Account: account, Password: "secret", Character: account + "X",
		Timeout: 5 * time.Second}
}

func (f *fake) account(c *srvConn) {
	var req msg.Account
	if err := c.recv(&req); err != nil {
		return
	}
	if f.rc5.DecryptPassword(req.Password) == fakeBadPassword {
		c.send(msg.RejectLogin(msg.RejectInvalidPassword))
		return
	}
	_, portText, _ := net.SplitHostPort(f.game.Addr().String())
	port, _ := strconv.Atoi(portText)
	f.mu.Lock()
	tok := uint64(len(f.tokens)+1)<<32 | uint64(0x1234+len(f.tokens))
	f.tokens[tok] = req.Account
	f.mu.Unlock()
	c.send(msg.AcceptLogin(tok, "127.0.0.1", uint32(port)))
	var bye msg.ConnectAccount
	_ = c.recv(&bye)
}

func (f *fake) gameConn(c *srvConn) {
	c.framer.SetStepwise(true)
	var con msg.Connect
	if err := c.recv(&con); err != nil {
		return
	}
	c.cipher.Rekey(con.Token)
	c.framer.SetStepwise(false)
	f.mu.Lock()
	acct, ok := f.tokens[con.Token]
	delete(f.tokens, con.Token)
	ch := f.chars[acct]
	f.mu.Unlock()
	if !ok {
		c.send(msg.SystemMessage(msg.ChannelLogin, "Login Invalid"))
		return
	}
	if ch == nil {
		f.create(c, acct, con.Token)
		return
	}
	f.mu.Lock()
	if f.items && ch.inv == nil {
		ch.inv = newFakeInv()
	}
	f.mu.Unlock()
	var silver, cps uint32
	if ch.inv != nil {
		silver, cps = ch.inv.silver, ch.inv.cps
	}
	c.send(msg.SystemMessage(msg.ChannelLogin, msg.AnswerOK))
	c.send(&msg.UserInfo{ID: ch.id, Mesh: 11003, Level: 1, Class: 10, ShowName: 1, Name: ch.name, Spouse: "None",
		Silver: silver, CPs: cps})
	c.send(msg.ServerTime(time.Now()))
	f.world(c, ch)
}

func (f *fake) create(c *srvConn, acct string, tok uint64) {
	c.send(msg.SystemMessage(msg.ChannelLogin, msg.NewRole))
	var reg msg.Register
	if err := c.recv(&reg); err != nil {
		return
	}
	if reg.Token != uint32(tok) || reg.Account != acct {
		c.send(msg.SystemMessage(msg.ChannelRegister, "Register Invalid"))
		return
	}
	f.mu.Lock()
	answer := f.registerMsg
	if answer == "" {
		f.chars[acct] = &fakeChar{id: f.nextID, name: reg.Name, m: fakeMap, x: fakeX, y: fakeY}
		f.nextID++
		answer = msg.AnswerOK
	}
	f.mu.Unlock()
	c.send(msg.SystemMessage(msg.ChannelRegister, answer))
	_, _ = io.Copy(io.Discard, c.nc) // keep the socket until the client leaves
}

// world answers the login chain and moves, until the client leaves.
func (f *fake) world(c *srvConn, ch *fakeChar) {
	page := 0 // the fake NPC's page the client sees; 0 for none
	for {
		b, err := c.framer.Next()
		if err != nil {
			return
		}
		if !f.itemPacket(c, ch, b) {
			return
		}
		switch _, t := wire.Header(b); t {
		case wire.TypeAction:
			var a msg.Action
			if c.codec.Decode(b, &a) != nil {
				return
			}
			f.action(c, ch, &a)
		case wire.TypeWalk:
			var w msg.Walk
			if c.codec.Decode(b, &w) != nil {
				return
			}
			f.mu.Lock()
			reject := f.rejectMoves
			f.mu.Unlock()
			if reject {
				c.send(&msg.Action{ID: ch.id, Data1: ch.m, Data2: msg.XY(ch.x, ch.y), Subtype: msg.ActionTeleport})
				continue
			}
			ch.x, ch.y = Step(ch.x, ch.y, w.Direction)
			c.send(&w)
		case wire.TypeTalk:
			var tk msg.Talk
			if c.codec.Decode(b, &tk) != nil {
				return
			}
			c.send(&tk)
		case wire.TypeNpc:
			var n msg.Npc
			if c.codec.Decode(b, &n) != nil {
				return
			}
			if n.Action == msg.NpcActivate && n.ID == fakeNpcID && ch.m == fakeMap {
				page = 1
				f.page(c, fakePage1Text, []string{"Tell me more", "Bye"}, nil, fakeFace)
			}
		case wire.TypeTaskDialog:
			var a msg.TaskDialog
			if c.codec.Decode(b, &a) != nil {
				return
			}
			page = f.answer(c, ch, page, &a)
		}
	}
}

// page sends one dialog page.
func (f *fake) page(c *srvConn, text string, options []string, input *msg.DialogInput, face uint16) {
	ps, err := msg.DialogPage(nil, text, options, input, face)
	if err != nil {
		panic(err) // a test bug
	}
	for i := range ps {
		c.send(&ps[i])
	}
}

// answer runs the fake NPC's dialog and returns the page now shown.
func (f *fake) answer(c *srvConn, ch *fakeChar, page int, a *msg.TaskDialog) int {
	if a.Action != msg.DialogAnswer || a.Option == msg.OptionClose {
		return 0
	}
	switch {
	case page == 1 && a.Option == 1, page == 3:
		f.page(c, fakePage2Text, []string{"Take me", "Stay"}, &msg.DialogInput{Prompt: "Code", MaxLen: 4, Option: 3}, 0)
		return 2
	case page == 2 && a.Option == 1:
		f.teleport(c, ch)
	case page == 2 && a.Option == 3:
		f.page(c, "You typed "+a.Text, []string{"Back"}, nil, 0)
		return 3
	}
	return 0
}

// teleport moves ch to fakeMap2 as coserver does: MsgAction 86, MsgMapInfo,
// then the spawns there.
func (f *fake) teleport(c *srvConn, ch *fakeChar) {
	ch.m, ch.x, ch.y = fakeMap2, fakeArrivalX, fakeArrivalY
	c.send(&msg.Action{ID: ch.id, Data1: fakeMap2, Data2: msg.XY(ch.x, ch.y), Subtype: msg.ActionTeleport})
	c.send(&msg.MapInfo{UID: fakeMap2, MapID: fakeMap2})
	c.send(&msg.NpcInfo{ID: fakeNpc2ID, X: fakeArrivalX + 1, Y: fakeArrivalY + 1, Look: 7310, Kind: 2, Name: "Porter"})
}

func (f *fake) action(c *srvConn, ch *fakeChar, a *msg.Action) {
	switch a.Subtype {
	case msg.ActionSendItems:
		if ch.inv != nil {
			ch.inv.sendAll(c)
		}
		c.send(a)
	case msg.ActionSendLocation:
		c.send(&msg.Action{ID: ch.id, Data1: ch.m, Data2: msg.XY(ch.x, ch.y), Subtype: msg.ActionSendLocation})
		c.send(&msg.MapInfo{UID: ch.m, MapID: ch.m})
		f.mu.Lock()
		spawn, flood, npcs := f.spawn, f.flood, f.npcs
		f.mu.Unlock()
		if spawn != nil {
			c.send(spawn)
		}
		if npcs && ch.m == fakeMap {
			c.send(&msg.NpcInfo{ID: fakeNpcID, X: fakeNpcX, Y: fakeNpcY, Look: fakeNpcLook, Kind: 2})
		}
		for i := range flood {
			c.send(&msg.Walk{ID: fakeOtherEntityID, Direction: uint8(i % 8)})
		}
	case msg.ActionJump:
		x, y := msg.UnpackXY(a.Data1)
		f.mu.Lock()
		reject := f.rejectMoves
		f.mu.Unlock()
		if reject || a.Data2 != msg.XY(ch.x, ch.y) {
			c.send(&msg.Action{ID: ch.id, Data1: ch.m, Data2: msg.XY(ch.x, ch.y), Subtype: msg.ActionTeleport})
			return
		}
		ch.x, ch.y = x, y
		c.send(a)
	case msg.ActionPortal:
		f.mu.Lock()
		npcs := f.npcs
		f.mu.Unlock()
		if npcs && a.ID == ch.id && ch.m == fakeMap && a.Data1 == msg.XY(fakePortalX, fakePortalY) {
			f.teleport(c, ch)
			return
		}
		c.send(&msg.Action{ID: ch.id, Data1: ch.m, Data2: msg.XY(ch.x, ch.y), Subtype: msg.ActionTeleport})
	default:
		c.send(a)
	}
}

// errIs reports whether err matches target, for table tests.
func errIs(err, target error) bool { return errors.Is(err, target) }
