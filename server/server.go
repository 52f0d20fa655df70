// Package server is the connection runtime shared by the account and game
// servers: it owns every connection from accept to close, frames and
// decrypts packets, runs the application's handlers in order per client and
// in parallel across clients, and writes replies through byte-bounded
// outboxes. It knows nothing of the game: the application plugs in through
// Service and Session, as net/http's Handler does.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coserver/coserver/ratelimit"
	"github.com/coserver/coserver/wire"
)

// Defaults for Config; each is documented in docs/CONFIG.md.
const (
	DefaultMaxConns         = 20000                  // connections open at once, per listener
	DefaultMaxConnsPerIP    = 32                     // connections from one IP address
	DefaultHandshakeTimeout = 15 * time.Second       // from accept until the session is authenticated
	DefaultIdleTimeout      = 10 * time.Minute       // between two packets of an authenticated session
	DefaultWriteTimeout     = 10 * time.Second       // one socket write
	DefaultOutboxLimit      = 256 << 10              // bytes queued for one client
	DefaultFlushDelay       = 2 * time.Millisecond   // a writer waits this long for more packets before writing
	DefaultLaterDelay       = 100 * time.Millisecond // a packet sent with SendRawLater waits at most this long
	DefaultLaterDelayBusy   = 250 * time.Millisecond // ... and this long when the processors are busy
	DefaultPacketRate       = 100                    // packets per second, sustained
	DefaultPacketBurst      = 200                    // packets in a burst
)

// Config is one listener's settings. Zero fields take the defaults above.
type Config struct {
	// Name labels the listener in logs and metrics ("account", "game").
	Name string
	// MaxConns caps the connections open at once.
	MaxConns int
	// MaxConnsPerIP caps the connections open from one remote IP.
	MaxConnsPerIP int
	// HandshakeTimeout is how long a new connection has, counted from
	// accept, until its session calls Conn.SetAuthenticated: an absolute
	// deadline that no packet extends, so a client that drips bytes or
	// sends packets of unknown types is closed all the same.
	HandshakeTimeout time.Duration
	// IdleTimeout closes an authenticated connection that sends nothing
	// for this long.
	IdleTimeout time.Duration
	// WriteTimeout bounds one socket write and the flush before a kick.
	WriteTimeout time.Duration
	// OutboxLimit is the most bytes queued for one client; past it the
	// client is disconnected as a slow consumer.
	OutboxLimit int
	// FlushDelay is how long after a first packet a connection is written
	// (by its flusher), so that the packets of that moment share the
	// system call: in a crowd every move sends each observer a packet, and
	// one write per packet costs more than the game itself. Negative
	// writes at once.
	FlushDelay time.Duration
	// LaterDelay is the longest a packet sent with Conn.SendRawLater (news
	// of others: their moves, spawns, chat) waits for a write of its own;
	// until then it rides along with whatever the client is sent next. In
	// a crowd this turns a write per packet seen into about one per
	// LaterDelay. Negative writes those packets as soon as any other.
	LaterDelay time.Duration
	// LaterDelayBusy is the later delay when the process uses loadHigh
	// (90 %) of its processors or more; from loadLow (60 %) up it grows
	// from LaterDelay toward it (load.go): a saturated server sends news of
	// others later instead of answering everything later. Negative, or
	// not above LaterDelay, keeps LaterDelay whatever the load.
	LaterDelayBusy time.Duration
	// PacketRate and PacketBurst are the token bucket of packets per
	// connection; a client over it is disconnected. PacketRate < 0 disables
	// the limit (benchmarks only).
	PacketRate  float64
	PacketBurst float64
	// NewCipher returns a fresh cipher for a new connection: the patch's
	// transport encryption (tq.NewServer for 5017). Required.
	NewCipher func() Cipher
	// Logger receives the listener's logs; nil means slog.Default().
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	c.MaxConns = cmp.Or(c.MaxConns, DefaultMaxConns)
	c.MaxConnsPerIP = cmp.Or(c.MaxConnsPerIP, DefaultMaxConnsPerIP)
	c.HandshakeTimeout = cmp.Or(c.HandshakeTimeout, DefaultHandshakeTimeout)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, DefaultIdleTimeout)
	c.WriteTimeout = cmp.Or(c.WriteTimeout, DefaultWriteTimeout)
	c.OutboxLimit = cmp.Or(c.OutboxLimit, DefaultOutboxLimit)
	c.FlushDelay = cmp.Or(c.FlushDelay, DefaultFlushDelay)
	c.LaterDelay = cmp.Or(c.LaterDelay, DefaultLaterDelay)
	c.LaterDelayBusy = cmp.Or(c.LaterDelayBusy, DefaultLaterDelayBusy)
	c.PacketRate = cmp.Or(c.PacketRate, DefaultPacketRate)
	c.PacketBurst = cmp.Or(c.PacketBurst, DefaultPacketBurst)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Service is the application behind a listener.
