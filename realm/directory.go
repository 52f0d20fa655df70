package realm

import (
	"cmp"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/coserver/coserver/names"
)

// DefaultMisses is how many announcements in a row a realm may miss before
// a directory drops it.
const DefaultMisses = 3

// Directory is the realms a process has heard announce themselves, keyed
// by name (compared as names.Key does). A realm is alive until it misses
// Misses announcements in a row, or says it is leaving. It is safe for
// concurrent use: the NATS goroutine writes it, logins read it.
type Directory struct {
	misses int
	log    *slog.Logger

	mu     sync.Mutex
	byName map[string]seen
}

// seen is an announcement and when it arrived.
type seen struct {
	a  Announce
	at time.Time
}

// NewDirectory returns an empty directory dropping a realm after misses
// missed announcements (DefaultMisses when 0).
func NewDirectory(misses int, log *slog.Logger) *Directory {
	return &Directory{misses: cmp.Or(misses, DefaultMisses), log: log, byName: make(map[string]seen)}
}

// alive reports whether s is still fresh at now.
func (d *Directory) alive(s seen, now time.Time) bool {
	return now.Sub(s.at) < time.Duration(d.misses)*s.a.Interval()
}

// Observe records an announcement received at now. A second process
// announcing a name another live process holds is logged and ignored: the
// first keeps the name. It reports whether the realm is new to the
// directory.
func (d *Directory) Observe(a Announce, now time.Time) (added bool) {
	key := names.Key(a.Realm)
	d.mu.Lock()
	defer d.mu.Unlock()
	old, ok := d.byName[key]
	live := ok && d.alive(old, now)
	if live && old.a.Instance != a.Instance {
		d.log.Error("two processes announce one realm name: keeping the first", "realm", a.Realm,
			"kept_instance", old.a.Instance, "kept_pid", old.a.PID, "other_instance", a.Instance, "other_pid", a.PID)
		return false
	}
	if a.Leaving {
		if live {
			delete(d.byName, key)
			d.log.Info("realm left", "realm", a.Realm, "instance", a.Instance)
		}
		return false
	}
	d.byName[key] = seen{a: a, at: now}
	if !live {
		d.log.Info("realm up", "realm", a.Realm, "addr", a.Host, "port", a.Port, "instance", a.Instance, "pid", a.PID)
	}
	return !live
}

// Lookup returns the live realm called name (any case).
func (d *Directory) Lookup(name string, now time.Time) (Announce, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.byName[names.Key(name)]
	if !ok || !d.alive(s, now) {
		return Announce{}, false
	}
	return s.a, true
}

// Realms returns the live realms at now, sorted by name.
func (d *Directory) Realms(now time.Time) []Announce {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Announce, 0, len(d.byName))
	for _, s := range d.byName {
		if d.alive(s, now) {
			out = append(out, s.a)
		}
	}
	slices.SortFunc(out, func(a, b Announce) int { return cmp.Compare(a.Realm, b.Realm) })
	return out
}

// Sweep forgets the realms no longer alive at now and returns them.
func (d *Directory) Sweep(now time.Time) []Announce {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Announce
	for k, s := range d.byName {
		if !d.alive(s, now) {
			delete(d.byName, k)
			out = append(out, s.a)
			d.log.Warn("realm dropped: announcements missed", "realm", s.a.Realm, "instance", s.a.Instance,
				"last_seen", s.at, "misses", d.misses)
		}
	}
	return out
}
