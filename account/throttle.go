package account

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/coserver/coserver/ratelimit"
)

// Defaults for ThrottleConfig.
const (
	// DefaultFailuresPerIP is how many failed logins one IP may have, on
	// any accounts, before the IP is locked out.
	DefaultFailuresPerIP = 10
	// DefaultFailuresPerAccount is how many failed logins one IP may have
	// on one account before that (account, IP) pair is locked out. Other
	// IPs, the owner's among them, are not affected.
	DefaultFailuresPerAccount = 5
	// DefaultAccountCeiling is how many failed logins one account may have
	// from all IPs together before it is locked out for everyone: it bounds
	// a distributed guessing attack, and is high enough that one attacker,
	// held to DefaultFailuresPerIP, cannot reach it alone.
	DefaultAccountCeiling = 100
	// DefaultLockout is the first lockout; each further failure after it
	// doubles it, up to MaxLockout.
	DefaultLockout = 5 * time.Minute
	// MaxLockout is the longest lockout; a Lockout above it is MaxLockout.
	MaxLockout = 1 * time.Hour
	// DefaultLoginRatePerIP is how many login attempts per second one IP
	// may start, successful or not, sustained.
	DefaultLoginRatePerIP = 5
	// DefaultLoginBurstPerIP is how many login attempts one IP may start
	// at once.
	DefaultLoginBurstPerIP = 20
	// failureWindow is how long failures are remembered after the last
	// one (or after the end of the lockout they caused).
	failureWindow = 15 * time.Minute
	// maxThrottleEntries bounds each table of the throttle (IPs, pairs,
	// accounts, rate buckets); beyond it the table is swept, then an
	// arbitrary half is dropped.
	maxThrottleEntries = 1 << 16
)

// ThrottleConfig limits password guessing and login floods; zero fields
// take the defaults above.
//
// Every attempt is counted before its password is hashed, against three
// keys: the client IP (FailuresPerIP), the (account, IP) pair
// (FailuresPerAccount) and the account alone (AccountCeiling). A key with
// as many failures and attempts in flight as its limit refuses further
// attempts; when its failures reach the limit it is locked out for Lockout,
// and each failure after a lockout ends doubles the next one, up to
// MaxLockout. A success clears the pair's failures.
type ThrottleConfig struct {
	// FailuresPerIP is the failures one IP may have on any accounts.
	FailuresPerIP int
	// FailuresPerAccount is the failures one IP may have on one account.
	FailuresPerAccount int
	// AccountCeiling is the failures one account may have from all IPs.
	AccountCeiling int
	// Lockout is the first lockout of a key.
	Lockout time.Duration
	// LoginRatePerIP is the login attempts per second one IP may start,
	// successful or not; negative means no limit.
	LoginRatePerIP float64
	// LoginBurstPerIP is the login attempts one IP may start at once.
	LoginBurstPerIP float64
	// ExemptIPs are client addresses free of every per-IP limit: the
	// attempt rate, FailuresPerIP (which also caps one IP's logins in
	// flight), and the per-IP hash concurrency and queue (for a bot swarm
	// or a load test's own address). The per-(account, IP) and per-account
	// limits still apply. nil means DefaultExemptIPs(); an empty, non-nil
	// list exempts nobody.
	ExemptIPs []netip.Prefix
}

// DefaultExemptIPs returns the addresses exempt from the per-IP limits when
// the operator sets none: the host itself, 127.0.0.1 and ::1, where bot
// swarms and tests run. Other loopback addresses (127.0.0.2, ...) are not
// exempt, so a load test can still play a remote attacker on one machine.
// A server behind a local TCP proxy sees every client as 127.0.0.1: the
// per-IP limits cannot tell its clients apart, so exempting it is the lesser
// harm (use the PROXY protocol in front of a real deployment, or set the
// list empty to apply them anyway).
func DefaultExemptIPs() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
}

