package server

import (
	"encoding/binary"
	"log/slog"
	"strconv"
	"testing"
	"time"
)

// levels returns the levels of the records with message msg.
func (h captureHandler) levels(msg string) []slog.Level {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ls []slog.Level
	for _, r := range *h.recs {
		if r.Message == msg {
			ls = append(ls, r.Level)
		}
	}
	return ls
}

const notGameClient = "not a 5017 client (wrong patch or not a game client)"

func TestForeignClientLoggedOncePerIP(t *testing.T) {
	capt := newCapture()
	h := startWith(t, Config{Logger: slog.New(capt)}, nil)
	for range 3 { // garbage as a first packet: an impossible length
		c := h.dial()
		_, _ = c.Write(binary.LittleEndian.AppendUint16(nil, 0xffff))
		h.waitClosed(ReasonBadLength)
	}
	// A first packet of a type the service does not know.
	c := h.dial()
	_, _ = c.Write(rawPacket(4242, nil))
	expectEcho(t, c, 0) // still ignored, as before
	if n, _ := capt.count(notGameClient, ""); n != 1 {
		t.Fatalf("%d %q lines for one IP, want 1", n, notGameClient)
	}
	// A bad length after a good packet is a broken client of this patch.
	good := h.dial()
	expectEcho(t, good, 0)
	_, _ = good.Write(binary.LittleEndian.AppendUint16(nil, 2))
	h.waitClosed(ReasonBadLength)
	if n, _ := capt.count("bad packet length", ""); n != 1 {
		t.Fatalf("%d bad-length lines, want 1", n)
	}
}

func TestForeignClientSamplerForgetsAddresses(t *testing.T) {
	capt := newCapture()
	now := time.Unix(1000, 0)
	s := newLogSampler(slog.New(capt), func() time.Time { return now })
	s.burst, s.interval, s.quiet = 1, ForeignClientLogInterval, true
	for i := range MaxSampledKeys {
		if !s.allow("10.0." + strconv.Itoa(i)) {
			t.Fatalf("key %d refused", i)
		}
	}
	if s.allow("full") {
		t.Fatal("a key beyond MaxSampledKeys was let through within the interval")
	}
	now = now.Add(ForeignClientLogInterval)
	if !s.allow("full") {
		t.Fatal("expired keys were not forgotten")
	}
	if len(s.keys) != 1 {
		t.Fatalf("%d keys remembered, want 1", len(s.keys))
	}
	if n := len(*capt.recs); n != 0 {
		t.Fatalf("the quiet sampler logged %d lines", n)
	}
}

func TestCloseLevels(t *testing.T) {
	capt := newCapture()
	h := startWith(t, Config{Logger: slog.New(capt)}, nil)
	c := h.dial()
	_, _ = c.Write(rawPacket(typeKick, nil))
	h.waitClosed(ReasonKicked)
	if ls := capt.levels("closing connection"); len(ls) != 1 || ls[0] != slog.LevelInfo {
		t.Fatalf("kick logged at %v, want one INFO", ls)
	}
	want := map[Reason]slog.Level{
		ReasonDone: slog.LevelDebug, ReasonReplaced: slog.LevelDebug, ReasonKicked: slog.LevelInfo,
		ReasonMalformed: slog.LevelWarn, ReasonOutOfState: slog.LevelWarn, ReasonHandlerError: slog.LevelWarn,
	}
	for r, l := range want {
		if got := closeLevel(r); got != l {
			t.Errorf("closeLevel(%s) = %v, want %v", r, got, l)
		}
	}
	if ls := capt.levels("connection accepted"); len(ls) == 0 || ls[0] != slog.LevelDebug {
		t.Fatalf("accepts logged at %v, want DEBUG", ls)
	}
}

func TestRefusalsAreInfoWithInfoSummary(t *testing.T) {
	capt := newCapture()
	now := time.Unix(1000, 0)
	h := startWith(t, Config{MaxConnsPerIP: 1, Logger: slog.New(capt)}, func(s *Server) {
		s.sampled.now = func() time.Time { return now }
	})
	expectEcho(t, h.dial(), 0)
	for range LogSampleBurst + 1 {
		c := h.dial()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Read(make([]byte, 1))
	}
	h.srv.sampled.flush()
	for _, msg := range []string{"connection refused", "suppressed 1 more"} {
		ls := capt.levels(msg)
		if len(ls) == 0 {
			t.Fatalf("no %q line", msg)
		}
		for _, l := range ls {
			if l != slog.LevelInfo {
				t.Errorf("%q at %v, want INFO", msg, l)
			}
		}
	}
}
