package account

import (
	"cmp"
	"sync"
	"time"
)

// Defaults for ThrottleConfig.
const (
	DefaultFailuresPerIP      = 10               // failed logins from one IP before it is locked out
	DefaultFailuresPerAccount = 5                // failed logins of one account before it is locked out
	DefaultLockout            = 5 * time.Minute  // the first lockout; each further failure doubles it
	MaxLockout                = 1 * time.Hour    // the longest lockout
	failureWindow             = 15 * time.Minute // failures older than this are forgotten
	maxThrottleEntries        = 1 << 16          // keys tracked; beyond it the table is swept, then the oldest dropped
)

// ThrottleConfig limits password guessing: after Failures* failures within
// the failure window, a key (IP or account) is locked out for Lockout, then
// twice as long for each further failure, up to MaxLockout.
type ThrottleConfig struct {
	FailuresPerIP      int
	FailuresPerAccount int
	Lockout            time.Duration
}

func (c *ThrottleConfig) setDefaults() {
	c.FailuresPerIP = cmp.Or(c.FailuresPerIP, DefaultFailuresPerIP)
	c.FailuresPerAccount = cmp.Or(c.FailuresPerAccount, DefaultFailuresPerAccount)
	c.Lockout = cmp.Or(c.Lockout, DefaultLockout)
}

type failures struct {
	count  int
	last   time.Time
	locked time.Time // refused until then
}

// throttle tracks failed logins per IP and per account name. It is safe for
// concurrent use.
type throttle struct {
	cfg     ThrottleConfig
	mu      sync.Mutex
	ips     map[string]*failures
	account map[string]*failures
}

func newThrottle(cfg ThrottleConfig) *throttle {
	return &throttle{cfg: cfg, ips: make(map[string]*failures), account: make(map[string]*failures)}
}

// allowed reports whether a login from ip for account may be checked now.
func (t *throttle) allowed(ip, account string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, f := range []*failures{t.ips[ip], t.account[normalize(account)]} {
		if f != nil && now.Before(f.locked) {
			return false
		}
	}
	return true
}

// failed records a failed login.
func (t *throttle) failed(ip, account string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.bump(t.ips, ip, t.cfg.FailuresPerIP, now)
	t.bump(t.account, normalize(account), t.cfg.FailuresPerAccount, now)
}

// succeeded forgets an account's failures; its IP's failures stay.
func (t *throttle) succeeded(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.account, normalize(account))
}

func (t *throttle) bump(m map[string]*failures, key string, limit int, now time.Time) {
	f := m[key]
	if f == nil {
		if len(m) >= maxThrottleEntries {
			sweep(m, now)
		}
		f = &failures{}
		m[key] = f
	}
	if now.Sub(f.last) > failureWindow {
		f.count = 0
	}
	f.count++
	f.last = now
	if over := f.count - limit; over >= 0 {
		lock := t.cfg.Lockout << min(over, 16)
		f.locked = now.Add(min(lock, MaxLockout))
	}
}

// sweep frees room in a full table: entries past their window and lockout
// go first; if none are, an arbitrary half goes.
func sweep(m map[string]*failures, now time.Time) {
	for k, f := range m {
		if now.Sub(f.last) > failureWindow && now.After(f.locked) {
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

// normalize folds an account name the way the store compares names.
func normalize(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
