// Package bots runs a swarm of scripted players against a 5017 server, for
// load tests and soak tests: each bot logs in with the client package,
// walks around its home, jumps and chats now and then, reconnects when the
// server goes away, and the run measures how fast the server answers.
// It times each walk twice: the round trip to the walker's own echo
// (move_rtt), and how late the other bots see it (seen_rtt): from the
// walker sending MsgWalk to another bot reading that walk's MsgWalk, once
// per bot that sees it. A server that delays and batches what a client
// sees of others shows it in seen_rtt, not in move_rtt. Every bot logs
// its latest walks in a lock-free log, and each step a bot sees is paired
// with its walk through that log; a step that cannot be paired for
// certain (say, one of two walks in flight the same way) is left out and
// counted, and jumps are not timed (seen.go says exactly which).
// With BehaviourNPC the bots also talk to NPCs: each walks to the nearest
// NPC it sees, clicks it, answers every dialog page at random, and so
// travels between maps when an answer teleports it; the run then measures
// the time from a click to the first dialog page too. With BehaviourItems
// they trade items: buy from a shop NPC, use, re-equip, drop and pick up.
//
// The server must create accounts on their first login: run coserver with
// -auto-register (and -password-hash test, so that registering thousands
// of accounts is cheap). Every bot comes from one address, so raise the
// server's -max-conns-per-ip (and -max-players) above the bot count.
//
// Cost per bot: its client's reader goroutine and buffers, about 15 KiB of
// heap (the bots keep no screen), plus 2.2 KiB for the seen latency (its
// walk log and its places in the others'); no timer of its own (a few worker
// goroutines, one ticker each, act for every bot in turn); no allocation
// per move or per step seen (BenchmarkSighting, BenchmarkWalkLog). Measured
// before the seen latency: 1,500 bots take 23 MiB of heap and two thirds of
// a core of a 2-core machine that also runs the server.
package bots

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/ratelimit"
)

// Scheduling.
const (
	// slotsPerInterval cuts each Interval into ticks; a bot acts on one
	// tick of the ten, so the work is spread over the interval.
	slotsPerInterval = 10
	// maxLoginsInFlight bounds the logins running at once, whatever Rate:
	// a slow server must not collect an unbounded pile of half-done logins.
	maxLoginsInFlight = 256
	// progressEvery is how often the progress line is written.
	progressEvery = time.Second
)

// ErrNoLogins is returned by Run when no bot logged in.
var ErrNoLogins = errors.New("bots: no bot logged in")

// Bodies and classes new bot characters cycle through.
var (
	bodies  = [...]uint16{1003, 1004, 2001, 2002}
	classes = [...]uint8{10, 20, 40, 100}
)

// chatLines are what bots say.
var chatLines = [...]string{"hello", "anyone around?", "nice weather", "brb", "lol", "where is the market?", "gg"}

// Bot states, handed between the worker that owns a bot and the goroutine
// that logs it in.
const (
	stateIdle      uint32 = iota // waiting for nextTry to log in
	stateLoggingIn               // a login goroutine owns the bot
	stateActive                  // in the world; the worker owns the bot
)

// bot is one player of the swarm. state hands the bot between its worker
// and its login goroutine: the fields below it are written by whichever
// owns the bot, and the atomic store of the new state publishes them.
type bot struct {
	idx   int
	login client.Config
	state atomic.Uint32

	c            *client.Client // stateActive
	nextTry      time.Time      // stateIdle
	backoff      time.Duration
	everIn       bool
	homeSet      bool
	homeX, homeY uint16
	lastJump     time.Time
	actions      uint32
	npc          npcState
	items        itemState
	hunt         huntState

	walks  walkLog // its latest walks, for the others' seen latency (seen.go)
	places places  // its places in the others' walk logs; its reader's
}

// moveStats counts one kind of move.
type moveStats struct{ sent, acked, refused atomic.Int64 }

// stats are the run's counters, updated from every goroutine.
type stats struct {
	loggedIn, loginFailures, disconnects, reconnects, active atomic.Int64
	// steadyFrom is when the steady phase begins, in nanoseconds since
	// the run's start (+1), once every bot has logged in; 0 until then.
	steadyFrom                atomic.Int64
	walks, jumps              moveStats
	chats                     atomic.Int64
	rtt, steadyRTT, loginTime Histogram
	seen, steadySeen          Histogram // how late others see a walk (seen.go)
	seenUnpaired              atomic.Int64
	npc                       npcStats
	items                     itemStats
	hunt                      huntStats
	lastFirstLogin            atomic.Int64 // ns after the start

	errMu sync.Mutex
	errs  map[string]int64
}

