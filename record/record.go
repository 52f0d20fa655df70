// Package record reads and writes recordings of 5017 sessions (every
// packet's connection, direction, time and plaintext bytes, passwords
// masked), decodes packets for display, and checks recorded packets against
// the layouts the public sources dispute.
//
// A recording is a text file of JSON lines (docs/PROXY.md): a header line
//
//	{"format":"coserver-recording","version":1,"patch":5017,"start":"2026-12-01T08:00:00Z"}
//
// then one line per packet:
//
//	{"conn":1,"kind":"account","dir":"c2s","at_us":1520,"hex":"34001b04..."}
//
// conn numbers the connections of the session from 1, kind is "account"
// or "game", dir is "c2s" (client to server) or "s2c", at_us is the
// monotonic time since the start in microseconds, hex is the whole
// plaintext packet, header included.
package record

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/coserver/coserver/wire"
)

// Format and Version identify a recording's header line.
const (
	Format  = "coserver-recording"
	Version = 1
	// Patch is the client patch whose packets a recording holds.
	Patch = 5017
)

// MaxLineSize is the longest line the reader accepts: a maximum packet in
// hex plus the other fields, with room to spare.
const MaxLineSize = 2*wire.MaxPacketSize + 512

// Kind values: which server a recorded connection talks to.
const (
	KindAccount = "account"
	KindGame    = "game"
)

// Dir is the direction of a packet.
type Dir uint8

// Directions.
const (
	ClientToServer Dir = 1
	ServerToClient Dir = 2
)

// String returns "c2s" or "s2c".
func (d Dir) String() string {
	switch d {
	case ClientToServer:
		return "c2s"
	case ServerToClient:
		return "s2c"
	}
	return fmt.Sprintf("dir(%d)", uint8(d))
}

// Arrow returns "C→S" or "S→C", for readable output.
func (d Dir) Arrow() string {
	if d == ServerToClient {
		return "S→C"
	}
	return "C→S"
}

func parseDir(s string) (Dir, bool) {
	switch s {
	case "c2s":
		return ClientToServer, true
	case "s2c":
		return ServerToClient, true
	}
	return 0, false
}

// Packet is one recorded packet.
type Packet struct {
	// Conn numbers the connection within the recording, from 1.
	Conn uint32
	// Kind is KindAccount or KindGame.
	Kind string
	// Dir is the packet's direction.
	Dir Dir
	// At is the time since the recording started.
	At time.Duration
	// Bytes is the whole plaintext packet, header included.
	Bytes []byte
}

// Header is a recording's first line.
type Header struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Patch   int       `json:"patch"`
	Start   time.Time `json:"start"`
}

type line struct {
	Conn uint32 `json:"conn"`
	Kind string `json:"kind"`
	Dir  string `json:"dir"`
	AtUS int64  `json:"at_us"`
	Hex  string `json:"hex"`
}

// Writer writes a recording. It is safe for concurrent use.
type Writer struct {
	mu    sync.Mutex
	w     *bufio.Writer
	start time.Time
	now   func() time.Time
	err   error
}

// NewWriter writes a recording's header to w and returns a writer whose
// packet times count from now(). now nil means time.Now.
func NewWriter(w io.Writer, now func() time.Time) (*Writer, error) {
	if now == nil {
		now = time.Now
	}
	rw := &Writer{w: bufio.NewWriter(w), now: now, start: now()}
	h := Header{Format: Format, Version: Version, Patch: Patch, Start: rw.start.UTC()}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("record: header: %w", err)
	}
	rw.w.Write(b)
	if err := rw.w.WriteByte('\n'); err != nil {
		return nil, fmt.Errorf("record: header: %w", err)
	}
	return rw, nil
}

// Record appends one packet, stamped with the time since the start, with
// its password masked. b is copied. The first write error is kept and
// returned by every later call.
func (w *Writer) Record(conn uint32, kind string, d Dir, b []byte) error {
	at := w.now().Sub(w.start)
	return w.Write(Packet{Conn: conn, Kind: kind, Dir: d, At: at, Bytes: b})
}

// Write appends p as it is (its password masked).
func (w *Writer) Write(p Packet) error {
	l := line{Conn: p.Conn, Kind: p.Kind, Dir: p.Dir.String(), AtUS: p.At.Microseconds()}
	buf := make([]byte, len(p.Bytes))
	copy(buf, p.Bytes)
	MaskPassword(buf)
	l.Hex = hex.EncodeToString(buf)
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("record: packet: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.w.Write(b)
	if err := w.w.WriteByte('\n'); err != nil {
		w.err = fmt.Errorf("record: write: %w", err)
	}
	return w.err
}

// Flush writes what is buffered.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = fmt.Errorf("record: flush: %w", err)
	}
	return w.err
}

