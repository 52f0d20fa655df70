package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite docs/CONFIG.md from Markdown")

// newFlags returns Default() registered on a fresh, quiet flag set.
func newFlags(t *testing.T) (*Config, *flag.FlagSet) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("coserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Register(fs)
	return &c, fs
}

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes content to a file in a temporary directory.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "coserver.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, fs := newFlags(t)
	if err := Load(fs, nil, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*c, Default()) {
		t.Errorf("Load with nothing set changed the config:\n got %+v\nwant %+v", *c, Default())
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
	want := map[string]string{
		"config": "", "db": "data/coserver.db", "log-level": "info", "log-format": "text",
		"admin-addr": "127.0.0.1:9100", "admin-token": "", "shutdown-timeout": "20s", "trace": "", "trace-record": "",
		"account-addr": ":9958", "game-host": "", "game-port": "0", "auto-register": "false",
		"token-ttl": "30s", "login-failures-per-ip": "10", "login-failures-per-account": "5",
		"login-lockout": "5m0s", "maintenance": "false", "password-hash": "default",
		"game-addr": ":5816", "client-dir": "", "save-interval": "1m0s", "max-players": "5000", "warehouse-capacity": "20",
		"max-conns": "20000", "max-conns-per-ip": "32", "handshake-timeout": "15s",
		"idle-timeout": "10m0s", "write-timeout": "10s", "outbox-limit": "262144", "flush-delay": "2ms", "later-delay": "100ms", "later-delay-busy": "250ms",
		"packet-rate": "100", "packet-burst": "200", "content-dir": "", "screen-players": "100",
		"login-account-ceiling": "100", "login-rate-per-ip": "5", "login-burst-per-ip": "20",
		"login-exempt-ips": "127.0.0.1,::1", "hash-queue": "64", "max-concurrent-hashes": "0",
		"nats": "", "realm": "", "announce-interval": "1s",
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		if w, ok := want[f.Name]; !ok {
			t.Errorf("unexpected flag -%s", f.Name)
		} else if f.DefValue != w {
			t.Errorf("-%s default = %q, want %q", f.Name, f.DefValue, w)
		}
	})
	if n != len(want) {
		t.Errorf("%d flags registered, want %d", n, len(want))
	}
}

// TestEveryFieldRegistered guards against a Config field without a flag.
func TestEveryFieldRegistered(t *testing.T) {
	var c Config
	bound := make(map[any]bool)
	for _, s := range c.settings() {
		bound[s.ptr] = true
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f, name := v.Field(i), path+v.Type().Field(i).Name
			if f.Kind() == reflect.Struct {
				walk(f, name+".")
				continue
			}
			if !bound[f.Addr().Interface()] {
				t.Errorf("field %s has no flag", name)
			}
		}
	}
	walk(reflect.ValueOf(&c).Elem(), "Config.")
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, `{
		"db": "file.db",
		"log-level": "debug",
		"save-interval": "30s",
		"max-players": 100,
		"auto-register": true,
		"packet-rate": 12.5
	}`)
	c, fs := newFlags(t)
	e := env(map[string]string{
		"COSERVER_CONFIG":        file,
		"COSERVER_LOG_LEVEL":     "warn",
		"COSERVER_SAVE_INTERVAL": "45s",
		"COSERVER_MAINTENANCE":   "1",
	})
	err := Load(fs, []string{"-save-interval", "2m", "-game-host=127.0.0.1"}, e)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name     string
		got, exp any
	}{
		{"file", c.File, file},
		{"db (file)", c.General.DB, "file.db"},
		{"max-players (file number)", c.Game.MaxPlayers, 100},
		{"auto-register (file bool)", c.Account.AutoRegister, true},
		{"packet-rate (file float)", c.Limits.PacketRate, 12.5},
		{"log-level (env over file)", c.General.LogLevel, "warn"},
		{"maintenance (env)", c.Account.Maintenance, true},
		{"save-interval (flag over env and file)", c.Game.SaveInterval, 2 * time.Minute},
		{"game-host (flag)", c.Account.GameHost, "127.0.0.1"},
		{"game-addr (default)", c.Game.GameAddr, ":5816"},
	}
	for _, ck := range checks {
		if ck.got != ck.exp {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.exp)
		}
	}
}

func TestConfigFlagOverridesEnvFile(t *testing.T) {
	envFile := writeFile(t, `{"db": "env.db"}`)
	flagFile := writeFile(t, `{"db": "flag.db"}`)
	e := env(map[string]string{"COSERVER_CONFIG": envFile})
	for _, args := range [][]string{
		{"-config", flagFile},
		{"--config=" + flagFile},
		{"-auto-register", "-config", flagFile, "-db", "flag.db"}, // bool flag before -config
	} {
		c, fs := newFlags(t)
		if err := Load(fs, args, e); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if c.General.DB != "flag.db" || c.File != flagFile {
			t.Errorf("%q: db = %q, file = %q; want flag.db from %s", args, c.General.DB, c.File, flagFile)
		}
	}
}

