package record

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/coserver/coserver/wire"
)

// Output formats of a Printer.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Printer writes decoded packets as readable lines or JSON lines, keeping
// only the types of its filter. It is safe for concurrent use.
type Printer struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	types map[wire.Type]bool // nil: every type
	err   error
}

// NewPrinter returns a printer writing to w in format (FormatText or
// FormatJSON) the packets whose type is in types (nil or empty: all).
func NewPrinter(w io.Writer, format string, types []wire.Type) (*Printer, error) {
	p := &Printer{w: w}
	switch format {
	case FormatText, "":
	case FormatJSON:
		p.json = true
	default:
		return nil, fmt.Errorf("record: output format %q: want %s or %s", format, FormatText, FormatJSON)
	}
	if len(types) > 0 {
		p.types = make(map[wire.Type]bool, len(types))
		for _, t := range types {
			p.types[t] = true
		}
	}
	return p, nil
}

// Wants reports whether the filter keeps packets of type t.
func (p *Printer) Wants(t wire.Type) bool { return p.types == nil || p.types[t] }

// Print decodes e's packet and writes it as one line, if the filter keeps
// its type. The first write error is kept and returned by later calls.
func (p *Printer) Print(e Event) error {
	if len(e.Bytes) >= wire.HeaderSize {
		if _, t := wire.Header(e.Bytes); !p.Wants(t) {
			return nil
		}
	}
	d := Decode(e.Kind, e.Bytes)
	var line []byte
	if p.json {
		line = append(e.JSON(&d), '\n')
	} else {
		line = []byte(e.Text(&d) + "\n")
	}
	return p.write(line)
}

// Note writes a line that is not a packet (a connection opening or
// closing, an error): as text, or as {"note": ...} in JSON.
func (p *Printer) Note(text string) error {
	if p.json {
		return p.write(append(appendJSON([]byte(`{"note":`), text), '}', '\n'))
	}
	return p.write([]byte(text + "\n"))
}

func (p *Printer) write(b []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	if _, err := p.w.Write(b); err != nil {
		p.err = fmt.Errorf("record: output: %w", err)
	}
	return p.err
}

// Flush flushes the writer when it buffers (has a Flush() error method),
// so a buffered printer can be flushed from another goroutine safely.
func (p *Printer) Flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.w.(interface{ Flush() error }); ok && p.err == nil {
		if err := f.Flush(); err != nil {
			p.err = fmt.Errorf("record: output: %w", err)
		}
	}
	return p.err
}

// ParseTypes parses a comma-separated list of packet types, by number
// (1005) or name (MsgWalk); "" is no filter.
func ParseTypes(s string) ([]wire.Type, error) {
	var out []wire.Type
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if n, err := strconv.ParseUint(f, 10, 16); err == nil {
			out = append(out, wire.Type(n))
			continue
		}
		t, ok := typeByName(f)
		if !ok {
			return nil, fmt.Errorf("record: packet type %q: not a number or a known name", f)
		}
		out = append(out, t)
	}
	return out, nil
}

func typeByName(name string) (wire.Type, bool) {
	for t := wire.Type(1000); t < 3000; t++ {
		if t.Known() && strings.EqualFold(t.String(), name) {
			return t, true
		}
	}
	return 0, false
}
