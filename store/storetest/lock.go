package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/coserver/coserver/store"
)

func (s *suite) testLockIsExclusiveAndReleased(t *testing.T) {
	ctx := context.Background()
	db, dsn := s.openTest(t)
	first, err := db.Lock(ctx, "game")
	if err != nil {
		t.Fatal(err)
	}
	// Two locks of one process at once.
	second, err := db.Lock(ctx, "second")
	if err != nil {
		t.Fatalf("a second lock while the first is held: %v", err)
	}
	defer second.Unlock()
	// A second process on the same database: here a second DB.
	other, err := s.o.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Lock(ctx, "game"); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Lock = %v, want ErrLocked", err)
	}
	if l, err := other.Lock(ctx, "other"); err != nil {
		t.Errorf("a lock of another name: %v", err)
	} else {
		_ = l.Unlock()
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatalf("second Unlock: %v", err)
	}
	again, err := other.Lock(ctx, "game")
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	_ = again.Unlock()
}

func (s *suite) testLockBadName(t *testing.T) {
	db, _ := s.openTest(t)
	for _, name := range []string{"", "Game", "../x", "a.b"} {
		if _, err := db.Lock(context.Background(), name); err == nil {
			t.Errorf("Lock(%q) succeeded", name)
		}
	}
}