// addErr counts an error of kind; the first of each kind is logged whole.
func (s *stats) addErr(kind string, err error, log *slog.Logger) {
	s.errMu.Lock()
	s.errs[kind]++
	first := s.errs[kind] == 1
	s.errMu.Unlock()
	if first {
		log.Warn("bot error (first of its kind)", "kind", kind, "err", err)
	} else {
		log.Debug("bot error", "kind", kind, "err", err)
	}
}

// limiter is the token bucket of logins shared by every worker.
type limiter struct {
	mu sync.Mutex
	b  ratelimit.Bucket
}

func (l *limiter) allow(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Allow(now)
}

// runner is one run.
type runner struct {
	cfg      Config
	ctx      context.Context // ends with the run
	start    time.Time
	seed     uint64
	bots     []*bot
	limiter  limiter
	inflight atomic.Int64
	logins   sync.WaitGroup
	st       stats
	movers   *movers // the bots' walk logs by character id
}

// Run runs cfg.Count bots until cfg.Duration has passed or ctx ends, writes
// a progress line every second to progress (nil for none), and returns the
// report. The error is for an invalid cfg, or ErrNoLogins (with the report,
// whose Errors say why) when no bot got in.
func Run(ctx context.Context, cfg Config, progress io.Writer) (Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return Report{}, err
	}
	r := &runner{cfg: cfg, seed: cfg.Seed, st: stats{errs: make(map[string]int64)}, movers: newMovers(cfg.Count)}
	if r.seed == 0 {
		r.seed = rand.Uint64()
	}
	tick := cfg.Interval / slotsPerInterval
	r.limiter.b = ratelimit.New(cfg.Rate, max(1, cfg.Rate*tick.Seconds()))
	r.bots = make([]*bot, cfg.Count)
	for i := range r.bots {
		n := name(cfg.Prefix, i)
		b := &bot{idx: i}
		b.login = client.Config{
			AccountAddr: cfg.AccountAddr, Account: n, Password: cfg.Password, Server: cfg.Server,
			Character: n, Body: bodies[i%len(bodies)], Class: classes[i/len(bodies)%len(classes)],
			Logger: cfg.Logger, Timeout: cfg.Timeout, EventBuffer: -1, IgnoreScreen: true,
			OnAck: func(a client.Ack) { r.onAck(b, a) }, OnDialog: r.onDialog,
			OnSighting: func(s client.Sighting) { r.onSighting(b, s) },
		}
		r.bots[i] = b
	}
	return r.run(ctx, progress, tick)
}

func (r *runner) run(parent context.Context, progress io.Writer, tick time.Duration) (Report, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if r.cfg.Duration > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, r.cfg.Duration)
		defer stop()
	}
	r.ctx, r.start = ctx, time.Now()
	r.cfg.Logger.Info("bot run starting", "bots", r.cfg.Count, "account_addr", r.cfg.AccountAddr,
		"rate", r.cfg.Rate, "interval", r.cfg.Interval, "duration", r.cfg.Duration)

	nw := min(runtime.GOMAXPROCS(0), len(r.bots))
	var workers sync.WaitGroup
	for w := range nw {
		var shard []*bot
		for i := w; i < len(r.bots); i += nw {
			shard = append(shard, r.bots[i])
		}
		workers.Go(func() { r.work(w, shard, tick) })
	}
	if progress != nil {
		workers.Go(func() { r.progress(progress) })
	}
	<-ctx.Done()
	workers.Wait()
	r.logins.Wait()
	end := time.Now()
	rep := r.report(end)

	// Everyone leaves; the clients' context has ended, so each Close only
	// waits for its reader to stop.
	var closers sync.WaitGroup
	for w := range nw {
		closers.Go(func() {
			for i := w; i < len(r.bots); i += nw {
				if b := r.bots[i]; b.state.Load() == stateActive {
					_ = b.c.Close()
				}
			}
		})
	}
	closers.Wait()
	r.cfg.Logger.Info("bot run finished", "logins", rep.Logins, "walks_acknowledged", rep.Walks.Acknowledged)
	if rep.Logins == 0 {
		return rep, ErrNoLogins
	}
	return rep, nil
}

// work acts for the bots of one shard: every tick, the bots of the tick's
// slot take their turn.
func (r *runner) work(w int, shard []*bot, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	rng := rand.New(rand.NewPCG(r.seed, uint64(w)))
	for slot := 0; ; slot = (slot + 1) % slotsPerInterval {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		for i := slot; i < len(shard); i += slotsPerInterval {
			if r.ctx.Err() != nil {
				return
			}
			r.turn(shard[i], now, rng)
		}
	}
}

