package account

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/rc5"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/store/storetest"
	"github.com/coserver/coserver/token"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// clientIP is the address test clients connect from by default. The
// fixture exempts no address from the per-IP limits (DefaultExemptIPs would
// exempt it) unless a test says otherwise.
var clientIP = netip.MustParseAddr("127.0.0.1")

// otherIP returns a loopback address other than 127.0.0.1 for a test that
// needs a second client IP, skipping the test where the system has none
// (Linux routes all of 127/8 to lo; macOS only 127.0.0.1 unless aliased).
func otherIP(t testing.TB, last byte) netip.Addr {
	t.Helper()
	ip := netip.AddrFrom4([4]byte{127, 0, 0, last})
	ln, err := net.Listen("tcp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		t.Skipf("no second loopback address %v: %v", ip, err)
	}
	ln.Close()
	return ip
}

// clock is an injected clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	t      testing.TB
	db     *store.DB
	tokens *token.Memory
	svc    *Server
	srv    *server.Server
	addr   string
}

// envAccountPostgres, set to 1, puts the fixtures' store on PostgreSQL (a
// schema in COSERVER_TEST_POSTGRES), for BenchmarkLogin beside SQLite.
const envAccountPostgres = "COSERVER_ACCOUNT_POSTGRES"

func newFixture(t testing.TB, cfg Config) *fixture {
	t.Helper()
	return newFixtureWith(t, cfg, nil)
}

// newFixtureWith is newFixture with the server's accounts replaced by
// accounts (nil: the store's).
func newFixtureWith(t testing.TB, cfg Config, accounts Accounts) *fixture {
	t.Helper()
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "test.db")
	if os.Getenv(envAccountPostgres) == "1" {
		dsn = storetest.NewPostgresSchema(t, storetest.PostgresDSN(t))
	}
	db, err := backend.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if accounts == nil {
		accounts = db
	}
	cfg.GameHost, cfg.GamePort = "127.0.0.1", 5816
	cfg.HashParams = password.TestParams
	if cfg.Throttle.ExemptIPs == nil {
		cfg.Throttle.ExemptIPs = []netip.Prefix{} // test clients are 127.0.0.1: not exempt
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	tokens := token.NewMemory()
	reg := prometheus.NewRegistry()
	svc, err := New(cfg, accounts, tokens, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	srv := server.New(server.Config{Name: "account", MaxConnsPerIP: 1000, Logger: cfg.Logger,
		NewCipher: func() server.Cipher { return tq.NewServer() }}, svc, server.NewMetrics(reg), svc.Types())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return &fixture{t: t, db: db, tokens: tokens, svc: svc, srv: srv, addr: ln.Addr().String()}
}

func (f *fixture) addAccount(name, pw string) store.Account {
	f.t.Helper()
	hash, err := password.Hash(pw, password.TestParams)
	if err != nil {
		f.t.Fatal(err)
	}
	acc, err := f.db.CreateAccount(context.Background(), name, hash)
	if err != nil {
		f.t.Fatal(err)
	}
	return acc
}

// rawLogin speaks the client side of a login and returns the answer.
func rawLogin(t testing.TB, addr, name, pw string) (*msg.ConnectEx, clientConn) {
	t.Helper()
	return rawLoginFrom(t, clientIP, addr, name, pw)
}

// rawLoginFrom is rawLogin from the local address from (any 127.x works on
// Linux clientIP).
func rawLoginFrom(t testing.TB, from netip.Addr, addr, name, pw string) (*msg.ConnectEx, clientConn) {
	t.Helper()
	field, err := rc5.New5017().EncryptPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	p := &msg.Account{Account: name, Password: field, Server: "coserver"}
	var c wire.Codec
	b, err := c.Encode(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	return sendRawFrom(t, from, addr, b)
}

// clientConn is a test client's connection and cipher.
type clientConn struct {
	net.Conn
	cipher *tq.Cipher
}

func sendRaw(t testing.TB, addr string, b []byte) (*msg.ConnectEx, clientConn) {
	t.Helper()
	return sendRawFrom(t, clientIP, addr, b)
}

func sendRawFrom(t testing.TB, from netip.Addr, addr string, b []byte) (*msg.ConnectEx, clientConn) {
	t.Helper()
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(from, 0))}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	cipher := tq.NewClient()
	conn := clientConn{nc, cipher}
	cipher.Encrypt(b)
	if _, err := conn.Write(b); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	fr := wire.NewFramer(conn, cipher, nil)
	pkt, err := fr.Next()
	if err != nil {
		return nil, conn
	}
	var ans msg.ConnectEx
	var codec wire.Codec
	if err := codec.Decode(pkt, &ans); err != nil {
		t.Fatal(err)
	}
	return &ans, conn
}

// expectClosed checks that the server closes conn.
func expectClosed(t *testing.T, conn net.Conn) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("connection not closed cleanly: %v", err)
	}
}

func wantReject(t *testing.T, ans *msg.ConnectEx, code msg.RejectCode) {
	t.Helper()
	if ans == nil {
		t.Fatalf("no answer, want reject %v", code)
	}
	if got, ok := ans.Rejected(); !ok || got != code {
		t.Fatalf("answer %+v, want reject %v", ans, code)
	}
}

