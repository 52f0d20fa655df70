package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/coserver/coserver/store"
)

func TestLockIsExclusiveAndReleased(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	abs, _ := filepath.Abs(path)
	first, err := db.Lock(ctx, "game")
	if err != nil {
		t.Fatal(err)
	}
	// A second process on the same database: here a second handle, whose
	// lock file is opened anew, so flock treats it as another holder.
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Lock(ctx, "game")
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Lock = %v, want ErrLocked", err)
	}
	for _, want := range []string{abs, abs + ".game.lock", "PID " + strconv.Itoa(os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
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

func TestLockBadName(t *testing.T) {
	db, _ := openTest(t)
	for _, name := range []string{"", "Game", "../x", "a.b"} {
		if _, err := db.Lock(context.Background(), name); err == nil {
			t.Errorf("Lock(%q) succeeded", name)
		}
	}
}
