package app

import (
	"fmt"
	"os"

	"github.com/coserver/coserver/record"
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
		if path := a.cfg.General.TraceRecord; path != "" {
			f, err := os.Create(path)
			if err != nil {
				return fmt.Errorf("-trace-record: %w", err)
			}
			w, err := record.NewWriter(f, nil)
			if err != nil {
				f.Close()
				return fmt.Errorf("-trace-record: %w", err)
			}
			t.RecordTo(w)
			a.traceOut = &traceOutput{w: w, f: f}
		}
	}
	a.tracer.Attach(s)
	return nil
}

// traceOutput is the -trace-record file and its writer.
type traceOutput struct {
	w *record.Writer
	f *os.File
}

// closeTrace flushes and closes the -trace-record file, after the servers
// have stopped.
func (a *App) closeTrace() error {
	if a.traceOut == nil {
		return nil
	}
	a.tracer.RecordTo(nil)
	err := a.traceOut.w.Flush()
	if cerr := a.traceOut.f.Close(); err == nil {
		err = cerr
	}
	a.traceOut = nil
	if err != nil {
		return fmt.Errorf("-trace-record: %w", err)
	}
	return nil
}

// Tracer returns the packet tracer (-trace, /admin/trace).
func (a *App) Tracer() *trace.Tracer { return a.tracer }
