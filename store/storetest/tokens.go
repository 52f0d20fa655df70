package storetest

import (
	"context"
	"errors"
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
)

func (s *suite) testTokenSingleUse(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "tok", testHash)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// Include tokens whose int64 bit pattern is negative.
	for _, tok := range []uint64{1, 0xdeadbeefcafebabe, math.MaxUint64, 1 << 63} {
		if err := db.IssueToken(ctx, tok, a.ID, testIP, now.Add(time.Minute)); err != nil {
			t.Fatalf("IssueToken(%#x): %v", tok, err)
		}
		if err := db.IssueToken(ctx, tok, a.ID, testIP, now.Add(time.Minute)); !errors.Is(err, store.ErrExists) {
			t.Fatalf("IssueToken(%#x) twice = %v, want store.ErrExists", tok, err)
		}
		id, err := db.ConsumeToken(ctx, tok, testIP, now)
		if err != nil || id != a.ID {
			t.Fatalf("ConsumeToken(%#x) = %d, %v; want %d", tok, id, err, a.ID)
		}
		if _, err := db.ConsumeToken(ctx, tok, testIP, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second ConsumeToken(%#x) = %v, want store.ErrNotFound", tok, err)
		}
	}
	if _, err := db.ConsumeToken(ctx, 12345, testIP, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ConsumeToken(unknown) = %v, want store.ErrNotFound", err)
	}
	if err := db.IssueToken(ctx, 7, 999, testIP, now.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("IssueToken for a missing account = %v, want store.ErrNotFound", err)
	}
}

func (s *suite) testTokenExpiry(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "exp", testHash)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := db.IssueToken(ctx, 100, a.ID, testIP, now); err != nil { // expires exactly now
		t.Fatal(err)
	}
	if err := db.IssueToken(ctx, 101, a.ID, testIP, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.IssueToken(ctx, 102, a.ID, testIP, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConsumeToken(ctx, 100, testIP, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ConsumeToken(expired) = %v, want store.ErrNotFound", err)
	}
	// The expired tokens were purged; the live one remains.
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM login_tokens`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d tokens left after purge (%v), want 1", n, err)
	}
	if id, err := db.ConsumeToken(ctx, 102, testIP, now.Add(time.Hour-time.Microsecond)); err != nil || id != a.ID {
		t.Fatalf("ConsumeToken(live) = %d, %v", id, err)
	}
}

// TestTokenConcurrentConsume races consumers of one token: exactly one wins.
func (s *suite) testTokenConcurrentConsume(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "race", testHash)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := db.IssueToken(ctx, 55, a.ID, testIP, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	var wins, misses atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := db.ConsumeToken(ctx, 55, testIP, now)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, store.ErrNotFound):
				misses.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || misses.Load() != 19 {
		t.Fatalf("wins %d, misses %d; want 1, 19", wins.Load(), misses.Load())
	}
}

// testIP is the client address tests issue tokens to.
var testIP = netip.MustParseAddr("127.0.0.1")

// TestTokenBoundToIP: a token presented from another address than the one
// it was issued to is refused, and burnt: it has leaked.
func (s *suite) testTokenBoundToIP(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	a, err := db.CreateAccount(ctx, "bound", testHash)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	other := netip.MustParseAddr("10.1.2.3")
	if err := db.IssueToken(ctx, 9, a.ID, testIP, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConsumeToken(ctx, 9, other, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ConsumeToken from another IP = %v, want store.ErrNotFound", err)
	}
	if _, err := db.ConsumeToken(ctx, 9, testIP, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("token still usable after a try from another IP: %v", err)
	}
	// An IPv4-mapped IPv6 address is the same client.
	if err := db.IssueToken(ctx, 10, a.ID, netip.MustParseAddr("::ffff:127.0.0.1"), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if id, err := db.ConsumeToken(ctx, 10, testIP, now); err != nil || id != a.ID {
		t.Fatalf("ConsumeToken(mapped) = %d, %v", id, err)
	}
	if err := db.IssueToken(ctx, 11, a.ID, netip.Addr{}, now.Add(time.Minute)); err == nil {
		t.Fatal("IssueToken without a client address succeeded")
	}
}
