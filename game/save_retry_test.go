package game

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
)

// errConnLost stands for a database connection lost mid-save.
var errConnLost = errors.New("connection lost")

// flakyStore is a fakeStore whose next fail saves fail with errConnLost.
type flakyStore struct {
	*fakeStore
	mu   sync.Mutex
	fail int
}

func (f *flakyStore) SaveCharacters(ctx context.Context, cs ...store.Character) error {
	f.mu.Lock()
	failing := f.fail > 0
	if failing {
		f.fail--
	}
	f.mu.Unlock()
	if failing {
		return errConnLost
	}
	return f.fakeStore.SaveCharacters(ctx, cs...)
}

// TestLogoutSaveFailureRetried: a logout whose save fails (the database
// away) is not lost: the next save writes it, and a stale snapshot never
// replaces it.
func TestLogoutSaveFailureRetried(t *testing.T) {
	st := &flakyStore{fakeStore: newFakeStore(), fail: 2}
	s, _ := newTestServer(t, st, Config{})
	a := placedSession(t, s, 1_000_030, 100, 100)
	m := s.world.maps[StartMap]
	m.call(func(m *Map) { a.player.x = 120 })
	a.Close(server.ReasonShutdown) // the logout save fails
	if _, ok := st.get(a.player.id); ok {
		t.Fatal("the failing store stored the character")
	}
	if err := s.SaveAll(context.Background(), "periodic"); !errors.Is(err, errConnLost) {
		t.Fatalf("second save: %v, want the store's error", err)
	}
	if err := s.SaveAll(context.Background(), "periodic"); err != nil {
		t.Fatal(err)
	}
	if c, ok := st.get(a.player.id); !ok || c.X != 120 {
		t.Fatalf("after the database came back: stored %+v, %v; want x 120", c, ok)
	}
	if n := len(s.saver.failed); n != 0 {
		t.Fatalf("%d failed snapshots kept after they were saved", n)
	}
}

// TestFailedSnapshotSuperseded: a failed snapshot is dropped once a newer
// snapshot of the same character commits, and never written after it.
func TestFailedSnapshotSuperseded(t *testing.T) {
	st := &flakyStore{fakeStore: newFakeStore(), fail: 1}
	sv := newSaver(st)
	p := newPlayer(store.Character{ID: 9, Name: "x"}, false, &fakeConn{}, nil)
	ctx := context.Background()
	old := sv.take(p)
	if _, err := sv.save(ctx, []snap{old}); err == nil {
		t.Fatal("the first save did not fail")
	}
	p.x = 70
	if n, err := sv.save(ctx, []snap{sv.take(p)}); err != nil || n != 1 {
		t.Fatalf("newer save: %d, %v", n, err)
	}
	if n, err := sv.save(ctx, nil); err != nil || n != 0 {
		t.Fatalf("a later save wrote %d (%v): the stale failed snapshot came back", n, err)
	}
	if c, _ := st.get(9); c.X != 70 {
		t.Fatalf("stored x %d, want 70", c.X)
	}
}
