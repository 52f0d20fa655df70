package main

import (
	"bytes"
	"context"
	"database/sql"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/store/sqlite"
	"github.com/coserver/coserver/store/storetest"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", to forge a newer schema
)

// testDoctor returns a doctor for serve on loopback ports with a database in
// a temporary folder; this host has the addresses local.
func testDoctor(t *testing.T, local ...string) *doctor {
	t.Helper()
	cfg := config.Default()
	cfg.General.DB = filepath.Join(t.TempDir(), "doc.db")
	cfg.General.AdminAddr = ""
	cfg.Account.AccountAddr = "127.0.0.1:0"
	cfg.Game.GameAddr = "192.0.2.10:0" // listened on as 127.0.0.1:0, see listen below
	cfg.Account.GameHost = "192.0.2.10"
	var addrs []net.Addr
	for _, a := range local {
		addrs = append(addrs, &net.IPNet{IP: net.ParseIP(a), Mask: net.CIDRMask(24, 32)})
	}
	// The host's "192.0.2.10" is loopback: tests listen on 127.0.0.1 only.
	listen := func(network, addr string) (net.Listener, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && host == "192.0.2.10" {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return net.Listen(network, addr)
	}
	return &doctor{cfg: cfg, role: roleBoth, listen: listen,
		interfaceAddrs: func() ([]net.Addr, error) { return addrs, nil },
		detectHost:     func() (string, error) { return "192.0.2.10", nil },
		client:         &http.Client{},
		dial: func(network, addr string, timeout time.Duration) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && host == "192.0.2.10" {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return net.DialTimeout(network, addr, timeout)
		}}
}

// result runs the doctor and returns the result whose name starts with
// prefix, and the exit code.
func (d *doctor) result(t *testing.T, prefix string) (checkResult, int) {
	t.Helper()
	d.results = nil
	d.run(context.Background())
	var out bytes.Buffer
	code := d.report(&out)
	for _, r := range d.results {
		if strings.HasPrefix(r.name, prefix) {
			return r, code
		}
	}
	t.Fatalf("no check %q in:\n%s", prefix, out.String())
	return checkResult{}, code
}

func TestDoctorAllGood(t *testing.T) {
	d := testDoctor(t, "192.0.2.10")
	r, code := d.result(t, "advertised")
	if r.status != statusOK || code != 0 {
		t.Fatalf("advertised %+v, exit %d; results %+v", r, code, d.results)
	}
	if r, _ := d.result(t, "database"); r.status != statusOK {
		t.Fatalf("database folder: %+v", r)
	}
}

func TestDoctorPorts(t *testing.T) {
	d := testDoctor(t, "192.0.2.10")
	taken := takePort(t)
	d.cfg.Game.GameAddr = taken
	r, code := d.result(t, "port -game-addr")
	if r.status != statusFail || code != 1 || !strings.Contains(r.fix, "-game-addr") {
		t.Fatalf("taken port: %+v, exit %d", r, code)
	}
	if r, _ := d.result(t, "port -account-addr"); r.status != statusOK {
		t.Fatalf("free port: %+v", r)
	}

	// The port is taken by a running coserver: its admin address says so.
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(coserverMetric + " 1\n")) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	d.cfg.General.AdminAddr = ln.Addr().String()
	if r, _ := d.result(t, "port -game-addr"); r.status != statusOK || !strings.Contains(r.detail, "running coserver") {
		t.Fatalf("port of a running coserver: %+v", r)
	}
	// The running server's game port answers at the advertised address.
	d.cfg.Game.GameAddr = "192.0.2.10:" + strings.TrimPrefix(portOf(taken), ":")
	if r, _ := d.result(t, "game address reachable"); r.status != statusOK {
		t.Fatalf("reachable: %+v", r)
	}
	d.cfg.Account.GamePort = 1 // nothing answers there
	if r, code := d.result(t, "game address reachable"); r.status != statusFail || code != 1 {
		t.Fatalf("unreachable: %+v, exit %d", r, code)
	}
}

func TestDoctorAdvertisedAddress(t *testing.T) {
	d := testDoctor(t, "192.0.2.10")
	d.cfg.Account.GameHost = "127.0.0.1"
	r, code := d.result(t, "advertised")
	if r.status != statusWarn || !strings.Contains(r.detail, "loopback") || code != 0 {
		t.Fatalf("loopback: %+v, exit %d", r, code)
	}
	d.cfg.Account.GameHost = "198.51.100.7"
	if r, _ := d.result(t, "advertised"); r.status != statusWarn || !strings.Contains(r.detail, "not an address of this host") {
		t.Fatalf("foreign address: %+v", r)
	}
	d.cfg.Account.GameHost = ""
	if r, _ := d.result(t, "advertised"); r.status != statusOK || !strings.Contains(r.detail, "detected") {
		t.Fatalf("detected: %+v", r)
	}
	// The game server listens on loopback only, yet clients are sent to
	// 192.0.2.10.
	d.cfg.Game.GameAddr = "127.0.0.1:0"
	if r, code := d.result(t, "game listen address"); r.status != statusFail || code != 1 {
		t.Fatalf("listen/advertise mismatch: %+v, exit %d", r, code)
	}
	d.role = roleGame
	d.results = nil
	d.run(context.Background())
	for _, r := range d.results {
		if strings.HasPrefix(r.name, "advertised") {
			t.Fatal("game-server alone advertises nothing")
		}
	}
}

