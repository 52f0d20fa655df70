//go:build linux

package server

import (
	"errors"
	"io"
	"net"
	"syscall"
	"unsafe"
)

// rawIO says whether sock uses rawVec and rawRead: on Linux it does.
const rawIO = true

// maxIovecs is the most buffers one writev takes (IOV_MAX is 1024; an
// outbox batch is far fewer chunks).
const maxIovecs = 1024

// rawVec is a gathered write made as a raw system call on the socket's
// non-blocking descriptor, through syscall.RawConn: the runtime's poller
// still waits when the socket is full (honouring the write deadline), but
// a write that goes through never leaves the scheduler. A system call made
// the ordinary way (entersyscall) wakes the runtime's monitor thread
// whenever the process had been idle, which then polls every 20 µs for a
// millisecond or more; with a server that idles and wakes thousands of
// times a second, that monitor alone took 15 % of its CPU (a loopback
// writev also runs the receiver's side of TCP and outlasts the 20 µs,
// so the monitor then hands the P to another thread as well).
type rawVec struct {
	buf  []syscall.Iovec // the current write's buffers; reused
	iov  []syscall.Iovec // what is left of buf to write
	n    int64           // bytes written by the current write
	err  error
	call func(fd uintptr) bool // step, made once (a method value allocates)
	try  func(fd uintptr)      // step for RawConn.Control, made once
}

func (v *rawVec) init() {
	v.call = v.step
	v.try = func(fd uintptr) { v.step(fd) }
}

// write writes bufs whole, or fails.
func (v *rawVec) write(raw syscall.RawConn, bufs net.Buffers) (int64, error) {
	if err := v.prepare(bufs); err != nil || len(v.iov) == 0 {
		v.release()
		return 0, err
	}
	return v.finish(raw)
}

// tryWrite writes as much of bufs as the socket takes without waiting. It
// reports done unless the socket would have made it wait: finish then
// writes the rest.
func (v *rawVec) tryWrite(raw syscall.RawConn, bufs net.Buffers) (int64, bool, error) {
	err := v.prepare(bufs)
	if err == nil && len(v.iov) > 0 {
		err = raw.Control(v.try)
		if err == nil && v.err == nil && len(v.iov) > 0 {
			return v.n, false, nil
		}
	}
	v.release()
	if err != nil {
		return v.n, true, err
	}
	return v.n, true, v.err
}

// finish writes what is left of the current write, waiting for the socket
// (as its write deadline allows).
func (v *rawVec) finish(raw syscall.RawConn) (int64, error) {
	defer v.release()
	if err := raw.Write(v.call); err != nil {
		return v.n, err
	}
	return v.n, v.err
}

// prepare makes bufs the current write.
func (v *rawVec) prepare(bufs net.Buffers) error {
	v.buf, v.n, v.err = v.buf[:0], 0, nil
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		if len(v.buf) == maxIovecs {
			return errors.New("writev: too many buffers")
		}
		iv := syscall.Iovec{Base: &b[0]}
		iv.SetLen(len(b))
		v.buf = append(v.buf, iv)
	}
	v.iov = v.buf
	return nil
}

// release ends the current write, keeping no pointers into the outbox's
// chunks.
func (v *rawVec) release() {
	clear(v.buf)
	v.iov = nil
}

// step is one turn of RawConn.Write: write what is left; false asks the
// poller to wait until the socket takes more.
func (v *rawVec) step(fd uintptr) bool {
	for len(v.iov) > 0 {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITEV, fd,
			uintptr(unsafe.Pointer(&v.iov[0])), uintptr(len(v.iov)))
		switch errno {
		case 0:
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		default:
			v.err = errno
			return true
		}
		v.n += int64(n)
		v.advance(int(n))
	}
	return true
}

// advance drops the first n written bytes from iov.
func (v *rawVec) advance(n int) {
	for n > 0 && len(v.iov) > 0 {
		l := int(v.iov[0].Len)
		if n < l {
			v.iov[0].Base = (*byte)(unsafe.Add(unsafe.Pointer(v.iov[0].Base), n))
			v.iov[0].SetLen(l - n)
			return
		}
		n -= l
		v.iov = v.iov[1:]
	}
}

// rawRead is a read made as a raw system call, for the reason rawVec
// gives; the poller waits while nothing is there (honouring the read
// deadline). Every read starts with the system call, even after a short
// read that emptied the socket: RawConn.Read forgets the poller's
// readiness as it begins, so waiting first could wait for an edge that
// has already come (tried: a reader stalled).
type rawRead struct {
	p    []byte // the caller's buffer during read
	n    int
	err  error
	call func(fd uintptr) bool // step, made once
}

func (r *rawRead) init() { r.call = r.step }

// read reads into p, as io.Reader does (0, io.EOF at the end of the
// stream).
func (r *rawRead) read(raw syscall.RawConn, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.p, r.n, r.err = p, 0, nil
	err := raw.Read(r.call)
	r.p = nil
	if err != nil {
		return 0, err
	}
	return r.n, r.err
}

// step is one turn of RawConn.Read: false asks the poller to wait for data.
func (r *rawRead) step(fd uintptr) bool {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd,
			uintptr(unsafe.Pointer(&r.p[0])), uintptr(len(r.p)))
		switch errno {
		case 0:
			if n == 0 {
				r.err = io.EOF
			}
			r.n = int(n)
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		default:
			r.err = errno
			return true
		}
	}
}
