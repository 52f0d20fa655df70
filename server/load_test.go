package server

import (
	"testing"
	"time"
)

// The later delay is LaterDelay up to loadLow of the processors in use,
// LaterDelayBusy from loadHigh, in proportion between; without room to
// stretch it stays LaterDelay.
func TestStretch(t *testing.T) {
	const base, busy = 100 * time.Millisecond, 250 * time.Millisecond
	for _, c := range []struct {
		share float64
		want  time.Duration
	}{{0, base}, {loadLow, base}, {0.75, 175 * time.Millisecond}, {loadHigh, busy}, {1.5, busy}} {
		if got := stretch(base, busy, c.share); got != c.want {
			t.Errorf("stretch at %.2f of the processors: %v, want %v", c.share, got, c.want)
		}
	}
	if got := stretch(base, base/2, 1); got != base {
		t.Errorf("a busy delay below the delay stretched it to %v", got)
	}
}

// Sampled every loadEvery, the later delay follows the process's use of its
// processors: up at once when they fill, down by at most loadEase a sample
// when they empty.
func TestLoadSample(t *testing.T) {
	var used time.Duration
	l := load{base: 100 * time.Millisecond, busy: 250 * time.Millisecond, procs: 2,
		cpu: func() (time.Duration, bool) { return used, true }}
	now, d := int64(1), l.base
	step := func(share float64) time.Duration {
		now += int64(loadEvery)
		used += time.Duration(share * 2 * float64(loadEvery))
		d = l.sample(now, d)
		return d
	}
	step(1) // the first sample has nothing to compare with
	if d != l.base {
		t.Fatalf("first sample: %v, want the base %v", d, l.base)
	}
	for range 5 {
		step(1) // both processors busy
	}
	if d != l.busy {
		t.Fatalf("after busy samples: %v, want %v", d, l.busy)
	}
	prev := d
	for range 40 {
		if step(0); prev-d > loadEase {
			t.Fatalf("the delay shrank by %v in one sample, more than %v", prev-d, loadEase)
		}
		prev = d
	}
	if d != l.base {
		t.Fatalf("after idle samples: %v, want the base %v", d, l.base)
	}
	l.cpu = func() (time.Duration, bool) { return 0, false }
	if got := l.sample(now+int64(loadEvery), 180*time.Millisecond); got != 180*time.Millisecond {
		t.Fatalf("without a processor clock the delay moved to %v", got)
	}
}
