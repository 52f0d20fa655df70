package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/store/postgres"
	"github.com/coserver/coserver/store/sqlite"
)

// Doctor's limits.
const (
	// doctorProbeTimeout bounds the request asking a taken admin port
	// whether a coserver answers there.
	doctorProbeTimeout = 2 * time.Second
	// doctorMaxListed bounds the missing DMap files or addresses a check
	// names.
	doctorMaxListed = 5
	// coserverMetric is a metric only a coserver serves: a taken port whose
	// admin address serves it belongs to a running coserver.
	coserverMetric = "coserver_connections_open"
	// doctorMaxMetricsBytes bounds what the doctor reads of /metrics.
	doctorMaxMetricsBytes = 4 << 20
)

// Check outcomes.
const (
	statusOK   = "OK"
	statusWarn = "WARN"
	statusFail = "FAIL"
)

// checkResult is one line of the doctor's report.
type checkResult struct {
	status, name, detail, fix string
}

// doctor checks what makes clients fail to connect. Its functions reach the
// system; tests replace them.
type doctor struct {
	cfg  config.Config
	role role
	// listen opens a listener (net.Listen).
	listen listenFunc
	// interfaceAddrs lists this host's addresses (net.InterfaceAddrs).
	interfaceAddrs func() ([]net.Addr, error)
	// detectHost is the default advertised game host (config.DetectHost).
	detectHost func() (string, error)
	// client asks a taken admin port whether a coserver answers.
	client *http.Client
	// dial connects to the advertised game address when a coserver runs
	// (net.DialTimeout).
	dial func(network, addr string, timeout time.Duration) (net.Conn, error)

	// running says how the doctor knows a coserver runs with these
	// settings, or is "".
	running string

	results []checkResult
}

const doctorUsage = `usage: coserver doctor [-role serve|account-server|game-server] [the server's flags]

Checks, with the same settings (flags, COSERVER_*, -config) as the server:
each listen port free (or held by a running coserver), the game address
advertised to clients, the client folder (GameMap.dat and its DMaps), the
database (folder writable, file readable, schema version), the content pack.
Each check prints OK, WARN or FAIL with a fix; the exit code is 1 when one
fails. Nothing is created or changed.
`

// doctorCmd runs the checks and prints the report.
func doctorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// -role is taken out first: every other flag is the server's.
	r, rest, err := doctorRole(args)
	if err != nil {
		fmt.Fprintf(stderr, "coserver doctor: %v\n", err)
		return 2
	}
	for _, a := range rest {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Fprint(stderr, doctorUsage+"\n")
			break
		}
	}
	cfg, _, err := loadConfig(r, rest, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "coserver doctor: %v\n", err)
		return 2
	}
	d := &doctor{cfg: cfg, role: r, listen: net.Listen, interfaceAddrs: net.InterfaceAddrs,
		detectHost: config.DetectHost, client: &http.Client{Timeout: doctorProbeTimeout}, dial: net.DialTimeout}
	d.run(ctx)
	return d.report(stdout)
}

// doctorRole removes "-role X" (or -role=X) from args and returns the role.
func doctorRole(args []string) (role, []string, error) {
	name := "serve"
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-role" || a == "--role":
			if i+1 >= len(args) {
				return role{}, nil, errors.New("-role needs a value")
			}
			name = args[i+1]
			i++
		case strings.HasPrefix(a, "-role=") || strings.HasPrefix(a, "--role="):
			name = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, a)
		}
	}
	for _, r := range []role{roleBoth, roleAccount, roleGame} {
		if r.name == name {
			return r, rest, nil
		}
	}
	return role{}, nil, fmt.Errorf("-role %q: say serve, account-server or game-server", name)
}

func (d *doctor) add(status, name, detail, fix string) {
	d.results = append(d.results, checkResult{status, name, detail, fix})
}

// run runs every check of the role.
func (d *doctor) run(ctx context.Context) {
	d.checkPorts(ctx)
	if d.role.app != app.RoleGame {
		d.checkAdvertised()
	}
	var floors map[uint32]*mapdata.Floor
	if d.role.app != app.RoleAccount {
		floors = d.checkClientDir()
	}
	d.checkDatabase(ctx)
	if d.role.app != app.RoleAccount {
		d.checkContent(floors)
	}
	d.checkRealm(ctx)
}

