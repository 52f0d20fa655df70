// Command floor measures the floor under the swarm benchmark (issue 17): the
// CPU a minimal program spends doing the same number of loopback socket reads
// and writes per second as the game server did, with nothing else — no
// cipher, no framing, no game. The server's CPU per bot divided by this
// floor's says how much of the cost is the game and how much is the kernel.
//
// It runs as two processes, pinned like the swarm (bench/swarm/run.sh):
//
//	floor -role serve -addr 127.0.0.1:27000 -writes 40 -write-bytes 120
//	floor -role load  -addr 127.0.0.1:27000 -n 1000 -reads 4 -read-bytes 20 -duration 20s
//
// The serve side accepts connections, reads what arrives and, every tick,
// writes -write-bytes to every connection (-writes ticks per second); the
// load side opens -n connections, writes -read-bytes to each -reads times a
// second and reads everything. Only loopback addresses are accepted.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the flags.
const (
	maxConns     = 100_000
	maxRate      = 1_000 // per connection per second
	maxChunk     = 64 << 10
	readBufBytes = 16 << 10
)

func main() {
	role := flag.String("role", "", "serve or load")
	addr := flag.String("addr", "127.0.0.1:27000", "loopback address to listen on or dial")
	n := flag.Int("n", 1000, "load: connections to open")
	writes := flag.Float64("writes", 40, "serve: writes per connection per second")
	writeBytes := flag.Int("write-bytes", 120, "serve: bytes per write")
	reads := flag.Float64("reads", 4, "load: writes per connection per second (the server's reads)")
	readBytes := flag.Int("read-bytes", 20, "load: bytes per write")
	duration := flag.Duration("duration", 20*time.Second, "load: how long to run")
	flag.Parse()
	var err error
	switch *role {
	case "serve":
		err = serve(*addr, *writes, *writeBytes)
	case "load":
		err = load(*addr, *n, *reads, *readBytes, *duration)
	default:
		err = errors.New("-role must be serve or load")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// loopback checks that addr is a loopback host:port.
func loopback(addr string) error {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if !ap.Addr().IsLoopback() {
		return fmt.Errorf("%v is not a loopback address", ap.Addr())
	}
	return nil
}

func checkRate(name string, perSec float64, bytes int) (time.Duration, error) {
	if perSec <= 0 || perSec > maxRate {
		return 0, fmt.Errorf("-%s must be in (0, %d]", name, maxRate)
	}
	if bytes < 1 || bytes > maxChunk {
		return 0, fmt.Errorf("-%s-bytes must be in [1, %d]", name, maxChunk)
	}
	return time.Duration(float64(time.Second) / perSec), nil
}

// conns is the set of open connections one pacer writes to.
type conns struct {
	mu sync.Mutex
	cs []net.Conn
}

func (s *conns) add(c net.Conn) {
	s.mu.Lock()
	s.cs = append(s.cs, c)
	s.mu.Unlock()
}

// pace writes chunk to every connection every period until done closes
// (never, for a nil done), counting the writes in writes; a connection whose
// write fails is closed and dropped.
func (s *conns) pace(period time.Duration, chunk []byte, done <-chan struct{}, writes *atomic.Int64) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		s.mu.Lock()
		cs := s.cs
		s.mu.Unlock()
		alive := cs[:0:0]
		for _, c := range cs {
			if _, err := c.Write(chunk); err != nil {
				_ = c.Close()
				continue
			}
			writes.Add(1)
			alive = append(alive, c)
		}
		if len(alive) != len(cs) {
			s.mu.Lock()
			s.cs = append(alive, s.cs[len(cs):]...)
			s.mu.Unlock()
		}
	}
}

// drain reads c until it fails, counting the reads.
func drain(c net.Conn, reads *atomic.Int64) {
	buf := make([]byte, readBufBytes)
	for {
		if _, err := c.Read(buf); err != nil {
			_ = c.Close()
			return
		}
		reads.Add(1)
	}
}

func serve(addr string, writes float64, writeBytes int) error {
	if err := loopback(addr); err != nil {
		return err
	}
	period, err := checkRate("writes", writes, writeBytes)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	var set conns
	var nw, nr atomic.Int64
	go set.pace(period, make([]byte, writeBytes), nil, &nw)
	for {
		c, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("accepting: %w", err)
		}
		set.add(c)
		go drain(c, &nr)
	}
}

func load(addr string, n int, reads float64, readBytes int, d time.Duration) error {
	if err := loopback(addr); err != nil {
		return err
	}
	if n < 1 || n > maxConns {
		return fmt.Errorf("-n must be in [1, %d]", maxConns)
	}
	period, err := checkRate("reads", reads, readBytes)
	if err != nil {
		return err
	}
	var set conns
	var nw, nr atomic.Int64
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return fmt.Errorf("dialing: %w", err)
		}
		set.add(c)
		go drain(c, &nr)
	}
	done := make(chan struct{})
	go set.pace(period, make([]byte, readBytes), done, &nw)
	start := time.Now()
	time.Sleep(d) // the measured run: the serve side's CPU is sampled meanwhile
	close(done)
	secs := time.Since(start).Seconds()
	_, err = fmt.Printf("{\"conns\": %d, \"seconds\": %.1f, \"sent_per_s\": %.0f, \"reads_per_s\": %.0f}\n",
		n, secs, float64(nw.Load())/secs, float64(nr.Load())/secs)
	return err
}
