package realm

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of Options.
const (
	DefaultInterval = time.Second // between two announcements of a realm
	// DefaultClaimWait is how long a process claiming a realm name at
	// start-up waits for a holder to answer.
	DefaultClaimWait = 500 * time.Millisecond
	// DefaultRequestTimeout bounds a request to every realm (login claim,
	// kick, broadcast) when the context has no earlier deadline: a
	// login claim waits for the older session to save and leave.
	DefaultRequestTimeout = 5 * time.Second
	// connectTimeout bounds the first connection to NATS.
	connectTimeout = 5 * time.Second
	// reconnectWait is the pause between two reconnection attempts.
	reconnectWait = 250 * time.Millisecond
	// pingInterval and maxPingsOut notice a silent NATS server (a
	// partition, no TCP reset) within seconds, not the client's default
	// minutes.
	pingInterval = 2 * time.Second
	maxPingsOut  = 2
	// flushTimeout bounds the round trip that makes a new subscription
	// effective on the server.
	flushTimeout = 2 * time.Second
	// probeGap is the least time between two announcements a probe
	// triggers, so a flood of probes costs nothing.
	probeGap = MinInterval
)

// ErrRealmTaken is returned by Claim when another process holds the name.
var ErrRealmTaken = errors.New("realm: the name is held by another process")

// ErrUnreachable is returned for a request while NATS is unreachable.
var ErrUnreachable = errors.New("realm: NATS is unreachable")

// Options configure a Node.
type Options struct {
	// URL is the NATS server, with credentials if it requires them
	// (nats://user:password@host:4222); several may be given, separated by
	// commas.
	URL string
	// Name is the realm this process serves, empty for an account server
	// alone.
	Name string
	// Interval is the time between two announcements (DefaultInterval).
	Interval time.Duration
	// Misses is how many announcements a realm may miss before the
	// directory drops it (DefaultMisses).
	Misses int
	// ClaimWait is how long Claim waits for a holder (DefaultClaimWait).
	ClaimWait time.Duration
	// Logger receives the node's logs (slog.Default()).
	Logger *slog.Logger
	// Registerer receives the node's metrics (none when nil).
	Registerer prometheus.Registerer
}

// Handlers are what a realm does for the requests of other processes. They
// run on goroutines of the node, never on a map's.
type Handlers interface {
	// ReleaseAccount disconnects the session of the account, waits until
	// it has left and saved (or ctx ends), and returns how many sessions
	// it disconnected (0 or 1).
	ReleaseAccount(ctx context.Context, accountID int64) int
	// Kick disconnects the character or account k names and returns how
	// many sessions it disconnected.
	Kick(k Kick) int
	// Broadcast sends text, said by sender (empty: by the system), to
	// every player and returns how many got it.
	Broadcast(sender, text string) int
}

// Node is a process's connection to the other coserver processes: the
// directory of realms, and for a realm its announcements and the requests
// it answers.
type Node struct {
	opts     Options
	instance string
	nc       *nats.Conn
	dir      *Directory
	log      *slog.Logger
	m        *metrics

	announceNow chan struct{} // wakes the announce loop (reconnect, probe)
	stop        chan struct{}
	wg          sync.WaitGroup

	mu       sync.Mutex
	self     func() Announce // nil until Serve
	claiming bool            // Claim in progress
	holding  bool            // Claim succeeded
	yielded  string          // a claim with precedence seen while claiming: its instance
	closed   bool
}

