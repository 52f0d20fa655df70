package server

import (
	"net"
	"syscall"
	"time"
)

// deadlineSlack is how stale a connection's armed read or write deadline may
// grow before it is armed again: moving a deadline costs a timer update in
// the runtime's poller, and a timeout of seconds or minutes needs no
// precision finer than this. A read or write may so time out up to
// deadlineSlack early (WriteTimeout and IdleTimeout are at least a second).
const deadlineSlack = 250 * time.Millisecond

// sock is a connection's socket as its reader and writer use it: reads,
// the gathered write (writev) of a batch of chunks, and the write
// and read deadlines, re-armed only when gone stale by deadlineSlack.
//
// On Linux reads and writes are raw system calls on the non-blocking
// descriptor (sock_linux.go); elsewhere they go through net.Conn.
type sock struct {
	nc            net.Conn
	raw           syscall.RawConn // nil when nc has no file descriptor (net.Pipe)
	writeDeadline time.Time       // the write deadline armed last (writer only)
	readDeadline  time.Time       // the read deadline armed last (reader only)
	bufs          net.Buffers     // the writer's batch, reused
	rest          net.Buffers     // what net.Buffers.WriteTo has left to write
	pend          net.Buffers     // what tryWrite left to finishWrite (without raw system calls)
	vec           rawVec          // the raw writev's state (writer only)
	rd            rawRead         // the raw read's state (reader only)
}

// init readies s for reading from and writing to nc; s must not be copied
// afterwards.
func (s *sock) init(nc net.Conn) {
	s.nc = nc
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			s.raw = raw
		}
	}
	s.vec.init()
	s.rd.init()
}

// armWrite sets the write deadline to timeout from now, unless the armed
// one is already within deadlineSlack of that.
func (s *sock) armWrite(now time.Time, timeout time.Duration) {
	if want := now.Add(timeout); stale(s.writeDeadline, want) {
		s.writeDeadline = want
		_ = s.nc.SetWriteDeadline(want)
	}
}

// armRead sets the read deadline to want, unless the armed one is already
// within deadlineSlack before it.
func (s *sock) armRead(want time.Time) {
	if stale(s.readDeadline, want) {
		s.readDeadline = want
		_ = s.nc.SetReadDeadline(want)
	}
}

// stale reports whether a deadline armed at armed must be moved to want:
// want is earlier, or later by deadlineSlack or more.
func stale(armed, want time.Time) bool {
	d := want.Sub(armed)
	return d < 0 || d >= deadlineSlack
}

// read reads into p, as io.Reader does.
func (s *sock) read(p []byte) (int, error) {
	if s.raw != nil && rawIO {
		return s.rd.read(s.raw, p)
	}
	return s.nc.Read(p)
}

// tryWrite writes as much of bufs, in order, as the socket takes without
// waiting, and returns the bytes written. Unless it reports done, the
// socket would have made it wait: finishWrite then writes the rest (of
// bufs, which must stay as they are until then). Outside Linux it writes
// nothing and leaves it all to finishWrite.
func (s *sock) tryWrite(bufs net.Buffers) (n int64, done bool, err error) {
	if s.raw != nil && rawIO {
		return s.vec.tryWrite(s.raw, bufs)
	}
	s.pend = bufs
	return 0, false, nil
}

// finishWrite writes what tryWrite left, waiting for the socket as its
// write deadline allows, and returns the bytes of the whole write
// (tryWrite's included).
func (s *sock) finishWrite() (int64, error) {
	if s.raw != nil && rawIO {
		return s.vec.finish(s.raw)
	}
	bufs := s.pend
	s.pend = nil
	return s.writeBufs(bufs)
}

// writeBufs writes bufs in order, whole, with as few system calls as the
// socket allows, and returns the bytes written. bufs may be modified.
func (s *sock) writeBufs(bufs net.Buffers) (int64, error) {
	if s.raw != nil && rawIO {
		return s.vec.write(s.raw, bufs)
	}
	s.rest = bufs // WriteTo consumes its receiver: one that lives in s does not escape
	n, err := s.rest.WriteTo(s.nc)
	s.rest = nil
	return n, err
}
