// Package proxy is a decrypting man-in-the-middle for patch 5017: it
// listens as an account server and a game server, forwards every byte to an
// upstream 5017 server, decrypts both directions of both connections with
// its own cipher instances, and prints (and optionally records) every
// packet, decoded.
//
// Toward the client the proxy holds a server cipher, toward the upstream a
// client cipher. Both see the same byte stream, so a packet decrypted on one
// side and re-encrypted on the other leaves the proxy byte for byte as it
// came in. The one exception is MsgConnectEx: its game address is rewritten
// (in place, same length) to the proxy's game listener, so the client comes
// back through the proxy. On the game connection the proxy reads the token in
// MsgConnect, re-keys both ciphers as the server and the client do, and
// dials the upstream game server the account server named for that token.
package proxy

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// Limits and defaults.
const (
	// DefaultDialTimeout bounds a dial to the upstream.
	DefaultDialTimeout = 5 * time.Second
	// DefaultHandshakeTimeout bounds the wait for a client's first packet.
	DefaultHandshakeTimeout = 30 * time.Second
	// TokenTTL is how long a login token seen in MsgConnectEx waits for its
	// game connection.
	TokenTTL = 5 * time.Minute
	// MaxPendingTokens caps the tokens waiting for their game connection;
	// past it the oldest are dropped.
	MaxPendingTokens = 10000
	// writeBufferSize is the buffered writer of each direction: packets
	// gather until the reader would block, then go out in one write.
	writeBufferSize = 8 << 10
	// hostField and portField place the game address in an accept
	// MsgConnectEx (msg.ConnectEx): char[16] at 12, u32 at 28.
	hostField    = wire.HeaderSize + 8
	hostFieldLen = 16
	portField    = hostField + hostFieldLen
	connectExMin = portField + 4
	// accountLen and connectLen are the sizes of the first packet a 5017
	// client sends on each connection.
	accountLen = 52
	connectLen = 28
)

// Config is the proxy's settings.
type Config struct {
	// AccountAddr and GameAddr are the proxy's listen addresses.
	AccountAddr string
	GameAddr    string
	// GameHost is the IPv4 address written into MsgConnectEx for the
	// client to reach the game listener (a real client refuses 127.x).
	// Empty means the game listener's own IP.
	GameHost string
	// Upstream is the upstream account server, host:port.
	Upstream string
	// DialTimeout and HandshakeTimeout; zero means the defaults.
	DialTimeout      time.Duration
	HandshakeTimeout time.Duration
	// Printer prints every packet; nil prints nothing.
	Printer *record.Printer
	// Recorder records every packet; nil records nothing.
	Recorder *record.Writer
	// Logger receives the proxy's own events (pairs opened and closed,
	// errors); nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of printed packets; nil means time.Now.
	Now func() time.Time
}

// Proxy is a running proxy.
type Proxy struct {
	cfg      Config
	log      *slog.Logger
	acctLn   net.Listener
	gameLn   net.Listener
	gameHost string
	gamePort uint32
	nextID   atomic.Uint32

	mu     sync.Mutex
	tokens map[uint64]login
	order  []uint64 // tokens in arrival order, for eviction
	conns  map[net.Conn]struct{}
	closed bool

	wg sync.WaitGroup
}

// login is what the account connection learnt about a token: where the
// upstream sends the client, and who logged in.
type login struct {
	upstream string
	account  string
	conn     uint32
	at       time.Time
}

// Start listens on both addresses and serves until Close.
func Start(cfg Config) (*Proxy, error) {
	if cfg.Upstream == "" {
		return nil, errors.New("proxy: no upstream account server")
	}
	cfg.DialTimeout = cmp.Or(cfg.DialTimeout, DefaultDialTimeout)
	cfg.HandshakeTimeout = cmp.Or(cfg.HandshakeTimeout, DefaultHandshakeTimeout)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &Proxy{cfg: cfg, log: cfg.Logger, tokens: make(map[uint64]login), conns: make(map[net.Conn]struct{})}
	var err error
	if p.acctLn, err = net.Listen("tcp", cfg.AccountAddr); err != nil {
		return nil, fmt.Errorf("proxy: account listener: %w", err)
	}
	if p.gameLn, err = net.Listen("tcp", cfg.GameAddr); err != nil {
		p.acctLn.Close()
		return nil, fmt.Errorf("proxy: game listener: %w", err)
	}
	ga := p.gameLn.Addr().(*net.TCPAddr)
	p.gamePort = uint32(ga.Port)
	p.gameHost = cfg.GameHost
	if p.gameHost == "" {
		p.gameHost = ga.IP.String()
	}
	if ip := net.ParseIP(p.gameHost); ip == nil || ip.To4() == nil || len(p.gameHost) >= hostFieldLen+1 {
		p.Close()
		return nil, fmt.Errorf("proxy: game host %q is not an IPv4 address; set it explicitly", p.gameHost)
	}
	p.wg.Add(2)
	go p.accept(p.acctLn, p.serveAccount)
	go p.accept(p.gameLn, p.serveGame)
	p.log.Info("proxy listening", "account", p.acctLn.Addr().String(), "game", p.gameLn.Addr().String(),
		"advertised_game", net.JoinHostPort(p.gameHost, strconv.Itoa(int(p.gamePort))), "upstream", cfg.Upstream)
	return p, nil
}