func (c *ThrottleConfig) setDefaults() {
	c.FailuresPerIP = cmp.Or(c.FailuresPerIP, DefaultFailuresPerIP)
	c.FailuresPerAccount = cmp.Or(c.FailuresPerAccount, DefaultFailuresPerAccount)
	c.AccountCeiling = cmp.Or(c.AccountCeiling, DefaultAccountCeiling)
	c.Lockout = cmp.Or(c.Lockout, DefaultLockout)
	c.LoginRatePerIP = cmp.Or(c.LoginRatePerIP, DefaultLoginRatePerIP)
	c.LoginBurstPerIP = cmp.Or(c.LoginBurstPerIP, DefaultLoginBurstPerIP)
	if c.ExemptIPs == nil {
		c.ExemptIPs = DefaultExemptIPs()
	}
}

// exempt reports whether ip is free of the per-IP rate and hash limits.
func (c *ThrottleConfig) exempt(ip netip.Addr) bool {
	return slices.ContainsFunc(c.ExemptIPs, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// lockoutFor is the lockout after a key's failures first reach its limit
// (over = 0) and after each further failure: base doubled over times,
// saturating at MaxLockout (never overflowing, whatever base and over).
func lockoutFor(base time.Duration, over int) time.Duration {
	d := min(max(base, 0), MaxLockout)
	for range over {
		if d >= MaxLockout/2 {
			return MaxLockout
		}
		d *= 2
	}
	return d
}

// failures is one key's record.
type failures struct {
	count   int       // failures within the window
	pending int       // attempts counted and not yet decided
	last    time.Time // the last failure
	locked  time.Time // refused until then
}

// admits reports whether one more attempt fits under limit at now, forgetting
// failures older than the window first.
func (f *failures) admits(limit int, now time.Time) bool {
	if now.Sub(later(f.last, f.locked)) > failureWindow {
		f.count = 0
	}
	switch {
	case now.Before(f.locked):
		return false
	case f.count >= limit:
		// Past a lockout: one attempt at a time, each failure locks again.
		return f.pending == 0
	default:
		return f.count+f.pending < limit
	}
}

// fail records a failure against limit, locking the key once it is reached.
func (f *failures) fail(limit int, lockout time.Duration, now time.Time) {
	f.count++
	f.last = now
	if over := f.count - limit; over >= 0 {
		f.locked = now.Add(lockoutFor(lockout, over))
	}
}

// idle reports whether the record holds nothing worth keeping at now.
func (f *failures) idle(now time.Time) bool {
	return f.pending == 0 && now.After(f.locked) && now.Sub(later(f.last, f.locked)) > failureWindow
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// table is one bounded map of records.
type table[K comparable] map[K]*failures

// get returns k's record, creating it (sweeping a full table first).
func (t table[K]) get(k K, now time.Time) *failures {
	f := t[k]
	if f == nil {
		if len(t) >= maxThrottleEntries {
			sweep(t, func(f *failures) bool { return f.idle(now) })
		}
		f = &failures{}
		t[k] = f
	}
	return f
}

// sweep frees room in a full map: entries stale says are stale go first; if
// that is not enough, an arbitrary half goes.
func sweep[K comparable, V any](m map[K]V, stale func(V) bool) {
	for k, v := range m {
		if stale(v) {
			delete(m, k)
		}
	}
	if len(m) < maxThrottleEntries {
		return
	}
	n := len(m) / 2
	for k := range m {
		if n == 0 {
			break
		}
		delete(m, k)
		n--
	}
}

// pair is the key of one account tried from one IP.
type pair struct {
	account string // names.Key of the account name
	ip      netip.Addr
}

// bucket is one IP's attempt rate.
type bucket struct {
	ratelimit.Bucket
	seen time.Time
}

// Refusals of the throttle.
const (
	refusedNone    = ""
	refusedLocked  = "locked"   // a failure limit or lockout
	refusedTooFast = "too_fast" // the IP's attempt rate
)

// throttle counts login attempts and failures per IP, per (account, IP)
// pair and per account. It is safe for concurrent use.
type throttle struct {
	cfg      ThrottleConfig
	mu       sync.Mutex
	ips      table[netip.Addr]
	pairs    table[pair]
	accounts table[string]
	rates    map[netip.Addr]*bucket
}

func newThrottle(cfg ThrottleConfig) *throttle {
	return &throttle{cfg: cfg, ips: make(table[netip.Addr]), pairs: make(table[pair]),
		accounts: make(table[string]), rates: make(map[netip.Addr]*bucket)}
}

// attempt is a login counted by begin, to be decided by end.
type attempt struct {
	ip      netip.Addr
	account string
}

// outcome is how an attempt ended, for end.
type outcome uint8

const (
	outcomeNone    outcome = iota // no verdict on the password (an error, a busy server)
	outcomeFailed                 // a wrong password or unknown account
	outcomeSuccess                // the right password
)

// begin counts an attempt on account (a names.Key) from ip at now, before
// its password is hashed. It returns the attempt to decide with end, or a
// refusal (and no attempt).
func (t *throttle) begin(ip netip.Addr, account string, now time.Time) (attempt, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	exempt := t.cfg.exempt(ip)
	if !exempt && t.cfg.LoginRatePerIP >= 0 {
		b := t.rates[ip]
		if b == nil {
			if len(t.rates) >= maxThrottleEntries {
				sweep(t.rates, func(b *bucket) bool { return now.Sub(b.seen) > failureWindow })
			}
			b = &bucket{Bucket: ratelimit.New(t.cfg.LoginRatePerIP, t.cfg.LoginBurstPerIP)}
			t.rates[ip] = b
		}
		b.seen = now
		if !b.Allow(now) {
			return attempt{}, refusedTooFast
		}
	}
	fp, fa := t.pairs.get(pair{account, ip}, now), t.accounts.get(account, now)
	fi := &failures{} // an exempt IP's own record: never stored
	if !exempt {
		fi = t.ips.get(ip, now)
	}
	if !fi.admits(t.cfg.FailuresPerIP, now) || !fp.admits(t.cfg.FailuresPerAccount, now) ||
		!fa.admits(t.cfg.AccountCeiling, now) {
		return attempt{}, refusedLocked
	}
	fi.pending++
	fp.pending++
	fa.pending++
	return attempt{ip: ip, account: account}, refusedNone
}

// end decides an attempt begin counted.
func (t *throttle) end(a attempt, o outcome, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fi, fp, fa := t.ips[a.ip], t.pairs[pair{a.account, a.ip}], t.accounts[a.account]
	// A record may have been dropped by a sweep meanwhile: nothing to undo.
	for _, f := range []*failures{fi, fp, fa} {
		if f != nil && f.pending > 0 {
			f.pending--
		}
	}
	switch o {
	case outcomeFailed:
		if fi != nil {
			fi.fail(t.cfg.FailuresPerIP, t.cfg.Lockout, now)
		}
		if fp != nil {
			fp.fail(t.cfg.FailuresPerAccount, t.cfg.Lockout, now)
		}
		if fa != nil {
			fa.fail(t.cfg.AccountCeiling, t.cfg.Lockout, now)
		}
	case outcomeSuccess:
		// The owner proved the password from this IP: its pair starts
		// afresh. The IP's and the account's failures stay.
		if fp != nil {
			fp.count, fp.locked = 0, time.Time{}
		}
	}
}

// forget drops every record of account (a names.Key): its (account, IP)
// pairs and its own ceiling. It returns how many it dropped.
func (t *throttle) forget(account string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k := range t.pairs {
		if k.account == account {
			delete(t.pairs, k)
			n++
		}
	}
	if _, ok := t.accounts[account]; ok {
		delete(t.accounts, account)
		n++
	}
	return n
}
