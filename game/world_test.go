package game

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// fakeConn records what the world sends a player.
type fakeConn struct {
	mu    sync.Mutex
	codec wire.Codec
	pkts  [][]byte
	later []bool // per packet of pkts: sent with SendRawLater
}

func (f *fakeConn) Send(p wire.Packet) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.codec.Encode(nil, p)
	if err != nil {
		panic(err)
	}
	f.pkts = append(f.pkts, b)
	f.later = append(f.later, false)
	return true
}

func (f *fakeConn) SendRaw(b []byte) bool { return f.sendRaw(b, false) }

func (f *fakeConn) SendRawLater(b []byte) bool { return f.sendRaw(b, true) }

func (f *fakeConn) sendRaw(b []byte, later bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pkts = append(f.pkts, append([]byte(nil), b...))
	f.later = append(f.later, later)
	return true
}

// take returns and forgets what was sent, decoded.
func (f *fakeConn) take() []wire.Packet {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []wire.Packet
	for _, b := range f.pkts {
		_, t := wire.Header(b)
		p := msg.New(t)
		if err := f.codec.Decode(b, p); err != nil {
			panic(err)
		}
		out = append(out, p)
	}
	f.pkts, f.later = nil, nil
	return out
}

func newTestWorld(t testing.TB, floors map[uint32]*mapdata.Floor) *World {
	t.Helper()
	return newTestWorldWith(t, floors, Config{})
}

