package bots

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

func TestBucketsTileTheLine(t *testing.T) {
	last := bucketOf(math.MaxInt64)
	if last >= numBuckets {
		t.Fatalf("MaxInt64 falls in bucket %d of %d", last, numBuckets)
	}
	for i := 0; i < last; i++ {
		lo, hi := bucketBounds(i)
		next, _ := bucketBounds(i + 1)
		if lo > hi || hi+1 != next || bucketOf(lo) != i || bucketOf(hi) != i {
			t.Fatalf("bucket %d: [%d, %d], next starts at %d", i, lo, hi, next)
		}
		if i >= subCount && float64(hi-lo+1)/float64(lo) > 1.0/subCount+1e-9 {
			t.Fatalf("bucket %d is %d wide at %d", i, hi-lo+1, lo)
		}
	}
	if _, hi := bucketBounds(last); hi != math.MaxInt64 {
		t.Fatalf("last bucket ends at %d", hi)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		v := rng.Int64N(math.MaxInt64)
		if lo, hi := bucketBounds(bucketOf(v)); v < lo || v > hi {
			t.Fatalf("%d outside its bucket [%d, %d]", v, lo, hi)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	s := h.snapshot()
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.9, 900 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, time.Millisecond}} {
		got := s.quantile(c.q)
		if got < c.want || float64(got) > float64(c.want)*(1+1.0/subCount) {
			t.Errorf("q%.2f = %v, want %v within one bucket above", c.q, got, c.want)
		}
	}
	if s.max != int64(time.Millisecond) || s.total != 1000 || s.mean() != 500500*time.Nanosecond {
		t.Errorf("max %d, total %d, mean %v", s.max, s.total, s.mean())
	}
	h.Record(5 * time.Second)
	w := h.snapshot().since(s)
	if w.count() != 1 || w.quantile(0.5) != 5*time.Second {
		t.Errorf("window: %d values, median %v", w.count(), w.quantile(0.5))
	}
	if (snapshot{counts: make([]int64, numBuckets)}).quantile(0.5) != 0 {
		t.Error("quantile of nothing is not 0")
	}
	var total int64
	for _, b := range powerBuckets(h.snapshot()) {
		total += b.Count
	}
	if total != 1001 {
		t.Errorf("power buckets hold %d values", total)
	}
}

func TestHistogramRecordAllocatesNothing(t *testing.T) {
	var h Histogram
	if n := testing.AllocsPerRun(1000, func() { h.Record(123 * time.Microsecond) }); n != 0 {
		t.Errorf("%v allocations per Record", n)
	}
}