// passwordOffset and passwordLen place the RC5-encrypted password in
// MsgAccount (msg.Account).
const (
	passwordOffset = wire.HeaderSize + 16
	passwordLen    = 16
)

// MaskPassword zeroes the password of b in place when b is a MsgAccount:
// recordings and logs never hold one, even encrypted (the 5017 RC5 key is
// public).
func MaskPassword(b []byte) {
	if len(b) < passwordOffset+passwordLen {
		return
	}
	if wire.Type(binary.LittleEndian.Uint16(b[2:])) != wire.TypeAccount {
		return
	}
	clear(b[passwordOffset : passwordOffset+passwordLen])
}

// Reader reads a recording.
type Reader struct {
	sc     *bufio.Scanner
	header Header
	lineNo int
}

// ErrFormat is wrapped by every error about a malformed recording.
var ErrFormat = errors.New("not a valid recording")

// NewReader reads and checks the header of the recording in r.
func NewReader(r io.Reader) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLineSize)
	rd := &Reader{sc: sc}
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("record: header: %w: %w", ErrFormat, err)
		}
		return nil, fmt.Errorf("record: %w: empty file", ErrFormat)
	}
	rd.lineNo = 1
	if err := json.Unmarshal(sc.Bytes(), &rd.header); err != nil {
		return nil, fmt.Errorf("record: line 1: %w: %w", ErrFormat, err)
	}
	if rd.header.Format != Format || rd.header.Version != Version {
		return nil, fmt.Errorf("record: line 1: %w: format %q version %d, want %q version %d",
			ErrFormat, rd.header.Format, rd.header.Version, Format, Version)
	}
	if rd.header.Patch != Patch {
		return nil, fmt.Errorf("record: line 1: %w: patch %d, this build reads %d", ErrFormat, rd.header.Patch, Patch)
	}
	return rd, nil
}

// Header returns the recording's header.
func (r *Reader) Header() Header { return r.header }

// Next returns the next packet, or io.EOF after the last one. Blank lines
// are skipped.
func (r *Reader) Next() (Packet, error) {
	for r.sc.Scan() {
		r.lineNo++
		if len(r.sc.Bytes()) == 0 {
			continue
		}
		p, err := parseLine(r.sc.Bytes())
		if err != nil {
			return Packet{}, fmt.Errorf("record: line %d: %w: %w", r.lineNo, ErrFormat, err)
		}
		return p, nil
	}
	if err := r.sc.Err(); err != nil {
		return Packet{}, fmt.Errorf("record: line %d: %w: %w", r.lineNo+1, ErrFormat, err)
	}
	return Packet{}, io.EOF
}

// ReadAll reads every packet of the recording in r.
func ReadAll(r io.Reader) (Header, []Packet, error) {
	rd, err := NewReader(r)
	if err != nil {
		return Header{}, nil, err
	}
	var ps []Packet
	for {
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.header, ps, nil
		}
		if err != nil {
			return rd.header, ps, err
		}
		ps = append(ps, p)
	}
}

func parseLine(b []byte) (Packet, error) {
	var l line
	if err := json.Unmarshal(b, &l); err != nil {
		return Packet{}, err
	}
	d, ok := parseDir(l.Dir)
	if !ok {
		return Packet{}, fmt.Errorf("dir %q is neither c2s nor s2c", l.Dir)
	}
	if l.Kind != KindAccount && l.Kind != KindGame {
		return Packet{}, fmt.Errorf("kind %q is neither %s nor %s", l.Kind, KindAccount, KindGame)
	}
	if l.Conn == 0 {
		return Packet{}, errors.New("conn 0: connections count from 1")
	}
	if l.AtUS < 0 {
		return Packet{}, fmt.Errorf("negative time %d", l.AtUS)
	}
	raw, err := hex.DecodeString(l.Hex)
	if err != nil {
		return Packet{}, fmt.Errorf("hex: %w", err)
	}
	if len(raw) < wire.HeaderSize || len(raw) > wire.MaxPacketSize {
		return Packet{}, fmt.Errorf("packet of %d bytes outside [%d, %d]", len(raw), wire.HeaderSize, wire.MaxPacketSize)
	}
	if n, _ := wire.Header(raw); n != len(raw) {
		return Packet{}, fmt.Errorf("length field %d, packet is %d bytes", n, len(raw))
	}
	return Packet{Conn: l.Conn, Kind: l.Kind, Dir: d, At: time.Duration(l.AtUS) * time.Microsecond, Bytes: raw}, nil
}
