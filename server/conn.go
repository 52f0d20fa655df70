package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/ratelimit"
	"github.com/coserver/coserver/wire"
)

// Cipher encrypts and decrypts one connection's stream in place. Encrypt is
// called only by the connection's writer, Decrypt only by its reader.
type Cipher interface {
	Encrypt(b []byte)
	Decrypt(b []byte)
}

// Session is the application's side of one connection (an account login, a
// player). The runtime calls Handle for every packet, in arrival order, never
// concurrently, on the connection's reader goroutine; and Close exactly once,
// after the last Handle has returned.
type Session interface {
	// Handle processes one packet. p is the whole packet, header included,
	// valid only until Handle returns: copy what must outlive it. An error
	// closes the connection (see Kick); ErrUnknownType is logged once per
	// type and ignored.
	Handle(t wire.Type, p []byte) error
	// Close releases the session: the connection is gone.
	Close(r Reason)
}

// Conn is one client connection: its socket, cipher, framer and outbox.
// Send and Kick may be called from any goroutine.
type Conn struct {
	id     uint64
	nc     net.Conn
	remote netip.Addr
	srv    *Server
	cipher Cipher
	framer *wire.Framer
	out    outbox
	fl     *flusher // times and makes the outbox's writes
	sock   sock     // reads and writes of nc: its reader, and one writer at a time (outbox)

	// Log is the connection's logger (connection id, remote address); the
	// application may replace it with one carrying the account. Set it only
	// from the reader goroutine (inside Handle).
	Log *slog.Logger

	// handshake is the absolute deadline of an unauthenticated
	// connection: accept + HandshakeTimeout.
	handshake time.Time
	authed    atomic.Bool // SetAuthenticated was called: reads get IdleTimeout
	ctx       context.Context
	cancel    context.CancelFunc
	bucket    ratelimit.Bucket       // packets: PacketRate, PacketBurst
	unknown   map[wire.Type]struct{} // unknown types already logged
	framed    bool                   // a first packet has been framed (reader goroutine only)
	reason    atomic.Pointer[Reason]
	closeOne  sync.Once
	tap       atomic.Pointer[tapBox]   // nil unless traced (tap.go)
	ident     atomic.Pointer[identity] // account and character, for traces
}

// ID returns the connection's process-unique id.
func (c *Conn) ID() uint64 { return c.id }

// RemoteAddr returns the client's IP address.
func (c *Conn) RemoteAddr() netip.Addr { return c.remote }

// SetAuthenticated records that the session has authenticated its client
// (a valid login token): from now on the connection is closed only after
// IdleTimeout without a packet. Until it is called, the connection is
// closed HandshakeTimeout after accept, whatever it sends. Call it from the
// reader goroutine (inside Handle).
func (c *Conn) SetAuthenticated() { c.authed.Store(true) }

// Authenticated reports whether SetAuthenticated has been called.
func (c *Conn) Authenticated() bool { return c.authed.Load() }

// Context returns the connection's context, for the store calls and other
// blocking work of its handlers. It is cancelled when the connection is
// closed (before Session.Close runs) and when a Shutdown's deadline passes
// while handlers are still running. Session.Close must not use it for
// work that has to happen after the close, such as a final save.
func (c *Conn) Context() context.Context { return c.ctx }

// Cipher returns the connection's cipher, so a handler can re-key it. Re-key
// only from the reader goroutine, before the first Send that must use the
// new key.
func (c *Conn) Cipher() Cipher { return c.cipher }

// SetStepwise makes the framer decrypt no byte past the current packet, until
// called again with false; see wire.Framer.SetStepwise. Reader goroutine only.
func (c *Conn) SetStepwise(on bool) { c.framer.SetStepwise(on) }

// Send queues p for the client. It never blocks: when the client does not
// read and its outbox is full, the connection is closed as a slow consumer.
// It reports whether p was queued.
func (c *Conn) Send(p wire.Packet) bool {
	res, err := c.out.appendPacket(p)
	if err != nil {
		c.Log.Error("encode failed", "type", p.Type(), "err", err)
		return false
	}
	return c.queued(res)
}

// SendRaw queues an already encoded packet, such as a broadcast encoded once
// for many recipients. b is copied; the caller keeps it.
func (c *Conn) SendRaw(b []byte) bool { return c.queued(c.out.appendRaw(b, false)) }

// SendRawLater queues an encoded packet that may wait up to the listener's
// LaterDelay before it is written: news the client can take a little late
// (another player's step, a spawn, local chat), which then shares a write
// with the next packets instead of costing one of its own. Packets keep
// their order whichever way they were sent. b is copied; the caller keeps
// it.
func (c *Conn) SendRawLater(b []byte) bool { return c.queued(c.out.appendRaw(b, true)) }

func (c *Conn) queued(res appendResult) bool {
	switch res {
	case startWriter:
		c.fl.writeSoon(c)
	case overflow:
		c.srv.lm.overflows.Inc()
		c.close(ReasonSlowConsumer)
		return false
	case dropped, encodeFailed:
		return false
	}
	c.srv.lm.packetsOut.Inc()
	return true
}

