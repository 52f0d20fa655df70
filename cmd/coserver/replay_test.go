package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplayPrintsAFixture(t *testing.T) {
	code, out, errOut := runCmd(t, "", "replay", "-types", "MsgWalk,1051", filepath.Join("..", "..", "record", "testdata", "login_walk_chat.rec"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"C→S MsgAccount len=52", "Password=****", "S→C MsgWalk", "0 layout findings"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "MsgUserInfo") {
		t.Errorf("-types let MsgUserInfo through")
	}
}

func TestReplayNamesADisputedLayout(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "item.rec")
	// A 20-byte MsgItem (1009): the COPS/Java size, not ours (24).
	body := `{"format":"coserver-recording","version":1,"patch":5017,"start":"2026-12-01T08:00:00Z"}
{"conn":1,"kind":"game","dir":"s2c","at_us":10,"hex":"1400f103` + strings.Repeat("00", 16) + `"}
`
	if err := os.WriteFile(rec, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "", "replay", rec)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "layout: packet 0 (game#1 S→C): MsgItem (20 bytes): field length") || !strings.Contains(out, "20 bytes (COPS, Wiki 4330, Java)") {
		t.Errorf("no layout finding:\n%s", out)
	}
}

func TestReplayAndProxyFlags(t *testing.T) {
	for _, args := range [][]string{
		{"replay"},
		{"replay", "-format", "xml", "x.rec"},
		{"proxy"},
		{"proxy", "-upstream", "127.0.0.1:1", "-types", "MsgNothing"},
	} {
		if code, _, _ := runCmd(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runCmd(t, "", "replay", filepath.Join(t.TempDir(), "missing.rec")); code != 1 || errOut == "" {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}