type Service interface {
	// Open starts the session of a new connection, before its first packet.
	Open(c *Conn) Session
}

// Server accepts connections on one listener and runs them.
type Server struct {
	cfg  Config
	svc  Service
	lm   *listenerMetrics
	log  *slog.Logger
	next atomic.Uint64
	// sampled rate-limits the logs of refused and closed connections.
	sampled *logSampler
	// foreign rate-limits the "not a 5017 client" line: once per IP
	// address per ForeignClientLogInterval.
	foreign *logSampler
	// known is the set of packet types the service handles; a first
	// packet of another type is not from a game client of this patch.
	known map[wire.Type]struct{}

	// buffers lends read buffers to connections with bytes in flight: an
	// idle connection holds none (wire.NewPooledFramer).
	buffers wire.BufferPool
	// chunks are the outboxes' queue memory, shared by every connection.
	chunks chunkPool
	// flushers time and make the connections' writes, one per processor.
	flushers []*flusher

	mu      sync.Mutex
	ln      net.Listener
	conns   map[*Conn]struct{}
	perIP   map[netip.Addr]int
	parkedS map[*Conn]Session // readers stopped by shutdown, waiting for the flush
	// collected is set once Shutdown has taken parkedS: a reader that
	// stops later closes its connection itself.
	collected bool
	hooks     []func(context.Context) error
	stopping  atomic.Bool
	tapper    atomic.Pointer[tapperBox] // chooses traced connections (tap.go)
	readers   sync.WaitGroup
}

// New returns a server for svc. types lists the packet types the service
// handles, so that their metrics exist from the start.
func New(cfg Config, svc Service, m *Metrics, types []wire.Type) *Server {
	cfg.setDefaults()
	if cfg.NewCipher == nil {
		panic("server: Config.NewCipher is required")
	}
	log := cfg.Logger.With("listener", cfg.Name)
	foreign := newLogSampler(log, time.Now)
	foreign.burst, foreign.interval, foreign.quiet = 1, ForeignClientLogInterval, true
	known := make(map[wire.Type]struct{}, len(types))
	for _, t := range types {
		known[t] = struct{}{}
	}
	lm := m.forListener(cfg.Name, types)
	procs := runtime.GOMAXPROCS(0)
	busy := cfg.LaterDelayBusy
	if cfg.LaterDelay <= 0 || busy < cfg.LaterDelay {
		busy = cfg.LaterDelay // no stretching
	}
	flushers := make([]*flusher, procs)
	for i := range flushers {
		flushers[i] = newFlusher(cfg.FlushDelay, load{base: cfg.LaterDelay, busy: busy, procs: float64(procs),
			cpu: processCPU, gauge: lm.laterDelay}, lm.writeLate)
	}
	lm.laterDelay.Set(max(cfg.LaterDelay, 0).Seconds())
	return &Server{
		cfg:      cfg,
		svc:      svc,
		lm:       lm,
		log:      log,
		sampled:  newLogSampler(log, time.Now),
		foreign:  foreign,
		known:    known,
		conns:    make(map[*Conn]struct{}),
		perIP:    make(map[netip.Addr]int),
		parkedS:  make(map[*Conn]Session),
		flushers: flushers,
	}
}

// OnShutdown registers a hook that Shutdown runs after every reader has
// stopped and before outboxes are flushed: the place to save state.
func (s *Server) OnShutdown(f func(context.Context) error) {
	s.mu.Lock()
	s.hooks = append(s.hooks, f)
	s.mu.Unlock()
}

// Addr returns the listener's address once Serve has started, else nil.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve accepts connections on ln until Shutdown, then returns nil; or
// returns the listener's error. Each connection's Context carries ctx's
// values; it is cancelled when the connection closes or when Shutdown's
// deadline passes, not when ctx is cancelled: stopping is Shutdown's job,
// and it lets running handlers finish first.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx = context.WithoutCancel(ctx)
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.log.Info("listening", "addr", ln.Addr().String())
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.stopping.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errTooManyFiles) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("accept failed; retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("server %s: accept: %w", s.cfg.Name, err)
		}
		backoff = 0
		s.accept(ctx, nc)
	}
}

// errTooManyFiles is the accept error of a process out of descriptors: a
// temporary condition, retried with backoff.
var errTooManyFiles = syscall.EMFILE

