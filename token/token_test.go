package token

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"
)

func TestSingleUseAndExpiry(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	now := time.Now()
	a, b := New(), New()
	if a == b || uint32(a) == 0 || uint32(b) == 0 {
		t.Fatalf("tokens %x %x: want distinct with non-zero low halves", a, b)
	}
	if err := m.IssueToken(ctx, a, 7, ip, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := m.IssueToken(ctx, b, 8, ip, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if acc, err := m.ConsumeToken(ctx, a, ip, now); err != nil || acc != 7 {
		t.Fatalf("first use: %d, %v", acc, err)
	}
	if _, err := m.ConsumeToken(ctx, a, ip, now); !errors.Is(err, ErrInvalid) {
		t.Fatalf("replay: %v, want ErrInvalid", err)
	}
	if _, err := m.ConsumeToken(ctx, b, ip, now.Add(2*time.Second)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("expired: %v, want ErrInvalid", err)
	}
	if _, err := m.ConsumeToken(ctx, 12345, ip, now); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown: %v, want ErrInvalid", err)
	}
}

func TestBounded(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	exp := time.Now().Add(time.Minute)
	for i := range uint64(MaxPending) {
		if err := m.IssueToken(ctx, i+1, 1, ip, exp); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.IssueToken(ctx, 0xfffffffff, 1, ip, exp); !errors.Is(err, ErrFull) {
		t.Fatalf("over the cap: %v, want ErrFull", err)
	}
}

// ip is the client address tests issue tokens to.
var ip = netip.MustParseAddr("192.0.2.7")

// TestBoundToClient: a token works only from the address it was issued to;
// a try from elsewhere spends it.
func TestBoundToClient(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	now := time.Now()
	if err := m.IssueToken(ctx, 1, 7, ip, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ConsumeToken(ctx, 1, netip.MustParseAddr("198.51.100.1"), now); !errors.Is(err, ErrWrongClient) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("from another IP: %v, want ErrWrongClient", err)
	}
	if _, err := m.ConsumeToken(ctx, 1, ip, now); !errors.Is(err, ErrInvalid) {
		t.Fatalf("after a try from another IP: %v, want ErrInvalid", err)
	}
	mapped := netip.AddrFrom16(ip.As16())
	if err := m.IssueToken(ctx, 2, 7, mapped, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if acc, err := m.ConsumeToken(ctx, 2, ip, now); err != nil || acc != 7 {
		t.Fatalf("IPv4-mapped issue, IPv4 use: %d, %v", acc, err)
	}
	if err := m.IssueToken(ctx, 3, 7, netip.Addr{}, now.Add(time.Minute)); !errors.Is(err, ErrNoClient) {
		t.Fatalf("no address: %v, want ErrNoClient", err)
	}
}