func TestFileErrors(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{`{"db": "x.db", "no-such-setting": 1}`, `unknown key "no-such-setting"`},
		{`{"max-players": "many"}`, `key "max-players"`},
		{`{"save-interval": 30}`, `key "save-interval"`},
		{`{"db": ["a"]}`, `key "db": value must be a string, number or boolean`},
		{`{"db": null}`, `key "db": value must be a string, number or boolean`},
		{`{"config": "other.json"}`, `key "config"`},
		{`["db"]`, "not a JSON object"},
		{`null`, "not a JSON object"},
		{`{"db": "x.db"} {}`, "data after the JSON object"},
	} {
		p := writeFile(t, tc.content)
		_, fs := newFlags(t)
		err := Load(fs, []string{"-config", p}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("file %s: err = %v, want it to name the file and contain %q", tc.content, err, tc.want)
		}
	}
	_, fs := newFlags(t)
	missing := filepath.Join(t.TempDir(), "missing.json")
	if err := Load(fs, []string{"-config", missing}, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want os.ErrNotExist", err)
	}
}

func TestBadEnvNamesVariable(t *testing.T) {
	for name, val := range map[string]string{
		"COSERVER_TOKEN_TTL":     "soon",
		"COSERVER_MAX_CONNS":     "lots",
		"COSERVER_AUTO_REGISTER": "yes please",
		"COSERVER_PACKET_BURST":  "x",
	} {
		_, fs := newFlags(t)
		err := Load(fs, nil, env(map[string]string{name: val}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: err = %v, want it to name the variable", name, val, err)
		}
	}
}

func TestCommandLineErrors(t *testing.T) {
	_, fs := newFlags(t)
	if err := Load(fs, []string{"-h"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
	_, fs = newFlags(t)
	if err := Load(fs, []string{"-no-such-flag"}, nil); err == nil || !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("unknown flag: err = %v", err)
	}
	_, fs = newFlags(t)
	if err := Load(fs, []string{"-max-players", "x"}, nil); err == nil || !strings.Contains(err.Error(), "max-players") {
		t.Errorf("bad flag value: err = %v", err)
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName("login-failures-per-ip"); got != "COSERVER_LOGIN_FAILURES_PER_IP" {
		t.Errorf("EnvName = %q", got)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		flag string
		set  func(c *Config)
	}{
		{"db", func(c *Config) { c.General.DB = "" }},
		{"log-level", func(c *Config) { c.General.LogLevel = "verbose" }},
		{"log-format", func(c *Config) { c.General.LogFormat = "xml" }},
		{"admin-addr", func(c *Config) { c.General.AdminAddr = "localhost" }},
		{"shutdown-timeout", func(c *Config) { c.General.ShutdownTimeout = 0 }},
		{"account-addr", func(c *Config) { c.Account.AccountAddr = ":99999" }},
		{"account-addr", func(c *Config) { c.Account.AccountAddr = ":http" }},
		{"game-host", func(c *Config) { c.Account.GameHost = "::1" }},
		{"game-host", func(c *Config) { c.Account.GameHost = "example.com" }},
		{"game-port", func(c *Config) { c.Account.GamePort = 70000 }},
		{"token-ttl", func(c *Config) { c.Account.TokenTTL = -time.Second }},
		{"login-failures-per-ip", func(c *Config) { c.Account.LoginFailuresPerIP = 0 }},
		{"login-failures-per-account", func(c *Config) { c.Account.LoginFailuresPerAccount = -1 }},
		{"login-lockout", func(c *Config) { c.Account.LoginLockout = 0 }},
		{"login-account-ceiling", func(c *Config) { c.Account.LoginAccountCeiling = 0 }},
		{"login-rate-per-ip", func(c *Config) { c.Account.LoginRatePerIP = 0 }},
		{"login-burst-per-ip", func(c *Config) { c.Account.LoginBurstPerIP = 0 }},
		{"login-exempt-ips", func(c *Config) { c.Account.LoginExemptIPs = "127.0.0.1,localhost" }},
		{"hash-queue", func(c *Config) { c.Account.HashQueue = 0 }},
		{"max-concurrent-hashes", func(c *Config) { c.Account.MaxConcurrentHashes = -1 }},
		{"game-addr", func(c *Config) { c.Game.GameAddr = "" }},
		{"save-interval", func(c *Config) { c.Game.SaveInterval = 0 }},
		{"max-players", func(c *Config) { c.Game.MaxPlayers = 0 }},
		{"max-conns", func(c *Config) { c.Limits.MaxConns = 0 }},
		{"max-conns-per-ip", func(c *Config) { c.Limits.MaxConnsPerIP = 0 }},
		{"handshake-timeout", func(c *Config) { c.Limits.HandshakeTimeout = 0 }},
		{"idle-timeout", func(c *Config) { c.Limits.IdleTimeout = 0 }},
		{"write-timeout", func(c *Config) { c.Limits.WriteTimeout = 0 }},
		{"outbox-limit", func(c *Config) { c.Limits.OutboxLimit = 0 }},
		{"packet-rate", func(c *Config) { c.Limits.PacketRate = 0 }},
		{"packet-burst", func(c *Config) { c.Limits.PacketBurst = 0.5 }},
		{"realm", func(c *Config) { c.Realm.Name = "East realm" }},
		{"realm", func(c *Config) { c.Realm.Name = "a.b" }},
		{"realm", func(c *Config) { c.Realm.Name = "SixteenCharsLong" }},
		{"announce-interval", func(c *Config) { c.Realm.AnnounceInterval = time.Millisecond }},
	} {
		c := Default()
		tc.set(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "-"+tc.flag+":") {
			t.Errorf("%s: Validate() = %v, want an error naming it", tc.flag, err)
		}
	}

	c := Default()
	c.General.AdminAddr = ""
	c.Account.GameHost = "127.0.0.1"
	c.Account.AccountAddr = "127.0.0.1:0"
	c.Game.GameAddr = "[::1]:0"
	c.Limits.PacketRate = -1
	if err := c.Validate(); err != nil {
		t.Errorf("test-server config: Validate() = %v", err)
	}

	c = Default()
	c.General.LogLevel = ""
	c.Game.MaxPlayers = 0
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "-log-level") || !strings.Contains(err.Error(), "-max-players") {
		t.Errorf("Validate() = %v, want both errors", err)
	}
}

func TestDetectHost(t *testing.T) {
	host, err := DetectHost()
	if err != nil {
		if host != "" || !strings.Contains(err.Error(), "-game-host") {
			t.Errorf("DetectHost() = %q, %v; want no host and an error pointing at -game-host", host, err)
		}
		return
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() == nil || ip.IsLoopback() {
		t.Errorf("DetectHost() = %q, want a non-loopback IPv4 address", host)
	}
}

func TestFirstIPv4(t *testing.T) {
	cidr := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	if host, err := firstIPv4([]net.Addr{cidr("127.0.0.1/8"), cidr("::1/128"), cidr("169.254.1.2/16")}); err == nil {
		t.Errorf("firstIPv4(loopback only) = %q, want an error", host)
	}
	if host, err := firstIPv4(nil); err == nil {
		t.Errorf("firstIPv4(nil) = %q, want an error", host)
	}
	addrs := []net.Addr{cidr("127.0.0.2/8"), cidr("fe80::1/64"), &net.IPAddr{IP: net.ParseIP("10.0.0.7")}, cidr("192.168.1.10/24")}
	if host, err := firstIPv4(addrs); err != nil || host != "10.0.0.7" {
		t.Errorf("firstIPv4 = %q, %v; want 10.0.0.7", host, err)
	}
}

func TestMarkdownOtherFlags(t *testing.T) {
	_, fs := newFlags(t)
	fs.String("extra", "x", "a | b")
	md := Markdown(fs)
	if !strings.Contains(md, "### Other\n") || !strings.Contains(md, "| `-extra` | `COSERVER_EXTRA` | `x` |  | a \\| b |\n") {
		t.Errorf("Markdown does not list the unregistered flag under Other:\n%s", md)
	}
}

func TestConfigDocUpToDate(t *testing.T) {
	_, fs := newFlags(t)
	want := Markdown(fs)
	const path = "../docs/CONFIG.md"
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	const regen = "regenerate it with:\n\tgo test ./config -run TestConfigDocUpToDate -update"
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; %s", err, regen)
	}
	if string(got) != want {
		t.Fatalf("docs/CONFIG.md is out of date with package config; %s", regen)
	}
}

// TestValidateNonsense checks the settings an attacker's review found
// accepted: each is refused with its flag and the bound it breaks, and all
// of them are reported at once.
func TestValidateNonsense(t *testing.T) {
	c, fs := newFlags(t)
	args := []string{"-flush-delay", "1h", "-outbox-limit", "1", "-packet-burst", "1e308",
		"-token-ttl", "1ns", "-save-interval", "1ns"}
	if err := Load(fs, args, nil); err != nil {
		t.Fatal(err)
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted nonsense settings")
	}
	for _, want := range []string{
		"-flush-delay: 1h0m0s is above the maximum 50ms",
		"-outbox-limit: 1 is below the minimum 16384",
		"-packet-burst: 1e+308 is above the maximum 100000",
		"-token-ttl: 1ns is below the minimum 5s",
		"-save-interval: 1ns is below the minimum 1s",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 5 {
		t.Errorf("Validate() reported %d errors, want 5:\n%v", n, err)
	}
}

// TestValidateBoundaries checks every ranged setting at its bounds (valid)
// and just past them (invalid, naming the flag).
func TestValidateBoundaries(t *testing.T) {
	probe := Default()
	for _, s := range probe.settings() {
		if s.rng == nil {
			continue
		}
		var below, above []func(any)
		var at []func(any)
		switch s.rng.min.(type) {
		case int:
			lo, hi := s.rng.min.(int), s.rng.max.(int)
			set := func(v int) func(any) { return func(p any) { *p.(*int) = v } }
			at = append(at, set(lo), set(hi))
			below, above = append(below, set(lo-1)), append(above, set(hi+1))
		case time.Duration:
			lo, hi := s.rng.min.(time.Duration), s.rng.max.(time.Duration)
			set := func(v time.Duration) func(any) { return func(p any) { *p.(*time.Duration) = v } }
			at = append(at, set(lo), set(hi))
			below, above = append(below, set(lo-1)), append(above, set(hi+1))
		case float64:
			lo, hi := s.rng.min.(float64), s.rng.max.(float64)
			set := func(v float64) func(any) { return func(p any) { *p.(*float64) = v } }
			at = append(at, set(lo), set(hi))
			below = append(below, set(math.Nextafter(lo, math.Inf(-1))), set(math.NaN()))
			above = append(above, set(math.Nextafter(hi, math.Inf(1))), set(math.Inf(1)))
		}
		if s.rng.negOff && s.rng.min == any(time.Duration(0)) {
			below = below[1:] // just below a minimum of 0 is negative: "off", valid
		}
		try := func(set func(any)) error {
			c := Default()
			for _, cs := range c.settings() {
				if cs.name == s.name {
					set(cs.ptr)
				}
			}
			return c.Validate()
		}
		for _, set := range at {
			if err := try(set); err != nil {
				t.Errorf("-%s at a bound: Validate() = %v", s.name, err)
			}
		}
		for _, set := range append(below, above...) {
			if err := try(set); err == nil || !strings.Contains(err.Error(), "-"+s.name+": ") {
				t.Errorf("-%s out of range: Validate() = %v, want an error naming it", s.name, err)
			}
		}
		if s.rng.negOff {
			neg := func(p any) {
				switch p := p.(type) {
				case *float64:
					*p = -1
				case *time.Duration:
					*p = -1
				}
			}
			if err := try(neg); err != nil {
				t.Errorf("-%s negative (off): Validate() = %v", s.name, err)
			}
		}
	}
}

func TestExemptIPs(t *testing.T) {
	for list, want := range map[string]string{
		"127.0.0.1,::1":           "[127.0.0.1/32 ::1/128]",
		" 10.0.0.0/8 , 192.0.2.7": "[10.0.0.0/8 192.0.2.7/32]",
		"10.1.2.3/8":              "[10.0.0.0/8]",
		"none":                    "[]",
		"":                        "[]",
	} {
		got, err := ExemptIPs(list)
		if err != nil || fmt.Sprint(got) != want || got == nil {
			t.Errorf("ExemptIPs(%q) = %v, %v; want %s (non-nil)", list, got, err, want)
		}
	}
	if _, err := ExemptIPs("127.0.0.1,not-an-ip"); err == nil {
		t.Error("a bad entry was accepted")
	}
}

func TestGroupOf(t *testing.T) {
	for name, want := range map[string]string{
		"db": GroupGeneral, "game-host": GroupAccount, "client-dir": GroupGame, "max-conns-per-ip": GroupLimits, "nope": "",
	} {
		if got := GroupOf(name); got != want {
			t.Errorf("GroupOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestAdminTokenRequiredOffLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:9100", "", true},
		{"[::1]:9100", "", true},
		{"localhost:9100", "", true},
		{":9100", "", false},
		{"0.0.0.0:9100", "", false},
		{"192.0.2.7:9100", "", false},
		{":9100", "s3cret", true},
	} {
		c := Default()
		c.General.AdminAddr, c.General.AdminToken = tc.addr, tc.token
		err := c.Validate()
		if tc.ok != (err == nil) {
			t.Errorf("admin %q token %q: Validate() = %v", tc.addr, tc.token, err)
		}
		if err != nil && (!strings.Contains(err.Error(), "-admin-addr:") || !strings.Contains(err.Error(), "-admin-token")) {
			t.Errorf("admin %q: error %q does not name both flags", tc.addr, err)
		}
	}
}
