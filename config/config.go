// Package config holds every coserver setting in one place.
//
// A flag.FlagSet is the single registry of settings: Register binds each
// Config field to a flag, Load fills the flags from a config file, the
// environment and the command line, and Markdown renders the reference in
// docs/CONFIG.md from the same flags. Precedence, lowest first: defaults,
// config file, environment, command-line flags.
//
// Typical use:
//
//	cfg := config.Default()
//	fs := flag.NewFlagSet("coserver", flag.ContinueOnError)
//	cfg.Register(fs)
//	if err := config.Load(fs, os.Args[1:], os.Getenv); err != nil {
//		return err
//	}
//	if err := cfg.Validate(); err != nil {
//		return err
//	}
package config

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/coserver/coserver/account"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/token"
)

// Config is every setting of the server. Default returns it with the
// documented defaults; Register binds it to flags.
type Config struct {
	// File is the JSON config file the settings were read from, if any
	// (flag -config, environment COSERVER_CONFIG).
	File string

	General General
	Account Account
	Game    Game
	Limits  Limits
}

// General holds the process-wide settings.
type General struct {
	// DB is the path of the SQLite database file.
	DB string
	// LogLevel is the minimum level logged: debug, info, warn or error.
	LogLevel string
	// LogFormat is the log output format: text or json.
	LogFormat string
	// AdminAddr is the listen address of the admin HTTP server (Prometheus
	// /metrics and /debug/pprof); empty disables it.
	AdminAddr string
	// ShutdownTimeout bounds a graceful shutdown: saving the online
	// characters and flushing and closing connections.
	ShutdownTimeout time.Duration
}

// Account holds the settings of the account (login) server.
type Account struct {
	// AccountAddr is the listen address of the account server.
	AccountAddr string
	// GameHost is the IPv4 address the account server sends clients for
	// the game server. Empty means DetectHost: the 5017 client refuses a
	// 127.x game address, so loopback must be chosen explicitly.
	GameHost string
	// GamePort is the game server port sent to clients; 0 means the port
	// of Game.GameAddr.
	GamePort int
	// AutoRegister creates an account on the first login with an unknown
	// name, for test servers and bots.
	AutoRegister bool
	// TokenTTL is how long the token handed to a client at login stays
	// valid for connecting to the game server.
	TokenTTL time.Duration
	// LoginFailuresPerIP is the number of failed logins from one IP
	// address before the address is locked out.
	LoginFailuresPerIP int
	// LoginFailuresPerAccount is the number of failed logins for one
	// account before the account is locked out.
	LoginFailuresPerAccount int
	// LoginLockout is how long an IP address or account stays locked out.
	LoginLockout time.Duration
	// Maintenance refuses every login with the server-down code.
	Maintenance bool
	// PasswordHash is the argon2id cost of new hashes: "default" or "test"
	// (cheap, for bot runs and test servers).
	PasswordHash string
}

// Game holds the settings of the game server.
type Game struct {
	// GameAddr is the listen address of the game server.
	GameAddr string
	// ClientDir is a 5017 client folder whose ini/GameMap.dat and DMap
	// files are loaded; empty means the built-in maps.
	ClientDir string
	// ContentDir is a content pack folder (npcs.toml, portals.toml,
	// scripts/) replacing the pack built into the binary; empty means the
	// built-in pack.
	ContentDir string
	// SaveInterval is how often online characters are saved.
	SaveInterval time.Duration
	// MaxPlayers caps the characters in the game at once.
	MaxPlayers int
}

// Limits holds the connection limits, applied to each listener (account
// and game) separately.
type Limits struct {
	// MaxConns caps the connections open at once.
	MaxConns int
	// MaxConnsPerIP caps the connections open from one IP address.
	MaxConnsPerIP int
	// HandshakeTimeout is how long a new connection has to send its first
	// packet.
	HandshakeTimeout time.Duration
	// IdleTimeout closes a connection that sends nothing for this long.
	IdleTimeout time.Duration
	// WriteTimeout bounds one socket write to a client.
	WriteTimeout time.Duration
	// OutboxLimit is the most bytes queued for one client; past it the
	// client is disconnected as a slow consumer.
	OutboxLimit int
	// FlushDelay is how long a connection's writer gathers packets before
	// writing them with one syscall.
	FlushDelay time.Duration
	// PacketRate is the sustained packets per second a client may send;
	// negative disables the limit (benchmarks only).
	PacketRate float64
	// PacketBurst is the packets a client may send in a burst above
	// PacketRate.
	PacketBurst float64
}

