package ratelimit

import (
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	b := New(10, 3) // 10 per second, 3 at once
	now := time.Unix(1000, 0)
	for i := range 3 {
		if !b.Allow(now) {
			t.Fatalf("burst event %d refused", i)
		}
	}
	if b.Allow(now) {
		t.Fatal("an event over the burst was allowed")
	}
	if !b.Allow(now.Add(100 * time.Millisecond)) {
		t.Fatal("an event one interval later was refused")
	}
	if b.Allow(now.Add(150 * time.Millisecond)) {
		t.Fatal("an event half an interval later was allowed")
	}
	if b.Allow(now) {
		t.Fatal("a clock going backwards refilled the bucket")
	}
	full := now.Add(time.Hour)
	for i := range 3 {
		if !b.Allow(full) {
			t.Fatalf("after an hour, event %d refused", i)
		}
	}
	if b.Allow(full) {
		t.Fatal("a long pause gave more than the burst")
	}
}

func TestUnlimitedAndZero(t *testing.T) {
	u := New(-1, 0)
	var z Bucket
	now := time.Now()
	for range 1000 {
		if !u.Allow(now) {
			t.Fatal("a negative rate refused an event")
		}
	}
	if z.Allow(now) {
		t.Fatal("the zero bucket allowed an event")
	}
}

func BenchmarkAllow(b *testing.B) {
	bk := New(1e9, 1e9)
	now := time.Now()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		bk.Allow(now.Add(time.Duration(i)))
	}
}