// Connect connects to NATS and starts following the realms'
// announcements. It fails when NATS cannot be reached now; afterwards it
// reconnects on its own for as long as the process runs.
func Connect(ctx context.Context, opts Options) (*Node, error) {
	opts.Interval = cmp.Or(opts.Interval, DefaultInterval)
	opts.Misses = cmp.Or(opts.Misses, DefaultMisses)
	opts.ClaimWait = cmp.Or(opts.ClaimWait, DefaultClaimWait)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Name != "" && !ValidName(opts.Name) {
		return nil, fmt.Errorf("realm: %w", checkName(opts.Name))
	}
	n := &Node{opts: opts, instance: newInstance(), log: opts.Logger, announceNow: make(chan struct{}, 1),
		stop: make(chan struct{})}
	n.dir = NewDirectory(opts.Misses, opts.Logger)
	m, err := newMetrics(opts.Registerer, func() float64 { return float64(len(n.dir.Realms(time.Now()))) })
	if err != nil {
		return nil, err
	}
	n.m = m
	timeout := connectTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
	}
	nc, err := nats.Connect(opts.URL,
		nats.Name("coserver "+cmp.Or(opts.Name, "account")+" "+n.instance),
		nats.NoEcho(), // a process never answers itself
		nats.Timeout(timeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(reconnectWait),
		nats.PingInterval(pingInterval),
		nats.MaxPingsOutstanding(maxPingsOut),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			n.log.Warn("NATS connection lost: realms keep serving their players, logins pause", "err", err)
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			n.log.Warn("NATS error", "subject", subject, "err", err)
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			n.log.Info("NATS connection back", "server", c.ConnectedUrlRedacted())
			n.m.reconnects.Inc()
			n.wake()
			// The directory may have emptied meanwhile: ask every realm to
			// announce now, so that login claims count them at once.
			if err := c.Publish(SubjectProbe, nil); err != nil {
				n.log.Warn("probe after reconnecting failed", "err", err)
			}
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("realm: connecting to NATS at %s: %w", redact(opts.URL), err)
	}
	n.nc = nc
	if err := n.follow(); err != nil {
		nc.Close()
		return nil, err
	}
	n.wg.Go(n.sweepLoop)
	return n, nil
}

// newInstance returns a random process id for messages.
func newInstance() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// Instance returns the id of this process in messages.
func (n *Node) Instance() string { return n.instance }

// Lookup returns the live realm called name (any case).
func (n *Node) Lookup(name string) (Announce, bool) { return n.dir.Lookup(name, time.Now()) }

// Realms returns the live realms, sorted by name.
func (n *Node) Realms() []Announce { return n.dir.Realms(time.Now()) }

// follow subscribes to the announcements and asks every realm to announce
// itself now.
func (n *Node) follow() error {
	_, err := n.nc.Subscribe(SubjectAnnounceAll, func(msg *nats.Msg) {
		var a Announce
		if err := Decode(msg.Data, &a); err != nil {
			n.invalid("announce", msg.Subject, err)
			return
		}
		if msg.Subject != SubjectAnnounce(a.Realm) {
			n.invalid("announce", msg.Subject, fmt.Errorf("realm %q announced on another realm's subject", a.Realm))
			return
		}
		n.dir.Observe(a, time.Now())
	})
	if err != nil {
		return fmt.Errorf("realm: subscribe %s: %w", SubjectAnnounceAll, err)
	}
	if err := n.nc.FlushTimeout(flushTimeout); err != nil {
		return fmt.Errorf("realm: subscribe %s: %w", SubjectAnnounceAll, err)
	}
	if err := n.nc.Publish(SubjectProbe, nil); err != nil {
		return fmt.Errorf("realm: probe: %w", err)
	}
	return nil
}

// invalid counts and logs a message that failed to decode.
func (n *Node) invalid(kind, subject string, err error) {
	n.m.invalid.WithLabelValues(kind).Inc()
	n.log.Warn("invalid realm message dropped", "subject", subject, "err", err)
}

// sweepLoop drops dead realms from the directory every half interval.
func (n *Node) sweepLoop() {
	t := time.NewTicker(n.opts.Interval / 2)
	defer t.Stop()
	for {
		select {
		case <-n.stop:
			return
		case now := <-t.C:
			n.dir.Sweep(now)
		}
	}
}