func TestDoctorClientDir(t *testing.T) {
	d := testDoctor(t, "192.0.2.10")
	d.cfg.Game.ClientDir = filepath.Join(t.TempDir(), "no-client")
	r, code := d.result(t, "client folder")
	if r.status != statusFail || code != 1 || !strings.Contains(r.fix, "GameMap.dat") {
		t.Fatalf("missing client dir: %+v, exit %d", r, code)
	}
	empty := t.TempDir() // a folder without ini/GameMap.dat
	d.cfg.Game.ClientDir = empty
	if r, _ := d.result(t, "client folder"); r.status != statusFail || !strings.Contains(r.detail, "GameMap.dat") {
		t.Fatalf("client dir without GameMap.dat: %+v", r)
	}
}

func TestDoctorReadOnlyDatabaseFolder(t *testing.T) {
	d := testDoctor(t, "192.0.2.10")
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	if probeWrite(dir) == nil { // root ignores permissions: use a read-only file system
		dir = "/sys"
		if probeWrite(dir) == nil {
			t.Skip("no read-only folder available to this user")
		}
	}
	d.cfg.General.DB = filepath.Join(dir, "x.db")
	r, code := d.result(t, "database folder")
	if r.status != statusFail || code != 1 || !strings.Contains(r.detail, "not writable") {
		t.Fatalf("read-only folder: %+v, exit %d", r, code)
	}
}

func TestDoctorSchema(t *testing.T) {
	ctx := context.Background()
	d := testDoctor(t, "192.0.2.10")
	named := func() (checkResult, int) {
		t.Helper()
		d.result(t, "database")
		for _, r := range d.results {
			if r.name == "database" {
				return r, d.report(new(bytes.Buffer))
			}
		}
		t.Fatal("no database check")
		return checkResult{}, 0
	}
	if r, code := named(); r.status != statusWarn || code != 0 {
		t.Fatalf("missing database: %+v, exit %d", r, code)
	}
	if _, err := os.Stat(d.cfg.General.DB); !os.IsNotExist(err) {
		t.Fatal("the doctor created the database")
	}
	st, err := sqlite.Open(ctx, d.cfg.General.DB)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if r, code := named(); r.status != statusOK || !strings.Contains(r.detail, "current") || code != 0 {
		t.Fatalf("fresh database: %+v, exit %d", r, code)
	}
	v, err := sqlite.Inspect(ctx, d.cfg.General.DB)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", d.cfg.General.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, v.Latest+1); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if r, code := named(); r.status != statusFail || !strings.Contains(r.detail, "newer") || code != 1 {
		t.Fatalf("newer schema: %+v, exit %d", r, code)
	}
}

func TestDoctorCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cmd.db")
	out, _ := mustRun(t, 1, "doctor", "-role", "game-server", "-db", db, "-game-addr", "127.0.0.1:0",
		"-admin-addr", "", "-client-dir", filepath.Join(t.TempDir(), "none"))
	if !strings.Contains(out, "FAIL  client folder") || strings.Contains(out, "advertised") {
		t.Fatalf("doctor game-server:\n%s", out)
	}
	mustRun(t, 2, "doctor", "-role", "bogus")
	mustRun(t, 0, "doctor", "-h")
}

func TestDoctorPostgres(t *testing.T) {
	d := testDoctor(t, "192.0.2.10")
	d.cfg.General.DB = "postgres://coserver@127.0.0.1:1/coserver?sslmode=disable&connect_timeout=2"
	if r, code := d.result(t, "database"); r.status != statusFail || !strings.Contains(r.detail, "is PostgreSQL running") || code != 1 {
		t.Fatalf("server down: %+v, exit %d", r, code)
	}
	d.cfg.General.DB = storetest.NewPostgresSchema(t, storetest.PostgresDSN(t))
	if r, _ := d.result(t, "database"); r.status != statusOK || !strings.Contains(r.detail, "schema version 0") {
		t.Fatalf("empty database: %+v", r)
	}
	st, err := backend.Open(context.Background(), d.cfg.General.DB)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if r, _ := d.result(t, "database"); r.status != statusOK || !strings.Contains(r.detail, "current") {
		t.Fatalf("fresh database: %+v", r)
	}
}
