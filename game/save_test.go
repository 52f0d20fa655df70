package game

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
)

// waitTimeout bounds how long a test waits for something that should happen
// at once; reaching it is a failure (a hang), not a timing assertion.
const waitTimeout = 10 * time.Second

// fakeStore keeps characters in memory. Like a database, it refuses to
// work under a context that is already done.
type fakeStore struct {
	mu    sync.Mutex
	chars map[uint32]store.Character
	saves int
	hold  chan struct{} // when set, SaveCharacters signals entered and waits for release
	enter chan struct{}
}

func newFakeStore() *fakeStore { return &fakeStore{chars: make(map[uint32]store.Character)} }

func (f *fakeStore) AccountByID(context.Context, int64) (store.Account, error) {
	return store.Account{}, store.ErrNotFound
}

func (f *fakeStore) CharacterByAccount(context.Context, int64) (store.Character, error) {
	return store.Character{}, store.ErrNotFound
}

func (f *fakeStore) CreateCharacter(_ context.Context, c store.Character) (store.Character, error) {
	return c, nil
}

func (f *fakeStore) SaveCharacters(ctx context.Context, cs ...store.Character) error {
	if f.hold != nil {
		f.enter <- struct{}{}
		<-f.hold
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves++
	for _, c := range cs {
		f.chars[c.ID] = c
	}
	return nil
}

func (f *fakeStore) get(id uint32) (store.Character, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.chars[id]
	return c, ok
}

type noTokens struct{}

func (noTokens) ConsumeToken(context.Context, uint64, netip.Addr, time.Time) (int64, error) {
	return 0, store.ErrNotFound
}

// newTestServer returns a game server over st whose maps run until the
// returned stop is called (stop waits for them).
func newTestServer(t testing.TB, st Store, cfg Config) (*Server, func()) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	if cfg.SaveInterval == 0 {
		cfg.SaveInterval = time.Hour
	}
	s, err := New(cfg, st, noTokens{}, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return s, stop
}

// placedSession returns the session of a player placed on the start map at
// (x, y), as after the login chain.
func placedSession(t *testing.T, s *Server, id uint32, x, y uint16) *session {
	t.Helper()
	fc := &fakeConn{}
	p := newPlayer(store.Character{ID: id, Name: "c" + string(rune('a'+id%26)), MapID: StartMap, X: x, Y: y}, false, fc, nil)
	sess := &session{srv: s, conn: &server.Conn{Log: slog.New(slog.DiscardHandler)}, done: make(chan struct{}),
		player: p, placed: true, state: stateWorld}
	m := s.world.maps[StartMap]
	p.at.Store(m)
	m.call(func(m *Map) { m.enter(p) })
	return sess
}

// within fails the test when f does not return within waitTimeout: the
// shutdown paths below used to hang forever.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatalf("%s did not return (hang)", what)
	}
}

// TestCallAfterMapsStopped: once Run's context ended, SaveAll and a session's
// logout still reach the maps (inline) and save, instead of waiting on map
// goroutines that are gone.
func TestCallAfterMapsStopped(t *testing.T) {
	st := newFakeStore()
	s, stop := newTestServer(t, st, Config{})
	a := placedSession(t, s, 1_000_001, 100, 100)
	b := placedSession(t, s, 1_000_002, 105, 100)
	m := s.world.maps[StartMap]
	m.do(func(m *Map) { a.player.x = 101 }) // queued before the stop: must still run
	stop()

	within(t, "SaveAll after the maps stopped", func() {
		if err := s.SaveAll(context.Background(), "shutdown"); err != nil {
			t.Error(err)
		}
	})
	if c, ok := st.get(a.player.id); !ok || c.X != 101 {
		t.Fatalf("a saved as %+v (%v), want x 101", c, ok)
	}
	m.call(func(m *Map) { b.player.x = 107 })
	within(t, "session.Close after the maps stopped", func() { b.Close(server.ReasonShutdown) })
	if c, ok := st.get(b.player.id); !ok || c.X != 107 {
		t.Fatalf("b saved on its late logout as %+v (%v), want x 107", c, ok)
	}
	within(t, "do after the maps stopped", func() { m.do(func(*Map) {}) })
	var onMap bool
	m.call(func(m *Map) { _, onMap = m.players[b.player.id] })
	if onMap {
		t.Fatal("b still on the map after Close")
	}
}

// TestStopWakesBlockedSender: a sender blocked on a full queue when the map
// stops runs its command inline instead of blocking forever.
func TestStopWakesBlockedSender(t *testing.T) {
	w := newWorldOnly(t)
	m := w.maps[StartMap]
	ctx, cancel := context.WithCancel(context.Background())
	block := make(chan struct{})
	running := make(chan struct{})
	stopped := make(chan struct{})
	go func() { m.run(ctx); close(stopped) }()
	m.do(func(*Map) { close(running); <-block })
	<-running
	for range mapQueue {
		m.do(func(*Map) {})
	}
	ran := make(chan struct{})
	go m.do(func(*Map) { close(ran) }) // the queue is full: this one blocks
	cancel()
	close(block)
	within(t, "the blocked sender", func() { <-ran })
	<-stopped
}

