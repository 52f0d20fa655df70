package trace_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/trace"
	"github.com/coserver/coserver/wire"
)

const (
	loopback    = "127.0.0.1"
	waitTimeout = 10 * time.Second
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestListParsing(t *testing.T) {
	tr, err := trace.New(slog.New(slog.DiscardHandler), " alice, 10.0.0.1 ,,Bob ")
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.List(); got != "alice,10.0.0.1,Bob" {
		t.Errorf("list %q", got)
	}
	if err := tr.Set("two words"); err == nil {
		t.Error("an entry with a space accepted")
	}
	if err := tr.Set(strings.Repeat("a,", trace.MaxEntries+1)); err == nil {
		t.Error("an over-long list accepted")
	}
	if got := tr.List(); got != "alice,10.0.0.1,Bob" {
		t.Errorf("a refused list changed the list to %q", got)
	}
}

// login logs a new account in and walks one step, waiting for the answer.
func loginAndWalk(t *testing.T, a *app.App, name string) *client.Client {
	t.Helper()
	acks := make(chan client.Ack, 4)
	c, err := client.Login(t.Context(), client.Config{AccountAddr: a.AccountAddr().String(), Account: name,
		Password: "pw-" + name, Character: name + "C", Timeout: waitTimeout,
		Logger: slog.New(slog.DiscardHandler), OnAck: func(k client.Ack) { acks <- k }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	walk(t, c, acks)
	return c
}

func walk(t *testing.T, c *client.Client, acks chan client.Ack) {
	t.Helper()
	if err := c.Walk(0, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	select {
	case <-acks:
	case <-time.After(waitTimeout):
		t.Fatal("no answer to a walk")
	}
}

func post(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.Post(url, "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %q: %s %s", body, resp.Status, b)
	}
	return string(b)
}

func TestTraceByAccountAndAtRuntime(t *testing.T) {
	logs := &syncBuffer{}
	cfg := config.Default()
	cfg.General.DB = filepath.Join(t.TempDir(), "trace.db")
	cfg.General.AdminAddr = loopback + ":0"
	cfg.General.Trace = "tracedone"
	recPath := filepath.Join(t.TempDir(), "trace.rec")
	cfg.General.TraceRecord = recPath
	cfg.Account.AccountAddr = loopback + ":0"
	cfg.Account.GameHost = loopback
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = loopback + ":0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Start(t.Context(), cfg, app.Options{HashParams: password.TestParams,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			_ = a.Shutdown(ctx)
		}
	})
	loginAndWalk(t, a, "tracedone")
	loginAndWalk(t, a, "untraced")
	out := logs.String()
	for _, want := range []string{
		`msg=packet trace=true listener=game`, `account=tracedone character=tracedoneC dir=c2s type=MsgWalk`,
		`dir=s2c type=MsgWalk`, `dir=s2c type=MsgUserInfo`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if strings.Contains(out, "account=untraced character=untracedC dir=") {
		t.Error("an account not on the list is traced")
	}
	url := "http://" + a.AdminAddr().String() + "/admin/trace"
	if got := post(t, url, "untracedC"); !strings.Contains(got, "trace: untracedC") {
		t.Errorf("POST answered %q", got)
	}
	acks := make(chan client.Ack, 4)
	c, err := client.Login(t.Context(), client.Config{AccountAddr: a.AccountAddr().String(), Account: "untraced",
		Password: "pw-untraced", Timeout: waitTimeout, Logger: slog.New(slog.DiscardHandler), OnAck: func(k client.Ack) { acks <- k }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	walk(t, c, acks)
	if !strings.Contains(logs.String(), "account=untraced character=untracedC dir=c2s type=MsgWalk") {
		t.Error("the list set at runtime traces nothing")
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "untracedC") {
		t.Errorf("GET answered %q", b)
	}
	resp, err = http.Post(url, "text/plain", strings.NewReader("bad entry"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad list: %s", resp.Status)
	}
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	stopped = true
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(recPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, packets, err := record.ReadAll(f)
	if err != nil {
		t.Fatalf("-trace-record file: %v", err)
	}
	var walks int
	for _, p := range packets {
		if _, typ := wire.Header(p.Bytes); typ == wire.TypeWalk && p.Kind == record.KindGame {
			walks++
		}
	}
	if walks < 4 { // two traced walks, each sent and echoed
		t.Errorf("the recording holds %d walks of %d packets, want at least 4", walks, len(packets))
	}
}