// Default returns the configuration with every setting at its default.
func Default() Config {
	return Config{
		General: General{
			DB:              "data/coserver.db",
			LogLevel:        "info",
			LogFormat:       "text",
			AdminAddr:       "127.0.0.1:9100",
			ShutdownTimeout: 20 * time.Second,
		},
		Account: Account{
			AccountAddr:             ":9958",
			TokenTTL:                token.DefaultTTL,
			LoginFailuresPerIP:      account.DefaultFailuresPerIP,
			LoginFailuresPerAccount: account.DefaultFailuresPerAccount,
			LoginLockout:            account.DefaultLockout,
			PasswordHash:            "default",
		},
		Game: Game{
			GameAddr:     ":5816",
			SaveInterval: game.DefaultSaveInterval,
			MaxPlayers:   game.DefaultMaxPlayers,
		},
		Limits: Limits{
			MaxConns:         server.DefaultMaxConns,
			MaxConnsPerIP:    server.DefaultMaxConnsPerIP,
			HandshakeTimeout: server.DefaultHandshakeTimeout,
			IdleTimeout:      server.DefaultIdleTimeout,
			WriteTimeout:     server.DefaultWriteTimeout,
			OutboxLimit:      server.DefaultOutboxLimit,
			FlushDelay:       server.DefaultFlushDelay,
			PacketRate:       server.DefaultPacketRate,
			PacketBurst:      server.DefaultPacketBurst,
		},
	}
}

// Register binds every field of c to a flag of fs, with c's current value
// as the flag's default; call it on Default() for the documented defaults.
func (c *Config) Register(fs *flag.FlagSet) {
	for _, s := range c.settings() {
		switch p := s.ptr.(type) {
		case *string:
			fs.StringVar(p, s.name, *p, s.usage)
		case *int:
			fs.IntVar(p, s.name, *p, s.usage)
		case *bool:
			fs.BoolVar(p, s.name, *p, s.usage)
		case *time.Duration:
			fs.DurationVar(p, s.name, *p, s.usage)
		case *float64:
			fs.Float64Var(p, s.name, *p, s.usage)
		default:
			panic(fmt.Sprintf("config: setting %s has unsupported type %T", s.name, p))
		}
	}
}

// setting is one flag: its group in docs/CONFIG.md, name, the field it
// sets and a one-line usage ending with its unit.
type setting struct {
	group, name string
	ptr         any
	usage       string
}

// settings lists the settings of c in the order of docs/CONFIG.md.
func (c *Config) settings() []setting {
	g, a, m, l := &c.General, &c.Account, &c.Game, &c.Limits
	const (
		general = "General"
		account = "Account server"
		game    = "Game server"
		limits  = "Connection limits (each listener)"
	)
	return []setting{
		{general, "config", &c.File, "read settings from this JSON file (keys are flag names); see docs/CONFIG.md"},
		{general, "db", &g.DB, "path of the SQLite database file"},
		{general, "log-level", &g.LogLevel, "minimum log level: debug, info, warn or error"},
		{general, "log-format", &g.LogFormat, "log output format: text or json"},
		{general, "admin-addr", &g.AdminAddr, "host:port of the admin HTTP server (Prometheus /metrics, /debug/pprof); empty disables it"},
		{general, "shutdown-timeout", &g.ShutdownTimeout, "time allowed on shutdown to save characters and close connections (duration)"},

		{account, "account-addr", &a.AccountAddr, "host:port the account (login) server listens on"},
		{account, "game-host", &a.GameHost, "IPv4 address of the game server sent to clients; empty = the host's first non-loopback IPv4 (the 5017 client refuses 127.x unless set here)"},
		{account, "game-port", &a.GamePort, "game server port sent to clients; 0 = the port of -game-addr"},
		{account, "auto-register", &a.AutoRegister, "create an account on the first login with an unknown name (test servers and bots)"},
		{account, "token-ttl", &a.TokenTTL, "how long a login token stays valid for connecting to the game server (duration)"},
		{account, "login-failures-per-ip", &a.LoginFailuresPerIP, "failed logins from one IP address before it is locked out (count)"},
		{account, "login-failures-per-account", &a.LoginFailuresPerAccount, "failed logins for one account before it is locked out (count)"},
		{account, "login-lockout", &a.LoginLockout, "how long a locked-out IP address or account stays locked (duration)"},
		{account, "maintenance", &a.Maintenance, "refuse every login with the server-down code"},
		{account, "password-hash", &a.PasswordHash, "argon2id cost of new password hashes: default (64 MiB, the production setting) or test (64 KiB; bot runs and test servers only, never real players)"},

		{game, "game-addr", &m.GameAddr, "host:port the game server listens on"},
		{game, "client-dir", &m.ClientDir, "5017 client folder to load ini/GameMap.dat and DMap files from; empty = built-in maps"},
		{game, "content-dir", &m.ContentDir, "content pack folder (NPCs, portals, Lua scripts; docs/CONTENT.md) replacing the built-in one; reloaded on SIGHUP; empty = built-in pack"},
		{game, "save-interval", &m.SaveInterval, "how often online characters are saved to the database (duration)"},
		{game, "max-players", &m.MaxPlayers, "most characters in the game at once (count)"},

		{limits, "max-conns", &l.MaxConns, "most connections open at once (count)"},
		{limits, "max-conns-per-ip", &l.MaxConnsPerIP, "most connections open from one IP address (count)"},
		{limits, "handshake-timeout", &l.HandshakeTimeout, "time a new connection has to send its first packet (duration)"},
		{limits, "idle-timeout", &l.IdleTimeout, "close a connection that sends nothing for this long (duration)"},
		{limits, "write-timeout", &l.WriteTimeout, "longest one socket write to a client may take (duration)"},
		{limits, "outbox-limit", &l.OutboxLimit, "data queued for one client before it is disconnected as too slow (bytes)"},
		{limits, "flush-delay", &l.FlushDelay, "how long a client's writer gathers packets before one write; negative writes at once (duration)"},
		{limits, "packet-rate", &l.PacketRate, "packets a client may send per second, sustained; negative disables the limit, for benchmarks only (packets/s)"},
		{limits, "packet-burst", &l.PacketBurst, "packets a client may send in a burst above -packet-rate (packets)"},
	}
}