// AccountAddr returns the account listener's address.
func (p *Proxy) AccountAddr() net.Addr { return p.acctLn.Addr() }

// GameAddr returns the game listener's address.
func (p *Proxy) GameAddr() net.Addr { return p.gameLn.Addr() }

// Close stops both listeners, closes every connection and waits for the
// proxy's goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	if p.acctLn != nil {
		p.acctLn.Close()
	}
	if p.gameLn != nil {
		p.gameLn.Close()
	}
	p.wg.Wait()
	if p.cfg.Recorder != nil {
		return p.cfg.Recorder.Flush()
	}
	return nil
}

func (p *Proxy) accept(ln net.Listener, serve func(net.Conn)) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				p.log.Error("proxy: accept failed", "err", err)
			}
			return
		}
		if !p.track(c) {
			c.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(c)
			serve(c)
		}()
	}
}

// track registers an open connection so Close can end it; false once
// closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// note prints a line about a pair (or logs it when nothing prints).
func (p *Proxy) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if p.cfg.Printer != nil {
		_ = p.cfg.Printer.Note(p.cfg.Now().Format("15:04:05.000000") + " " + s)
		return
	}
	p.log.Info(s)
}

// pair is one client connection and its upstream connection.
type pair struct {
	p        *Proxy
	id       uint32
	kind     string
	client   net.Conn
	upstream net.Conn
	cs       *tq.Cipher // server side, toward the client
	cu       *tq.Cipher // client side, toward the upstream
	once     sync.Once
	why      string

	// account is the name in MsgAccount (account pairs), written by the
	// client's pump and read by the upstream's.
	account atomic.Pointer[string]
}

func (pr *pair) label() string { return pr.kind + "#" + strconv.FormatUint(uint64(pr.id), 10) }

// end closes both connections once, and says why.
func (pr *pair) end(why string) {
	pr.once.Do(func() {
		pr.why = why
		pr.client.Close()
		if pr.upstream != nil {
			pr.upstream.Close()
		}
		pr.p.note("%s closed: %s", pr.label(), why)
	})
}

// observe prints and records one plaintext packet.
func (pr *pair) observe(d record.Dir, b []byte) {
	cfg := &pr.p.cfg
	if cfg.Recorder != nil {
		_ = cfg.Recorder.Record(pr.id, pr.kind, d, b)
	}
	if _, t := wire.Header(b); cfg.Printer != nil && cfg.Printer.Wants(t) {
		_ = cfg.Printer.Print(record.Event{Time: cfg.Now(), Conn: pr.id, Kind: pr.kind, Dir: d, Bytes: b})
	}
}

func (p *Proxy) newPair(kind string, c net.Conn) *pair {
	return &pair{p: p, id: p.nextID.Add(1), kind: kind, client: c, cs: tq.NewServer(), cu: tq.NewClient()}
}

// dial connects to the upstream address, or ends the pair with a clear
// line.
func (pr *pair) dial(addr, what string) bool {
	d := net.Dialer{Timeout: pr.p.cfg.DialTimeout}
	up, err := d.Dial("tcp", addr)
	if err != nil {
		pr.p.log.Error("proxy: upstream down, client refused", "upstream", addr, "err", err)
		pr.end(fmt.Sprintf("upstream %s %s is down (%v); client refused", what, addr, err))
		return false
	}
	if !pr.p.track(up) {
		up.Close()
		pr.end("proxy closing")
		return false
	}
	pr.upstream = up
	return true
}

func (p *Proxy) serveAccount(c net.Conn) {
	pr := p.newPair(record.KindAccount, c)
	p.note("%s open from %s", pr.label(), c.RemoteAddr())
	if !pr.dial(p.cfg.Upstream, "account server") {
		return
	}
	defer p.untrack(pr.upstream)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pr.pump(pr.upstream, pr.client, pr.cu, pr.cs, record.ServerToClient, pr.rewriteConnectEx)
	}()
	_ = c.SetReadDeadline(time.Now().Add(p.cfg.HandshakeTimeout))
	first := true
	pr.pump(pr.client, pr.upstream, pr.cs, pr.cu, record.ClientToServer, func(b []byte) error {
		if !first {
			return nil
		}
		first = false
		_ = c.SetReadDeadline(time.Time{})
		return pr.checkAccount(b)
	})
	wg.Wait()
}

