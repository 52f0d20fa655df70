package account

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
)

// Hash concurrency limits.
const (
	// DefaultHashQueue is how many logins may wait for a hash slot; one
	// more is answered "server busy" at once.
	DefaultHashQueue = 64
	// MaxHashesPerIP is how many hashes one IP may have running at once.
	// With more than one slot it is also held below the slot count, so one
	// IP never takes every slot.
	MaxHashesPerIP = 2
	// MaxHashesPerAccount is how many hashes one account may have running
	// at once; like MaxHashesPerIP it is held below the slot count.
	MaxHashesPerAccount = 2
	// MaxQueuedPerIP is how many logins of one IP may wait for a hash slot,
	// so that one IP cannot fill the queue.
	MaxQueuedPerIP = 8
)

// errBusy is the answer of a full hash queue.
var errBusy = errors.New("hash queue full")

// hashGate admits password hashes: at most slots at once, at most perIP per
// client IP (exempt IPs aside) and perAccount per account, and at most queue
// logins waiting. Waiters are served in arrival order, skipping those whose
// IP or account is at its limit. It is safe for concurrent use.
type hashGate struct {
	slots, queue, perIP, perAccount int
	exempt                          func(netip.Addr) bool
	onWait                          func() // tests: called when a login starts waiting

	mu        sync.Mutex
	running   int
	byIP      map[netip.Addr]int // running hashes
	byAccount map[string]int     // running hashes
	queuedIP  map[netip.Addr]int // waiting logins
	waiters   []*waiter
}

// waiter is a login waiting for a slot.
type waiter struct {
	ip      netip.Addr
	account string
	exempt  bool
	granted chan struct{} // closed when the slot is given
}

func newHashGate(slots, queue int, exempt func(netip.Addr) bool) *hashGate {
	// One IP or one account never takes every slot: another client's
	// login always finds one within a hash's time.
	share := func(limit int) int { return max(1, min(limit, slots-1)) }
	return &hashGate{slots: slots, queue: queue, perIP: share(MaxHashesPerIP), perAccount: share(MaxHashesPerAccount),
		exempt: exempt, byIP: make(map[netip.Addr]int), byAccount: make(map[string]int),
		queuedIP: make(map[netip.Addr]int)}
}

// acquire waits for a hash slot for a login of account from ip. It returns
// errBusy at once when the queue (or the IP's share of it) is full, and
// ctx's error when ctx ends first. On success the caller must call release.
func (g *hashGate) acquire(ctx context.Context, ip netip.Addr, account string) (release func(), err error) {
	w := &waiter{ip: ip, account: account, exempt: g.exempt(ip)}
	release = func() { g.release(w) }
	g.mu.Lock()
	if err := ctx.Err(); err != nil {
		g.mu.Unlock()
		return nil, err
	}
	if g.eligible(w) {
		g.take(w)
		g.mu.Unlock()
		return release, nil
	}
	if len(g.waiters) >= g.queue || (!w.exempt && g.queuedIP[ip] >= MaxQueuedPerIP) {
		g.mu.Unlock()
		return nil, errBusy
	}
	w.granted = make(chan struct{})
	g.waiters = append(g.waiters, w)
	g.queuedIP[ip]++
	onWait := g.onWait
	g.mu.Unlock()
	if onWait != nil {
		onWait()
	}
	select {
	case <-w.granted:
		return release, nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	if i := slices.Index(g.waiters, w); i >= 0 {
		g.waiters = slices.Delete(g.waiters, i, i+1)
		g.unqueue(ip)
		g.mu.Unlock()
		return nil, ctx.Err()
	}
	g.mu.Unlock()
	release() // granted while ctx ended: give the slot back
	return nil, ctx.Err()
}

// eligible reports whether w may run now. Caller holds mu.
func (g *hashGate) eligible(w *waiter) bool {
	return g.running < g.slots && g.byAccount[w.account] < g.perAccount &&
		(w.exempt || g.byIP[w.ip] < g.perIP)
}

// take gives w a slot. Caller holds mu.
func (g *hashGate) take(w *waiter) {
	g.running++
	g.byIP[w.ip]++
	g.byAccount[w.account]++
}

// unqueue forgets one waiting login of ip. Caller holds mu.
func (g *hashGate) unqueue(ip netip.Addr) {
	if g.queuedIP[ip]--; g.queuedIP[ip] <= 0 {
		delete(g.queuedIP, ip)
	}
}

// release frees w's slot and hands free slots to the first eligible
// waiters.
func (g *hashGate) release(w *waiter) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	if g.byIP[w.ip]--; g.byIP[w.ip] <= 0 {
		delete(g.byIP, w.ip)
	}
	if g.byAccount[w.account]--; g.byAccount[w.account] <= 0 {
		delete(g.byAccount, w.account)
	}
	for i := 0; i < len(g.waiters) && g.running < g.slots; {
		next := g.waiters[i]
		if !g.eligible(next) {
			i++
			continue
		}
		g.waiters = slices.Delete(g.waiters, i, i+1)
		g.unqueue(next.ip)
		g.take(next)
		close(next.granted)
	}
}