// turn is one bot's turn: log in when due, notice a lost connection, or
// act.
func (r *runner) turn(b *bot, now time.Time, rng *rand.Rand) {
	switch b.state.Load() {
	case stateIdle:
		if now.Before(b.nextTry) || r.inflight.Load() >= maxLoginsInFlight || !r.limiter.allow(now) {
			return
		}
		r.inflight.Add(1)
		b.state.Store(stateLoggingIn)
		r.logins.Go(func() { r.loginBot(b) })
	case stateActive:
		select {
		case <-b.c.Done():
			r.lost(b, now)
		default:
			r.act(b, now, rng)
		}
	}
}

// loginBot logs b in; it runs on its own goroutine.
func (r *runner) loginBot(b *bot) {
	b.walks.login() // the new connection's reader starts within Login
	b.places.reset()
	start := time.Now()
	c, err := client.Login(r.ctx, b.login)
	r.inflight.Add(-1)
	now := time.Now()
	if err != nil {
		if r.ctx.Err() == nil {
			r.st.loginFailures.Add(1)
			r.st.addErr("login_"+errKind(err), err, r.cfg.Logger)
		}
		b.backoff = nextBackoff(b.backoff)
		b.nextTry = now.Add(jitter(b.backoff))
		b.state.Store(stateIdle)
		return
	}
	r.st.loginTime.Record(now.Sub(start))
	if b.everIn {
		r.st.reconnects.Add(1)
	} else {
		at := int64(now.Sub(r.start))
		if r.st.loggedIn.Add(1) == int64(len(r.bots)) {
			r.st.steadyFrom.Store(at + int64(r.cfg.Settle) + 1) // + 1: never 0
		}
		for last := r.st.lastFirstLogin.Load(); at > last && !r.st.lastFirstLogin.CompareAndSwap(last, at); {
			last = r.st.lastFirstLogin.Load()
		}
	}
	b.everIn, b.backoff = true, 0
	if !b.homeSet {
		r.setHome(b, c.Position())
	}
	b.npc = npcState{lastMap: c.Position().Map}
	b.items = itemState{}
	b.hunt = huntState{}
	if id := c.ID(); id != 0 {
		r.movers.add(id, &b.walks)
	}
	b.c = c
	r.st.active.Add(1)
	b.state.Store(stateActive)
}

// setHome picks b's home: where it stands, or with Spread a spot at random
// within Spread tiles of it.
func (r *runner) setHome(b *bot, p client.Position) {
	b.homeSet = true
	b.homeX, b.homeY = p.X, p.Y
	if s := r.cfg.Spread; s > 0 {
		rng := rand.New(rand.NewPCG(r.seed, uint64(b.idx)+1<<32))
		pick := func(v uint16) uint16 {
			lo := max(SpreadMargin, int(v)-s)
			return uint16(lo + rng.IntN(2*s+1))
		}
		b.homeX, b.homeY = pick(p.X), pick(p.Y)
	}
}

// lost handles a bot whose connection ended while it played.
func (r *runner) lost(b *bot, now time.Time) {
	if r.ctx.Err() != nil {
		return // the run is ending: not a loss
	}
	err := b.c.Err()
	r.st.active.Add(-1)
	r.st.disconnects.Add(1)
	r.st.addErr("conn_"+errKind(err), err, r.cfg.Logger)
	_ = b.c.Close()
	b.c = nil
	b.backoff = ReconnectMinBackoff
	b.nextTry = now.Add(jitter(b.backoff))
	b.state.Store(stateIdle)
}

