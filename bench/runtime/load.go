package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// Timeouts of the load side.
const (
	dialTimeout   = 5 * time.Second
	ioTimeout     = 10 * time.Second       // one read or write that should not block
	settleTime    = 500 * time.Millisecond // lets writer goroutines exit before a memory sample
	rssSampleTick = 250 * time.Millisecond // server RSS sampling during isolation runs
	dialWorkers   = 32                     // connections opened in parallel
)

// loadOptions are the load mode's settings.
type loadOptions struct {
	addr, httpAddr string
	rep            int
	out            string // results file (JSON lines), "" for none
	tag            string // appended to every result's configuration key

	// pipeline
	conns, inflight []int
	warmup, window  time.Duration
	cpuProfile      string

	// idle
	idleCounts []int
	idleHold   time.Duration // keep the connections open this long after the last step

	// isolation
	honest, nonReaders, flooders int
	interval                     time.Duration
	burstCount, burstSize        int
	burstPace                    time.Duration
}

// dial connects to the server over loopback.
func dial(addr string) (*net.TCPConn, error) {
	nc, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return nil, err
	}
	return nc.(*net.TCPConn), nil
}

// dialMany opens n connections with a few parallel workers, running setup on
// each; it closes what it opened on the first error.
func dialMany(addr string, n int, setup func(*net.TCPConn) error) ([]*net.TCPConn, error) {
	conns := make([]*net.TCPConn, n)
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(dialWorkers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := dial(addr)
				if err == nil && setup != nil {
					if err = setup(c); err != nil {
						_ = c.Close()
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("connection %d: %w", i, err)
					}
					mu.Unlock()
					next.Store(int64(n)) // stop the other workers
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		closeAll(conns)
		return nil, firstErr
	}
	return conns, nil
}

func closeAll(conns []*net.TCPConn) {
	for _, c := range conns {
		if c != nil {
			_ = c.SetLinger(0) // reset, no TIME_WAIT: runs open tens of thousands of connections
			_ = c.Close()
		}
	}
}

// ---- pipeline ----

// runPipeline measures echo throughput for every (connections, in flight)
// pair.
func runPipeline(o loadOptions) error {
	sc := newStatsClient(o.httpAddr)
	for _, c := range o.conns {
		for _, k := range o.inflight {
			r, err := pipelineOnce(o, sc, c, k)
			if err != nil {
				return fmt.Errorf("pipeline c=%d k=%d: %w", c, k, err)
			}
			r.print(os.Stdout)
			if err := appendResult(o.out, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func pipelineOnce(o loadOptions, sc *statsClient, c, k int) (result, error) {
	conns, err := dialMany(o.addr, c, nil)
	if err != nil {
		return result{}, err
	}
	var echoed atomic.Int64
	var stop atomic.Bool
	errc := make(chan error, c)
	var wg sync.WaitGroup
	for _, nc := range conns {
		wg.Go(func() {
			err := pipelineConn(nc, k, &echoed, &stop)
			if err != nil && !stop.Load() {
				errc <- err
			}
		})
	}
	time.Sleep(o.warmup)

	s0, err := sc.mem(false)
	if err != nil {
		return result{}, err
	}
	profErr := make(chan error, 1)
	if o.cpuProfile != "" {
		go func() { profErr <- sc.cpuProfile(o.cpuProfile, o.window) }()
	} else {
		profErr <- nil
	}
	n0, cpu0, t0 := echoed.Load(), cpuNanos(), time.Now()
	time.Sleep(o.window)
	n1, cpu1, t1 := echoed.Load(), cpuNanos(), time.Now()
	s1, err := sc.mem(false)
	stop.Store(true)
	closeAll(conns)
	wg.Wait()
	if err != nil {
		return result{}, err
	}
	select {
	case err := <-errc:
		return result{}, err
	default:
	}
	if err := <-profErr; err != nil {
		return result{}, err
	}

	dt := t1.Sub(t0).Seconds()
	pkts := float64(n1 - n0)
	srvCPU := float64(s1.CPUNanos-s0.CPUNanos) / 1e9
	r := result{Scenario: "pipeline", Key: fmt.Sprintf("c=%d k=%d", c, k) + o.tag, Rep: o.rep}
	r.add("packets/s", pkts/dt)
	r.add("server CPU (cores)", srvCPU/dt)
	r.add("load CPU (cores)", float64(cpu1-cpu0)/1e9/dt)
	r.add("packets/s per server core", pkts/srvCPU)
	r.add("server allocs/packet", float64(s1.Mallocs-s0.Mallocs)/pkts)
	r.add("server GCs", float64(s1.NumGC-s0.NumGC))
	r.add("server RSS MiB", float64(s1.RSS)/(1<<20))
	r.add("host CPU pressure %", cpuPressure())
	return r, nil
}

// pipelineConn keeps k echo packets in flight on nc: it sends k, then for
// every batch of echoes read sends as many new packets, in one write.
func pipelineConn(nc *net.TCPConn, k int, echoed *atomic.Int64, stop *atomic.Bool) error {
	ci := tq.NewClient()
	plain := bytes.Repeat(echoPacket(0), k)
	out := make([]byte, len(plain))
	send := func(n int) error {
		b := out[:n*echoSize]
		copy(b, plain)
		ci.Encrypt(b)
		_, err := nc.Write(b)
		return err
	}
	if err := send(k); err != nil {
		return err
	}
	f := wire.NewFramer(nc, ci, nil)
	got := 0
	for {
		p, err := f.Next()
		if err != nil {
			return err
		}
		if err := checkEcho(p); err != nil {
			return err
		}
		got++
		if f.Buffered() >= echoSize {
			continue // more echoes already read: answer them in one write
		}
		echoed.Add(int64(got))
		if stop.Load() {
			return nil
		}
		if err := send(got); err != nil {
			return err
		}
		got = 0
	}
}

// ---- idle ----

// runIdle opens idle connections in steps (each sends one echo and reads it,
// so it is past the handshake) and reports the server's memory per
// connection at each step, then after closing them all.
func runIdle(o loadOptions) error {
	sc := newStatsClient(o.httpAddr)
	base, err := sc.mem(true)
	if err != nil {
		return err
	}
	counts := slices.Sorted(slices.Values(o.idleCounts))
	var conns []*net.TCPConn
	defer func() { closeAll(conns) }()
	prev, prevN := base, 0
	for _, n := range counts {
		more, err := dialMany(o.addr, n-len(conns), handshakeEcho)
		if err != nil {
			return fmt.Errorf("idle: opening %d connections: %w", n, err)
		}
		conns = append(conns, more...)
		st, err := waitConns(sc, n)
		if err != nil {
			return err
		}
		r := result{Scenario: "idle", Key: fmt.Sprintf("N=%d", n) + o.tag, Rep: o.rep}
		per := func(a, b int64, count int) float64 { return float64(a-b) / float64(count) }
		r.add("RSS B/conn", per(st.RSS, base.RSS, n))
		r.add("RSS before GC B/conn", per(st.RSSBeforeGC, base.RSSBeforeGC, n))
		r.add("heap B/conn", per(int64(st.HeapAlloc), int64(base.HeapAlloc), n))
		r.add("stack B/conn", per(int64(st.StackInuse), int64(base.StackInuse), n))
		r.add("Go sys B/conn", per(int64(st.Sys), int64(base.Sys), n))
		r.add("goroutines/conn", per(int64(st.Goroutines), int64(base.Goroutines), n))
		if prevN > 0 {
			r.add("slope RSS B/conn", per(st.RSS, prev.RSS, n-prevN))
			r.add("slope heap B/conn", per(int64(st.HeapAlloc), int64(prev.HeapAlloc), n-prevN))
		}
		r.add("server RSS MiB", float64(st.RSS)/(1<<20))
		r.print(os.Stdout)
		if err := appendResult(o.out, r); err != nil {
			return err
		}
		prev, prevN = st, n
	}
	time.Sleep(o.idleHold)
	closeAll(conns)
	conns = nil
	st, err := waitConns(sc, 0)
	if err != nil {
		return err
	}
	r := result{Scenario: "idle", Key: "after close" + o.tag, Rep: o.rep}
	r.add("RSS MiB over baseline", float64(st.RSS-base.RSS)/(1<<20))
	r.add("heap KiB over baseline", float64(int64(st.HeapAlloc)-int64(base.HeapAlloc))/(1<<10))
	r.add("server RSS MiB", float64(st.RSS)/(1<<20))
	r.print(os.Stdout)
	return appendResult(o.out, r)
}

// handshakeEcho sends one echo on a new connection and reads it back.
func handshakeEcho(nc *net.TCPConn) error {
	ci := tq.NewClient()
	p := echoPacket(1)
	ci.Encrypt(p)
	_ = nc.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := nc.Write(p); err != nil {
		return err
	}
	if _, err := io.ReadFull(nc, p); err != nil {
		return err
	}
	ci.Decrypt(p)
	_ = nc.SetDeadline(time.Time{})
	return checkEcho(p)
}

// waitConns waits until the server counts n connections and its writers have
// settled, then samples its memory after a GC.
func waitConns(sc *statsClient, n int) (memStats, error) {
	deadline := time.Now().Add(ioTimeout)
	for {
		st, err := sc.mem(false)
		if err != nil {
			return st, err
		}
		if st.Conns == n {
			break
		}
		if time.Now().After(deadline) {
			return st, fmt.Errorf("server has %d connections, want %d", st.Conns, n)
		}
		time.Sleep(settleTime / 5)
	}
	time.Sleep(settleTime)
	return sc.mem(true)
}

// ---- isolation ----

// runIsolation runs honest ping-pong clients alone, then alongside clients
// that never read and clients that flood, and compares the honest latency.
func runIsolation(o loadOptions) error {
	sc := newStatsClient(o.httpAddr)
	base, err := isolationPhase(o, sc, false)
	if err != nil {
		return err
	}
	bad, err := isolationPhase(o, sc, true)
	if err != nil {
		return err
	}
	r := result{Scenario: "isolation", Key: fmt.Sprintf("honest=%d nonreaders=%d flooders=%d",
		o.honest, o.nonReaders, o.flooders) + o.tag, Rep: o.rep}
	r.add("p50 alone µs", us(base.p50))
	r.add("p99 alone µs", us(base.p99))
	r.add("p50 with bad µs", us(bad.p50))
	r.add("p99 with bad µs", us(bad.p99))
	r.add("p99 ratio", float64(bad.p99)/float64(base.p99))
	r.add("p999 with bad µs", us(bad.p999))
	r.add("honest pkts/s", bad.rate)
	r.add("honest failures", float64(base.failures+bad.failures))
	r.add("kicked slow_consumer", bad.closed["closed:slow_consumer"])
	r.add("kicked rate_limit", bad.closed["closed:rate_limit"])
	r.add("nonreaders saw kick", float64(bad.nonReadersKicked))
	r.add("flooders saw kick", float64(bad.floodersKicked))
	r.add("server RSS max MiB alone", float64(base.rssMax)/(1<<20))
	r.add("server RSS max MiB with bad", float64(bad.rssMax)/(1<<20))
	r.add("server GCs alone", float64(base.gcs))
	r.add("server GCs with bad", float64(bad.gcs))
	r.add("server CPU alone (cores)", base.srvCPU)
	r.add("server CPU with bad (cores)", bad.srvCPU)
	r.add("load CPU with bad (cores)", bad.loadCPU)
	r.add("host CPU pressure %", cpuPressure())
	r.print(os.Stdout)
	fmt.Printf("  closes by reason with bad clients: %v\n", bad.closed)
	return appendResult(o.out, r)
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// phaseResult is one isolation phase.
type phaseResult struct {
	p50, p99, p999   time.Duration
	rate             float64 // honest echoes per second in the window
	failures         int     // honest clients that lost their connection
	closed           map[string]float64
	nonReadersKicked int
	floodersKicked   int
	rssMax           int64
	srvCPU           float64 // server CPU time over wall time
	loadCPU          float64 // this process's CPU time over wall time
	gcs              uint32  // server GC cycles during the phase
}

func isolationPhase(o loadOptions, sc *statsClient, withBad bool) (phaseResult, error) {
	var pr phaseResult
	c0, err := sc.counters()
	if err != nil {
		return pr, err
	}
	honest, err := dialMany(o.addr, o.honest, nil)
	if err != nil {
		return pr, fmt.Errorf("honest clients: %w", err)
	}
	defer closeAll(honest)
	s0, err := sc.mem(false)
	if err != nil {
		return pr, err
	}
	cpu0 := cpuNanos()

	start := time.Now()
	measureFrom := start.Add(o.warmup)
	end := measureFrom.Add(o.window)
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()

	// Server RSS while the phase runs.
	var rssMax atomic.Int64
	var samplers sync.WaitGroup
	samplers.Go(func() {
		t := time.NewTicker(rssSampleTick)
		defer t.Stop()
		for {
			if st, err := sc.mem(false); err == nil && st.RSS > rssMax.Load() {
				rssMax.Store(st.RSS)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})

	lat := make([][]time.Duration, len(honest))
	var failures atomic.Int64
	var wg sync.WaitGroup
	for i, nc := range honest {
		wg.Go(func() {
			l, err := honestClient(nc, o.interval, measureFrom, end)
			lat[i] = l
			if err != nil {
				failures.Add(1)
			}
		})
	}
	var nonKicked, floodKicked atomic.Int64
	if withBad {
		// Bad clients start at random moments of the window so that the
		// pressure lasts through it.
		spread := o.window * 3 / 4
		for range o.nonReaders {
			at := measureFrom.Add(rand.N(spread))
			wg.Go(func() {
				if nonReader(o, at, end.Add(ioTimeout)) {
					nonKicked.Add(1)
				}
			})
		}
		for range o.flooders {
			at := measureFrom.Add(rand.N(spread))
			wg.Go(func() {
				if flooder(o.addr, at, end.Add(ioTimeout)) {
					floodKicked.Add(1)
				}
			})
		}
	}
	wg.Wait()
	cancel()
	samplers.Wait()
	s1, err := sc.mem(false)
	if err != nil {
		return pr, err
	}
	cpu1 := cpuNanos()
	closeAll(honest)
	honest = nil
	time.Sleep(settleTime)
	c1, err := sc.counters()
	if err != nil {
		return pr, err
	}

	all := slices.Concat(lat...)
	slices.Sort(all)
	pr.p50, pr.p99, pr.p999 = percentile(all, 0.50), percentile(all, 0.99), percentile(all, 0.999)
	pr.rate = float64(len(all)) / o.window.Seconds()
	pr.failures = int(failures.Load())
	pr.closed = delta(c0, c1)
	pr.nonReadersKicked, pr.floodersKicked = int(nonKicked.Load()), int(floodKicked.Load())
	pr.rssMax = rssMax.Load()
	wall := float64(s1.WallNanos - s0.WallNanos)
	pr.srvCPU = float64(s1.CPUNanos-s0.CPUNanos) / wall
	pr.loadCPU = float64(cpu1-cpu0) / wall
	pr.gcs = s1.NumGC - s0.NumGC
	fmt.Printf("isolation phase (bad clients %v): %d round trips, p50 %v p99 %v p99.9 %v max %v, %d honest failures, closes %v\n",
		withBad, len(all), pr.p50, pr.p99, pr.p999, percentile(all, 1), pr.failures, pr.closed)
	return pr, nil
}

// honestClient ping-pongs one echo at a time, one every interval (a game
// client's pace, under the rate limit), and returns the round trips measured
// from measureFrom until end.
func honestClient(nc *net.TCPConn, interval time.Duration, measureFrom, end time.Time) ([]time.Duration, error) {
	ci := tq.NewClient()
	f := wire.NewFramer(nc, ci, nil)
	lat := make([]time.Duration, 0, int(end.Sub(measureFrom)/interval)+1)
	p := make([]byte, echoSize)
	next := time.Now().Add(rand.N(interval))
	for seq := uint32(0); ; seq++ {
		time.Sleep(time.Until(next))
		t0 := time.Now()
		if t0.After(end) {
			return lat, nil
		}
		copy(p, echoPacket(seq))
		ci.Encrypt(p)
		_ = nc.SetDeadline(t0.Add(ioTimeout))
		if _, err := nc.Write(p); err != nil {
			return lat, err
		}
		e, err := f.Next()
		if err != nil {
			return lat, err
		}
		rtt := time.Since(t0)
		if err := checkEcho(e); err != nil {
			return lat, err
		}
		if got := binary.LittleEndian.Uint32(e[wire.HeaderSize:]); got != seq {
			return lat, fmt.Errorf("echo %d, want %d", got, seq)
		}
		if !t0.Before(measureFrom) {
			lat = append(lat, rtt)
		}
		// Never catch up with a burst: stay under the rate limit.
		next = next.Add(interval)
		if now := time.Now(); next.Before(now) {
			next = now
		}
	}
}

// nonReader connects at start and asks for bursts without ever reading, until
// the server closes it (true) or until giveUp (false).
func nonReader(o loadOptions, start, giveUp time.Time) bool {
	time.Sleep(time.Until(start))
	nc, err := dial(o.addr)
	if err != nil {
		return false
	}
	defer closeAll([]*net.TCPConn{nc})
	ci := tq.NewClient()
	for time.Now().Before(giveUp) {
		p := burstRequest(o.burstCount, o.burstSize)
		ci.Encrypt(p)
		_ = nc.SetWriteDeadline(time.Now().Add(ioTimeout))
		if _, err := nc.Write(p); err != nil {
			return isClosedByPeer(err)
		}
		time.Sleep(o.burstPace)
	}
	return false
}

// flooderBatch is how many echo packets a flooder writes per syscall.
const flooderBatch = 256

// flooder connects at start and sends echoes as fast as it can (reading and
// discarding the answers) until the server closes it (true) or until giveUp
// (false).
func flooder(addr string, start, giveUp time.Time) bool {
	time.Sleep(time.Until(start))
	nc, err := dial(addr)
	if err != nil {
		return false
	}
	defer closeAll([]*net.TCPConn{nc})
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, nc) // returns when the server closes
		close(closed)
	}()
	ci := tq.NewClient()
	plain := bytes.Repeat(echoPacket(0), flooderBatch)
	b := make([]byte, len(plain))
	_ = nc.SetDeadline(giveUp)
	for time.Now().Before(giveUp) {
		copy(b, plain)
		ci.Encrypt(b)
		if _, err := nc.Write(b); err != nil {
			break
		}
	}
	select {
	case <-closed:
		return true
	case <-time.After(time.Until(giveUp)):
		return false
	}
}

// isClosedByPeer reports whether a write failed because the server closed
// the connection.
func isClosedByPeer(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}
