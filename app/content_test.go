package app

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/coserver/coserver/content"
)

// TestMergeClientItems: with a client folder, the pack's item types take
// the names of the client's itemtype.dat, and the types the client lacks
// are reported.
func TestMergeClientItems(t *testing.T) {
	pack, err := content.Load(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for id := range pack.Items {
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		t.Fatalf("the default pack has %d item types", len(ids))
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "ini"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A plain-text itemtype.dat that knows only the first type, by another
	// name.
	line := []byte(strings.Join([]string{itoa(ids[0]), "Client~Name", "0"}, "@@") + "\n")
	if err := os.WriteFile(filepath.Join(dir, "ini", "itemtype.dat"), line, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	a := &App{log: slog.New(slog.NewTextHandler(&logs, nil))}
	a.mergeClientItems(pack, dir)
	if got := pack.Items[ids[0]].Name; got != "Client Name" {
		t.Errorf("merged name = %q, want the client's", got)
	}
	if !strings.Contains(logs.String(), "missing_in_client="+itoa(uint32(len(ids)-1))) ||
		!strings.Contains(logs.String(), "item types the client does not know") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