// act takes one action for b: with BehaviourNPC the NPC's turn first (see
// actNPC), with BehaviourItems the items' (actItems), with BehaviourHunt
// the hunt's (actHunt); else head home when away from it, chat, jump or step about.
func (r *runner) act(b *bot, now time.Time, rng *rand.Rand) {
	c := b.c
	if c.Pending() >= MaxPendingMoves {
		return // the server is behind; wait for it
	}
	if r.cfg.Behaviour == BehaviourNPC && r.actNPC(b, now, rng) {
		return
	}
	if r.cfg.Behaviour == BehaviourItems && r.actItems(b, now) {
		return
	}
	if r.cfg.Behaviour == BehaviourHunt && r.actHunt(b, now) {
		return
	}
	b.actions++
	p := c.Predicted()
	x, y, hx, hy, roam := int(p.X), int(p.Y), int(b.homeX), int(b.homeY), r.cfg.Roam
	mayJump := now.Sub(b.lastJump) >= MinJumpGap
	if abs(x-hx) > roam || abs(y-hy) > roam {
		if mayJump {
			r.jump(b, x+clamp(hx-x, JumpReach), y+clamp(hy-y, JumpReach), now)
			return
		}
		r.walk(b, client.Facing(p.X, p.Y, b.homeX, b.homeY), msg.WalkModeRun)
		return
	}
	if r.cfg.ChatEvery > 0 && b.actions%uint32(r.cfg.ChatEvery) == 0 {
		if err := c.Talk(msg.ChannelTalk, "", chatLines[rng.IntN(len(chatLines))]); err != nil {
			r.sendFailed(err)
			return
		}
		r.st.chats.Add(1)
		return
	}
	if mayJump && r.cfg.JumpEvery > 0 && b.actions%uint32(r.cfg.JumpEvery) == 0 {
		tx := x + clamp(hx+rng.IntN(2*roam+1)-roam-x, JumpReach)
		ty := y + clamp(hy+rng.IntN(2*roam+1)-roam-y, JumpReach)
		if (tx != x || ty != y) && tx >= 0 && ty >= 0 {
			r.jump(b, tx, ty, now)
			return
		}
	}
	first := rng.IntN(8)
	for k := range 8 {
		d := uint8((first + k) % 8)
		nx, ny := client.Step(p.X, p.Y, d)
		if abs(int(nx)-hx) <= roam && abs(int(ny)-hy) <= roam {
			r.walk(b, d, msg.WalkModeWalk)
			return
		}
	}
}

func (r *runner) walk(b *bot, dir uint8, mode msg.WalkMode) {
	j := b.walks.log(dir, r.since(time.Now()))
	if err := b.c.Walk(dir, mode); err != nil {
		b.walks.unlog(j)
		r.sendFailed(err)
		return
	}
	r.st.walks.sent.Add(1)
}

func (r *runner) jump(b *bot, x, y int, now time.Time) {
	if err := b.c.Jump(uint16(max(x, 0)), uint16(max(y, 0))); err != nil {
		r.sendFailed(err)
		return
	}
	b.lastJump = now
	r.st.jumps.sent.Add(1)
}

// sendFailed counts a failed action; a broken connection is noticed on the
// bot's next turn.
func (r *runner) sendFailed(err error) {
	if r.ctx.Err() == nil {
		r.st.addErr("send_"+errKind(err), err, r.cfg.Logger)
	}
}

// onAck records the server's answer to a move of b; it runs on b's reader
// goroutine.
func (r *runner) onAck(b *bot, a client.Ack) {
	switch a.Kind {
	case client.MoveWalk:
		b.walks.answer(r.since(a.Sent), a.Accepted)
		if a.Accepted {
			r.st.walks.acked.Add(1)
			r.st.rtt.Record(a.RTT)
			if r.steady(r.since(a.Sent) + int64(a.RTT)) {
				r.st.steadyRTT.Record(a.RTT)
			}
		} else {
			r.st.walks.refused.Add(1)
		}
	case client.MoveJump:
		if a.Accepted {
			r.st.jumps.acked.Add(1)
		} else {
			r.st.jumps.refused.Add(1)
		}
	}
}

// onSighting times another bot's step that b saw (see seen.go); it runs on
// b's reader goroutine and allocates nothing.
func (r *runner) onSighting(b *bot, s client.Sighting) {
	if client.IsMonster(s.ID) {
		return
	}
	l := r.movers.find(s.ID)
	if l == nil || l == &b.walks {
		return // not a bot of this run (yet)
	}
	p := b.places.get(s.ID)
	if s.Spawn {
		p.next = noPlace
		return
	}
	at := r.since(s.At)
	sent, ok := l.pair(p, s.Direction, at)
	if !ok {
		r.st.seenUnpaired.Add(1)
		return
	}
	d := time.Duration(at - sent)
	r.st.seen.Record(d)
	if r.steady(at) {
		r.st.steadySeen.Record(d)
	}
}

// steady reports whether at (nanoseconds since the run's start) is in the
// steady phase: Settle after every bot had logged in, or later.
func (r *runner) steady(at int64) bool {
	from := r.st.steadyFrom.Load()
	return from != 0 && at >= from
}

// since returns t in nanoseconds since the run's start.
func (r *runner) since(t time.Time) int64 { return int64(t.Sub(r.start)) }

