package server

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t testing.TB) (a, b net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	a, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b = <-accepted
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// A batch far larger than the socket's buffers goes out whole and in
// order: the writer waits for room (EAGAIN) and resumes inside a buffer
// after partial writes.
func TestSockWritesLargeBatchesWhole(t *testing.T) {
	a, b := tcpPair(t)
	var s sock
	s.init(a)
	rng := rand.New(rand.NewPCG(1, 2))
	var bufs net.Buffers
	var want []byte
	for range 300 {
		chunk := make([]byte, 1+rng.IntN(40_000))
		for i := range chunk {
			chunk[i] = byte(rng.Uint32())
		}
		bufs = append(bufs, chunk)
		want = append(want, chunk...)
	}
	got := make(chan []byte, 1)
	go func() {
		var r sock
		r.init(b)
		var all []byte
		buf := make([]byte, 1500) // small reads: the writer must wait for room
		for len(all) < len(want) {
			n, err := r.read(buf)
			if err != nil {
				break
			}
			all = append(all, buf[:n]...)
		}
		got <- all
	}()
	s.armWrite(time.Now(), 10*time.Second)
	n, err := s.writeBufs(bufs)
	if err != nil || n != int64(len(want)) {
		t.Fatalf("wrote %d of %d bytes: %v", n, len(want), err)
	}
	if all := <-got; !bytes.Equal(all, want) {
		t.Fatalf("the reader got %d bytes, not the %d written in order", len(all), len(want))
	}
}

// A gathered write tried without waiting writes what the socket takes and
// leaves the rest, in place, to finishWrite, which waits for room: the
// reader gets everything once, in order.
func TestSockTryWriteLeavesTheRestToFinish(t *testing.T) {
	a, b := tcpPair(t)
	_ = a.(*net.TCPConn).SetWriteBuffer(64 << 10) // small buffers: the socket fills up soon
	_ = b.(*net.TCPConn).SetReadBuffer(64 << 10)
	var s sock
	s.init(a)
	rng := rand.New(rand.NewPCG(3, 4))
	var want []byte
	for range 150 {
		chunk := make([]byte, 1+rng.IntN(40_000))
		for i := range chunk {
			chunk[i] = byte(rng.Uint32())
		}
		s.bufs = append(s.bufs, chunk)
		want = append(want, chunk...)
	}
	n, done, err := s.tryWrite(s.bufs) // nobody reads yet: the socket fills up
	if err != nil || done || n >= int64(len(want)) {
		t.Fatalf("tryWrite of %d bytes to a peer that does not read: %d written, done %v, %v; want a part",
			len(want), n, done, err)
	}
	got := make(chan []byte, 1)
	go func() {
		all := make([]byte, len(want))
		k, _ := io.ReadFull(b, all)
		got <- all[:k]
	}()
	s.armWrite(time.Now(), 10*time.Second)
	if n, err := s.finishWrite(); err != nil || n != int64(len(want)) {
		t.Fatalf("finishWrite: %d bytes in all, %v; want %d", n, err, len(want))
	}
	if all := <-got; !bytes.Equal(all, want) {
		t.Fatalf("the reader got %d bytes, not the %d written in order", len(all), len(want))
	}
	// A small write goes through at once.
	if n, done, err := s.tryWrite(net.Buffers{[]byte("ok")}); !rawIO {
		t.Log("no raw system calls here: tryWrite leaves everything to finishWrite")
	} else if err != nil || !done || n != 2 {
		t.Fatalf("tryWrite of 2 bytes to an empty socket: %d, done %v, %v", n, done, err)
	}
}

// The end of the stream reads as io.EOF; a read deadline that passes is a
// timeout error, as net.Conn reports them.
func TestSockReadEOFAndDeadline(t *testing.T) {
	a, b := tcpPair(t)
	var s sock
	s.init(b)
	_ = b.SetReadDeadline(time.Now().Add(time.Millisecond))
	buf := make([]byte, 16)
	if _, err := s.read(buf); err == nil {
		t.Fatal("read past its deadline returned no error")
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("read past its deadline: %v, want a timeout", err)
	}
	_ = b.SetReadDeadline(time.Time{})
	a.Close()
	if n, err := s.read(buf); n != 0 || err != io.EOF {
		t.Fatalf("read after the peer closed: %d, %v; want 0, io.EOF", n, err)
	}
}

// Reads and gathered writes on a real socket allocate nothing.
func TestSockAllocatesNothing(t *testing.T) {
	a, b := tcpPair(t)
	var w, r sock
	w.init(a)
	r.init(b)
	out := net.Buffers{[]byte("hello, "), []byte("world")}
	in := make([]byte, 64)
	allocs := testing.AllocsPerRun(100, func() { writeRead(t, &w, &r, out, in) })
	if allocs != 0 {
		t.Fatalf("%v allocations per write and read, want 0", allocs)
	}
	allocs = testing.AllocsPerRun(100, func() {
		if _, done, err := w.tryWrite(out); err != nil || !done && rawIO {
			t.Fatalf("tryWrite: done %v, %v", done, err)
		} else if !done {
			_, _ = w.finishWrite()
		}
		readAll(t, &r, in, 12)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per tried write and read, want 0", allocs)
	}
}

// BenchmarkSockWriteRead is one gathered write of a few packets and the
// peer's read of them, on loopback TCP.
func BenchmarkSockWriteRead(b *testing.B) {
	x, y := tcpPair(b)
	var w, r sock
	w.init(x)
	r.init(y)
	out := net.Buffers{make([]byte, 200), make([]byte, 300)}
	in := make([]byte, 4096)
	b.ReportAllocs()
	for b.Loop() {
		writeRead(b, &w, &r, out, in)
	}
}

// writeRead writes out with one gathered write on w and reads it all on r
// into in.
func writeRead(tb testing.TB, w, r *sock, out net.Buffers, in []byte) {
	w.armWrite(time.Now(), 10*time.Second)
	w.bufs = append(w.bufs[:0], out...)
	total := 0
	for _, b := range out {
		total += len(b)
	}
	if _, err := w.writeBufs(w.bufs); err != nil {
		tb.Fatal(err)
	}
	readAll(tb, r, in, total)
}

// readAll reads total bytes on r into in.
func readAll(tb testing.TB, r *sock, in []byte, total int) {
	for got := 0; got < total; {
		n, err := r.read(in)
		if err != nil {
			tb.Fatal(err)
		}
		got += n
	}
}