// checkAccount checks the first packet of an account connection: a 5017
// client sends MsgAccount, 52 bytes. Anything else is another patch (its
// cipher or layout differs) or not a client at all.
func (pr *pair) checkAccount(b []byte) error {
	n, t := wire.Header(b)
	if t != wire.TypeAccount || n != accountLen {
		return fmt.Errorf("first packet decrypts to %v of %d bytes, not MsgAccount of %d: a client of another patch than 5017, or not a client", t, n, accountLen)
	}
	var a msg.Account
	var codec wire.Codec
	if err := codec.Decode(b, &a); err == nil {
		pr.account.Store(&a.Account)
	}
	return nil
}

// rewriteConnectEx rewrites the game address of an accepting MsgConnectEx
// to the proxy's game listener, in place (the packet keeps its length, so
// the cipher streams stay aligned), and remembers the token.
func (pr *pair) rewriteConnectEx(b []byte) error {
	if _, t := wire.Header(b); t != wire.TypeConnectEx {
		return nil
	}
	var cx msg.ConnectEx
	var codec wire.Codec
	if err := codec.Decode(b, &cx); err != nil {
		return fmt.Errorf("upstream MsgConnectEx: %w", err)
	}
	if _, rejected := cx.Rejected(); rejected {
		return nil
	}
	if len(b) < connectExMin {
		return fmt.Errorf("upstream accept MsgConnectEx of %d bytes carries no game address", len(b))
	}
	up := net.JoinHostPort(cx.Host, strconv.FormatUint(uint64(cx.Port), 10))
	var account string
	if a := pr.account.Load(); a != nil {
		account = *a
	}
	pr.p.remember(cx.Token(), login{upstream: up, account: account, conn: pr.id, at: pr.p.cfg.Now()})
	host := b[hostField : hostField+hostFieldLen]
	clear(host)
	copy(host, pr.p.gameHost)
	binary.LittleEndian.PutUint32(b[portField:], pr.p.gamePort)
	pr.p.note("%s rewrote game address %s → %s:%d (token %#x)", pr.label(), up, pr.p.gameHost, pr.p.gamePort, cx.Token())
	return nil
}

func (p *Proxy) remember(token uint64, l login) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := l.at
	for len(p.order) > 0 {
		old := p.order[0]
		e, ok := p.tokens[old]
		if ok && now.Sub(e.at) < TokenTTL && len(p.tokens) < MaxPendingTokens {
			break
		}
		delete(p.tokens, old)
		p.order = p.order[1:]
	}
	p.tokens[token] = l
	p.order = append(p.order, token)
}

func (p *Proxy) claim(token uint64) (login, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.tokens[token]
	if ok {
		delete(p.tokens, token)
		if p.cfg.Now().Sub(l.at) > TokenTTL {
			return login{}, false
		}
	}
	return l, ok
}

func (p *Proxy) serveGame(c net.Conn) {
	pr := p.newPair(record.KindGame, c)
	p.note("%s open from %s", pr.label(), c.RemoteAddr())
	// MsgConnect re-keys the stream: frame it alone, then re-key.
	fr := &flushReader{r: c}
	f := wire.NewFramer(fr, pr.cs, nil)
	f.SetStepwise(true)
	_ = c.SetReadDeadline(time.Now().Add(p.cfg.HandshakeTimeout))
	b, err := f.Next()
	if err != nil {
		pr.end("before MsgConnect: " + describeReadError("client", err))
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	n, t := wire.Header(b)
	if t != wire.TypeConnect || n != connectLen {
		pr.observe(record.ClientToServer, b)
		pr.end(fmt.Sprintf("first packet decrypts to %v of %d bytes, not MsgConnect of %d: a client of another patch than 5017, or not a client", t, n, connectLen))
		return
	}
	var cn msg.Connect
	var codec wire.Codec
	if err := codec.Decode(b, &cn); err != nil {
		pr.end(fmt.Sprintf("MsgConnect: %v", err))
		return
	}
	pr.observe(record.ClientToServer, b)
	if cn.Build != msg.Build5017 {
		pr.end(fmt.Sprintf("client build %d is not patch 5017 (build %d)", cn.Build, msg.Build5017))
		return
	}
	l, ok := p.claim(cn.Token)
	if !ok {
		pr.end(fmt.Sprintf("token %#x was not issued through this proxy (or expired): no upstream game server to forward to", cn.Token))
		return
	}
	p.note("%s is the game login of account#%d (account %q), upstream %s", pr.label(), l.conn, l.account, l.upstream)
	if !pr.dial(l.upstream, "game server") {
		return
	}
	defer p.untrack(pr.upstream)
	pr.cs.Rekey(cn.Token)
	f.SetStepwise(false)
	pr.cu.Encrypt(b)
	if _, err := pr.upstream.Write(b); err != nil {
		pr.end("writing MsgConnect upstream: " + err.Error())
		return
	}
	pr.cu.Rekey(cn.Token)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pr.pump(pr.upstream, pr.client, pr.cu, pr.cs, record.ServerToClient, nil)
	}()
	pr.pumpFramer(f, fr, pr.upstream, pr.cu, record.ClientToServer, nil)
	wg.Wait()
}