func TestLoginSuccess(t *testing.T) {
	f := newFixture(t, Config{})
	acc := f.addAccount("alice", "secret")
	ans, conn := rawLogin(t, f.addr, "Alice", "secret") // names ignore case
	if _, rejected := ans.Rejected(); rejected {
		t.Fatalf("rejected: %+v", ans)
	}
	if ans.Host != "127.0.0.1" || ans.Port != 5816 {
		t.Fatalf("game address %s:%d", ans.Host, ans.Port)
	}
	got, err := f.tokens.ConsumeToken(context.Background(), ans.Token(), clientIP, time.Now())
	if err != nil || got != acc.ID {
		t.Fatalf("token redeems to %d, %v; want %d", got, err, acc.ID)
	}
	a, _ := f.db.AccountByID(context.Background(), acc.ID)
	if a.LastLogin.IsZero() {
		t.Fatal("last login not recorded")
	}
	// The client's goodbye MsgConnect closes the connection.
	var c wire.Codec
	b, _ := c.Encode(nil, &msg.ConnectAccount{Identity: ans.Identity, Contents: 10, File: "Res.dat"})
	conn.cipher.Encrypt(b)
	if _, err := conn.Write(b); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, conn)
}

func TestRejections(t *testing.T) {
	f := newFixture(t, Config{})
	f.addAccount("bob", "right")
	f.addAccount("mallory", "pw")
	if err := f.db.SetStatus(context.Background(), "mallory", store.StatusBanned); err != nil {
		t.Fatal(err)
	}
	ans, conn := rawLogin(t, f.addr, "bob", "wrong")
	wantReject(t, ans, msg.RejectInvalidPassword)
	expectClosed(t, conn)
	ans, conn = rawLogin(t, f.addr, "nobody", "x")
	wantReject(t, ans, msg.RejectInvalidPassword)
	expectClosed(t, conn)
	ans, _ = rawLogin(t, f.addr, "mallory", "pw")
	wantReject(t, ans, msg.RejectAccountBanned)
	if v := testutil.ToFloat64(f.svc.logins.WithLabelValues(resultBanned)); v != 1 {
		t.Fatalf("banned counter %v", v)
	}
}

func TestMaintenanceAndFull(t *testing.T) {
	f := newFixture(t, Config{Maintenance: true})
	f.addAccount("carol", "pw")
	ans, _ := rawLogin(t, f.addr, "carol", "pw")
	wantReject(t, ans, msg.RejectServerDown)
	g := newFixture(t, Config{Full: func() bool { return true }})
	g.addAccount("carol", "pw")
	ans, _ = rawLogin(t, g.addr, "carol", "pw")
	wantReject(t, ans, msg.RejectServerBusy)
}

func TestThrottleEngagesAndReleases(t *testing.T) {
	clk := newClock()
	f := newFixture(t, Config{Now: clk.Now,
		Throttle: ThrottleConfig{FailuresPerAccount: 3, FailuresPerIP: 100, Lockout: time.Minute}})
	f.addAccount("dave", "right")
	for range 3 {
		ans, _ := rawLogin(t, f.addr, "dave", "wrong")
		wantReject(t, ans, msg.RejectInvalidPassword)
	}
	// Locked: even the right password is refused without being checked.
	ans, _ := rawLogin(t, f.addr, "dave", "right")
	wantReject(t, ans, msg.RejectAccountMaxLoginAttempts)
	clk.Advance(time.Minute + time.Second)
	ans, _ = rawLogin(t, f.addr, "dave", "right")
	if _, rejected := ans.Rejected(); rejected {
		t.Fatalf("still refused after the lockout: %+v", ans)
	}
}

func TestAutoRegister(t *testing.T) {
	f := newFixture(t, Config{AutoRegister: true})
	ans, _ := rawLogin(t, f.addr, "newbie", "pw1")
	if _, rejected := ans.Rejected(); rejected {
		t.Fatalf("auto-register refused: %+v", ans)
	}
	ans, _ = rawLogin(t, f.addr, "newbie", "other")
	wantReject(t, ans, msg.RejectInvalidPassword)
	ans, _ = rawLogin(t, f.addr, "x", "pw") // name too short to register
	wantReject(t, ans, msg.RejectInvalidPassword)
}

// TestParallelLogins registers 100 accounts at once from one IP, exempt from
// the per-IP limits as a bot swarm's address would be, with a hash queue
// that holds them all.
func TestParallelLogins(t *testing.T) {
	f := newFixture(t, Config{AutoRegister: true, HashQueue: 100,
		Throttle: ThrottleConfig{ExemptIPs: []netip.Prefix{netip.PrefixFrom(clientIP, 32)}}})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Go(func() {
			name := "user" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			ans, conn := rawLogin(t, f.addr, name, "pw")
			if ans == nil {
				errs <- errors.New("no answer")
				return
			}
			if _, rejected := ans.Rejected(); rejected {
				errs <- errors.New("rejected")
			}
			conn.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	accs, _ := f.db.ListAccounts(context.Background())
	if len(accs) != 100 {
		t.Fatalf("%d accounts, want 100", len(accs))
	}
}

func TestMalformedClosesConnection(t *testing.T) {
	f := newFixture(t, Config{})
	// A MsgAccount cut short.
	short := []byte{20, 0, 0x1b, 0x04, 'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	ans, conn := sendRaw(t, f.addr, short)
	if ans != nil {
		t.Fatalf("answer to a malformed packet: %+v", ans)
	}
	expectClosed(t, conn)
	// A MsgConnect before any login is out of state.
	var c wire.Codec
	b, _ := c.Encode(nil, &msg.ConnectAccount{Identity: 1, File: "Res.dat"})
	ans, conn = sendRaw(t, f.addr, b)
	if ans != nil {
		t.Fatalf("answer to an out-of-state packet: %+v", ans)
	}
	expectClosed(t, conn)
}
