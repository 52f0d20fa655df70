package realm

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/realm/natstest"
)

// testInterval is a short announce interval, so that dead realms leave the
// directory quickly.
const testInterval = 100 * time.Millisecond

// waitTimeout bounds every wait.
const waitTimeout = 10 * time.Second

func testLogger() *slog.Logger {
	if os.Getenv("COSERVER_E2E_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fakeRealm records what other processes asked of it.
type fakeRealm struct {
	online     atomic.Int64
	released   chan int64
	mu         sync.Mutex
	kicks      []Kick
	broadcasts []string
}

func newFakeRealm() *fakeRealm { return &fakeRealm{released: make(chan int64, 16)} }

func (f *fakeRealm) ReleaseAccount(_ context.Context, id int64) int {
	f.released <- id
	return 1
}

func (f *fakeRealm) Kick(k Kick) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.kicks) < 16 {
		f.kicks = append(f.kicks, k)
	}
	return 1
}

func (f *fakeRealm) Broadcast(_, text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broadcasts = append(f.broadcasts, text)
	return int(f.online.Load())
}

func (f *fakeRealm) self() Announce {
	return Announce{Host: "192.0.2.1", Port: 5816, Online: int(f.online.Load()), MaxPlayers: 100}
}

// connect connects a node called name ("" for an account server's).
func connect(t *testing.T, url, name string) *Node {
	t.Helper()
	n, err := Connect(t.Context(), Options{URL: url, Name: name, Interval: testInterval, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// serve connects, claims and serves realm name.
func serve(t *testing.T, url, name string) (*Node, *fakeRealm) {
	t.Helper()
	n := connect(t, url, name)
	if err := n.Claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := newFakeRealm()
	if err := n.Serve(f.self, f); err != nil {
		t.Fatal(err)
	}
	return n, f
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDirectorySeesRealmsAndDropsTheDead(t *testing.T) {
	ns := natstest.Start(t, "")
	acct := connect(t, ns.URL(), "")
	east, _ := serve(t, ns.URL(), "East")
	west, wf := serve(t, ns.URL(), "West")
	wf.online.Store(7)
	eventually(t, "both realms listed", func() bool { return len(acct.Realms()) == 2 })
	a, ok := acct.Lookup("west") // any case
	if !ok || a.Realm != "West" || a.Host != "192.0.2.1" || a.Port != 5816 || a.PID != os.Getpid() {
		t.Fatalf("lookup west: %+v %v", a, ok)
	}
	eventually(t, "West's load", func() bool { a, _ := acct.Lookup("West"); return a.Online == 7 })

	// A realm that dies says nothing: it is dropped after missed announcements.
	died := time.Now()
	east.nc.Close()
	eventually(t, "East dropped", func() bool { _, ok := acct.Lookup("East"); return !ok })
	if d := time.Since(died); d > DefaultMisses*testInterval+time.Second {
		t.Errorf("East dropped after %v", d)
	}
	// A realm that shuts down leaves at once.
	west.Close()
	eventually(t, "West left", func() bool { _, ok := acct.Lookup("West"); return !ok })
}

func TestSecondClaimOfARealmNameIsRefused(t *testing.T) {
	ns := natstest.Start(t, "")
	first, _ := serve(t, ns.URL(), "East")
	// Nobody answered the first claim: NATS's no-responders status is not
	// an invalid message.
	if n := testutil.ToFloat64(first.m.invalid.WithLabelValues("claim")); n != 0 {
		t.Fatalf("%v invalid claim answers counted", n)
	}
	n := connect(t, ns.URL(), "East")
	err := n.Claim(t.Context())
	if !errors.Is(err, ErrRealmTaken) {
		t.Fatalf("second claim: %v", err)
	}
	if err := n.Serve(newFakeRealm().self, newFakeRealm()); err == nil {
		t.Fatal("Serve after a refused claim")
	}
	// Another name is free.
	serve(t, ns.URL(), "West")
}

func TestSimultaneousClaimsOneWins(t *testing.T) {
	ns := natstest.Start(t, "")
	const n = 3
	nodes := make([]*Node, n)
	for i := range nodes {
		nodes[i] = connect(t, ns.URL(), "East")
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, node := range nodes {
		wg.Go(func() { errs[i] = node.Claim(t.Context()) })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrRealmTaken):
			t.Fatalf("claim: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d processes won the claim: %v", won, errs)
	}
}

func TestRequestsReachEveryOtherRealm(t *testing.T) {
	ns := natstest.Start(t, "")
	acct := connect(t, ns.URL(), "")
	east, ef := serve(t, ns.URL(), "East")
	_, wf := serve(t, ns.URL(), "West")
	ef.online.Store(2)
	wf.online.Store(3)
	eventually(t, "realms listed", func() bool {
		return len(acct.Realms()) == 2 && len(east.Realms()) == 2
	})
	got, err := acct.Broadcast(t.Context(), "hello")
	if err != nil || got != 5 {
		t.Fatalf("broadcast reached %d (%v), want 5", got, err)
	}
	got, err = acct.Kick(t.Context(), "", 42, ReasonBan)
	if err != nil || got != 2 {
		t.Fatalf("ban: %d %v", got, err)
	}
	wf.mu.Lock()
	k := wf.kicks[0]
	wf.mu.Unlock()
	if k.AccountID != 42 || k.Reason != ReasonBan || k.From != acct.Instance() {
		t.Fatalf("West got %+v", k)
	}
	// A login at East is claimed at West only: a realm never asks itself.
	got, err = east.ClaimLogin(t.Context(), 9)
	if err != nil || got != 1 {
		t.Fatalf("login claim: %d %v", got, err)
	}
	if id := <-wf.released; id != 9 {
		t.Fatalf("West released %d", id)
	}
	select {
	case id := <-ef.released:
		t.Fatalf("East released its own login %d", id)
	default:
	}
}

func TestRealmSurvivesNATSRestart(t *testing.T) {
	ns := natstest.Start(t, "")
	acct := connect(t, ns.URL(), "")
	east, _ := serve(t, ns.URL(), "East")
	eventually(t, "East listed", func() bool { _, ok := acct.Lookup("East"); return ok })

	ns.Stop()
	eventually(t, "the realm sees NATS down", func() bool { return !east.nc.IsConnected() })
	if _, err := east.ClaimLogin(t.Context(), 1); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("login claim while NATS is down: %v", err)
	}
	eventually(t, "East dropped while NATS is down", func() bool { _, ok := acct.Lookup("East"); return !ok })

	ns.Restart()
	eventually(t, "East back", func() bool { _, ok := acct.Lookup("East"); return ok })
	if _, err := east.ClaimLogin(t.Context(), 1); err != nil {
		t.Fatalf("login claim after NATS came back: %v", err)
	}
}

// permissions lets each realm's user announce only as itself.
const permissions = `
authorization {
  users = [
    {user: account, password: apass, permissions: {
      publish: ["coserver.v1.realm.probe", "coserver.v1.kick", "coserver.v1.broadcast", "_INBOX.>"],
      subscribe: ["coserver.v1.realm.*.announce", "_INBOX.>"]}}
    {user: east, password: epass, permissions: {
      publish: ["coserver.v1.realm.east.>", "coserver.v1.realm.probe", "coserver.v1.login", "coserver.v1.kick", "coserver.v1.broadcast", "_INBOX.>"],
      subscribe: ["coserver.v1.>", "_INBOX.>"]}}
  ]
}
`

func TestForgedAnnouncementIsRefused(t *testing.T) {
	ns := natstest.Start(t, permissions)
	acct := connect(t, ns.URLAs("account", "apass"), "")
	serve(t, ns.URLAs("east", "epass"), "East")
	eventually(t, "East listed", func() bool { _, ok := acct.Lookup("East"); return ok })

	// East's credentials cannot announce West: the server drops the publish.
	forger := connect(t, ns.URLAs("east", "epass"), "West")
	if err := forger.Claim(t.Context()); err != nil {
		t.Fatal(err) // nobody answers: the claim's own publish is refused
	}
	f := newFakeRealm()
	if err := forger.Serve(f.self, f); err != nil {
		t.Fatal(err)
	}
	// Forged body on East's own subject, naming West: the directory
	// checks the subject against the body.
	data, err := Encode(&Announce{Realm: "West", Instance: "forged", Host: "192.0.2.66", Port: 1, MaxPlayers: 1, IntervalMS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if err := forger.nc.Publish(SubjectAnnounce("East"), data); err != nil {
		t.Fatal(err)
	}
	// Wrong password: no connection at all.
	if _, err := Connect(t.Context(), Options{URL: ns.URLAs("east", "wrong"), Name: "East", Logger: testLogger()}); err == nil {
		t.Fatal("connected with a wrong password")
	}
	// The forger's connection published West's announcement (refused by
	// the server), then the forged body: once the directory has dropped the
	// second as invalid, the first had its chance to arrive.
	eventually(t, "the forged body dropped", func() bool {
		return testutil.ToFloat64(acct.m.invalid.WithLabelValues("announce")) >= 1
	})
	if a, ok := acct.Lookup("West"); ok {
		t.Fatalf("forged realm listed: %+v", a)
	}
	if a, ok := acct.Lookup("East"); !ok || a.Host != "192.0.2.1" {
		t.Fatalf("East after forgery: %+v %v", a, ok)
	}
}

// BenchmarkKickRoundTrip is the NATS hop of a cross-realm kick alone: a
// request from an account server's node to one realm's node (a fake that
// kicks nobody) and its reply, over a real nats-server on loopback.
func BenchmarkKickRoundTrip(b *testing.B) {
	ns := natstest.Start(b, "")
	acct, err := Connect(b.Context(), Options{URL: ns.URL(), Interval: testInterval, Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(acct.Close)
	east, err := Connect(b.Context(), Options{URL: ns.URL(), Name: "East", Interval: testInterval, Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(east.Close)
	if err := east.Claim(b.Context()); err != nil {
		b.Fatal(err)
	}
	f := newFakeRealm()
	if err := east.Serve(f.self, f); err != nil {
		b.Fatal(err)
	}
	for len(acct.Realms()) != 1 {
		time.Sleep(time.Millisecond)
	}
	b.ReportAllocs()
	for b.Loop() {
		if n, err := acct.Kick(b.Context(), "Someone", 0, ReasonKick); err != nil || n != 1 {
			b.Fatal(n, err)
		}
	}
}

// stuckRealm never finishes releasing a session: a realm cut off, or one
// whose save hangs.
type stuckRealm struct {
	*fakeRealm
	unblock chan struct{}
}

func (s stuckRealm) ReleaseAccount(ctx context.Context, _ int64) int {
	select {
	case <-s.unblock:
	case <-ctx.Done():
	}
	return 1
}

func TestLoginClaimWithoutEveryAnswerFails(t *testing.T) {
	ns := natstest.Start(t, "")
	east, _ := serve(t, ns.URL(), "East")
	west := connect(t, ns.URL(), "West")
	if err := west.Claim(t.Context()); err != nil {
		t.Fatal(err)
	}
	stuck := stuckRealm{newFakeRealm(), make(chan struct{})}
	defer close(stuck.unblock)
	if err := west.Serve(stuck.self, stuck); err != nil {
		t.Fatal(err)
	}
	eventually(t, "West listed at East", func() bool { _, ok := east.Lookup("West"); return ok })
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := east.ClaimLogin(ctx, 5); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("claim with West silent: %v, want ErrNoAnswer", err)
	}
}
