package token

import (
	"context"
	"errors"
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
	if err := m.IssueToken(ctx, a, 7, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := m.IssueToken(ctx, b, 8, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if acc, err := m.ConsumeToken(ctx, a, now); err != nil || acc != 7 {
		t.Fatalf("first use: %d, %v", acc, err)
	}
	if _, err := m.ConsumeToken(ctx, a, now); !errors.Is(err, ErrInvalid) {
		t.Fatalf("replay: %v, want ErrInvalid", err)
	}
	if _, err := m.ConsumeToken(ctx, b, now.Add(2*time.Second)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("expired: %v, want ErrInvalid", err)
	}
	if _, err := m.ConsumeToken(ctx, 12345, now); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown: %v, want ErrInvalid", err)
	}
}

func TestBounded(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	exp := time.Now().Add(time.Minute)
	for i := range uint64(MaxPending) {
		if err := m.IssueToken(ctx, i+1, 1, exp); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.IssueToken(ctx, 0xfffffffff, 1, exp); !errors.Is(err, ErrFull) {
		t.Fatalf("over the cap: %v, want ErrFull", err)
	}
}
