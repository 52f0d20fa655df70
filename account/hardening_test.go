package account

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/rc5"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// tryLogin is rawLoginFrom for goroutines: it returns errors instead of
// failing the test, and closes its connection.
func tryLogin(from netip.Addr, addr, name, pw string) (*msg.ConnectEx, error) {
	field, err := rc5.New5017().EncryptPassword(pw)
	if err != nil {
		return nil, err
	}
	var c wire.Codec
	b, err := c.Encode(nil, &msg.Account{Account: name, Password: field, Server: "coserver"})
	if err != nil {
		return nil, err
	}
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(from, 0))}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	cipher := tq.NewClient()
	cipher.Encrypt(b)
	if _, err := nc.Write(b); err != nil {
		return nil, err
	}
	_ = nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	pkt, err := wire.NewFramer(nc, cipher, nil).Next()
	if err != nil {
		return nil, fmt.Errorf("no answer: %w", err)
	}
	var ans msg.ConnectEx
	if err := c.Decode(pkt, &ans); err != nil {
		return nil, err
	}
	return &ans, nil
}

func wantAccept(t *testing.T, ans *msg.ConnectEx) {
	t.Helper()
	if ans == nil {
		t.Fatal("no answer, want an accept")
	}
	if code, rejected := ans.Rejected(); rejected {
		t.Fatalf("refused with %v, want an accept", code)
	}
}

// TestParallelGuessing: 200 guesses at one account at once must not all
// reach the hash: an attempt is counted before hashing, so at most the
// limit are checked and the rest are refused unhashed.
func TestParallelGuessing(t *testing.T) {
	const limit, guesses = 5, 200
	f := newFixture(t, Config{Throttle: ThrottleConfig{FailuresPerAccount: limit, FailuresPerIP: 1000,
		AccountCeiling: 1000, LoginRatePerIP: -1}})
	f.addAccount("kirk", "right")
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, guesses)
	for i := range guesses {
		wg.Go(func() {
			<-start
			ans, err := tryLogin(clientIP, f.addr, "kirk", fmt.Sprint("guess", i))
			if err != nil {
				errs <- err
				return
			}
			if code, _ := ans.Rejected(); code != msg.RejectInvalidPassword && code != msg.RejectAccountMaxLoginAttempts {
				errs <- fmt.Errorf("answer %v", code)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checked := testutil.ToFloat64(f.svc.logins.WithLabelValues(resultBadPassword))
	hashes := testutil.ToFloat64(f.svc.hashes)
	throttled := testutil.ToFloat64(f.svc.logins.WithLabelValues(resultThrottled))
	if checked > limit || hashes > limit || checked+throttled != guesses {
		t.Fatalf("%v guesses checked, %v hashed, %v throttled; want at most %d checked", checked, hashes, throttled, limit)
	}
}

// TestVictimNotLockedOut: an attacker's failures lock the (account,
// attacker IP) pair, not the account: the owner logs in from elsewhere.
func TestVictimNotLockedOut(t *testing.T) {
	clk := newClock()
	f := newFixture(t, Config{Now: clk.Now})
	f.addAccount("kirk", "right")
	attacker, owner := otherIP(t, 2), otherIP(t, 3)
	for range DefaultFailuresPerAccount {
		ans, _ := rawLoginFrom(t, attacker, f.addr, "kirk", "guess")
		wantReject(t, ans, msg.RejectInvalidPassword)
	}
	ans, _ := rawLoginFrom(t, attacker, f.addr, "kirk", "right")
	wantReject(t, ans, msg.RejectAccountMaxLoginAttempts)
	ans, _ = rawLoginFrom(t, owner, f.addr, "kirk", "right")
	wantAccept(t, ans)
	// The attacker keeps guessing after each lockout: still only its pair.
	for range 5 {
		clk.Advance(MaxLockout)
		ans, _ := rawLoginFrom(t, attacker, f.addr, "kirk", "guess")
		wantReject(t, ans, msg.RejectInvalidPassword)
		ans, _ = rawLoginFrom(t, owner, f.addr, "kirk", "right")
		wantAccept(t, ans)
	}
}

// TestAccountCeiling: failures from many IPs add up to a per-account
// ceiling that locks the account for every IP.
func TestAccountCeiling(t *testing.T) {
	now := newClock().Now()
	th := newThrottle(ThrottleConfig{FailuresPerIP: 10, FailuresPerAccount: 5, AccountCeiling: 20,
		Lockout: time.Minute, LoginRatePerIP: -1})
	ip := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}) }
	for i := range 20 {
		at, refused := th.begin(ip(i), "kirk", now)
		if refused != refusedNone {
			t.Fatalf("attempt %d refused: %s", i, refused)
		}
		th.end(at, outcomeFailed, now)
	}
	if _, refused := th.begin(ip(999), "kirk", now); refused != refusedLocked {
		t.Fatalf("fresh IP after the ceiling: %q, want locked", refused)
	}
	if _, refused := th.begin(ip(999), "other", now); refused != refusedNone {
		t.Fatalf("another account: %q", refused)
	}
}

