// Package ratelimit is the token bucket that every limit of coserver uses:
// packets per connection, steps and jumps per player, logins per bot swarm.
package ratelimit

import "time"

// Bucket allows Rate events per second on average and Burst at once. The
// zero Bucket allows nothing; a Bucket with Rate < 0 allows everything. A
// Bucket is not safe for concurrent use: each belongs to one goroutine (or
// to its owner's lock). It never allocates and reads no clock: callers pass
// the time, so a batch of events can share one clock reading.
type Bucket struct {
	Rate   float64 // events per second
	Burst  float64 // the most events at once; a new bucket starts full
	tokens float64
	last   time.Time
}

// New returns a full bucket of rate events per second, burst at once.
func New(rate, burst float64) Bucket { return Bucket{Rate: rate, Burst: burst} }

// Allow reports whether an event at now fits, and counts it if it does.
func (b *Bucket) Allow(now time.Time) bool {
	if b.Rate < 0 {
		return true
	}
	if b.last.IsZero() {
		b.tokens = b.Burst
	} else if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.Burst, b.tokens+elapsed.Seconds()*b.Rate)
	}
	if now.After(b.last) {
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
