package bots

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// The histogram is log-linear: values below subCount nanoseconds have a
// bucket each; above, every power of two is cut into subCount buckets, so a
// bucket is at most 1/subCount (6%) wide relative to its values.
const (
	subBits    = 4
	subCount   = 1 << subBits
	numBuckets = 64 * subCount
)

// Histogram counts durations without locks: any number of goroutines may
// Record at once. The zero value is ready to use.
type Histogram struct {
	counts [numBuckets]atomic.Int64
	total  atomic.Int64
	sum    atomic.Int64
	max    atomic.Int64
}

// bucketOf returns the bucket of ns nanoseconds.
func bucketOf(ns int64) int {
	if ns < subCount {
		return int(max(ns, 0))
	}
	e := bits.Len64(uint64(ns)) - subBits - 1 // ns>>e is in [subCount, 2·subCount)
	return (e+1)*subCount + int(ns>>e) - subCount
}

// bucketBounds returns the smallest and largest value of bucket i.
func bucketBounds(i int) (lo, hi int64) {
	if i < subCount {
		return int64(i), int64(i)
	}
	e := i/subCount - 1
	m := int64(i%subCount + subCount)
	lo = m << e
	return lo, lo + (1<<e - 1) // written so that the top bucket ends at MaxInt64 without overflow
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	ns := int64(d)
	h.counts[bucketOf(ns)].Add(1)
	h.total.Add(1)
	h.sum.Add(ns)
	for {
		m := h.max.Load()
		if ns <= m || h.max.CompareAndSwap(m, ns) {
			return
		}
	}
}

// snapshot is a copy of a histogram's counts at one moment.
type snapshot struct {
	counts []int64
	total  int64
	sum    int64
	max    int64
}

// snapshot copies the counts. Records running meanwhile may be half in.
func (h *Histogram) snapshot() snapshot {
	s := snapshot{counts: make([]int64, numBuckets), total: h.total.Load(), sum: h.sum.Load(), max: h.max.Load()}
	for i := range h.counts {
		s.counts[i] = h.counts[i].Load()
	}
	return s
}

// since returns the counts recorded after prev (its max is the max of the
// buckets that grew).
func (s snapshot) since(prev snapshot) snapshot {
	d := snapshot{counts: make([]int64, numBuckets), total: s.total - prev.total, sum: s.sum - prev.sum}
	for i := range s.counts {
		d.counts[i] = s.counts[i] - prev.counts[i]
		if d.counts[i] > 0 {
			_, hi := bucketBounds(i)
			d.max = min(hi, s.max)
		}
	}
	return d
}

// count returns the values in the buckets, which may differ from total
// while records run.
func (s snapshot) count() int64 {
	var n int64
	for _, c := range s.counts {
		n += c
	}
	return n
}

// quantile returns the q-quantile (0 < q ≤ 1): the upper bound of the
// bucket that holds it, never above the max; 0 when empty.
func (s snapshot) quantile(q float64) time.Duration {
	n := s.count()
	if n == 0 {
		return 0
	}
	target := int64(math.Ceil(q * float64(n)))
	var cum int64
	for i, c := range s.counts {
		cum += c
		if cum >= max(target, 1) {
			_, hi := bucketBounds(i)
			return time.Duration(min(hi, s.max))
		}
	}
	return time.Duration(s.max)
}

// mean returns the average, 0 when empty.
func (s snapshot) mean() time.Duration {
	if s.total == 0 {
		return 0
	}
	return time.Duration(s.sum / s.total)
}
