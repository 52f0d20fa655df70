package e2e

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store/backend"
)

// TestShutdownUnderLoginLoad: a player walks while a crowd of logins waits
// for production-cost password hashes (one at a time); a graceful shutdown
// with a short budget must end the waiting logins at once and still save the
// player's last position (issue 10: the account server used to spend the
// whole budget on its hash queue, and the game save then failed).
func TestShutdownUnderLoginLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("computes production password hashes")
	}
	const (
		waiting = 100             // logins queued behind the one hash slot
		budget  = 5 * time.Second // the shutdown's deadline
	)
	db := newDB(t)
	srv := startServerOpts(t, db, "", func(c *config.Config) {
		c.Game.SaveInterval = time.Hour // only the shutdown save can store the last steps
		c.Account.MaxConcurrentHashes = 1
		c.Account.HashQueue = 1000
	}, func(o *app.Options) { o.HashParams = password.DefaultParams })
	cfg := srv.clientConfig("shut", 0)
	player := login(t, cfg)
	for range 3 {
		if err := player.Walk(0, msg.WalkModeWalk); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the step is confirmed", func() bool { return player.Pending() == 0 })
	}
	last := player.Position()

	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	for i := range waiting {
		c := srv.clientConfig("queued", i+1)
		wg.Go(func() { _, _ = client.Authenticate(ctx, c) })
	}
	// Wait until the crowd is queued: the hash slot is busy.
	eventually(t, "logins queued for a hash", func() bool { return srv.app.LoginsWaiting() > 10 })

	start := time.Now()
	sctx, scancel := context.WithTimeout(context.Background(), budget)
	defer scancel()
	if err := srv.app.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown under login load: %v", err)
	}
	took := time.Since(start)
	srv.app = nil
	cancel()
	wg.Wait()
	if took > budget {
		t.Fatalf("shutdown took %v, budget %v", took, budget)
	}

	st, err := backend.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ch, err := st.CharacterByName(t.Context(), cfg.Character)
	if err != nil {
		t.Fatal(err)
	}
	if got := (client.Position{Map: ch.MapID, X: ch.X, Y: ch.Y}); got != last {
		t.Fatalf("saved at %+v, the player last stood at %+v", got, last)
	}
	t.Logf("shutdown with %d logins started took %v", waiting, took.Round(time.Millisecond))
}
