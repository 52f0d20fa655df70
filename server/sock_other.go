//go:build !linux

package server

import (
	"net"
	"syscall"
)

// rawIO says whether sock uses rawVec and rawRead: only on Linux.
const rawIO = false

// rawVec is unused outside Linux: writes go through net.Buffers.
type rawVec struct{}

func (v *rawVec) init() {}

func (v *rawVec) write(syscall.RawConn, net.Buffers) (int64, error) { panic("unreachable") }

func (v *rawVec) tryWrite(syscall.RawConn, net.Buffers) (int64, bool, error) { panic("unreachable") }

func (v *rawVec) finish(syscall.RawConn) (int64, error) { panic("unreachable") }

// rawRead is unused outside Linux: reads go through net.Conn.
type rawRead struct{}

func (r *rawRead) init() {}

func (r *rawRead) read(syscall.RawConn, []byte) (int, error) { panic("unreachable") }
