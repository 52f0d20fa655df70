package e2e

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/coserver/coserver/app"
)

// logCapture is a slog.Handler keeping every record with the attributes
// of its logger (With) flattened in.
type logCapture struct {
	mu    *sync.Mutex
	recs  *[]capturedRecord
	attrs []slog.Attr
}

// capturedRecord is one log line: level, message and attributes by key.
type capturedRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func newLogCapture() logCapture {
	return logCapture{mu: new(sync.Mutex), recs: new([]capturedRecord)}
}

func (h logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (h logCapture) WithGroup(string) slog.Handler            { return h }
func (h logCapture) WithAttrs(as []slog.Attr) slog.Handler {
	h.attrs = append(h.attrs[:len(h.attrs):len(h.attrs)], as...)
	return h
}
func (h logCapture) Handle(_ context.Context, r slog.Record) error {
	rec := capturedRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool { rec.attrs[a.Key] = a.Value.String(); return true })
	h.mu.Lock()
	*h.recs = append(*h.recs, rec)
	h.mu.Unlock()
	return nil
}

// find returns the records with message msg.
func (h logCapture) find(msg string) []capturedRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []capturedRecord
	for _, r := range *h.recs {
		if r.msg == msg {
			out = append(out, r)
		}
	}
	return out
}

// atLeast returns the records at level l or above.
func (h logCapture) atLeast(l slog.Level) []capturedRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []capturedRecord
	for _, r := range *h.recs {
		if r.level >= l {
			out = append(out, r)
		}
	}
	return out
}

// TestLoginLogs checks the log of a normal login and logout, as an operator
// reads it: one INFO "logged in" naming account, character and address;
// no WARN or ERROR; the shutdown save counted.
func TestLoginLogs(t *testing.T) {
	capt := newLogCapture()
	srv := startServerOpts(t, newDB(t), "", nil, func(o *app.Options) { o.Logger = slog.New(capt) })
	cfg := srv.clientConfig("logs", 0)
	c := login(t, cfg)
	eventually(t, "a logged-in line", func() bool { return len(capt.find("logged in")) == 1 })
	rec := capt.find("logged in")[0]
	if rec.level != slog.LevelInfo || rec.attrs["account"] != cfg.Account ||
		rec.attrs["character"] != cfg.Character || rec.attrs["remote"] != loopback {
		t.Fatalf("logged in: %+v", rec)
	}
	a := srv.app
	srv.stop()
	_ = c.Close()
	if n := a.SavedAtShutdown(); n != 1 {
		t.Fatalf("SavedAtShutdown = %d, want 1", n)
	}
	for _, r := range capt.atLeast(slog.LevelWarn) {
		t.Errorf("an operator must act on nothing here, yet: %s %s %v", r.level, r.msg, r.attrs)
	}
	for _, r := range capt.find("closing connection") {
		if r.level != slog.LevelDebug {
			t.Errorf("closing connection at %s: %v", r.level, r.attrs)
		}
	}
}
