// Package trace logs every packet of chosen connections, by name and with
// its decoded fields, both directions: the server's "-trace" setting and
// its admin endpoint. A connection is chosen by its account name, its
// character name or its IP address; the list changes at runtime.
//
// Connections that are not traced pay one atomic load per packet
// (server.Tap); nothing is decoded or allocated for them.
package trace

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/server"
)

// MaxEntries caps the trace list; MaxBody caps the admin request.
const (
	MaxEntries = 256
	MaxBody    = 16 << 10
)

// list is a parsed trace list: names (account or character, by
// names.Key) and IP addresses.
type list struct {
	text  string
	names map[string]bool
	ips   map[netip.Addr]bool
}

// Parse parses a comma-separated trace list: each entry is an IP address
// or a name that matches an account or a character (ASCII case folded).
// "" is the empty list.
func parse(s string) (*list, error) {
	l := &list{names: map[string]bool{}, ips: map[netip.Addr]bool{}}
	var kept []string
	for e := range strings.SplitSeq(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if len(kept) == MaxEntries {
			return nil, fmt.Errorf("trace: more than %d entries", MaxEntries)
		}
		if ip, err := netip.ParseAddr(e); err == nil {
			l.ips[ip.Unmap()] = true
		} else {
			if strings.ContainsAny(e, " \t\r\n") {
				return nil, fmt.Errorf("trace: entry %q: neither an IP address nor a name", e)
			}
			l.names[names.Key(e)] = true
		}
		kept = append(kept, e)
	}
	l.text = strings.Join(kept, ",")
	return l, nil
}

func (l *list) matches(c *server.Conn) bool {
	if l == nil || (len(l.names) == 0 && len(l.ips) == 0) {
		return false
	}
	if l.ips[c.RemoteAddr().Unmap()] {
		return true
	}
	if a := c.Account(); a != "" && l.names[names.Key(a)] {
		return true
	}
	ch := c.Character()
	return ch != "" && l.names[names.Key(ch)]
}

// Tracer is a server.Tapper that logs the packets of the connections its
// list matches. It is safe for concurrent use.
type Tracer struct {
	log  *slog.Logger
	cur  atomic.Pointer[list]
	rec  atomic.Pointer[record.Writer] // nil: log only
	mu   sync.Mutex
	srvs []*server.Server
}

// New returns a tracer logging to log with the list s (see Set).
func New(log *slog.Logger, s string) (*Tracer, error) {
	t := &Tracer{log: log}
	l, err := parse(s)
	if err != nil {
		return nil, err
	}
	t.cur.Store(l)
	return t, nil
}

// Attach makes t the Tapper of srv: its connections are traced from now
// on, and again whenever the list changes.
func (t *Tracer) Attach(srv *server.Server) {
	t.mu.Lock()
	t.srvs = append(t.srvs, srv)
	t.mu.Unlock()
	srv.SetTapper(t)
}

// Set replaces the list: comma-separated accounts, characters or IP
// addresses; "" stops every trace. Open connections follow at once.
func (t *Tracer) Set(s string) error {
	l, err := parse(s)
	if err != nil {
		return err
	}
	t.cur.Store(l)
	t.mu.Lock()
	srvs := slices.Clone(t.srvs)
	t.mu.Unlock()
	for _, srv := range srvs {
		srv.Retap()
	}
	t.log.Info("trace list set", "list", l.text)
	return nil
}

// RecordTo makes t also write every traced packet to w, a recording
// (package record; passwords masked) that coserver replay reads; nil stops.
// Connection numbers in it are the server's connection ids.
func (t *Tracer) RecordTo(w *record.Writer) { t.rec.Store(w) }

// List returns the current list, normalised.
func (t *Tracer) List() string { return t.cur.Load().text }

// TapFor implements server.Tapper.
func (t *Tracer) TapFor(c *server.Conn) server.Tap {
	if t.cur.Load().matches(c) {
		return t
	}
	return nil
}

// Packet implements server.Tap: one log line per packet, with its name and
// fields (passwords masked).
func (t *Tracer) Packet(c *server.Conn, out bool, p []byte) {
	d := record.Decode(c.Listener(), p)
	dir := record.ClientToServer
	if out {
		dir = record.ServerToClient
	}
	if w := t.rec.Load(); w != nil {
		_ = w.Record(uint32(c.ID()), c.Listener(), dir, p)
	}
	t.log.Info("packet", "listener", c.Listener(), "conn", c.ID(), "remote", c.RemoteAddr(),
		"account", c.Account(), "character", c.Character(), "dir", dir.String(),
		"type", d.Name(), "len", len(p), "fields", d.FieldsText())
}

// ServeHTTP is the admin endpoint: GET returns the list, POST replaces it
// with the request body (the same comma-separated list; empty stops every
// trace).
func (t *Tracer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, fmt.Sprintf("trace list over %d bytes", MaxBody), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := t.Set(string(body)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "GET or POST", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "trace: %s\n", t.List())
}
