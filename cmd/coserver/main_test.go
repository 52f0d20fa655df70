package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/sqlite"
)

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAccountCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	steps := []struct {
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"", []string{"account", "-db", db, "list"}, 1, ""}, // no database yet: not created
		{"", []string{"account", "-db", db, "-create", "add", "alice", "pw1"}, 0, "account alice created"},
		{"", []string{"account", "-db", db, "add", "alice", "pw2"}, 1, ""},
		{"", []string{"account", "-db", db, "add", "a", "pw"}, 1, ""},
		{"", []string{"account", "-db", db, "add", "bob", "this password is too long"}, 1, ""},
		{"newpass\n", []string{"account", "-db", db, "passwd", "alice", "-"}, 0, "password of alice changed"},
		{"", []string{"account", "-db", db, "-admin-addr", "", "ban", "alice"}, 0, "banned"}, // no server to ask
		{"", []string{"account", "-db", db, "gm", "alice", "on"}, 0, "gm on"},
		{"", []string{"account", "-db", db, "gm", "alice", "maybe"}, 2, ""},
		{"", []string{"account", "-db", db, "list"}, 0, "alice"},
		{"", []string{"account", "-db", db, "frobnicate"}, 2, ""},
		{"", []string{"account", "-db", db, "ban", "nobody"}, 1, ""},
	}
	for _, s := range steps {
		code, out, errOut := runCmd(t, s.stdin, s.args...)
		if code != s.code || !strings.Contains(out, s.out) {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", s.args, code, out, errOut, s.code, s.out)
		}
	}
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc, err := st.AccountByName(context.Background(), "ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if acc.Status != store.StatusBanned || !acc.GM {
		t.Fatalf("alice: %+v", acc)
	}
	if ok, err := password.Verify(acc.PasswordHash, "newpass"); !ok || err != nil {
		t.Fatalf("the new password does not verify: %v %v", ok, err)
	}
}

func TestUsage(t *testing.T) {
	if code, out, _ := runCmd(t, "", "help"); code != 0 || !strings.Contains(out, "serve") {
		t.Fatalf("help: %d %q", code, out)
	}
	if code, _, _ := runCmd(t, "", "nonsense"); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, "", "serve", "-log-level", "loud"); code != 2 {
		t.Fatalf("bad setting: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, "", "serve", "-h"); code != 0 {
		t.Fatalf("serve -h: exit %d, want 0", code)
	}
}

func TestDemoAccountOnce(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out bytes.Buffer
	if err := ensureDemoAccount(ctx, st, password.TestParams, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"demo"`) {
		t.Fatalf("no password printed: %q", out.String())
	}
	out.Reset()
	if err := ensureDemoAccount(ctx, st, password.TestParams, &out); err != nil || out.Len() != 0 {
		t.Fatalf("second start printed %q, %v", out.String(), err)
	}
}
