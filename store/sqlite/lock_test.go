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

// TestLockNamesHolder: SQLite's refusal names the database, its lock file
// and the holder's PID. That the lock is exclusive, released and checks its
// name is the shared suite's (store/storetest, run on SQLite by
// sqlite_test.go).
func TestLockNamesHolder(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	abs, _ := filepath.Abs(path)
	first, err := db.Lock(ctx, "game")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = first.Unlock() }()
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
}