// Claim takes the realm name Options.Name for this process: it fails with
// ErrRealmTaken when another live process holds it or claims it at the same
// moment with precedence (the smaller instance id wins a tie). The claim
// lasts until Close; the process answers later claimants.
//
// Each claimant subscribes to the claim subject before it asks, so of two
// claimants the one that asks second is always heard by the first: the
// first answers "held" if it has precedence, or else gives way itself.
// NATS must be reachable from both: a partition can let two processes claim
// one name (then directories keep the first to announce and log the other).
func (n *Node) Claim(ctx context.Context) error {
	name := n.opts.Name
	if name == "" {
		return errors.New("realm: claim: no realm name")
	}
	n.mu.Lock()
	n.claiming = true
	n.mu.Unlock()
	fail := func(err error) error {
		n.mu.Lock()
		n.claiming = false
		n.mu.Unlock()
		return err
	}
	if _, err := n.nc.Subscribe(SubjectClaim(name), n.answerClaim); err != nil {
		return fail(fmt.Errorf("realm: claim %s: %w", name, err))
	}
	data, err := Encode(&Claim{Realm: name, Instance: n.instance, PID: os.Getpid()})
	if err != nil {
		return fail(err)
	}
	replies, err := n.ask(ctx, SubjectClaim(name), data, n.opts.ClaimWait, -1)
	if err != nil {
		return fail(fmt.Errorf("realm: claim %s: %w", name, err))
	}
	for _, data := range replies {
		var c Claim
		if err := Decode(data, &c); err != nil {
			n.invalid("claim", SubjectClaim(name), err)
			continue
		}
		if c.Held {
			return fail(fmt.Errorf("%w: realm %s is served by process %d (instance %s)", ErrRealmTaken, name, c.PID, c.Instance))
		}
	}
	if a, ok := n.Lookup(name); ok && a.Instance != n.instance {
		return fail(fmt.Errorf("%w: realm %s is announced by process %d at %s:%d", ErrRealmTaken, name, a.PID, a.Host, a.Port))
	}
	n.mu.Lock()
	yielded := n.yielded
	if yielded == "" {
		n.claiming, n.holding = false, true
	}
	n.mu.Unlock()
	if yielded != "" {
		return fail(fmt.Errorf("%w: realm %s was claimed at the same moment by instance %s, which takes precedence", ErrRealmTaken, name, yielded))
	}
	return nil
}

// answerClaim answers another process's claim on our realm name.
func (n *Node) answerClaim(msg *nats.Msg) {
	var c Claim
	if err := Decode(msg.Data, &c); err != nil {
		n.invalid("claim", msg.Subject, err)
		return
	}
	if c.Held || c.Instance == n.instance || msg.Reply == "" {
		return
	}
	n.mu.Lock()
	held := n.holding || n.claiming && n.instance < c.Instance
	if n.claiming && !held && n.yielded == "" {
		// A claim with precedence: it may not have seen ours (it
		// subscribed after we asked), so we are the one to give way.
		n.yielded = c.Instance
	}
	n.mu.Unlock()
	if !held {
		return
	}
	n.log.Warn("refused another process's claim on this realm's name", "realm", c.Realm, "pid", c.PID, "instance", c.Instance)
	n.respond(msg, &Claim{Realm: n.opts.Name, Instance: n.instance, Held: true, PID: os.Getpid()})
}