// report prints the results and returns the exit code: 1 when a check
// failed.
func (d *doctor) report(w io.Writer) int {
	code := 0
	for _, r := range d.results {
		fmt.Fprintf(w, "%-4s  %s: %s\n", r.status, r.name, r.detail)
		if r.fix != "" && r.status != statusOK {
			fmt.Fprintf(w, "      fix: %s\n", r.fix)
		}
		if r.status == statusFail {
			code = 1
		}
	}
	if code != 0 {
		fmt.Fprintln(w, "\nSome checks failed: clients will not get in until they are fixed.")
	} else {
		fmt.Fprintln(w, "\nNo check failed.")
	}
	return code
}

// checkPorts tries each listen address.
func (d *doctor) checkPorts(ctx context.Context) {
	ours := d.coserverRunning(ctx)
	d.running = ours
	for _, a := range listenAddrs(d.cfg, d.role.app) {
		name := "port -" + a.flag + " " + a.addr
		ln, err := d.listen("tcp", a.addr)
		if err == nil {
			_ = ln.Close()
			d.add(statusOK, name, "free", "")
			continue
		}
		if ours != "" {
			d.add(statusOK, name, "in use by a running coserver ("+ours+")", "")
			continue
		}
		d.add(statusFail, name, portError(err).Error(),
			fmt.Sprintf("find the program with `ss -ltnp | grep %s` and stop it, or set -%s to a free port", portOf(a.addr), a.flag))
	}
}

// coserverRunning returns how it knows that a coserver runs with these
// settings (its admin endpoint serves coserver metrics), or "".
func (d *doctor) coserverRunning(ctx context.Context) string {
	addr := d.cfg.General.AdminAddr
	if addr == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/metrics"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return ""
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, doctorMaxMetricsBytes))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), coserverMetric) {
		return ""
	}
	return "its admin endpoint answers at " + url
}

// portOf returns the port of host:port.
func portOf(addr string) string {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return ":" + p
}

