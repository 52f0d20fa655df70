// Package natstest runs a real nats-server (Debian's package, or any
// nats-server on PATH) for tests, on a free loopback port. Without the
// binary the test is skipped, unless COSERVER_REQUIRE_NATS=1, which makes it
// fail (CI sets it, so realm tests never silently stop running).
package natstest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Binary is the executable looked up on PATH.
const Binary = "nats-server"

// RequireEnv set to 1 turns a missing nats-server into a test failure.
const RequireEnv = "COSERVER_REQUIRE_NATS"

// readyTimeout bounds the wait for the server's "ready" line.
const readyTimeout = 10 * time.Second

// readyLine is what nats-server prints once it accepts clients.
const readyLine = "Server is ready"

// Server is a running nats-server owned by one test.
type Server struct {
	t    testing.TB
	bin  string
	port int
	conf string // config file, empty for none
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Start starts nats-server on 127.0.0.1 and stops it at the end of the
// test. config, if not empty, is the server's configuration file text
// (users and permissions); the listen address comes from the command line.
func Start(t testing.TB, config string) *Server {
	t.Helper()
	bin, err := exec.LookPath(Binary)
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s is not installed and %s=1: %v", Binary, RequireEnv, err)
		}
		t.Skipf("%s is not installed (apt-get install nats-server); set %s=1 to fail instead", Binary, RequireEnv)
	}
	s := &Server{t: t, bin: bin, port: freePort(t)}
	if config != "" {
		s.conf = filepath.Join(t.TempDir(), "nats.conf")
		if err := os.WriteFile(s.conf, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// freePort returns a loopback TCP port free a moment ago.
func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// URL returns the client URL, without credentials.
func (s *Server) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(s.port) }

// URLAs returns the client URL with a user and password.
func (s *Server) URLAs(user, password string) string {
	return fmt.Sprintf("nats://%s:%s@127.0.0.1:%d", user, password, s.port)
}

// Stop stops the server (SIGKILL: clients see the connection drop as in a
// crash) and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same port (after Stop), and
// returns once it accepts clients.
func (s *Server) Restart() {
	s.t.Helper()
	if s.cmd != nil {
		s.t.Fatal("natstest: Restart of a running server")
	}
	args := []string{"-a", "127.0.0.1", "-p", strconv.Itoa(s.port)}
	if s.conf != "" {
		args = append(args, "-c", s.conf)
	}
	cmd := exec.Command(s.bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting %s: %v", s.bin, err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	ready := make(chan struct{})
	var output strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			if !signalled {
				output.WriteString(line + "\n")
				if strings.Contains(line, readyLine) {
					signalled = true
					close(ready)
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		_ = cmd.Wait()
		if !signalled {
			close(ready)
		}
		close(s.done)
	}()
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case <-ready:
	case <-timer.C:
		s.Stop()
		s.t.Fatalf("%s did not get ready within %v", s.bin, readyTimeout)
	}
	select {
	case <-s.done:
		s.cmd = nil
		s.t.Fatalf("%s exited at start:\n%s", s.bin, output.String())
	default:
	}
}