// TestThrottlePerIP: an IP's failures on any accounts lock the IP.
func TestThrottlePerIP(t *testing.T) {
	now := newClock().Now()
	th := newThrottle(ThrottleConfig{FailuresPerIP: 2, FailuresPerAccount: 100, AccountCeiling: 100,
		Lockout: time.Minute, LoginRatePerIP: -1})
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	fail := func(ip netip.Addr, account string, at time.Time) {
		t.Helper()
		att, refused := th.begin(ip, account, at)
		if refused != refusedNone {
			t.Fatalf("%v %s refused: %s", ip, account, refused)
		}
		th.end(att, outcomeFailed, at)
	}
	fail(a, "a", now)
	fail(a, "b", now)
	if _, r := th.begin(a, "c", now); r != refusedLocked {
		t.Fatal("IP not locked after 2 failures")
	}
	if _, r := th.begin(b, "c", now); r != refusedNone {
		t.Fatal("another IP locked")
	}
	fail(a, "d", now.Add(2*time.Minute)) // past the lockout: one more, which doubles it
	if _, r := th.begin(a, "c", now.Add(3*time.Minute+30*time.Second)); r != refusedLocked {
		t.Fatal("second lockout did not double")
	}
}

// TestLockoutSaturates: a long Lockout doubled many times must neither
// overflow (and lock nothing) nor exceed MaxLockout.
func TestLockoutSaturates(t *testing.T) {
	for _, base := range []time.Duration{time.Nanosecond, 5 * time.Minute, 72 * time.Hour, 1<<63 - 1} {
		prev := time.Duration(0)
		for over := range 200 {
			d := lockoutFor(base, over)
			if d <= 0 || d > MaxLockout || d < prev {
				t.Fatalf("lockoutFor(%v, %d) = %v (previous %v)", base, over, d, prev)
			}
			prev = d
		}
	}
	clk := newClock()
	th := newThrottle(ThrottleConfig{FailuresPerIP: 1000, FailuresPerAccount: 5, AccountCeiling: 1000,
		Lockout: 72 * time.Hour, LoginRatePerIP: -1})
	ip := netip.MustParseAddr("192.0.2.9")
	for i := range 40 {
		at, refused := th.begin(ip, "kirk", clk.Now())
		if refused != refusedNone {
			t.Fatalf("failure %d refused", i)
		}
		th.end(at, outcomeFailed, clk.Now())
		if i >= 4 {
			if _, r := th.begin(ip, "kirk", clk.Now().Add(MaxLockout-time.Second)); r != refusedLocked {
				t.Fatalf("after failure %d with a 72h lockout: not locked", i)
			}
			clk.Advance(MaxLockout)
		}
	}
}

// TestUnicodeNameVariant: a name spelt with the Kelvin sign is another
// name, so it neither reaches kirk's account nor escapes kirk's lockout.
func TestUnicodeNameVariant(t *testing.T) {
	f := newFixture(t, Config{})
	f.addAccount("kirk", "right")
	for range DefaultFailuresPerAccount {
		ans, _ := rawLogin(t, f.addr, "kirk", "guess")
		wantReject(t, ans, msg.RejectInvalidPassword)
	}
	ans, _ := rawLogin(t, f.addr, "KIRK", "right")
	wantReject(t, ans, msg.RejectAccountMaxLoginAttempts)
	ans, _ = rawLogin(t, f.addr, "\u212Airk", "right")
	wantReject(t, ans, msg.RejectInvalidPassword) // an unknown account, not kirk
}

// TestLoginRatePerIP: every attempt, good or bad, draws on the IP's
// bucket; exempt IPs have none.
func TestLoginRatePerIP(t *testing.T) {
	clk := newClock()
	f := newFixture(t, Config{Now: clk.Now, Throttle: ThrottleConfig{LoginRatePerIP: 1, LoginBurstPerIP: 3,
		ExemptIPs: []netip.Prefix{netip.MustParsePrefix("127.0.0.9/32")}}})
	f.addAccount("alice", "pw")
	for range 3 {
		ans, _ := rawLogin(t, f.addr, "alice", "pw")
		wantAccept(t, ans)
	}
	ans, _ := rawLogin(t, f.addr, "alice", "pw")
	wantReject(t, ans, msg.RejectTryAgainLater)
	exempt := otherIP(t, 9)
	for range 10 {
		ans, _ := rawLoginFrom(t, exempt, f.addr, "alice", "pw")
		wantAccept(t, ans)
	}
	clk.Advance(time.Second)
	ans, _ = rawLogin(t, f.addr, "alice", "pw")
	wantAccept(t, ans)
}