// accept admits nc under the connection caps and starts its reader; ctx is
// the parent of the connection's Context.
func (s *Server) accept(ctx context.Context, nc net.Conn) {
	ap, _ := netip.ParseAddrPort(nc.RemoteAddr().String())
	ip := ap.Addr().Unmap()
	s.mu.Lock()
	limit := ""
	switch {
	case s.stopping.Load():
		limit = "shutdown"
	case len(s.conns) >= s.cfg.MaxConns:
		limit = "total"
	case s.perIP[ip] >= s.cfg.MaxConnsPerIP:
		limit = "per_ip"
	}
	if limit != "" {
		s.mu.Unlock()
		s.lm.rejected.WithLabelValues(limit).Inc()
		// A refusal: INFO, sampled (the counter stays exact).
		s.sampled.logAt(s.log, slog.LevelInfo, "refused_"+limit, "connection refused", "remote", ip, "limit", limit)
		_ = nc.Close()
		return
	}
	cctx, cancel := context.WithCancel(ctx)
	c := &Conn{
		id:        s.next.Add(1),
		nc:        nc,
		remote:    ip,
		srv:       s,
		cipher:    s.cfg.NewCipher(),
		handshake: time.Now().Add(s.cfg.HandshakeTimeout),
		ctx:       cctx,
		cancel:    cancel,
		bucket:    ratelimit.New(s.cfg.PacketRate, s.cfg.PacketBurst),
	}
	c.sock.init(nc)
	c.out.limit = s.cfg.OutboxLimit
	c.out.pool = &s.chunks
	c.out.later = s.cfg.LaterDelay
	c.fl = s.flushers[c.id%uint64(len(s.flushers))]
	c.out.arm = func(seq uint32) { c.fl.fireLater(c, seq) }
	c.framer = wire.NewPooledFramer(c, c.cipher, &s.buffers)
	c.Log = s.log.With("conn", c.id, "remote", ip)
	s.conns[c] = struct{}{}
	s.perIP[ip]++
	s.readers.Add(1)
	s.mu.Unlock()
	s.lm.accepted.Inc()
	s.lm.open.Inc()
	c.Log.Debug("connection accepted")
	c.retap()
	go func() {
		defer s.readers.Done()
		c.serve(s.svc.Open(c))
	}()
}

// forget removes a closed connection from the books.
func (s *Server) forget(c *Conn, r Reason) {
	s.mu.Lock()
	delete(s.conns, c)
	if s.perIP[c.remote]--; s.perIP[c.remote] <= 0 {
		delete(s.perIP, c.remote)
	}
	s.mu.Unlock()
	s.lm.open.Dec()
	s.lm.closed.WithLabelValues(string(r)).Inc()
	c.Log.Debug("connection closed", "reason", r)
}

// parked records a connection whose reader stopped for shutdown, for
// Shutdown to flush and close. It reports false when Shutdown has already
// collected the parked connections (a handler outlived its deadline): the
// caller closes the connection itself.
func (s *Server) parked(c *Conn, sess Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.collected {
		return false
	}
	s.parkedS[c] = sess
	return true
}

func (s *Server) shuttingDown() bool { return s.stopping.Load() }

// Len returns the number of open connections.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Shutdown stops the server gracefully: stop accepting; stop reading, letting
// running handlers finish; run the shutdown hooks (saves); flush every
// outbox; close every connection and release its session. It returns
// ctx.Err() when the deadline passes first, having closed everything anyway.
func (s *Server) Shutdown(ctx context.Context) error {
	start := time.Now()
	s.stopping.Store(true)
	s.mu.Lock()
	if s.ln != nil {
		_ = s.ln.Close()
	}
	for c := range s.conns {
		_ = c.nc.SetReadDeadline(time.Now()) // wakes the reader; a running handler finishes first
	}
	hooks := s.hooks
	s.mu.Unlock()

	readersDone := make(chan struct{})
	go func() { s.readers.Wait(); close(readersDone) }()
	var errs []error
	select {
	case <-readersDone:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("waiting for handlers: %w", ctx.Err()))
		// Handlers still running are stuck (a store call, say): cancel
		// their connections' contexts so that they return.
		s.mu.Lock()
		for c := range s.conns {
			c.cancel()
		}
		s.mu.Unlock()
	}
	for _, h := range hooks {
		if err := h(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown hook: %w", err))
		}
	}
	s.mu.Lock()
	parked := s.parkedS
	s.parkedS = make(map[*Conn]Session)
	s.collected = true
	s.mu.Unlock()
	var flushes sync.WaitGroup
	for c, sess := range parked {
		flushes.Go(func() {
			c.hurry()
			select {
			case <-c.out.waitIdle():
			case <-ctx.Done():
			}
			c.close(ReasonShutdown)
			c.finish(sess)
		})
	}
	flushes.Wait()
	for _, f := range s.flushers {
		f.stop()
	}
	s.sampled.flush()
	err := errors.Join(errs...)
	if err != nil || ctx.Err() != nil {
		s.log.Error("shutdown exceeded its deadline", "took", time.Since(start), "err", err)
	} else {
		s.log.Debug("shutdown complete", "took", time.Since(start), "connections", len(parked))
	}
	return err
}