// Kick closes the connection with reason r after writing what is queued, for
// at most the write timeout. Safe from any goroutine.
func (c *Conn) Kick(r Reason) {
	go func() {
		c.drain()
		c.close(r)
	}()
}

// drain stops the outbox and waits until what it holds is written, for at
// most the write timeout.
func (c *Conn) drain() {
	c.out.stop()
	c.hurry()
	t := time.NewTimer(c.srv.cfg.WriteTimeout)
	defer t.Stop()
	select {
	case <-c.out.waitIdle():
	case <-t.C:
	}
}

// close closes the socket once; the first reason wins.
func (c *Conn) close(r Reason) {
	c.closeOne.Do(func() {
		c.reason.Store(&r)
		c.out.stop()
		_ = c.nc.Close()
		c.cancel()
	})
}

// hurry cancels the wait of the packets queued for later and has a writer
// goroutine write what is queued, unless a writer is already claimed (a
// kick, a shutdown).
func (c *Conn) hurry() {
	if c.out.hurry() {
		go c.writeLoop(nil)
	}
}

// fireLater ends the later delay of arm seq: it reports whether the caller
// has claimed the writer for the packets queued for later (none has taken
// them since), and counts the write it owes them.
func (c *Conn) fireLater(seq uint32) bool {
	if !c.out.fire(seq) {
		return false
	}
	c.srv.lm.laterWrites.Inc()
	return true
}

// flush writes the outbox on the calling goroutine, the flusher's, whose
// claim of the writer it takes over: batch after batch while the socket
// takes each whole at once. A batch the socket would have to wait for is
// finished by a writer goroutine, which then carries on as writeLoop.
func (c *Conn) flush() {
	var written []chunk
	for {
		batch := c.out.take(written)
		if batch == nil {
			return
		}
		n, done, err := c.sock.tryWrite(c.seal(batch))
		if !done {
			go c.finishWrite(batch)
			return
		}
		if !c.wrote(n, err, batch) {
			return
		}
		written = batch
	}
}

// finishWrite finishes the batch flush began, waiting for the socket as long
// as the write timeout allows, then goes on as writeLoop.
func (c *Conn) finishWrite(batch []chunk) {
	c.sock.armWrite(time.Now(), c.srv.cfg.WriteTimeout)
	if n, err := c.sock.finishWrite(); !c.wrote(n, err, batch) {
		return
	}
	c.writeLoop(batch)
}

// writeLoop drains the outbox on its own goroutine, holding the writer's
// claim: each batch of queued chunks is sealed and written with one system
// call, waiting for the socket as long as the write timeout allows. It
// exits when the outbox is empty. written is a batch already written (its
// chunks go back to the pool), or nil.
func (c *Conn) writeLoop(written []chunk) {
	for {
		batch := c.out.take(written)
		if batch == nil {
			return
		}
		iov := c.seal(batch)
		c.sock.armWrite(time.Now(), c.srv.cfg.WriteTimeout)
		n, err := c.sock.writeBufs(iov)
		if !c.wrote(n, err, batch) {
			return
		}
		written = batch
	}
}

// seal encrypts a batch in place, in order (tracing it first when the
// connection is tapped), and returns its buffers for one gathered write.
func (c *Conn) seal(batch []chunk) [][]byte {
	iov := c.sock.bufs[:0]
	tb := c.tap.Load()
	for i := range batch {
		b := batch[i].bytes()
		if tb != nil {
			tapOut(tb.t, c, b)
		}
		c.cipher.Encrypt(b)
		iov = append(iov, b)
	}
	c.sock.bufs = iov
	return iov
}

// wrote accounts for the write of batch (n bytes, err) and reports whether
// the writer goes on: after an error the connection is closed and what it
// had queued dropped.
func (c *Conn) wrote(n int64, err error, batch []chunk) bool {
	clear(c.sock.bufs)
	c.srv.lm.writes.Inc()
	c.srv.lm.bytesOut.Add(float64(n))
	if err != nil {
		c.close(ReasonWriteError)
		c.out.abandon(batch)
		return false
	}
	return true
}

// Read implements io.Reader for the framer, arming the read deadline first:
// the absolute handshake deadline until the session is authenticated, then
// the idle timeout. Once shutdown has begun it reads nothing more.
func (c *Conn) Read(p []byte) (int, error) {
	deadline := c.handshake
	if c.authed.Load() {
		deadline = time.Now().Add(c.srv.cfg.IdleTimeout)
	}
	c.sock.armRead(deadline)
	if c.srv.shuttingDown() { // checked after arming: Shutdown's own deadline cannot be overwritten
		return 0, errShuttingDown
	}
	return c.sock.read(p)
}

var errShuttingDown = errors.New("server shutting down")

