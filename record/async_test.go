package record_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/coserver/coserver/record"
)

// gate is a writer that blocks until released, like a stalled disk.
type gate struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	release chan struct{}
	fail    error
}

func (g *gate) Write(b []byte) (int, error) {
	<-g.release
	if g.fail != nil {
		return 0, g.fail
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(b)
}

func TestAsyncWriterDoesNotWaitForTheDisk(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	a := record.NewAsyncWriter(g, 1<<20)
	for i := range 1000 {
		if _, err := a.Write([]byte("line\n")); err != nil { // the disk is stalled: Write still returns
			t.Fatalf("write %d: %v", i, err)
		}
	}
	close(g.release)
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := g.buf.String(); got != strings.Repeat("line\n", 1000) {
		t.Fatalf("wrote %d bytes, want %d", len(got), 5000)
	}
	if _, err := a.Write([]byte("x")); err == nil {
		t.Fatal("write after close accepted")
	}
}

func TestAsyncWriterReportsTheDisksError(t *testing.T) {
	boom := errors.New("disk full")
	g := &gate{release: make(chan struct{}), fail: boom}
	close(g.release)
	a := record.NewAsyncWriter(g, 0)
	_, _ = a.Write([]byte("x"))
	if err := a.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush: %v, want the disk's error", err)
	}
	if err := a.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close: %v", err)
	}
}