// checkAdvertised checks the game address the account server sends
// clients to.
func (d *doctor) checkAdvertised() {
	const name = "advertised game address"
	host, explicit := d.cfg.Account.GameHost, d.cfg.Account.GameHost != ""
	if !explicit {
		h, err := d.detectHost()
		if err != nil {
			d.add(statusFail, name, err.Error(), "set -game-host to the IPv4 address clients reach this machine at")
			return
		}
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Is4() {
		d.add(statusFail, name, fmt.Sprintf("%q is not an IPv4 address", host), "set -game-host to an IPv4 address")
		return
	}
	how := "detected"
	if explicit {
		how = "-game-host"
	}
	if ip.IsLoopback() {
		d.add(statusWarn, name, fmt.Sprintf("%s (%s) is loopback: only clients on this machine can follow it, and the 5017 client refuses 127.x",
			host, how), "for real clients set -game-host to this machine's LAN or public IPv4 address")
		return
	}
	local, err := d.localIPv4()
	if err != nil {
		d.add(statusWarn, name, fmt.Sprintf("%s (%s); this host's addresses cannot be listed: %v", host, how, err), "")
		return
	}
	if d.role.app == app.RoleBoth {
		d.checkGameBind(ip)
		if d.running != "" {
			d.checkReachable(ip)
		}
	}
	for _, l := range local {
		if l == ip {
			d.add(statusOK, name, fmt.Sprintf("%s (%s), an address of this host", host, how), "")
			return
		}
	}
	d.add(statusWarn, name, fmt.Sprintf("%s (%s) is not an address of this host (it has %s)", host, how, listAddrs(local)),
		fmt.Sprintf("right only behind NAT with TCP port %s forwarded to this host; otherwise set -game-host to one of this host's addresses",
			portOf(d.cfg.Game.GameAddr)))
}

// checkGameBind checks that the game server listens where clients are sent:
// a -game-addr bound to one address other than the advertised one cannot be
// reached by them.
func (d *doctor) checkGameBind(advertised netip.Addr) {
	host, _, err := net.SplitHostPort(d.cfg.Game.GameAddr)
	if err != nil || host == "" {
		return // every interface
	}
	bind, err := netip.ParseAddr(host)
	if err != nil || bind.IsUnspecified() || bind.Unmap() == advertised {
		return
	}
	d.add(statusFail, "game listen address", fmt.Sprintf("-game-addr %s listens on %s only, but clients are sent to %s",
		d.cfg.Game.GameAddr, bind, advertised), "listen on every interface (-game-addr "+portOf(d.cfg.Game.GameAddr)+
		") or on the advertised address, or advertise the listen address with -game-host")
}

// checkReachable connects to the advertised game address, as a client
// would after logging in, when a coserver is running.
func (d *doctor) checkReachable(ip netip.Addr) {
	port := strconv.Itoa(d.cfg.Account.GamePort)
	if d.cfg.Account.GamePort == 0 {
		port = strings.TrimPrefix(portOf(d.cfg.Game.GameAddr), ":")
	}
	addr := net.JoinHostPort(ip.String(), port)
	c, err := d.dial("tcp", addr, doctorProbeTimeout)
	if err != nil {
		d.add(statusFail, "game address reachable", fmt.Sprintf("%s does not answer from this host: %v", addr, err),
			"check the firewall (TCP "+port+" must be open), -game-addr and -game-host")
		return
	}
	_ = c.Close()
	d.add(statusOK, "game address reachable", addr+" answers (from this host; check the firewall for remote clients)", "")
}

// localIPv4 returns this host's IPv4 addresses.
func (d *doctor) localIPv4() ([]netip.Addr, error) {
	addrs, err := d.interfaceAddrs()
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, a := range addrs {
		var ip net.IP
		switch v := a.(type) {
		case *net.IPNet:
			ip = v.IP
		case *net.IPAddr:
			ip = v.IP
		}
		if ip4 := ip.To4(); ip4 != nil {
			out = append(out, netip.AddrFrom4([4]byte(ip4)))
		}
	}
	return out, nil
}

func listAddrs(as []netip.Addr) string {
	var s []string
	for i, a := range as {
		if i == doctorMaxListed {
			s = append(s, "...")
			break
		}
		s = append(s, a.String())
	}
	if len(s) == 0 {
		return "no IPv4 address"
	}
	return strings.Join(s, ", ")
}

// checkClientDir loads the client's maps; it returns them, or nil.
func (d *doctor) checkClientDir() map[uint32]*mapdata.Floor {
	dir := d.cfg.Game.ClientDir
	const name = "client folder (-client-dir)"
	if dir == "" {
		d.add(statusOK, name, "not set: the built-in maps", "")
		return nil
	}
	fix := "point -client-dir at a 5017 client folder, the one holding " + mapdata.GameMapPath + " and map/map/*.DMap"
	root, err := os.OpenRoot(filepath.Clean(dir))
	if err != nil {
		d.add(statusFail, name, err.Error(), fix)
		return nil
	}
	defer root.Close()
	floors, rep, err := mapdata.LoadClientFS(root.FS())
	if err != nil {
		d.add(statusFail, name, dir+": "+err.Error(), fix)
		return nil
	}
	detail := fmt.Sprintf("%s: %d maps from %d DMap files", dir, len(floors), rep.Files)
	if len(rep.Missing) > 0 {
		var miss []string
		for i, m := range rep.Missing {
			if i == doctorMaxListed {
				miss = append(miss, "...")
				break
			}
			miss = append(miss, fmt.Sprintf("map %d (%s)", m.ID, m.Path))
		}
		d.add(statusWarn, name, fmt.Sprintf("%s; %d maps skipped, their DMap missing: %s", detail, len(rep.Missing), strings.Join(miss, ", ")),
			"copy the whole client folder, or ignore if those maps are not used")
		return floors
	}
	d.add(statusOK, name, detail, "")
	return floors
}

// checkDatabase checks the database file and folder without creating
// either.
func (d *doctor) checkDatabase(ctx context.Context) {
	if backend.IsPostgres(d.cfg.General.DB) {
		d.checkPostgres(ctx)
		return
	}
	path, err := filepath.Abs(d.cfg.General.DB)
	if err != nil {
		d.add(statusFail, "database", err.Error(), "set -db to a file path")
		return
	}
	folder := filepath.Dir(path)
	const dirName = "database folder"
	existing := folder
	for {
		st, err := os.Stat(existing)
		if err == nil && st.IsDir() {
			break
		}
		if err == nil {
			d.add(statusFail, dirName, existing+" is a file, not a folder", "set -db to a path in a folder")
			return
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	if err := probeWrite(existing); err != nil {
		d.add(statusFail, dirName, fmt.Sprintf("%s is not writable: %v", existing, err),
			"give the server's user write access to it (SQLite writes the -wal and -shm files beside the database), or set -db elsewhere")
		return
	}
	if existing != folder {
		d.add(statusOK, dirName, folder+" does not exist yet; the server creates it", "")
	} else {
		d.add(statusOK, dirName, folder+" is writable", "")
	}

	const name = "database"
	v, err := sqlite.Inspect(ctx, path)
	switch {
	case errors.Is(err, sqlite.ErrNoDatabase):
		d.add(statusWarn, name, path+" does not exist: the server will create an empty one",
			"if you have a database elsewhere, point -db (or COSERVER_DB, or -config) at it")
		return
	case err != nil:
		d.add(statusFail, name, err.Error(), "is it a coserver SQLite database? restore a backup (coserver backup)")
		return
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err != nil {
		d.add(statusFail, name, fmt.Sprintf("%s cannot be opened for writing: %v", path, err), "give the server's user write access to the file")
		return
	} else {
		_ = f.Close()
	}
	switch {
	case v.Current > v.Latest:
		d.add(statusFail, name, fmt.Sprintf("%s has schema version %d, newer than this program's %d", path, v.Current, v.Latest),
			"run the newer coserver that wrote it, or restore a backup made for this version")
	case v.Current < v.Latest:
		d.add(statusOK, name, fmt.Sprintf("%s, schema version %d; the server migrates it to %d at start", path, v.Current, v.Latest),
			"back it up first: coserver backup FILE")
	default:
		d.add(statusOK, name, fmt.Sprintf("%s, schema version %d (current)", path, v.Current), "")
	}
}

// checkPostgres connects to the PostgreSQL database of -db and reads its
// schema version, changing nothing.
func (d *doctor) checkPostgres(ctx context.Context) {
	const name = "database"
	v, err := postgres.Inspect(ctx, d.cfg.General.DB)
	switch {
	case err != nil:
		d.add(statusFail, name, err.Error(), "start PostgreSQL, or fix the host, port, user, password or database name in -db")
	case v.Current > v.Latest:
		d.add(statusFail, name, fmt.Sprintf("PostgreSQL schema version %d, newer than this program's %d", v.Current, v.Latest),
			"run the newer coserver that wrote it")
	case v.Current < v.Latest:
		d.add(statusOK, name, fmt.Sprintf("PostgreSQL, schema version %d; the server migrates it to %d at start", v.Current, v.Latest),
			"back it up first: pg_dump")
	default:
		d.add(statusOK, name, fmt.Sprintf("PostgreSQL, schema version %d (current)", v.Current), "")
	}
}

// probeWrite checks that a file can be created in dir, and removes it.
func probeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".coserver-doctor-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}

// checkContent loads, checks and compiles the content pack.
func (d *doctor) checkContent(floors map[uint32]*mapdata.Floor) {
	const name = "content pack"
	fsys, where := content.Default(), "built-in"
	if dir := d.cfg.Game.ContentDir; dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			d.add(statusFail, name, "-content-dir "+dir+" is not a readable folder", "point -content-dir at a content pack folder (docs/CONTENT.md)")
			return
		}
		fsys, where = os.DirFS(filepath.Clean(dir)), dir
	}
	pack, err := content.Load(fsys)
	if err == nil && floors != nil {
		err = pack.Check(floorWorld(floors))
	}
	if err == nil {
		_, err = script.Compile(pack.Scripts)
	}
	if err != nil {
		d.add(statusFail, name, where+":\n"+err.Error(), "fix the files and lines named above (docs/CONTENT.md)")
		return
	}
	detail := fmt.Sprintf("%s: %d NPCs, %d portals, %d scripts", where, len(pack.NPCs), len(pack.Portals), len(pack.Scripts))
	if floors == nil {
		detail += " (checked against the built-in maps at start)"
	}
	d.add(statusOK, name, detail, "")
}

// floorWorld is a client's maps as content.World.
type floorWorld map[uint32]*mapdata.Floor

func (w floorWorld) HasMap(id uint32) bool { return w[id] != nil }
func (w floorWorld) Walkable(id uint32, x, y int) bool {
	f := w[id]
	return f != nil && f.Walkable(x, y)
}

func (w floorWorld) HasPassage(id uint32, index int) bool {
	f := w[id]
	return f != nil && f.HasPassage(index)
}
