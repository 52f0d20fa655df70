package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The later delay under load (Config.LaterDelayBusy): when the process's
// processors fill up, news of others waits longer, so that each client
// costs fewer writes and the server keeps answering its players' own
// actions at once instead of falling behind on everything.
const (
	// loadEvery is how often a flusher samples the process's use of its
	// processors.
	loadEvery = 250 * time.Millisecond
	// loadLow is the share of the processors (GOMAXPROCS) in use below
	// which the later delay is LaterDelay.
	loadLow = 0.6
	// loadHigh is the share at and above which it is LaterDelayBusy;
	// between the two it grows in proportion.
	loadHigh = 0.9
	// loadEase is the most the later delay shortens per sample. The
	// flusher's queue of later dues is in due order only while the delay
	// does not shrink: a due queued behind longer ones may be written up
	// to this much late. Growing is not bounded.
	loadEase = 10 * time.Millisecond
)

// load is a flusher's view of how busy the process is, and the later delay
// that follows from it.
type load struct {
	base, busy time.Duration // LaterDelay and LaterDelayBusy
	procs      float64       // GOMAXPROCS when the server was made
	// cpu returns the process's processor time so far (processCPU; a
	// test's clock), false when unknown.
	cpu   func() (time.Duration, bool)
	gauge prometheus.Gauge // the later delay now, in seconds

	sampled int64         // when the last sample was taken (flusher clock); 0: never
	used    time.Duration // the process's processor time then
	share   float64       // the share of the processors in use, smoothed
}

// sample takes a sample at now (the flusher's clock) and returns the later
// delay that follows from it, given the delay until now.
func (l *load) sample(now int64, current time.Duration) time.Duration {
	used, ok := l.cpu()
	if !ok || l.busy <= l.base {
		l.sampled = now
		return current
	}
	if l.sampled != 0 && now > l.sampled {
		share := float64(used-l.used) / float64(now-l.sampled) / l.procs
		l.share = (l.share + share) / 2
	}
	l.sampled, l.used = now, used
	next := max(stretch(l.base, l.busy, l.share), current-loadEase)
	if l.gauge != nil {
		l.gauge.Set(next.Seconds())
	}
	return next
}

// stretch returns the later delay for a share of the processors in use:
// base up to loadLow, busy from loadHigh, in proportion between.
func stretch(base, busy time.Duration, share float64) time.Duration {
	if busy <= base {
		return base
	}
	f := min(max((share-loadLow)/(loadHigh-loadLow), 0), 1)
	return base + time.Duration(f*float64(busy-base))
}
