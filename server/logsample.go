package server

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Sampling of the logs of refused and closed connections: a client that
// opens connections in a loop, or sends bad packets, must not be able to
// fill the disk with one WARN line per attempt. The Prometheus counters
// stay exact; only the log lines are sampled.
const (
	// LogSampleBurst is the most lines logged per reason in one
	// LogSampleInterval; the rest are counted and reported in one
	// "suppressed" line.
	LogSampleBurst = 10
	// LogSampleInterval is the window of LogSampleBurst.
	LogSampleInterval = 10 * time.Second
	// ForeignClientLogInterval is how often one IP address may be logged
	// as "not a 5017 client": one line per address per interval.
	ForeignClientLogInterval = time.Minute
	// MaxSampledKeys bounds the keys one sampler remembers (reasons, or IP
	// addresses for the foreign-client log); when full, expired windows
	// are dropped, and a new key is not logged until one expires.
	MaxSampledKeys = 4096
)

// logSampler lets through at most burst lines per key per interval and
// counts the others. It is safe for concurrent use.
type logSampler struct {
	log      *slog.Logger
	now      func() time.Time
	burst    int
	interval time.Duration

	// quiet suppresses the "suppressed n more" summaries (the
	// foreign-client sampler, keyed by address, would log one per IP).
	quiet bool

	mu   sync.Mutex
	keys map[string]*sampleWindow
}

// sampleWindow is one key's current interval.
type sampleWindow struct {
	start      time.Time
	logged     int
	suppressed int
	level      slog.Level // of the key's last line: its summary's level
}

func newLogSampler(log *slog.Logger, now func() time.Time) *logSampler {
	return &logSampler{log: log, now: now, burst: LogSampleBurst, interval: LogSampleInterval,
		keys: make(map[string]*sampleWindow)}
}

// allow reports whether a WARN line for key may be logged now; see allowAt.
func (s *logSampler) allow(key string) bool { return s.allowAt(key, slog.LevelWarn) }

// allowAt reports whether a line for key at level may be logged now. When
// key's previous interval suppressed lines, it first logs their count, at
// the level of the lines suppressed.
func (s *logSampler) allowAt(key string, level slog.Level) bool {
	now := s.now()
	s.mu.Lock()
	w := s.keys[key]
	if w == nil {
		if len(s.keys) >= MaxSampledKeys {
			s.expire(now)
		}
		if len(s.keys) >= MaxSampledKeys {
			s.mu.Unlock()
			return false
		}
		w = &sampleWindow{start: now}
		s.keys[key] = w
	}
	var report int
	reportLevel := w.level
	if now.Sub(w.start) >= s.interval || now.Before(w.start) {
		report = w.suppressed
		*w = sampleWindow{start: now}
	}
	w.level = level
	ok := w.logged < s.burst
	if ok {
		w.logged++
	} else {
		w.suppressed++
	}
	s.mu.Unlock()
	if report > 0 {
		s.summary(key, report, reportLevel)
	}
	return ok
}

// expire forgets the windows whose interval has passed. Called with mu held.
func (s *logSampler) expire(now time.Time) {
	for k, w := range s.keys {
		if now.Sub(w.start) >= s.interval || now.Before(w.start) {
			delete(s.keys, k)
		}
	}
}

// flush logs the suppressed counts not reported yet (at shutdown).
func (s *logSampler) flush() {
	s.mu.Lock()
	type pending struct {
		key   string
		n     int
		level slog.Level
	}
	var ps []pending
	for k, w := range s.keys {
		if w.suppressed > 0 {
			ps = append(ps, pending{k, w.suppressed, w.level})
			w.suppressed = 0
		}
	}
	s.mu.Unlock()
	for _, p := range ps {
		s.summary(p.key, p.n, p.level)
	}
}

func (s *logSampler) summary(key string, n int, level slog.Level) {
	if s.quiet {
		return
	}
	s.log.Log(context.Background(), level, "suppressed "+strconv.Itoa(n)+" more", "reason", key, "suppressed", n,
		"burst", s.burst, "interval", s.interval)
}

// warn logs a WARN line through l when the sampler lets key through.
func (s *logSampler) warn(l *slog.Logger, key, msg string, args ...any) {
	s.logAt(l, slog.LevelWarn, key, msg, args...)
}

// logAt logs a line at level through l when the sampler lets key through.
// A line the logger would drop anyway is not counted.
func (s *logSampler) logAt(l *slog.Logger, level slog.Level, key, msg string, args ...any) {
	if !l.Enabled(context.Background(), level) || !s.allowAt(key, level) {
		return
	}
	l.Log(context.Background(), level, msg, args...)
}