// newTestWorldWith is newTestWorld with cfg's settings (its RemoveAction
// and MaxPlayers are set here).
func newTestWorldWith(t testing.TB, floors map[uint32]*mapdata.Floor, cfg Config) *World {
	t.Helper()
	m, err := newMetrics(prometheus.NewRegistry(), func() float64 { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	cfg.RemoveAction, cfg.MaxPlayers = msg.ActionLeaveMap, 100000
	w, err := newWorld(cfg, floors, m, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	w.run(ctx, &wg)
	t.Cleanup(func() { cancel(); wg.Wait() })
	return w
}

var nextID uint32 = 1_000_000

func addPlayer(t testing.TB, m *Map, x, y uint16) (*Player, *fakeConn) {
	t.Helper()
	nextID++
	fc := &fakeConn{}
	p := newPlayer(store.Character{ID: nextID, Name: "p" + time.Now().Format("150405.000000"), MapID: m.id, X: x, Y: y}, false, fc, nil)
	m.call(func(m *Map) { m.enter(p) })
	return p, fc
}

// sync waits until m has run everything queued before.
func sync_(m *Map) { m.call(func(*Map) {}) }

func spawnsOf(pkts []wire.Packet) map[uint32]bool {
	out := map[uint32]bool{}
	for _, p := range pkts {
		if sp, ok := p.(*msg.Player); ok {
			out[sp.ID] = true
		}
	}
	return out
}

func removalsOf(pkts []wire.Packet) map[uint32]bool {
	out := map[uint32]bool{}
	for _, p := range pkts {
		if a, ok := p.(*msg.Action); ok && a.Subtype == msg.ActionLeaveMap {
			out[a.ID] = true
		}
	}
	return out
}

func pulledBack(pkts []wire.Packet) (x, y uint16, ok bool) {
	for _, p := range pkts {
		if a, isAction := p.(*msg.Action); isAction && a.Subtype == msg.ActionTeleport {
			x, y = msg.UnpackXY(a.Data2)
			return x, y, true
		}
	}
	return 0, 0, false
}

func TestScreensSpawnMoveAndRemove(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	a, ca := addPlayer(t, m, 100, 100)
	b, cb := addPlayer(t, m, 110, 100)
	if !spawnsOf(ca.take())[b.id] || !spawnsOf(cb.take())[a.id] {
		t.Fatal("players in view did not get each other's spawn")
	}
	now := time.Now()
	// b walks east (direction 6) until it is out of a's view.
	for i := range 9 {
		now = now.Add(200 * time.Millisecond)
		m.do(func(m *Map) { m.walk(b, 6, msg.WalkModeRun, now) })
		sync_(m)
		got := ca.take()
		if b.x != uint16(111+i) {
			t.Fatalf("step %d: b at %d", i, b.x)
		}
		if b.x-a.x <= ViewRange {
			if len(got) != 1 || got[0].(*msg.Walk).ID != b.id {
				t.Fatalf("step %d: observer got %v, want b's MsgWalk", i, got)
			}
		} else if !removalsOf(got)[b.id] {
			t.Fatalf("step %d: b left the view without a removal: %v", i, got)
		}
	}
	if !removalsOf(cb.take())[a.id] {
		t.Fatal("b was not told a left its view")
	}
	// b comes back one step: both spawn again.
	now = now.Add(200 * time.Millisecond)
	m.do(func(m *Map) { m.walk(b, 2, msg.WalkModeWalk, now) })
	sync_(m)
	if !spawnsOf(ca.take())[b.id] || !spawnsOf(cb.take())[a.id] {
		t.Fatal("re-entering the view did not spawn both ways")
	}
}

func TestLeaveRemovesFromEveryScreen(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	a, _ := addPlayer(t, m, 100, 100)
	var others []*fakeConn
	for i := range 5 {
		_, c := addPlayer(t, m, uint16(95+i*2), 105)
		others = append(others, c)
	}
	for _, c := range others {
		c.take()
	}
	m.call(func(m *Map) { m.leave(a) })
	for i, c := range others {
		if !removalsOf(c.take())[a.id] {
			t.Fatalf("observer %d still sees the player who left", i)
		}
	}
	m.call(func(m *Map) {
		for _, p := range m.players {
			if find(p, a) >= 0 {
				t.Errorf("player %d still has the leaver on its screen", p.id)
			}
		}
	})
}

func TestBlockedStepSnapsBack(t *testing.T) {
	wall := mapdata.Build(200, 200, func(x, y int) bool { return x == 101 })
	w := newTestWorld(t, map[uint32]*mapdata.Floor{StartMap: wall})
	m := w.maps[StartMap]
	a, ca := addPlayer(t, m, 100, 100)
	ca.take()
	m.do(func(m *Map) { m.walk(a, 6, msg.WalkModeWalk, time.Now()) })
	sync_(m)
	x, y, ok := pulledBack(ca.take())
	if !ok || x != 100 || y != 100 || a.x != 100 {
		t.Fatalf("walk into a wall: pulled back %v to (%d,%d), player at %d", ok, x, y, a.x)
	}
}

func TestSpeedHackSnapsBack(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	a, ca := addPlayer(t, m, 100, 100)
	ca.take()
	now := time.Now()
	for range 30 {
		m.do(func(m *Map) { m.walk(a, 0, msg.WalkModeRun, now) }) // 30 steps in the same instant
	}
	sync_(m)
	walked, snapped := 0, 0
	for _, p := range ca.take() {
		switch v := p.(type) {
		case *msg.Walk:
			walked++
		case *msg.Action:
			if v.Subtype == msg.ActionTeleport {
				snapped++
			}
		}
	}
	if walked != MaxStepBurst || snapped != 30-MaxStepBurst {
		t.Fatalf("%d steps taken, %d snapped back; want %d and %d", walked, snapped, MaxStepBurst, 30-MaxStepBurst)
	}
	if a.y != 100+MaxStepBurst {
		t.Fatalf("player at y=%d, want %d", a.y, 100+MaxStepBurst)
	}
}

func TestJumpChecks(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	a, ca := addPlayer(t, m, 100, 100)
	_, cb := addPlayer(t, m, 105, 105)
	ca.take()
	cb.take()
	now := time.Now()
	jump := func(x, y, fx, fy uint16, at time.Time) []wire.Packet {
		m.do(func(m *Map) { m.jump(a, x, y, fx, fy, 0, at) })
		sync_(m)
		return ca.take()
	}
	if _, _, ok := pulledBack(jump(110, 110, 99, 99, now)); !ok {
		t.Fatal("jump from a position the server does not have was accepted")
	}
	if _, _, ok := pulledBack(jump(119, 100, 100, 100, now)); !ok {
		t.Fatal("jump of 19 tiles was accepted")
	}
	if _, _, ok := pulledBack(jump(118, 90, 100, 100, now)); ok || a.x != 118 || a.y != 90 {
		t.Fatalf("a valid jump was refused; player at (%d,%d)", a.x, a.y)
	}
	var seen bool
	for _, p := range cb.take() {
		if act, ok := p.(*msg.Action); ok && act.Subtype == msg.ActionJump && act.ID == a.id {
			seen = true
		}
	}
	if !seen {
		t.Fatal("the observer did not see the jump")
	}
	// The network bunches jumps: a second one 100 ms later passes (JumpBurst),
	// a third one does not.
	if _, _, ok := pulledBack(jump(110, 95, 118, 90, now.Add(100*time.Millisecond))); ok {
		t.Fatal("a second jump 100 ms after the first was refused")
	}
	if _, _, ok := pulledBack(jump(112, 95, 110, 95, now.Add(200*time.Millisecond))); !ok {
		t.Fatal("a third jump within 200 ms was accepted")
	}
}

func TestTeleportBetweenMaps(t *testing.T) {
	w := newTestWorld(t, nil)
	start, city := w.maps[StartMap], w.maps[builtinTwinCityID]
	a, ca := addPlayer(t, start, 100, 100)
	_, cb := addPlayer(t, start, 101, 101)
	c, cc := addPlayer(t, city, 300, 300)
	ca.take()
	cb.take()
	cc.take()
	start.do(func(m *Map) { m.teleport(a, city, 301, 301) })
	sync_(start)
	sync_(city)
	if !removalsOf(cb.take())[a.id] {
		t.Fatal("the old map's observer still sees the teleported player")
	}
	if !spawnsOf(cc.take())[a.id] {
		t.Fatal("the new map's observer did not get the spawn")
	}
	got := ca.take()
	if _, _, ok := pulledBack(got); !ok || !spawnsOf(got)[c.id] {
		t.Fatalf("the teleported player got %v", got)
	}
	if a.at.Load() != city {
		t.Fatal("player's map not updated")
	}
}

// TestGridMatchesBruteForce checks the spatial index (near, and around with
// its distances) against a scan of every player, after random moves.
func TestGridMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	g := newGrid[*Player](300, 200)
	var all []*Player
	for i := range 400 {
		p := &Player{id: uint32(i), place: place{x: uint16(rng.IntN(300)), y: uint16(rng.IntN(200))}}
		g.add(p)
		all = append(all, p)
	}
	for round := range 50 {
		for _, p := range all {
			p.x, p.y = uint16(rng.IntN(300)), uint16(rng.IntN(200))
			g.moved(p)
		}
		if round%10 == 0 {
			g.remove(all[0])
			g.add(all[0])
		}
		for _, q := range all[:20] {
			want := map[uint32]bool{}
			for _, o := range all {
				if inView(int(q.x), int(q.y), int(o.x), int(o.y)) {
					want[o.id] = true
				}
			}
			got := map[uint32]bool{}
			g.near(int(q.x), int(q.y), func(o *Player) { got[o.id] = true })
			if len(got) != len(want) {
				t.Fatalf("round %d: near(%d,%d) found %d, brute force %d", round, q.x, q.y, len(got), len(want))
			}
			for id := range want {
				if !got[id] {
					t.Fatalf("round %d: near missed %d", round, id)
				}
			}
			r := rng.IntN(ViewRange + 1)
			n := 0
			g.around(int(q.x), int(q.y), r, 0, func(o *Player, d int) { // nothing is marked
				if want := distance(q.x, q.y, o.x, o.y); d != want || d > r {
					t.Fatalf("round %d: around(%d,%d,%d) gave %d at %d, it is at %d", round, q.x, q.y, r, o.id, d, want)
				}
				n++
			})
			for _, o := range all {
				if distance(q.x, q.y, o.x, o.y) <= r {
					n--
				}
			}
			if n != 0 {
				t.Fatalf("round %d: around(%d,%d,%d) found %+d players against brute force", round, q.x, q.y, r, n)
			}
		}
	}
}

func TestNameRules(t *testing.T) {
	ok := []string{"Hero", "abc", "Knight_01", "x~y!z", "AbcdefghijklmnO"}
	bad := []string{"ab", "abcdefghijklmnop", "has space", "semi;colon", "None", "system", "ALLUSERS",
		"TheGM", "pmBoss", "MyNPC", "tab\tname", "ünï",
		// Reserved words in any case (Faith's check is case-sensitive).
		"Admin", "Gm_hero", "NpC1", "xPm", "SyStemX", "theADMIN"}
	for _, n := range ok {
		if p := nameProblem(n); p != "" {
			t.Errorf("%q refused: %s", n, p)
		}
	}
	for _, n := range bad {
		if nameProblem(n) == "" {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestNewCharacter(t *testing.T) {
	c := newCharacter(1, "Hero", 1003, 10)
	if c.HP != 318 || c.MP != 0 || c.MapID != StartMap || c.X != StartX || c.Y != StartY || c.Silver != 1000 {
		t.Fatalf("trojan: %+v", c)
	}
	tao := newCharacter(1, "Sage", 2001, classTaoist)
	if tao.HP != 342 || tao.MP != 50 || tao.Avatar < 201 || tao.Avatar > 248 {
		t.Fatalf("taoist: %+v", tao)
	}
}

// laterFlags takes what was sent to f and says, per packet, whether it was
// sent for later.
func (f *fakeConn) laterFlags() []bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.later
	f.pkts, f.later = nil, nil
	return out
}

// What a player does or suffers is sent at once; what it only watches is
// sent for later (Sender.SendRawLater): a step, local chat, a hit between
// two others.
func TestNewsOfOthersIsSentForLater(t *testing.T) {
	w := newTestWorld(t, nil)
	m := w.maps[StartMap]
	a, ca := addPlayer(t, m, 100, 100)
	b, cb := addPlayer(t, m, 105, 100)
	c, cc := addPlayer(t, m, 100, 105)
	for _, f := range []*fakeConn{ca, cb, cc} {
		f.take()
	}
	m.do(func(m *Map) { m.walk(b, 6, msg.WalkModeRun, time.Now()) })
	sync_(m)
	if got := cb.laterFlags(); len(got) != 1 || got[0] {
		t.Fatalf("mover's echo: later flags %v, want one packet sent at once", got)
	}
	for name, f := range map[string]*fakeConn{"a": ca, "c": cc} {
		if got := f.laterFlags(); len(got) != 1 || !got[0] {
			t.Fatalf("watcher %s: later flags %v, want the step sent for later", name, got)
		}
	}
	m.do(func(m *Map) { m.showHit(a.id, b.id, b.x, b.y, msg.InteractAttack, 7) })
	sync_(m)
	for name, f := range map[string]*fakeConn{"attacker": ca, "target": cb} {
		if got := f.laterFlags(); len(got) != 1 || got[0] {
			t.Fatalf("%s of a hit: later flags %v, want it at once", name, got)
		}
	}
	if got := cc.laterFlags(); len(got) != 1 || !got[0] {
		t.Fatalf("onlooker of a hit: later flags %v, want it for later", got)
	}
	m.do(func(m *Map) {
		m.talk(c, &msg.Talk{Channel: msg.ChannelTalk, Sender: c.name, Recipient: "ALLUSERS", Message: "hi"})
	})
	sync_(m)
	for name, f := range map[string]*fakeConn{"a": ca, "b": cb} {
		if got := f.laterFlags(); len(got) != 1 || !got[0] {
			t.Fatalf("listener %s of local chat: later flags %v, want it for later", name, got)
		}
	}
}

// A step allocates nothing on its way once the world is warm: the
// handler's decode, the typed command to the map (no closure), the walk,
// its echo.
func TestWalkAllocatesNothing(t *testing.T) {
	var clock atomic.Int64 // game time past start, in ns
	start := time.Now()
	s, db, _ := itemServerWith(t, filepath.Join(t.TempDir(), "walk.db"),
		Config{Now: func() time.Time { return start.Add(time.Duration(clock.Load())) }})
	sess, _ := placeNew(t, s, db, store.Character{Name: "walker", Body: 1003, Class: 10, Level: 1,
		Vitality: 10, HP: 10, MapID: twinCity, X: traderX + 5, Y: traderY + 5})
	p := sess.player
	cc := &countConn{}
	m := p.at.Load()
	m.call(func(*Map) { p.conn = cc }) // no other packet is on its way to p
	var codec wire.Codec
	steps := [2][]byte{}
	for i, dir := range []uint8{6, 2} { // east, then back west
		b, err := codec.Encode(nil, &msg.Walk{ID: p.id, Direction: dir})
		if err != nil {
			t.Fatal(err)
		}
		steps[i] = b
	}
	done := make(chan struct{})
	synced := func(*Map) { done <- struct{}{} }
	i := 0
	walk := func() {
		clock.Add(int64(time.Second))
		if err := sess.handleWalk(steps[i%2]); err != nil {
			t.Fatal(err)
		}
		i++
		m.do(synced)
		<-done
	}
	walk()
	walk() // warm: the screen and the things seen are settled
	if n := testing.AllocsPerRun(100, walk); n != 0 {
		t.Fatalf("%v allocations per step, want 0", n)
	}
	if cc.packets.Load() == 0 {
		t.Fatal("no echo was sent")
	}
}
