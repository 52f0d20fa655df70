package record

import (
	"fmt"
	"io"
	"sync"
)

// DefaultAsyncLimit is how many bytes an AsyncWriter holds before Write
// waits for the disk.
const DefaultAsyncLimit = 64 << 20

// AsyncWriter moves file I/O off the caller's goroutine: Write copies into
// memory and returns, a background goroutine writes to the file. A proxy
// writing a line per packet must not stall the game when the disk does (a
// write(2) blocked by dirty-page throttling would hold every connection).
// Write waits only when limit bytes are already waiting. It is safe for
// concurrent use.
type AsyncWriter struct {
	w     io.Writer
	limit int

	mu      sync.Mutex
	cond    sync.Cond // signalled when buf or state changes
	buf     []byte    // waiting to be written
	writing bool      // the background goroutine holds a batch
	closed  bool
	err     error
	done    chan struct{}
}

// NewAsyncWriter starts writing to w in the background; limit <= 0 means
// DefaultAsyncLimit. Close it to write the rest and stop.
func NewAsyncWriter(w io.Writer, limit int) *AsyncWriter {
	if limit <= 0 {
		limit = DefaultAsyncLimit
	}
	a := &AsyncWriter{w: w, limit: limit, done: make(chan struct{})}
	a.cond.L = &a.mu
	go a.run()
	return a
}

// Write queues a copy of b. It returns the first error of an earlier
// background write, if any.
func (a *AsyncWriter) Write(b []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for len(a.buf)+len(b) > a.limit && len(a.buf) > 0 && a.err == nil && !a.closed {
		a.cond.Wait()
	}
	if a.err != nil {
		return 0, a.err
	}
	if a.closed {
		return 0, fmt.Errorf("record: write after close")
	}
	a.buf = append(a.buf, b...)
	a.cond.Broadcast()
	return len(b), nil
}

func (a *AsyncWriter) run() {
	defer close(a.done)
	var batch []byte
	for {
		a.mu.Lock()
		for len(a.buf) == 0 && !a.closed {
			a.cond.Wait()
		}
		if len(a.buf) == 0 && a.closed {
			a.mu.Unlock()
			return
		}
		batch, a.buf = a.buf, batch[:0]
		a.writing = true
		a.mu.Unlock()

		_, err := a.w.Write(batch)

		a.mu.Lock()
		a.writing = false
		if err != nil && a.err == nil {
			a.err = fmt.Errorf("record: background write: %w", err)
		}
		a.cond.Broadcast()
		a.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Flush waits until everything written so far is on the underlying writer.
func (a *AsyncWriter) Flush() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for (len(a.buf) > 0 || a.writing) && a.err == nil {
		a.cond.Wait()
	}
	return a.err
}

// Close writes what is queued and stops the background goroutine.
func (a *AsyncWriter) Close() error {
	a.mu.Lock()
	a.closed = true
	a.cond.Broadcast()
	a.mu.Unlock()
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}