// progress writes a line every progressEvery until the run ends, with the
// walk round trip of the last period.
func (r *runner) progress(w io.Writer) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	prev, prevSeen, prevWalks := r.st.rtt.snapshot(), r.st.seen.snapshot(), int64(0)
	for {
		select {
		case <-r.ctx.Done():
			return
		case now := <-t.C:
			cur, curSeen := r.st.rtt.snapshot(), r.st.seen.snapshot()
			win := cur.since(prev)
			walks := r.st.walks.sent.Load()
			fmt.Fprintf(w, "%6.1fs  logged in %d/%d  active %d  failed %d  lost %d  reconnects %d  walks %d/s  rtt p50 %s p99 %s",
				now.Sub(r.start).Seconds(), r.st.loggedIn.Load(), len(r.bots), r.st.active.Load(),
				r.st.loginFailures.Load(), r.st.disconnects.Load(), r.st.reconnects.Load(),
				int64(float64(walks-prevWalks)/progressEvery.Seconds()), fmtMs(win.quantile(0.5)), fmtMs(win.quantile(0.99)))
			fmt.Fprintf(w, "  seen p99 %s", fmtMs(curSeen.since(prevSeen).quantile(0.99)))
			if r.cfg.Behaviour == BehaviourNPC {
				fmt.Fprintf(w, "  clicks %d  pages %d  teleports %d  click p99 %s", r.st.npc.clicks.Load(),
					r.st.npc.pages.Load(), r.st.npc.teleports.Load(), fmtMs(r.st.clickRTT().quantile(0.99)))
			}
			if r.cfg.Behaviour == BehaviourItems {
				fmt.Fprintf(w, "  item rounds %d  unanswered %d", r.st.items.rounds.Load(), r.st.items.unanswered.Load())
			}
			fmt.Fprintln(w)
			prev, prevSeen, prevWalks = cur, curSeen, walks
		}
	}
}

// report builds the run's report.
func (r *runner) report(end time.Time) Report {
	rtt := r.st.rtt.snapshot()
	moves := func(m *moveStats) Moves {
		sent, acked, refused := m.sent.Load(), m.acked.Load(), m.refused.Load()
		return Moves{Sent: sent, Acknowledged: acked, Refused: refused, Unanswered: max(sent-acked-refused, 0)}
	}
	rep := Report{
		Bots:             len(r.bots),
		ElapsedSeconds:   end.Sub(r.start).Seconds(),
		Logins:           r.st.loggedIn.Load(),
		LoginFailures:    r.st.loginFailures.Load(),
		LoginTime:        latency(r.st.loginTime.snapshot()),
		Disconnects:      r.st.disconnects.Load(),
		Reconnects:       r.st.reconnects.Load(),
		ActiveAtEnd:      r.st.active.Load(),
		Walks:            moves(&r.st.walks),
		Jumps:            moves(&r.st.jumps),
		Chats:            r.st.chats.Load(),
		MoveRTT:          latency(rtt),
		SteadyMoveRTT:    latency(r.st.steadyRTT.snapshot()),
		MoveRTTHistogram: powerBuckets(rtt),
		NPCs:             r.st.npc.report(),
		Items:            r.st.items.report(),
		Hunt:             r.st.hunt.report(),
		Errors:           make(map[string]int64),
	}
	seen := r.st.seen.snapshot()
	rep.SeenRTT, rep.SeenRTTHistogram = latency(seen), powerBuckets(seen)
	rep.SteadySeenRTT, rep.SeenUnpaired = latency(r.st.steadySeen.snapshot()), r.st.seenUnpaired.Load()
	click := r.st.clickRTT()
	rep.ClickRTT, rep.ClickRTTHistogram = latency(click), powerBuckets(click)
	hit := r.st.hunt.rtt.snapshot()
	rep.AttackRTT, rep.AttackRTTHistogram = latency(hit), powerBuckets(hit)
	if last := time.Duration(r.st.lastFirstLogin.Load()); last > 0 {
		rep.LoginsPerSecond = float64(rep.Logins) / last.Seconds()
	}
	r.st.errMu.Lock()
	for k, v := range r.st.errs {
		rep.Errors[k] = v
	}
	r.st.errMu.Unlock()
	return rep
}

// nextBackoff doubles d within the reconnect bounds.
func nextBackoff(d time.Duration) time.Duration {
	if d == 0 {
		return ReconnectMinBackoff
	}
	return min(d*ReconnectBackoffFactor, ReconnectMaxBackoff)
}

// jitter adds up to ReconnectJitter of d at random.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(float64(d)*ReconnectJitter)+1))
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// clamp limits v to [-limit, limit].
func clamp(v, limit int) int { return min(max(v, -limit), limit) }

// fmtMs formats d in milliseconds.
func fmtMs(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}