// Validate reports every invalid setting, each naming its flag.
func (c Config) Validate() error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("-%s: %s", flag, fmt.Sprintf(format, args...)))
	}
	positive := func(flag string, d time.Duration) {
		if d <= 0 {
			bad(flag, "must be a positive duration, got %v", d)
		}
	}
	atLeastOne := func(flag string, n int) {
		if n < 1 {
			bad(flag, "must be at least 1, got %d", n)
		}
	}
	listen := func(flag, addr string) {
		if err := checkListenAddr(addr); err != nil {
			bad(flag, "%v", err)
		}
	}

	g := c.General
	if g.DB == "" {
		bad("db", "must not be empty")
	}
	switch g.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level", "must be debug, info, warn or error, got %q", g.LogLevel)
	}
	if a := c.Account.PasswordHash; a != "default" && a != "test" {
		bad("password-hash", "must be default or test, got %q", a)
	}
	switch g.LogFormat {
	case "text", "json":
	default:
		bad("log-format", "must be text or json, got %q", g.LogFormat)
	}
	if g.AdminAddr != "" {
		listen("admin-addr", g.AdminAddr)
	}
	positive("shutdown-timeout", g.ShutdownTimeout)

	a := c.Account
	listen("account-addr", a.AccountAddr)
	if a.GameHost != "" {
		if ip, err := netip.ParseAddr(a.GameHost); err != nil || !ip.Is4() {
			bad("game-host", "must be an IPv4 address or empty, got %q", a.GameHost)
		}
	}
	if a.GamePort < 0 || a.GamePort > 65535 {
		bad("game-port", "must be 0 to 65535, got %d", a.GamePort)
	}
	positive("token-ttl", a.TokenTTL)
	atLeastOne("login-failures-per-ip", a.LoginFailuresPerIP)
	atLeastOne("login-failures-per-account", a.LoginFailuresPerAccount)
	positive("login-lockout", a.LoginLockout)

	m := c.Game
	listen("game-addr", m.GameAddr)
	positive("save-interval", m.SaveInterval)
	atLeastOne("max-players", m.MaxPlayers)

	l := c.Limits
	atLeastOne("max-conns", l.MaxConns)
	atLeastOne("max-conns-per-ip", l.MaxConnsPerIP)
	positive("handshake-timeout", l.HandshakeTimeout)
	positive("idle-timeout", l.IdleTimeout)
	positive("write-timeout", l.WriteTimeout)
	atLeastOne("outbox-limit", l.OutboxLimit)
	if l.PacketRate == 0 || math.IsNaN(l.PacketRate) || math.IsInf(l.PacketRate, 0) {
		bad("packet-rate", "must be positive, or negative to disable the limit, got %v", l.PacketRate)
	}
	if !(l.PacketBurst >= 1) || math.IsInf(l.PacketBurst, 0) {
		bad("packet-burst", "must be at least 1, got %v", l.PacketBurst)
	}
	return errors.Join(errs...)
}

// checkListenAddr accepts host:port with a numeric port; an empty host
// means every interface and port 0 a free port.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must be host:port, got %q", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port must be a number from 0 to 65535, got %q", port)
	}
	return nil
}

// DetectHost returns the first IPv4 address of an up, non-loopback
// interface, skipping loopback and link-local addresses: the default game
// host sent to clients, since the 5017 client refuses a 127.x address.
func DetectHost() (string, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return "", fmt.Errorf("detect game host: %w", err)
	}
	var addrs []net.Addr
	for _, ifi := range ifaces {
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagLoopback != 0 {
			continue
		}
		a, err := ifi.Addrs()
		if err != nil {
			continue
		}
		addrs = append(addrs, a...)
	}
	return firstIPv4(addrs)
}

// firstIPv4 returns the first usable IPv4 address among addrs.
func firstIPv4(addrs []net.Addr) (string, error) {
	for _, a := range addrs {
		var ip net.IP
		switch v := a.(type) {
		case *net.IPNet:
			ip = v.IP
		case *net.IPAddr:
			ip = v.IP
		default:
			continue
		}
		ip4 := ip.To4()
		if ip4 == nil || ip4.IsLoopback() || ip4.IsLinkLocalUnicast() || ip4.IsUnspecified() {
			continue
		}
		return ip4.String(), nil
	}
	return "", errors.New("detect game host: no non-loopback IPv4 address found; set -game-host")
}
