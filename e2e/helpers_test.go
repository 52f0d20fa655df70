package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store/storetest"
)

// Test settings.
const (
	// loopback is the only address the tests listen on or advertise.
	loopback = "127.0.0.1"
	// maxConnsPerIP lifts the per-IP cap: every test client comes from
	// 127.0.0.1.
	maxConnsPerIP = 1000
	// waitTimeout bounds every wait for the server.
	waitTimeout = 10 * time.Second
	// shutdownTimeout bounds app.Shutdown.
	shutdownTimeout = 10 * time.Second
	// testPassword is every test account's password.
	testPassword = "e2e-pass"
	// logEnv set to 1 sends the servers' logs to stderr.
	logEnv = "COSERVER_E2E_LOG"
)

// testServer is a coserver process started in the test, account and game
// server in one, as `coserver serve` runs them.
type testServer struct {
	t   *testing.T
	cfg config.Config
	app *app.App
}

// startServer starts account and game server on loopback, on the SQLite
// file db; accountAddr "" picks a free port.
func startServer(t *testing.T, db, accountAddr string) *testServer {
	t.Helper()
	return startServerWith(t, db, accountAddr, nil)
}

// startServerWith is startServer with the configuration adjusted by tune
// (nil for none) before the start.
func startServerWith(t *testing.T, db, accountAddr string, tune func(*config.Config)) *testServer {
	t.Helper()
	return startServerClock(t, db, accountAddr, tune, nil)
}

// startServerClock is startServerWith with the game server's clock set to
// clk (nil for the real one).
func startServerClock(t *testing.T, db, accountAddr string, tune func(*config.Config), clk *testClock) *testServer {
	t.Helper()
	return startServerOpts(t, db, accountAddr, tune, func(o *app.Options) {
		if clk != nil {
			o.Now = clk.Now
		}
	})
}

// startServerOpts is startServerWith with the process options adjusted by
// tuneOpts (nil for none).
func startServerOpts(t *testing.T, db, accountAddr string, tune func(*config.Config), tuneOpts func(*app.Options)) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.General.DB = db
	cfg.General.AdminAddr = ""
	cfg.Account.AccountAddr = loopback + ":0"
	if accountAddr != "" {
		cfg.Account.AccountAddr = accountAddr
	}
	cfg.Account.GameHost = loopback // loopback only, never another address
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = loopback + ":0"
	cfg.Limits.MaxConnsPerIP = maxConnsPerIP
	if tune != nil {
		tune(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	opts := app.Options{HashParams: password.TestParams, Logger: testLogger()}
	if tuneOpts != nil {
		tuneOpts(&opts)
	}
	a, err := app.Start(t.Context(), cfg, opts)
	if err != nil {
		t.Fatalf("app.Start: %v", err)
	}
	s := &testServer{t: t, cfg: cfg, app: a}
	t.Cleanup(s.stop)
	return s
}

// envE2EPostgres, set to 1, runs the end-to-end tests on PostgreSQL (a
// schema per test in the database of COSERVER_TEST_POSTGRES) instead of
// SQLite files.
const envE2EPostgres = "COSERVER_E2E_POSTGRES"

// newDB returns the -db setting of a fresh database for the test: a file
// path, or with COSERVER_E2E_POSTGRES=1 a PostgreSQL schema of its own.
func newDB(t *testing.T) string {
	if os.Getenv(envE2EPostgres) == "1" {
		return storetest.NewPostgresSchema(t, storetest.PostgresDSN(t))
	}
	return filepath.Join(t.TempDir(), "e2e.db")
}

// stop shuts the server down; calling it again does nothing.
func (s *testServer) stop() {
	if s.app == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := s.app.Shutdown(ctx); err != nil {
		s.t.Errorf("app.Shutdown: %v", err)
	}
	s.app = nil
}

// accountAddr returns the account server's address.
func (s *testServer) accountAddr() string { return s.app.AccountAddr().String() }

// gameAddr returns the game server's address.
func (s *testServer) gameAddr() string { return s.app.GameAddr().String() }

// clientConfig returns the login of test player i: account and character
// named after the test's prefix and i.
func (s *testServer) clientConfig(prefix string, i int) client.Config {
	return client.Config{
		AccountAddr: s.accountAddr(),
		Account:     fmt.Sprintf("%s%d", prefix, i),
		Password:    testPassword,
		Character:   fmt.Sprintf("%sC%d", prefix, i),
		Body:        []uint16{1003, 1004, 2001, 2002}[i%4],
		Class:       []uint8{10, 20, 40, 100}[i%4],
		Timeout:     waitTimeout,
		Logger:      testLogger(),
	}
}

// login logs cfg in and closes the client at the end of the test.
func login(t *testing.T, cfg client.Config) *client.Client {
	t.Helper()
	c, err := client.Login(t.Context(), cfg)
	if err != nil {
		t.Fatalf("login %s: %v", cfg.Account, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// loginAll logs every config in concurrently.
func loginAll(t *testing.T, cfgs []client.Config) []*client.Client {
	t.Helper()
	out := make([]*client.Client, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() { out[i], errs[i] = client.Login(t.Context(), cfg) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("login %s: %v", cfgs[i].Account, err)
		}
		c := out[i]
		t.Cleanup(func() { _ = c.Close() })
	}
	return out
}

func testLogger() *slog.Logger {
	if os.Getenv(logEnv) == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// eventually polls cond until it holds or waitTimeout passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recorder keeps every event of a client, for assertions after the fact.
type recorder struct {
	mu     sync.Mutex
	events []client.Event
}

// record drains c's events into a recorder until c stops.
func record(c *client.Client) *recorder {
	r := &recorder{}
	go func() {
		for ev := range c.Events() {
			r.mu.Lock()
			r.events = append(r.events, ev)
			r.mu.Unlock()
		}
	}()
	return r
}

// count returns how many recorded events match.
func (r *recorder) count(match func(client.Event) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ev := range r.events {
		if match(ev) {
			n++
		}
	}
	return n
}

// waitCount waits until at least n recorded events match.
func (r *recorder) waitCount(t *testing.T, what string, n int, match func(client.Event) bool) {
	t.Helper()
	eventually(t, what, func() bool { return r.count(match) >= n })
}

// waitDone waits for c to stop.
func waitDone(t *testing.T, c *client.Client, what string) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(waitTimeout):
		t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
	}
}

// testClock is a game-server clock the test moves by hand: waiting for a
// game rule's cooldown is an Advance, not a sleep.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

// newTestClock returns a clock standing at the real time.
func newTestClock() *testClock { return &testClock{now: time.Now()} }

// Now returns the clock's time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