// serve runs the connection's reader: frame, rate-limit, dispatch, in order.
func (c *Conn) serve(sess Session) {
	r := c.readLoop(sess)
	if c.srv.shuttingDown() && r == ReasonShutdown && c.srv.parked(c, sess) {
		// Shutdown flushes and closes after the save hooks have run.
		return
	}
	c.close(r)
	c.finish(sess)
}

// finish releases the session, the read buffer and the connection's
// accounting. It runs after the reader has stopped.
func (c *Conn) finish(sess Session) {
	r := *c.reason.Load()
	c.framer.Release()
	sess.Close(r)
	c.srv.forget(c, r)
}

func (c *Conn) readLoop(sess Session) Reason {
	lm := c.srv.lm
	for {
		p, err := c.framer.Next()
		if err != nil {
			return c.readFailed(err)
		}
		now := time.Now()
		if !c.bucket.Allow(now) {
			lm.rateKicks.Inc()
			c.srv.sampled.warn(c.Log, string(ReasonRateLimit), "packet rate limit exceeded", "rate", c.srv.cfg.PacketRate)
			return ReasonRateLimit
		}
		_, t := wire.Header(p)
		if !c.framed {
			c.framed = true
			if _, ok := c.srv.known[t]; !ok && len(c.srv.known) > 0 {
				c.notGameClient("type", int(t))
			}
		}
		if tb := c.tap.Load(); tb != nil {
			tb.t.Packet(c, false, p)
		}
		tm := lm.forType(t)
		tm.packets.Inc()
		tm.bytes.Add(float64(len(p)))
		err = c.handle(sess, t, p)
		tm.latency.Observe(time.Since(now).Seconds())
		if err == nil {
			continue
		}
		if errors.Is(err, ErrUnknownType) {
			lm.unknown.Inc()
			c.logUnknown(t, len(p))
			continue
		}
		r := reasonFor(err)
		c.srv.sampled.logAt(c.Log, closeLevel(r), string(r), "closing connection", "type", t, "reason", r, "err", err)
		var k *KickError
		if errors.As(err, &k) {
			c.drain() // write the answer the handler queued (a rejection) first
		}
		return r
	}
}

// handle runs one handler, turning a panic into an error so that a bug
// triggered by one client's packet closes only that client.
func (c *Conn) handle(sess Session, t wire.Type, p []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			c.srv.sampled.logAt(c.Log, slog.LevelError, "panic", "handler panicked", "type", t, "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("handler for %v panicked: %v", t, v)
		}
	}()
	return sess.Handle(t, p)
}

// readFailed maps a framer error to a reason, logging what is unusual.
func (c *Conn) readFailed(err error) Reason {
	if p := c.reason.Load(); p != nil {
		return *p // closed by someone else (kick, overflow, shutdown)
	}
	var le *wire.LengthError
	switch {
	case c.srv.shuttingDown():
		return ReasonShutdown
	case errors.As(err, &le):
		if !c.framed {
			c.notGameClient("length", le.Length)
		} else {
			c.srv.sampled.warn(c.Log, string(ReasonBadLength), "bad packet length", "length", le.Length)
		}
		return ReasonBadLength
	case errors.Is(err, os.ErrDeadlineExceeded):
		if !c.authed.Load() {
			return ReasonHandshakeTimeout
		}
		return ReasonIdleTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return ReasonEOF
	}
	c.Log.Debug("read failed", "err", err)
	return ReasonReadError
}

// closeLevel is the level of the line logged when a handler closes a
// connection with reason r: the normal ends of an exchange are DEBUG,
// refusals (a rejected login) INFO, the rest (a client breaking the
// protocol, a failing handler) WARN. Every one of them is sampled.
func closeLevel(r Reason) slog.Level {
	switch r {
	case ReasonDone, ReasonReplaced:
		return slog.LevelDebug
	case ReasonKicked:
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// notGameClient logs, at most once per IP address per
// ForeignClientLogInterval, that the connection's first packet did not
// decrypt to a packet of this protocol: what a client of another patch, or
// a program that is no game client at all, sends. what is "length" or
// "type" and v its value.
func (c *Conn) notGameClient(what string, v int) {
	l := c.Log
	if !l.Enabled(context.Background(), slog.LevelWarn) || !c.srv.foreign.allow(c.remote.String()) {
		return
	}
	l.Warn("not a 5017 client (wrong patch or not a game client)", "first_packet_"+what, v,
		"hint", "the client must be patch 5017 and its server.dat must point at this server")
}

// maxUnknownLogged bounds how many distinct unknown types one connection
// logs, so a client cycling through types cannot flood the log.
const maxUnknownLogged = 16

func (c *Conn) logUnknown(t wire.Type, n int) {
	if _, seen := c.unknown[t]; seen || len(c.unknown) >= maxUnknownLogged {
		return
	}
	if c.unknown == nil {
		c.unknown = make(map[wire.Type]struct{})
	}
	c.unknown[t] = struct{}{}
	c.srv.sampled.logAt(c.Log, slog.LevelInfo, "unknown_type", "unhandled packet type", "type", t, "length", n)
}
