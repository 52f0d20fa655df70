package account

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

var (
	ipA = netip.MustParseAddr("192.0.2.1")
	ipB = netip.MustParseAddr("192.0.2.2")
)

func noneExempt(netip.Addr) bool { return false }

// TestGateOneIPNeverTakesEverySlot: one IP gets at most slots-1 (and at
// most MaxHashesPerIP) slots, so another IP's login runs at once.
func TestGateOneIPNeverTakesEverySlot(t *testing.T) {
	g := newHashGate(2, 10, noneExempt)
	ctx := t.Context()
	r1, err := g.acquire(ctx, ipA, "a1")
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 1)
	g.onWait = func() { waiting <- struct{}{} }
	got := make(chan error, 1)
	go func() {
		r, err := g.acquire(ctx, ipA, "a2") // ipA is at its cap of 1: waits
		if err == nil {
			r()
		}
		got <- err
	}()
	<-waiting
	r3, err := g.acquire(ctx, ipB, "b1") // the free slot goes to ipB at once
	if err != nil {
		t.Fatal(err)
	}
	r1() // ipA's waiter now runs
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	r3()
}

// TestGateAccountCap: one account runs at most MaxHashesPerAccount hashes.
func TestGateAccountCap(t *testing.T) {
	g := newHashGate(10, 10, func(netip.Addr) bool { return true })
	ctx := t.Context()
	var rs []func()
	for range MaxHashesPerAccount {
		r, err := g.acquire(ctx, ipA, "kirk")
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	waiting := make(chan struct{}, 1)
	g.onWait = func() { waiting <- struct{}{} }
	cctx, cancel := context.WithCancel(ctx)
	got := make(chan error, 1)
	go func() {
		_, err := g.acquire(cctx, ipB, "kirk")
		got <- err
	}()
	<-waiting
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	for _, r := range rs {
		r()
	}
	if g.running != 0 || len(g.waiters) != 0 || len(g.byAccount) != 0 || len(g.queuedIP) != 0 {
		t.Fatalf("gate not empty: %+v", g)
	}
}

// TestGateQueueBounds: a full queue, or an IP's full share of it, answers
// errBusy at once.
func TestGateQueueBounds(t *testing.T) {
	g := newHashGate(1, MaxQueuedPerIP+1, noneExempt)
	ctx, cancel := context.WithCancel(t.Context())
	r, err := g.acquire(ctx, ipB, "holder")
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, MaxQueuedPerIP+1)
	g.onWait = func() { waiting <- struct{}{} }
	done := make(chan error, MaxQueuedPerIP+1)
	for range MaxQueuedPerIP {
		go func() {
			_, err := g.acquire(ctx, ipA, "x")
			done <- err
		}()
		<-waiting
	}
	if _, err := g.acquire(ctx, ipA, "y"); !errors.Is(err, errBusy) {
		t.Fatalf("over the IP's share: %v, want errBusy", err)
	}
	go func() {
		_, err := g.acquire(ctx, ipB, "z")
		done <- err
	}()
	<-waiting
	if _, err := g.acquire(ctx, netip.MustParseAddr("192.0.2.3"), "w"); !errors.Is(err, errBusy) {
		t.Fatalf("over the queue: %v, want errBusy", err)
	}
	cancel()
	for range MaxQueuedPerIP + 1 {
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("waiter: %v", err)
		}
	}
	r()
}