// Serve starts the realm's side: announcing self() every interval (at once
// after a reconnection or a probe) and answering the requests of other
// processes with h. Call it after Claim.
func (n *Node) Serve(self func() Announce, h Handlers) error {
	n.mu.Lock()
	if !n.holding {
		n.mu.Unlock()
		return errors.New("realm: serve before a successful claim")
	}
	n.self = self
	n.mu.Unlock()
	subs := []struct {
		subject string
		f       nats.MsgHandler
	}{
		{SubjectProbe, func(*nats.Msg) { n.wake() }},
		{SubjectLogin, func(msg *nats.Msg) {
			var l Login
			if err := Decode(msg.Data, &l); err != nil {
				n.invalid("login", msg.Subject, err)
				return
			}
			// Waiting for the old session to save must not hold up the
			// other messages of this subscription. Close waits for it; a
			// claim that arrives once Close began is not answered.
			n.mu.Lock()
			defer n.mu.Unlock()
			if n.closed {
				return
			}
			n.wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), DefaultRequestTimeout)
				defer cancel()
				count := h.ReleaseAccount(ctx, l.AccountID)
				if count > 0 {
					n.log.Info("session released to another realm", "account_id", l.AccountID, "realm", l.Realm)
				}
				n.reply(msg, count)
			})
		}},
		{SubjectKick, func(msg *nats.Msg) {
			var k Kick
			if err := Decode(msg.Data, &k); err != nil {
				n.invalid("kick", msg.Subject, err)
				return
			}
			n.reply(msg, h.Kick(k))
		}},
		{SubjectBroadcast, func(msg *nats.Msg) {
			var b Broadcast
			if err := Decode(msg.Data, &b); err != nil {
				n.invalid("broadcast", msg.Subject, err)
				return
			}
			n.reply(msg, h.Broadcast(b.Sender, b.Text))
		}},
	}
	for _, s := range subs {
		if _, err := n.nc.Subscribe(s.subject, s.f); err != nil {
			return fmt.Errorf("realm: subscribe %s: %w", s.subject, err)
		}
	}
	if err := n.nc.FlushTimeout(flushTimeout); err != nil {
		return fmt.Errorf("realm: subscribing: %w", err)
	}
	n.announce()
	n.wg.Go(n.announceLoop)
	return nil
}

// wake asks the announce loop to announce now.
func (n *Node) wake() {
	select {
	case n.announceNow <- struct{}{}:
	default:
	}
}

// announceLoop announces the realm every interval, and at once when woken.
func (n *Node) announceLoop() {
	t := time.NewTicker(n.opts.Interval)
	defer t.Stop()
	var lastWoken time.Time
	for {
		select {
		case <-n.stop:
			return
		case <-t.C:
			n.announce()
		case <-n.announceNow:
			// Only the announcements wakes cause are rate-limited: a probe
			// right after a periodic announcement is still answered.
			if now := time.Now(); now.Sub(lastWoken) >= probeGap {
				lastWoken = now
				n.announce()
			}
		}
	}
}

// announce publishes the realm's state, unless NATS is unreachable (a stale
// announcement queued for later helps nobody).
func (n *Node) announce() {
	n.mu.Lock()
	defer n.mu.Unlock() // held while publishing: Close's leaving message is the last
	if n.self == nil || n.closed || !n.nc.IsConnected() {
		return
	}
	a := n.self()
	a.Realm, a.Instance, a.PID, a.IntervalMS = n.opts.Name, n.instance, os.Getpid(), n.opts.Interval.Milliseconds()
	n.publish(SubjectAnnounce(n.opts.Name), &a)
	n.dir.Observe(a, time.Now()) // our own directory lists us too (NoEcho hides our messages)
}

// publish encodes a and publishes it on subject, logging a failure.
func (n *Node) publish(subject string, a *Announce) {
	data, err := Encode(a)
	if err == nil {
		err = n.nc.Publish(subject, data)
	}
	if err != nil {
		n.log.Warn("realm publish failed", "subject", subject, "err", err)
	}
}

// respond answers msg with m.
func (n *Node) respond(msg *nats.Msg, m *Claim) {
	data, err := Encode(m)
	if err == nil {
		err = msg.Respond(data)
	}
	if err != nil {
		n.log.Warn("realm reply failed", "subject", msg.Subject, "err", err)
	}
}

