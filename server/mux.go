package server

import (
	"fmt"

	"github.com/coserver/coserver/wire"
)

// State is a connection's protocol state as the application defines it
// (account: awaiting login; game: awaiting connect, creating a character, in
// the world). At most MaxStates states exist.
type State uint8

// MaxStates is the number of distinct states a Mux can tell apart.
const MaxStates = 32

// HandlerFunc handles one packet for a session of type S. p is the whole
// packet, header included; it is valid only until the handler returns.
type HandlerFunc[S any] func(s S, p []byte) error

type route[S any] struct {
	h      HandlerFunc[S]
	states uint32 // bit i set: accepted in State(i)
}

// Mux is the table from packet type to handler, per state: one line per
// packet, registered in one place. It is read-only after setup and shared by
// every connection.
type Mux[S any] struct {
	routes map[wire.Type]route[S]
}

// NewMux returns an empty table.
func NewMux[S any]() *Mux[S] { return &Mux[S]{routes: make(map[wire.Type]route[S])} }

// Handle registers h for packets of type t in the given states. Registering a
// type twice is a programming error and panics at startup.
func (m *Mux[S]) Handle(t wire.Type, h HandlerFunc[S], states ...State) {
	if _, dup := m.routes[t]; dup {
		panic(fmt.Sprintf("server: handler for %v registered twice", t))
	}
	var set uint32
	for _, st := range states {
		if st >= MaxStates {
			panic(fmt.Sprintf("server: state %d out of range", st))
		}
		set |= 1 << st
	}
	m.routes[t] = route[S]{h: h, states: set}
}

// Types returns the registered packet types, for metrics.
func (m *Mux[S]) Types() []wire.Type {
	out := make([]wire.Type, 0, len(m.routes))
	for t := range m.routes {
		out = append(out, t)
	}
	return out
}

// Dispatch runs the handler for p's type in state st. It returns
// ErrUnknownType when no handler is registered and ErrOutOfState when the
// handler does not accept st.
func (m *Mux[S]) Dispatch(s S, st State, t wire.Type, p []byte) error {
	r, ok := m.routes[t]
	if !ok {
		return ErrUnknownType
	}
	if r.states&(1<<st) == 0 {
		return fmt.Errorf("%v in state %d: %w", t, st, ErrOutOfState)
	}
	return r.h(s, p)
}
