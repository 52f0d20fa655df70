package app

import (
	"fmt"

	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/trace"
)

// attachTrace makes s log the packets of the connections the -trace list
// names (one tracer for every listener, created on first use), so that
// /admin/trace changes them all at once.
func (a *App) attachTrace(s *server.Server) error {
	if a.tracer == nil {
		t, err := trace.New(a.log.With("trace", true), a.cfg.General.Trace)
		if err != nil {
			return fmt.Errorf("-trace: %w", err)
		}
		a.tracer = t
	}
	a.tracer.Attach(s)
	return nil
}

// Tracer returns the packet tracer (-trace, /admin/trace).
func (a *App) Tracer() *trace.Tracer { return a.tracer }