// pump forwards packets from src to dst until either ends: decrypt with
// dec, observe, let inspect check or rewrite the plaintext in place (an
// error ends the pair), encrypt with enc, write.
func (pr *pair) pump(src net.Conn, dst io.Writer, dec, enc *tq.Cipher, d record.Dir, inspect func([]byte) error) {
	fr := &flushReader{r: src}
	pr.pumpFramer(wire.NewFramer(fr, dec, nil), fr, dst, enc, d, inspect)
}

// pumpFramer is pump with a framer already reading through fr.
func (pr *pair) pumpFramer(f *wire.Framer, fr *flushReader, dst io.Writer, enc *tq.Cipher, d record.Dir, inspect func([]byte) error) {
	// The framer reads only when it has no whole packet: fr flushes what
	// is queued before blocking, and only then are the packets of the
	// batch printed and recorded, so decoding never delays forwarding.
	w := bufio.NewWriterSize(dst, writeBufferSize)
	fr.w = w
	observing := pr.p.cfg.Printer != nil || pr.p.cfg.Recorder != nil
	fr.after = func() { pr.observeBatch(d, fr) }
	side := "client"
	if d == record.ServerToClient {
		side = "upstream"
	}
	stop := func(why string) {
		_ = w.Flush()
		fr.after()
		pr.end(why)
	}
	for {
		b, err := f.Next()
		if err != nil {
			stop(describeReadError(side, err))
			return
		}
		if observing {
			fr.pending = append(fr.pending, b...) // plaintext as it came, before any rewrite
		}
		if inspect != nil {
			if err := inspect(b); err != nil {
				stop(side + ": " + err.Error())
				return
			}
		}
		enc.Encrypt(b)
		if _, err := w.Write(b); err != nil {
			stop("writing to the other side: " + err.Error())
			return
		}
	}
}

// observeBatch prints and records the packets waiting in fr.pending.
func (pr *pair) observeBatch(d record.Dir, fr *flushReader) {
	b := fr.pending
	for len(b) >= wire.HeaderSize {
		n, _ := wire.Header(b)
		pr.observe(d, b[:n])
		b = b[n:]
	}
	fr.pending = fr.pending[:0]
}

// flushReader flushes w (when set) before each read of r, then runs after
// (when set): the framer reads only when it has no whole packet left.
type flushReader struct {
	r       io.Reader
	w       *bufio.Writer
	after   func()
	pending []byte // plaintext packets forwarded but not yet observed
}

func (fr *flushReader) Read(b []byte) (int, error) {
	if fr.w != nil && fr.w.Buffered() > 0 {
		if err := fr.w.Flush(); err != nil {
			return 0, err
		}
	}
	if fr.after != nil && len(fr.pending) > 0 {
		fr.after()
	}
	return fr.r.Read(b)
}

// describeReadError says in words why reading from side stopped.
func describeReadError(side string, err error) string {
	var le *wire.LengthError
	switch {
	case errors.As(err, &le):
		return fmt.Sprintf("garbage from %s: decrypted packet length %d outside [%d, %d] (not a 5017 stream)", side, le.Length, wire.HeaderSize, wire.MaxPacketSize)
	case errors.Is(err, io.EOF):
		return side + " closed the connection"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return side + " closed the connection inside a packet"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return side + " sent nothing in time"
	case errors.Is(err, net.ErrClosed):
		return "closed by the other side"
	}
	return fmt.Sprintf("reading from %s: %v", side, err)
}

// Serve blocks until ctx is done, then closes the proxy.
func (p *Proxy) Serve(ctx context.Context) error {
	<-ctx.Done()
	return p.Close()
}
