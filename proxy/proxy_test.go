package proxy_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/proxy"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/wire"
)

const (
	loopback    = "127.0.0.1"
	waitTimeout = 10 * time.Second
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startServer starts coserver (account and game) on loopback.
func startServer(t *testing.T) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.General.DB = t.TempDir() + "/proxy.db"
	cfg.General.AdminAddr = ""
	cfg.Account.AccountAddr = loopback + ":0"
	cfg.Account.GameHost = loopback
	cfg.Account.AutoRegister = true
	cfg.Game.GameAddr = loopback + ":0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Start(t.Context(), cfg, app.Options{HashParams: password.TestParams, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("app.Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := a.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return a
}

// syncBuffer is a bytes.Buffer safe for the proxy's goroutines.
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

// startProxy starts a proxy in front of upstream, printing in format into
// the returned buffer and recording into rec (nil: no recording).
func startProxy(t *testing.T, upstream, format string, rec io.Writer) (*proxy.Proxy, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	pr, err := record.NewPrinter(out, format, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := proxy.Config{
		AccountAddr: loopback + ":0", GameAddr: loopback + ":0", Upstream: upstream,
		Printer: pr, Logger: quietLogger(), DialTimeout: waitTimeout, HandshakeTimeout: waitTimeout,
	}
	if rec != nil {
		w, err := record.NewWriter(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Recorder = w
	}
	p, err := proxy.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p, out
}

func TestLoginWalkChatThroughProxy(t *testing.T) {
	srv := startServer(t)
	var rec syncBuffer
	p, out := startProxy(t, srv.AccountAddr().String(), record.FormatText, &rec)

	acks := make(chan client.Ack, 4)
	c, err := client.Login(t.Context(), client.Config{
		AccountAddr: p.AccountAddr().String(), Account: "proxy1", Password: "secret-pw",
		Character: "ProxyOne", Timeout: waitTimeout, Logger: quietLogger(),
		OnAck: func(a client.Ack) { acks <- a },
	})
	if err != nil {
		t.Fatalf("login through the proxy: %v", err)
	}
	defer c.Close()
	if got, want := c.Ticket().Addr(), p.GameAddr().String(); got != want {
		t.Errorf("client was sent to %s, want the proxy's game listener %s", got, want)
	}
	if err := c.Walk(0, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-acks:
		if !a.Accepted {
			t.Errorf("walk through the proxy refused: %+v", a)
		}
	case <-time.After(waitTimeout):
		t.Fatal("no answer to the walk")
	}
	if err := c.Talk(msg.ChannelTalk, msg.AllUsers, "hello through the proxy"); err != nil {
		t.Fatal(err)
	}
	// An answered move after the chat: the chat has passed the proxy.
	if err := c.Walk(4, msg.WalkModeWalk); err != nil {
		t.Fatal(err)
	}
	select {
	case <-acks:
	case <-time.After(waitTimeout):
		t.Fatal("no answer to the second walk")
	}
	c.Close()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"account#1 C→S MsgAccount len=52 Account=\"proxy1\" Password=****",
		"account#1 S→C MsgConnectEx",
		"rewrote game address",
		"game#2 is the game login of account#1 (account \"proxy1\")",
		"game#2 C→S MsgConnect len=28",
		"S→C MsgUserInfo",
		"C→S MsgWalk len=",
		"hello through the proxy",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "secret-pw") {
		t.Error("output shows the password")
	}
	_, packets, err := record.ReadAll(strings.NewReader(rec.String()))
	if err != nil {
		t.Fatalf("reading the recording: %v", err)
	}
	var sawAccount, sawWalk bool
	for _, pk := range packets {
		_, typ := wire.Header(pk.Bytes)
		switch typ {
		case wire.TypeAccount:
			sawAccount = true
			if !bytes.Equal(pk.Bytes[20:36], make([]byte, 16)) {
				t.Errorf("recorded MsgAccount keeps its password: % x", pk.Bytes[20:36])
			}
		case wire.TypeWalk:
			sawWalk = true
		}
	}
	if !sawAccount || !sawWalk {
		t.Errorf("recording lacks MsgAccount (%v) or MsgWalk (%v)", sawAccount, sawWalk)
	}
}

func TestJSONOutputAndFilter(t *testing.T) {
	srv := startServer(t)
	out := &syncBuffer{}
	pr, err := record.NewPrinter(out, record.FormatJSON, []wire.Type{wire.TypeAccount, wire.TypeConnect})
	if err != nil {
		t.Fatal(err)
	}
	p, err := proxy.Start(proxy.Config{AccountAddr: loopback + ":0", GameAddr: loopback + ":0",
		Upstream: srv.AccountAddr().String(), Printer: pr, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Login(t.Context(), client.Config{AccountAddr: p.AccountAddr().String(), Account: "proxyj",
		Password: "pw", Character: "ProxyJ", Timeout: waitTimeout, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	var packets int
	for line := range strings.SplitSeq(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(line, `{"note":`) {
			continue
		}
		packets++
		if !strings.Contains(line, `"name":"MsgAccount"`) && !strings.Contains(line, `"name":"MsgConnect"`) {
			t.Errorf("filter let through %s", line)
		}
		if strings.Contains(line, "MsgAccount") && !strings.Contains(line, `"Password":"****"`) {
			t.Errorf("password not masked: %s", line)
		}
	}
	if packets < 2 {
		t.Errorf("%d packets printed, want MsgAccount and MsgConnect:\n%s", packets, out)
	}
}

// waitClosed reads from nc until the proxy closes it.
func waitClosed(t *testing.T, nc net.Conn) {
	t.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(waitTimeout))
	_, err := io.Copy(io.Discard, nc)
	if errors.Is(err, net.ErrClosed) || (err != nil && strings.Contains(err.Error(), "timeout")) {
		t.Fatalf("proxy did not close the connection: %v", err)
	}
}

func TestBadInputClosesThePair(t *testing.T) {
	srv := startServer(t)
	tests := []struct {
		name, want string
		send       func(t *testing.T, p *proxy.Proxy)
	}{
		{"garbage on account", "garbage from client", func(t *testing.T, p *proxy.Proxy) {
			nc, err := net.Dial("tcp", p.AccountAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			garbage := bytes.Repeat([]byte{0x17, 0xA5, 0x3C}, 40)
			if _, err := nc.Write(garbage); err != nil {
				t.Fatal(err)
			}
			waitClosed(t, nc)
		}},
		{"other packet first on account", "not MsgAccount", func(t *testing.T, p *proxy.Proxy) {
			cc, err := client.Dial(t.Context(), p.AccountAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Close()
			if err := cc.Send(&msg.Walk{ID: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := cc.Next(); err == nil {
				t.Fatal("proxy answered a client that did not start with MsgAccount")
			}
		}},
		{"other patch on game", "client build 5065 is not patch 5017", func(t *testing.T, p *proxy.Proxy) {
			cc, err := client.Dial(t.Context(), p.GameAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Close()
			if err := cc.Send(&msg.Connect{Token: 0x1234_0000_0001, Build: 5065, Language: "En"}); err != nil {
				t.Fatal(err)
			}
			if _, err := cc.Next(); err == nil {
				t.Fatal("proxy answered a client of another patch")
			}
		}},
		{"unknown token", "was not issued through this proxy", func(t *testing.T, p *proxy.Proxy) {
			cc, err := client.Dial(t.Context(), p.GameAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Close()
			if err := cc.Send(&msg.Connect{Token: 0x1234_0000_0001, Build: msg.Build5017, Language: "En"}); err != nil {
				t.Fatal(err)
			}
			if _, err := cc.Next(); err == nil {
				t.Fatal("proxy answered an unknown token")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, out := startProxy(t, srv.AccountAddr().String(), record.FormatText, nil)
			tc.send(t, p)
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}

func TestUpstreamDown(t *testing.T) {
	ln, err := net.Listen("tcp", loopback+":0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	p, out := startProxy(t, dead, record.FormatText, nil)
	_, err = client.Login(t.Context(), client.Config{AccountAddr: p.AccountAddr().String(), Account: "x",
		Password: "y", Timeout: waitTimeout, Logger: quietLogger()})
	if err == nil {
		t.Fatal("login succeeded with the upstream down")
	}
	p.Close()
	if want := "upstream account server " + dead + " is down"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

func TestGarbageFromUpstream(t *testing.T) {
	ln, err := net.Listen("tcp", loopback+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		_, _ = nc.Write(bytes.Repeat([]byte{0xFF}, 64))
		_, _ = io.Copy(io.Discard, nc)
	}()
	p, out := startProxy(t, ln.Addr().String(), record.FormatText, nil)
	_, err = client.Login(t.Context(), client.Config{AccountAddr: p.AccountAddr().String(), Account: "x",
		Password: "y", Timeout: waitTimeout, Logger: quietLogger()})
	if err == nil {
		t.Fatal("login succeeded against a garbage upstream")
	}
	p.Close()
	if want := "garbage from upstream"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}