// holdSlots takes every hash slot of f's server, as if that many hashes
// were running, until the returned function is called.
func holdSlots(t *testing.T, f *fixture, n int) func() {
	t.Helper()
	var releases []func()
	for i := range n {
		r, err := f.svc.gate.acquire(t.Context(), netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}), fmt.Sprint("holder", i))
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	return func() {
		for _, r := range releases {
			r()
		}
	}
}

// TestHashQueueFull: with every slot busy and the queue full, a login is
// answered "server busy" at once instead of waiting.
func TestHashQueueFull(t *testing.T) {
	f := newFixture(t, Config{MaxConcurrentHashes: 1, HashQueue: 1})
	f.addAccount("alice", "pw")
	waiting := make(chan struct{}, 1)
	f.svc.gate.onWait = func() { waiting <- struct{}{} }
	release := holdSlots(t, f, 1)
	queued := make(chan *msg.ConnectEx, 1)
	go func() {
		ans, err := tryLogin(clientIP, f.addr, "alice", "pw")
		if err != nil {
			t.Error(err)
		}
		queued <- ans
	}()
	<-waiting
	ans, _ := rawLoginFrom(t, otherIP(t, 2), f.addr, "alice", "pw")
	wantReject(t, ans, msg.RejectServerBusy)
	release()
	wantAccept(t, <-queued)
	if v := testutil.ToFloat64(f.svc.logins.WithLabelValues(resultBusy)); v != 1 {
		t.Fatalf("busy counter %v", v)
	}
}

// TestCloseEndsHashWait: Close answers the logins waiting for a hash slot
// at once, so shutdown does not wait for them.
func TestCloseEndsHashWait(t *testing.T) {
	f := newFixture(t, Config{MaxConcurrentHashes: 1})
	f.addAccount("alice", "pw")
	waiting := make(chan struct{}, 1)
	f.svc.gate.onWait = func() { waiting <- struct{}{} }
	defer holdSlots(t, f, 1)()
	answer := make(chan *msg.ConnectEx, 1)
	go func() {
		ans, err := tryLogin(clientIP, f.addr, "alice", "pw")
		if err != nil {
			t.Error(err)
		}
		answer <- ans
	}()
	<-waiting
	f.svc.Close()
	wantReject(t, <-answer, msg.RejectServerDown)
	// Later logins are refused too, without hashing.
	ans, _ := rawLogin(t, f.addr, "alice", "pw")
	wantReject(t, ans, msg.RejectServerDown)
}

// failingAccounts is a store whose lookups fail.
type failingAccounts struct{ Accounts }

var errDisk = errors.New("disk I/O error (test)")

func (failingAccounts) AccountByName(context.Context, string) (store.Account, error) {
	return store.Account{}, fmt.Errorf("store: account: %w", errDisk)
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestDatabaseErrorLogged: a store failure is answered "database error"
// and logged with its cause.
func TestDatabaseErrorLogged(t *testing.T) {
	var logs syncBuffer
	f := newFixtureWith(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, failingAccounts{})
	ans, conn := rawLogin(t, f.addr, "alice", "pw")
	wantReject(t, ans, msg.RejectDatabaseError)
	expectClosed(t, conn)
	if !strings.Contains(logs.String(), errDisk.Error()) {
		t.Fatalf("cause not logged:\n%s", logs.String())
	}
}

// TestTokenBoundToLoginIP: the token a login receives is redeemable only
// from the address that logged in.
func TestTokenBoundToLoginIP(t *testing.T) {
	f := newFixture(t, Config{})
	f.addAccount("alice", "pw")
	from := otherIP(t, 2)
	ans, _ := rawLoginFrom(t, from, f.addr, "alice", "pw")
	wantAccept(t, ans)
	if _, err := f.tokens.ConsumeToken(t.Context(), ans.Token(), clientIP, time.Now()); err == nil {
		t.Fatal("token redeemed from another IP")
	}
	ans, _ = rawLoginFrom(t, from, f.addr, "alice", "pw")
	wantAccept(t, ans)
	if _, err := f.tokens.ConsumeToken(t.Context(), ans.Token(), from, time.Now()); err != nil {
		t.Fatalf("token refused from the login's IP: %v", err)
	}
}

// TestDefaultExemptIPs: 127.0.0.1 and ::1 are exempt unless the operator
// says otherwise; an empty list exempts nobody.
func TestDefaultExemptIPs(t *testing.T) {
	var c ThrottleConfig
	c.setDefaults()
	for ip, want := range map[string]bool{"127.0.0.1": true, "::1": true, "127.0.0.2": false, "192.0.2.1": false} {
		if got := c.exempt(netip.MustParseAddr(ip)); got != want {
			t.Errorf("exempt(%s) = %v, want %v", ip, got, want)
		}
	}
	c = ThrottleConfig{ExemptIPs: []netip.Prefix{}}
	c.setDefaults()
	if c.exempt(netip.MustParseAddr("127.0.0.1")) {
		t.Error("127.0.0.1 exempt with an empty list")
	}
}