// reply answers a request with a Reply carrying count.
func (n *Node) reply(msg *nats.Msg, count int) {
	if msg.Reply == "" {
		return
	}
	data, err := Encode(&Reply{Realm: n.opts.Name, Instance: n.instance, Count: count})
	if err == nil {
		err = msg.Respond(data)
	}
	if err != nil {
		n.log.Warn("realm reply failed", "subject", msg.Subject, "err", err)
	}
}

// ask publishes data on subject as a request and gathers the answers
// until want have come (want < 0: until wait passes), wait passes, or ctx
// ends.
func (n *Node) ask(ctx context.Context, subject string, data []byte, wait time.Duration, want int) ([][]byte, error) {
	if !n.nc.IsConnected() {
		return nil, ErrUnreachable
	}
	inbox := n.nc.NewInbox()
	ch := make(chan *nats.Msg, 64)
	sub, err := n.nc.ChanSubscribe(inbox, ch)
	if err != nil {
		return nil, fmt.Errorf("realm: %s: %w", subject, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := n.nc.PublishRequest(subject, inbox, data); err != nil {
		return nil, fmt.Errorf("realm: %s: %w", subject, err)
	}
	var out [][]byte
	if want == 0 {
		return out, nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case msg := <-ch:
			if len(msg.Data) == 0 {
				continue // NATS's "no responders" status: nobody listens, nothing to count
			}
			out = append(out, msg.Data)
			if want > 0 && len(out) >= want {
				return out, nil
			}
		case <-timer.C:
			return out, nil
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return out, nil // the caller's deadline ends the wait as the timer would
			}
			return out, ctx.Err()
		}
	}
}

// others returns how many live realms other than this process there are:
// the answers a request to every realm waits for.
func (n *Node) others() int {
	c := 0
	for _, a := range n.Realms() {
		if a.Instance != n.instance {
			c++
		}
	}
	return c
}

// request sends m on subject to every other realm and sums the counts of
// their replies; it returns when every live realm answered or the timeout
// passed.
func (n *Node) request(ctx context.Context, kind, subject string, data []byte, err error) (int, error) {
	total, _, err := n.requestAll(ctx, kind, subject, data, err)
	return total, err
}

// requestAll is request that also says whether every live realm answered.
func (n *Node) requestAll(ctx context.Context, kind, subject string, data []byte, err error) (total int, all bool, _ error) {
	if err != nil {
		return 0, false, err
	}
	want := n.others()
	wait := DefaultRequestTimeout
	if dl, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(dl))
	}
	replies, err := n.ask(ctx, subject, data, wait, want)
	if err != nil {
		n.m.requests.WithLabelValues(kind, "error").Inc()
		return 0, false, err
	}
	for _, data := range replies {
		var r Reply
		if err := Decode(data, &r); err != nil {
			n.invalid("reply", subject, err)
			continue
		}
		total += r.Count
	}
	result := "ok"
	if len(replies) < want {
		result = "partial"
		n.log.Warn("some realms did not answer", "subject", subject, "answered", len(replies), "realms", want)
	}
	n.m.requests.WithLabelValues(kind, result).Inc()
	return total, len(replies) >= want, nil
}

// ErrNoAnswer is returned by ClaimLogin when a realm in the directory did
// not answer in time: it may still hold the account's session.
var ErrNoAnswer = errors.New("realm: a realm did not answer the login claim")

// ClaimLogin tells every other realm that accountID logs in here: each
// disconnects that account's session and answers once it has saved. It
// returns how many sessions were disconnected. The login must wait (it
// fails) when nobody can tell whether the account is online elsewhere:
// ErrUnreachable while NATS does not answer a round trip (down, or a
// partition the client has not noticed yet), ErrNoAnswer when a live realm
// did not answer (it died a moment ago, or is cut off: the directory drops
// it within its misses, and logins resume).
func (n *Node) ClaimLogin(ctx context.Context, accountID int64) (int, error) {
	if !n.nc.IsConnected() {
		return 0, ErrUnreachable
	}
	if err := n.nc.FlushTimeout(flushTimeout); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	data, err := Encode(&Login{Realm: n.opts.Name, Instance: n.instance, AccountID: accountID})
	total, all, err := n.requestAll(ctx, "login", SubjectLogin, data, err)
	if err != nil {
		return total, err
	}
	if !all {
		return total, ErrNoAnswer
	}
	return total, nil
}