// newWorldOnly returns a world whose maps do not run.
func newWorldOnly(t *testing.T) *World {
	t.Helper()
	m, err := newMetrics(prometheus.NewRegistry(), func() float64 { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorld(Config{MaxPlayers: 10}, nil, m, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestShutdownSaveWithExpiredContext: the shutdown hook may get a context the
// account server's shutdown already used up; the game still saves everyone.
func TestShutdownSaveWithExpiredContext(t *testing.T) {
	st := newFakeStore()
	s, _ := newTestServer(t, st, Config{})
	var ids []uint32
	for i := range 5 {
		ids = append(ids, placedSession(t, s, uint32(1_000_010+i), uint16(100+i), 100).player.id)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	if err := s.SaveAll(ctx, "shutdown"); err != nil {
		t.Fatalf("SaveAll with an expired context: %v", err)
	}
	for _, id := range ids {
		if _, ok := st.get(id); !ok {
			t.Errorf("character %d not saved", id)
		}
	}
}

// TestStaleSnapshotNeverOverwrites: a periodic snapshot taken before a
// logout but reaching the store after the logout's save is left out.
func TestStaleSnapshotNeverOverwrites(t *testing.T) {
	st := newFakeStore()
	s, _ := newTestServer(t, st, Config{})
	a := placedSession(t, s, 1_000_020, 100, 100)
	m := s.world.maps[StartMap]

	// The periodic save takes its snapshot (x 100) and is held at the store.
	st.enter, st.hold = make(chan struct{}), make(chan struct{})
	periodic := make(chan error, 1)
	go func() { periodic <- s.SaveAll(context.Background(), "periodic") }()
	<-st.enter
	// Meanwhile the player moves on and logs out: its save waits behind the
	// periodic one, which is let through first but now cannot win.
	m.call(func(m *Map) { a.player.x = 140 })
	closed := make(chan struct{})
	go func() { a.Close(server.ReasonShutdown); close(closed) }()
	close(st.hold)
	<-st.enter // the logout's or the periodic's write, in either order
	if err := <-periodic; err != nil {
		t.Fatal(err)
	}
	<-closed
	if c, _ := st.get(a.player.id); c.X != 140 {
		t.Fatalf("stored x %d, want the logout's 140", c.X)
	}
	if n := len(s.saver.newest); n != 0 {
		t.Fatalf("saver remembers %d characters with no save in flight", n)
	}
}

// TestSaverOrder drives the saver directly: whatever order two snapshots of
// a character are written in, the newer one stays.
func TestSaverOrder(t *testing.T) {
	st := newFakeStore()
	sv := newSaver(st)
	p := newPlayer(store.Character{ID: 7, Name: "x"}, false, &fakeConn{}, nil)
	ticket := sv.begin()
	old := sv.take(p)
	p.x = 50
	newer := sv.take(p)
	ctx := context.Background()
	if n, err := sv.save(ctx, []snap{newer}); err != nil || n != 1 {
		t.Fatalf("newer: %d, %v", n, err)
	}
	if n, err := sv.save(ctx, []snap{old}); err != nil || n != 0 {
		t.Fatalf("stale snapshot written: %d, %v", n, err)
	}
	sv.end(ticket)
	if c, _ := st.get(7); c.X != 50 {
		t.Fatalf("stored x %d, want 50", c.X)
	}
	if len(sv.newest) != 0 || len(sv.inflight) != 0 {
		t.Fatalf("saver state left: %v %v", sv.newest, sv.inflight)
	}
}

// TestRunStopsWithTinySaveInterval: with a save on every tick, cancelling
// Run's context while a save is under way still returns (the save used to
// wait forever on a map goroutine that had stopped).
func TestRunStopsWithTinySaveInterval(t *testing.T) {
	for range 20 {
		st := newFakeStore()
		s, err := New(Config{SaveInterval: time.Nanosecond, Logger: slog.New(slog.DiscardHandler)}, st, noTokens{},
			prometheus.NewRegistry())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		placedSession(t, s, 1_000_030, 100, 100)
		cancel()
		within(t, "Run after its context ended", func() { <-done })
		within(t, "SaveAll after Run", func() {
			if err := s.SaveAll(context.Background(), "shutdown"); err != nil {
				t.Error(err)
			}
		})
	}
}

// The periodic save's parts (SaveSlices) together save every character
// once: each part the characters whose id falls to it, and no other.
func TestPeriodicSaveSlices(t *testing.T) {
	st := newFakeStore()
	s, _ := newTestServer(t, st, Config{})
	const n = 3*SaveSlices + 4
	for id := uint32(1); id <= n; id++ {
		placedSession(t, s, id, 300+uint16(id), 300)
	}
	saved := 0
	for slice := range SaveSlices {
		k, err := s.save(context.Background(), "periodic", slice, SaveSlices)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for id := 1; id <= n; id++ {
			if id%SaveSlices == slice {
				want++
				if _, ok := st.get(uint32(id)); !ok {
					t.Fatalf("part %d did not save character %d", slice, id)
				}
			}
		}
		if k != want {
			t.Fatalf("part %d saved %d characters, want %d", slice, k, want)
		}
		saved += k
	}
	if saved != n {
		t.Fatalf("the parts saved %d characters in all, want %d", saved, n)
	}
}