func TestConfigValidation(t *testing.T) {
	ok := DefaultConfig()
	if err := ok.withDefaults().validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for name, mutate := range map[string]func(*Config){
		"no bots":         func(c *Config) { c.Count = 0 },
		"bad rate":        func(c *Config) { c.Rate = -1 },
		"tiny interval":   func(c *Config) { c.Interval = time.Millisecond },
		"symbol prefix":   func(c *Config) { c.Prefix = "bot_" },
		"reserved":        func(c *Config) { c.Prefix = "GMbot" },
		"long names":      func(c *Config) { c.Prefix = "abcdefghijklm"; c.Count = 1000 },
		"short names":     func(c *Config) { c.Prefix = "b" },
		"long password":   func(c *Config) { c.Password = strings.Repeat("x", 16) },
		"negative roam":   func(c *Config) { c.Roam = -1 },
		"negative spread": func(c *Config) { c.Spread = -5 },
		"negative settle": func(c *Config) { c.Settle = -time.Second },
		"endless settle":  func(c *Config) { c.Settle = MaxSettle + 1 },
	} {
		c := DefaultConfig()
		mutate(&c)
		if err := c.withDefaults().validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c := DefaultConfig()
	c.Prefix, c.Count = "abcdefghijkl", 1000 // names up to abcdefghijkl999, 15 bytes
	if err := c.validate(); err != nil {
		t.Errorf("15-byte names refused: %v", err)
	}
}

func TestErrKind(t *testing.T) {
	for want, err := range map[string]error{
		"reject_InvalidPassword": fmt.Errorf("x: %w", &client.RejectError{Code: msg.RejectInvalidPassword}),
		"login_refused":          &client.LoginError{Text: "Login Invalid"},
		"register_refused":       &client.RegisterError{Text: "taken"},
		"malformed":              fmt.Errorf("client: %w", &wire.FieldError{Packet: wire.TypeWalk}),
		"eof":                    fmt.Errorf("client: connection lost: %w", io.EOF),
		"conn_refused":           fmt.Errorf("dial: %w", syscall.ECONNREFUSED),
		"cancelled":              context.Canceled,
		"closed":                 client.ErrClosed,
		"other":                  errors.New("something else"),
	} {
		if got := errKind(err); got != want {
			t.Errorf("errKind(%v) = %q, want %q", err, got, want)
		}
	}
}

func TestReportFormats(t *testing.T) {
	var h Histogram
	h.Record(300 * time.Microsecond)
	h.Record(2 * time.Millisecond)
	s := h.snapshot()
	rep := Report{Bots: 2, Logins: 2, MoveRTT: latency(s), MoveRTTHistogram: powerBuckets(s),
		Walks: Moves{Sent: 3, Acknowledged: 2, Unanswered: 1}, Errors: map[string]int64{"conn_eof": 1},
		SeenRTT: latency(s), SeenUnpaired: 4}
	var back Report
	if err := json.Unmarshal(rep.JSON(), &back); err != nil {
		t.Fatal(err)
	}
	if back.MoveRTT.Count != 2 || back.Walks.Sent != 3 || back.Errors["conn_eof"] != 1 || len(back.MoveRTTHistogram) != 2 ||
		back.SeenRTT.Count != 2 || back.SeenUnpaired != 4 {
		t.Errorf("JSON round trip: %+v", back)
	}
	text := rep.String()
	for _, want := range []string{"move RTT:    n=2", "seen RTT:    n=2", "unpaired:  4", "3 sent, 2 acknowledged", "conn_eof", "#"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
}

func TestRunWithoutServer(t *testing.T) {
	cfg := DefaultConfig()
	cfg.AccountAddr = "127.0.0.1:1" // nothing listens on port 1
	cfg.Count, cfg.Rate, cfg.Duration, cfg.Interval = 3, 100, 700*time.Millisecond, 50*time.Millisecond
	var progress bytes.Buffer
	rep, err := Run(t.Context(), cfg, &progress)
	if !errors.Is(err, ErrNoLogins) {
		t.Fatalf("Run: %v, want ErrNoLogins", err)
	}
	if rep.LoginFailures < 3 || rep.Errors["login_conn_refused"] != rep.LoginFailures {
		t.Errorf("failures %d, errors %v", rep.LoginFailures, rep.Errors)
	}
	if rep.LoginFailures > 3*4 {
		t.Errorf("%d login attempts in 0.7 s: backoff not applied", rep.LoginFailures)
	}
}

func TestMainFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"-h"}, &out, &errOut); code != exitOK || !strings.Contains(errOut.String(), "-auto-register") {
		t.Errorf("-h: exit %d, help:\n%s", code, errOut.String())
	}
	errOut.Reset()
	if code := Main([]string{"-n", "x"}, &out, &errOut); code != exitUsage {
		t.Errorf("bad flag: exit %d", code)
	}
	if code := Main([]string{"-prefix", "a b"}, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "Prefix") {
		t.Errorf("bad prefix: exit %d, %s", code, errOut.String())
	}
	out.Reset()
	code := Main([]string{"-account-addr", "127.0.0.1:1", "-n", "1", "-duration", "300ms", "-json"}, &out, io.Discard)
	var rep Report
	if code != exitRun || json.Unmarshal(out.Bytes(), &rep) != nil || rep.Bots != 1 {
		t.Errorf("unreachable server: exit %d, output %s", code, out.String())
	}
}