// Kick disconnects the character called name on whatever other realm has
// it, or with accountID > 0 and name empty the account's session; reason
// is ReasonKick or ReasonBan. It returns how many sessions were
// disconnected.
func (n *Node) Kick(ctx context.Context, name string, accountID int64, reason string) (int, error) {
	data, err := Encode(&Kick{From: n.instance, Character: name, AccountID: accountID, Reason: reason})
	return n.request(ctx, reason, SubjectKick, data, err)
}

// Broadcast sends text to the players of every other realm and returns how
// many got it.
func (n *Node) Broadcast(ctx context.Context, text string) (int, error) {
	data, err := Encode(&Broadcast{From: n.instance, Text: text})
	return n.request(ctx, "broadcast", SubjectBroadcast, data, err)
}

// Relay passes a GM's in-game broadcast to every other realm without
// waiting for answers (it is called on a connection's goroutine). While
// NATS is unreachable the broadcast stays on this realm.
func (n *Node) Relay(sender, text string) {
	if !n.nc.IsConnected() {
		n.m.requests.WithLabelValues("relay", "error").Inc()
		return
	}
	data, err := Encode(&Broadcast{From: n.instance, Sender: sender, Text: text})
	if err == nil {
		err = n.nc.Publish(SubjectBroadcast, data)
	}
	if err != nil {
		n.m.requests.WithLabelValues("relay", "error").Inc()
		n.log.Warn("relaying a broadcast failed", "err", err)
		return
	}
	n.m.requests.WithLabelValues("relay", "ok").Inc()
}

// Close says the realm is leaving (directories drop it at once), stops the
// loops and closes the connection. It is safe to call more than once.
func (n *Node) Close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true // no announcement after the leaving one
	if n.self != nil && n.nc.IsConnected() {
		a := n.self()
		a.Realm, a.Instance, a.PID, a.IntervalMS, a.Leaving = n.opts.Name, n.instance, os.Getpid(), n.opts.Interval.Milliseconds(), true
		n.publish(SubjectAnnounce(n.opts.Name), &a)
	}
	n.mu.Unlock()
	if n.nc.IsConnected() {
		_ = n.nc.FlushTimeout(flushTimeout)
	}
	close(n.stop)
	n.nc.Close()
	n.wg.Wait()
}

// redact returns the NATS URL list without passwords, for logs and errors.
func redact(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil || u.User == nil {
			continue
		}
		if _, ok := u.User.Password(); !ok {
			u.User = url.User("redacted") // a token alone
		}
		parts[i] = u.Redacted()
	}
	return strings.Join(parts, ",")
}

// metrics are the node's counters.
type metrics struct {
	invalid    *prometheus.CounterVec
	requests   *prometheus.CounterVec
	reconnects prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, realms func() float64) (*metrics, error) {
	m := &metrics{
		invalid: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_realm_invalid_messages_total",
			Help: "Realm messages from NATS dropped as invalid, by kind."}, []string{"kind"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_realm_requests_total",
			Help: "Requests to every realm (login, kick, ban, broadcast), by kind and result (ok, partial, error)."},
			[]string{"kind", "result"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{Name: "coserver_realm_nats_reconnects_total",
			Help: "Times the connection to NATS came back after a loss."}),
	}
	if reg == nil {
		return m, nil
	}
	gauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "coserver_realm_directory_realms",
		Help: "Realms alive in this process's directory."}, realms)
	for _, c := range []prometheus.Collector{m.invalid, m.requests, m.reconnects, gauge} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("realm: metrics: %w", err)
		}
	}
	return m, nil
}
