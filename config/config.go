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
	"strings"
	"time"

	"github.com/coserver/coserver/account"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/realm"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
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
	Realm   Realm
}

// General holds the process-wide settings.
type General struct {
	// DB is the database: the path of a SQLite file, or a PostgreSQL URL
	// (postgres://user:password@host:port/db; see docs/ITEMS-STORE.md).
	DB string
	// LogLevel is the minimum level logged: debug, info, warn or error.
	LogLevel string
	// LogFormat is the log output format: text or json.
	LogFormat string
	// AdminAddr is the listen address of the admin HTTP server (the admin
	// page and API, Prometheus /metrics and /debug/pprof); empty disables it.
	AdminAddr string
	// AdminToken is the bearer token the admin HTTP server requires from
	// clients that are not on loopback; empty allows loopback clients only.
	AdminToken string
	// ShutdownTimeout bounds a graceful shutdown: saving the online
	// characters and flushing and closing connections.
	ShutdownTimeout time.Duration
	// Trace lists the accounts, characters or IP addresses (comma
	// separated) whose every packet is logged, decoded; empty traces
	// nothing. POST /admin/trace changes it at runtime (docs/PROXY.md).
	Trace string
	// TraceRecord is a file the traced connections' packets are also
	// written to, as a recording (coserver replay reads it); empty writes
	// none.
	TraceRecord string
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
	// account from one IP address before that pair is locked out.
	LoginFailuresPerAccount int
	// LoginAccountCeiling is the number of failed logins for one account
	// from all addresses together before the account is locked out.
	LoginAccountCeiling int
	// LoginLockout is how long an IP address or account stays locked out.
	LoginLockout time.Duration
	// LoginRatePerIP is the login attempts per second one IP address may
	// start, successful or not; negative means no limit.
	LoginRatePerIP float64
	// LoginBurstPerIP is the login attempts one IP address may start at
	// once.
	LoginBurstPerIP float64
	// LoginExemptIPs lists the addresses (or prefixes), comma-separated,
	// free of the per-IP login limits; "none" exempts nobody.
	LoginExemptIPs string
	// HashQueue is how many logins may wait for a password hash; beyond
	// it a login is answered "server busy" at once.
	HashQueue int
	// MaxConcurrentHashes is how many password hashes run at once; 0 means
	// one per core.
	MaxConcurrentHashes int
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
	// WarehouseCapacity is how many items a character may keep in each
	// warehouse NPC.
	WarehouseCapacity int
	// ScreenPlayers caps the players one player sees (and is seen by) in a
	// crowd, nearest first; 0 means no cap (docs/ARCHITECTURE.md, Crowds).
	ScreenPlayers int
}

// Realm holds the settings of several processes joined over NATS: realms
// (game servers named by the server name clients pick) and account servers
// routing to them (docs/SCALING.md).
type Realm struct {
	// NATS is the NATS server URL, with credentials when it requires them
	// (nats://user:password@host:4222); empty runs a single process, as
	// without realms.
	NATS string
	// Name is the realm this process's game server serves: the server name
	// clients pick in MsgAccount.
	Name string
	// AnnounceInterval is how often a realm announces itself; account
	// servers drop a realm after three missed announcements.
	AnnounceInterval time.Duration
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
	// LaterDelay is the longest the game holds back news of others (their
	// steps, spawns, chat, fights a player only watches) so that it shares
	// a write with what comes next.
	LaterDelay time.Duration
	// LaterDelayBusy is how long that hold may stretch while the
	// process's processors are busy (from 60 % to 90 % of them).
	LaterDelayBusy time.Duration
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
			LoginAccountCeiling:     account.DefaultAccountCeiling,
			LoginRatePerIP:          account.DefaultLoginRatePerIP,
			LoginBurstPerIP:         account.DefaultLoginBurstPerIP,
			LoginExemptIPs:          "127.0.0.1,::1",
			HashQueue:               account.DefaultHashQueue,
			PasswordHash:            "default",
		},
		Game: Game{
			GameAddr:     ":5816",
			SaveInterval: game.DefaultSaveInterval,
			MaxPlayers:   game.DefaultMaxPlayers,

			WarehouseCapacity: game.DefaultWarehouseCapacity,
			ScreenPlayers:     game.DefaultScreenPlayers,
		},
		Limits: Limits{
			MaxConns:         server.DefaultMaxConns,
			MaxConnsPerIP:    server.DefaultMaxConnsPerIP,
			HandshakeTimeout: server.DefaultHandshakeTimeout,
			IdleTimeout:      server.DefaultIdleTimeout,
			WriteTimeout:     server.DefaultWriteTimeout,
			OutboxLimit:      server.DefaultOutboxLimit,
			FlushDelay:       server.DefaultFlushDelay,
			LaterDelay:       server.DefaultLaterDelay,
			LaterDelayBusy:   server.DefaultLaterDelayBusy,
			PacketRate:       server.DefaultPacketRate,
			PacketBurst:      server.DefaultPacketBurst,
		},
		Realm: Realm{AnnounceInterval: realm.DefaultInterval},
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

// Ranges of the numeric settings, checked by Validate and listed in
// docs/CONFIG.md. A value outside its range is refused at start, naming the
// flag: nonsense such as a one-nanosecond save interval or a one-byte
// outbox would otherwise run, and fail in ways far from their cause.
const (
	ShutdownTimeoutMin  = time.Second      // a save needs at least this
	ShutdownTimeoutMax  = 10 * time.Minute // an orchestrator kills before
	GamePortMin         = 0                // 0 = the port of -game-addr
	GamePortMax         = 65535
	TokenTTLMin         = 5 * time.Second  // a client needs seconds to reach the game server
	TokenTTLMax         = 10 * time.Minute // a leaked token stays usable no longer
	LoginFailuresMin    = 1                // -login-failures-per-ip and -per-account
	LoginFailuresMax    = 1000
	LoginLockoutMin     = time.Second
	LoginLockoutMax     = 24 * time.Hour
	AccountCeilingMin   = 1 // -login-account-ceiling
	AccountCeilingMax   = 100_000
	LoginRateMin        = 0.01 // -login-rate-per-ip, attempts/s (negative: no limit)
	LoginRateMax        = 100_000
	LoginBurstMin       = 1 // -login-burst-per-ip
	LoginBurstMax       = 100_000
	HashQueueMin        = 1 // -hash-queue
	HashQueueMax        = 100_000
	HashesMin           = 0 // -max-concurrent-hashes; 0 = one per core
	HashesMax           = 1024
	SaveIntervalMin     = time.Second // each save is one transaction of every online character
	SaveIntervalMax     = time.Hour   // progress a crash may lose
	MaxPlayersMin       = 1
	MaxPlayersMax       = 100_000
	ScreenPlayersMin    = 0 // 0 = no cap
	ScreenPlayersMax    = 100_000
	MaxConnsMin         = 1
	MaxConnsMax         = 1_000_000
	MaxConnsPerIPMin    = 1
	MaxConnsPerIPMax    = 100_000
	HandshakeTimeoutMin = time.Second
	HandshakeTimeoutMax = 5 * time.Minute // an unauthenticated connection holds a slot this long
	IdleTimeoutMin      = 10 * time.Second
	IdleTimeoutMax      = 24 * time.Hour
	WriteTimeoutMin     = time.Second
	WriteTimeoutMax     = 5 * time.Minute
	OutboxLimitMin      = 16 << 10 // one outbox chunk: a login answers with several packets at once
	OutboxLimitMax      = 64 << 20
	FlushDelayMin       = 0 // 0 = the default; negative = write at once
	FlushDelayMax       = 50 * time.Millisecond
	LaterDelayMin       = 0 // 0 = the default; negative = with the next write, as any packet
	LaterDelayMax       = time.Second
	LaterDelayBusyMin   = 0 // 0 = the default; negative (or not above -later-delay) = never stretch
	LaterDelayBusyMax   = time.Second
	PacketRateMin       = 1 // negative = no limit (benchmarks only)
	PacketRateMax       = 10_000
	PacketBurstMin      = 1
	PacketBurstMax      = 100_000
	AnnounceIntervalMin = realm.MinInterval // a realm is dropped after three missed announcements
	AnnounceIntervalMax = realm.MaxInterval
)

// WarehouseCapacityMin and WarehouseCapacityMax bound -warehouse-capacity:
// the store refuses more than store.MaxWarehouseItems items in one
// warehouse.
const (
	WarehouseCapacityMin = 1
	WarehouseCapacityMax = store.MaxWarehouseItems
)

// setting is one flag: its group in docs/CONFIG.md, name, the field it
// sets and a one-line usage ending with its unit; for a numeric setting,
// its range.
type setting struct {
	group, name string
	ptr         any
	usage       string
	rng         *valueRange
}

// valueRange is the accepted values of a numeric setting: min and max have
// the type the setting points to; negOff also accepts a negative value,
// meaning "off".
type valueRange struct {
	min, max any
	negOff   bool
}

// between returns the range [lo, hi].
func between[T int | float64 | time.Duration](lo, hi T) *valueRange {
	return &valueRange{min: lo, max: hi}
}

// orNegative returns the range [lo, hi] that also accepts negative values.
func orNegative[T int | float64 | time.Duration](lo, hi T) *valueRange {
	return &valueRange{min: lo, max: hi, negOff: true}
}

// check returns why the value at ptr is outside r, or "".
func (r *valueRange) check(ptr any) string {
	switch p := ptr.(type) {
	case *int:
		return checkRange(*p, r.min.(int), r.max.(int), r.negOff)
	case *time.Duration:
		return checkRange(*p, r.min.(time.Duration), r.max.(time.Duration), r.negOff)
	case *float64:
		if math.IsNaN(*p) {
			return "NaN is not a number"
		}
		return checkRange(*p, r.min.(float64), r.max.(float64), r.negOff)
	}
	panic(fmt.Sprintf("config: range on unsupported type %T", ptr))
}

func checkRange[T int | float64 | time.Duration](v, lo, hi T, negOff bool) string {
	switch {
	case v < 0 && negOff:
		return ""
	case v < lo:
		return fmt.Sprintf("%s is below the minimum %s", formatValue(v), formatValue(lo))
	case v > hi:
		return fmt.Sprintf("%s is above the maximum %s", formatValue(v), formatValue(hi))
	}
	return ""
}

// formatValue writes a setting's value as it is given on the command line.
func formatValue(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// String describes r for docs/CONFIG.md.
func (r *valueRange) String() string {
	s := formatValue(r.min) + " to " + formatValue(r.max)
	if r.negOff {
		s += ", or negative"
	}
	return s
}

// settings lists the settings of c in the order of docs/CONFIG.md.
func (c *Config) settings() []setting {
	g, a, m, l, r := &c.General, &c.Account, &c.Game, &c.Limits, &c.Realm
	const (
		general = GroupGeneral
		account = GroupAccount
		game    = GroupGame
		limits  = GroupLimits
		realms  = GroupRealm
	)
	return []setting{
		{general, "config", &c.File, "read settings from this JSON file (keys are flag names); see docs/CONFIG.md", nil},
		{general, "db", &g.DB, "the database: a SQLite file path, or postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL", nil},
		{general, "log-level", &g.LogLevel, "minimum log level: debug, info, warn or error", nil},
		{general, "log-format", &g.LogFormat, "log output format: text or json", nil},
		{general, "admin-addr", &g.AdminAddr, "host:port of the admin HTTP server (web page and API /admin/, Prometheus /metrics, /debug/pprof; docs/ADMIN.md); empty disables it; coserver game-server defaults to 127.0.0.1:9101, so that an account-server beside it keeps 9100", nil},
		{general, "admin-token", &g.AdminToken, "bearer token the admin HTTP server requires from non-loopback clients (Authorization: Bearer TOKEN); empty = loopback clients only; required when -admin-addr is not a loopback address", nil},
		{general, "trace", &g.Trace, "log every packet, decoded, of these accounts, characters or IP addresses (comma-separated; POST /admin/trace changes it at runtime); empty traces nothing", nil},
		{general, "trace-record", &g.TraceRecord, "also write the packets of traced connections (-trace) to this file as a recording for coserver replay (passwords masked); empty writes none", nil},
		{general, "shutdown-timeout", &g.ShutdownTimeout, "time allowed on shutdown to save characters and close connections (duration)", between(ShutdownTimeoutMin, ShutdownTimeoutMax)},

		{account, "account-addr", &a.AccountAddr, "host:port the account (login) server listens on", nil},
		{account, "game-host", &a.GameHost, "IPv4 address of the game server sent to clients; empty = the host's first non-loopback IPv4 (the 5017 client refuses 127.x unless set here)", nil},
		{account, "game-port", &a.GamePort, "game server port sent to clients; 0 = the port of -game-addr", between(GamePortMin, GamePortMax)},
		{account, "auto-register", &a.AutoRegister, "create an account on the first login with an unknown name (test servers and bots)", nil},
		{account, "token-ttl", &a.TokenTTL, "how long a login token stays valid for connecting to the game server (duration)", between(TokenTTLMin, TokenTTLMax)},
		{account, "login-failures-per-ip", &a.LoginFailuresPerIP, "failed logins from one IP address before it is locked out (count)", between(LoginFailuresMin, LoginFailuresMax)},
		{account, "login-failures-per-account", &a.LoginFailuresPerAccount, "failed logins for one account from one IP address before that pair is locked out (count)", between(LoginFailuresMin, LoginFailuresMax)},
		{account, "login-account-ceiling", &a.LoginAccountCeiling, "failed logins for one account from all addresses before the account is locked out (count)", between(AccountCeilingMin, AccountCeilingMax)},
		{account, "login-lockout", &a.LoginLockout, "how long a locked-out key stays locked; each further failure doubles it, up to 1h (duration)", between(LoginLockoutMin, LoginLockoutMax)},
		{account, "login-rate-per-ip", &a.LoginRatePerIP, "login attempts one IP address may start per second, successful or not; negative = no limit (attempts/s)", orNegative[float64](LoginRateMin, LoginRateMax)},
		{account, "login-burst-per-ip", &a.LoginBurstPerIP, "login attempts one IP address may start at once (attempts)", between[float64](LoginBurstMin, LoginBurstMax)},
		{account, "login-exempt-ips", &a.LoginExemptIPs, "comma-separated addresses or prefixes free of the per-IP login limits (bot swarms, tests); none = nobody", nil},
		{account, "hash-queue", &a.HashQueue, "logins that may wait for a password hash; more are answered server busy at once (count)", between(HashQueueMin, HashQueueMax)},
		{account, "max-concurrent-hashes", &a.MaxConcurrentHashes, "password hashes computed at once; 0 = one per core (count)", between(HashesMin, HashesMax)},
		{account, "maintenance", &a.Maintenance, "refuse every login with the server-down code", nil},
		{account, "password-hash", &a.PasswordHash, "argon2id cost of new password hashes: default (64 MiB, the production setting) or test (64 KiB; bot runs and test servers only, never real players)", nil},

		{game, "game-addr", &m.GameAddr, "host:port the game server listens on", nil},
		{game, "client-dir", &m.ClientDir, "5017 client folder to load ini/GameMap.dat and DMap files from; empty = built-in maps", nil},
		{game, "content-dir", &m.ContentDir, "content pack folder (NPCs, portals, Lua scripts; docs/CONTENT.md) replacing the built-in one; reloaded on SIGHUP; empty = built-in pack", nil},
		{game, "save-interval", &m.SaveInterval, "how often online characters are saved to the database (duration)", between(SaveIntervalMin, SaveIntervalMax)},
		{game, "max-players", &m.MaxPlayers, "most characters in the game at once (count)", between(MaxPlayersMin, MaxPlayersMax)},
		{game, "warehouse-capacity", &m.WarehouseCapacity, "items a character may keep in each warehouse NPC (count)", between(WarehouseCapacityMin, WarehouseCapacityMax)},
		{game, "screen-players", &m.ScreenPlayers, "most players one player sees, and is seen by, in a crowd (the nearest: one clearly nearer than the farthest shown takes its place, up to 2 a second per player); 0 = no cap (count)", between(ScreenPlayersMin, ScreenPlayersMax)},

		{limits, "max-conns", &l.MaxConns, "most connections open at once (count)", between(MaxConnsMin, MaxConnsMax)},
		{limits, "max-conns-per-ip", &l.MaxConnsPerIP, "most connections open from one IP address (count)", between(MaxConnsPerIPMin, MaxConnsPerIPMax)},
		{limits, "handshake-timeout", &l.HandshakeTimeout, "time a new connection has from accept to log in (an absolute deadline: packets do not extend it) (duration)", between(HandshakeTimeoutMin, HandshakeTimeoutMax)},
		{limits, "idle-timeout", &l.IdleTimeout, "close a logged-in connection that sends nothing for this long (duration)", between(IdleTimeoutMin, IdleTimeoutMax)},
		{limits, "write-timeout", &l.WriteTimeout, "longest one socket write to a client may take (duration)", between(WriteTimeoutMin, WriteTimeoutMax)},
		{limits, "outbox-limit", &l.OutboxLimit, "data queued for one client before it is disconnected as too slow (bytes)", between(OutboxLimitMin, OutboxLimitMax)},
		{limits, "flush-delay", &l.FlushDelay, "how long a client's writer gathers packets before one write; 0 = the default, negative writes at once (duration)", orNegative(FlushDelayMin, FlushDelayMax)},
		{limits, "later-delay", &l.LaterDelay, "longest news of others (their steps, spawns, chat, fights a player only watches) waits to share a write with what the client is sent next: fewer writes in crowds, that much later on screen; 0 = the default, negative sends it like any packet (duration)", orNegative(LaterDelayMin, LaterDelayMax)},
		{limits, "later-delay-busy", &l.LaterDelayBusy, "how far the later delay stretches while the server's processors are busy (from 60 % of them, in full at 90 %): others seen later rather than everything answered later; 0 = the default, negative (or not above -later-delay) never stretches (duration)", orNegative(LaterDelayBusyMin, LaterDelayBusyMax)},
		{limits, "packet-rate", &l.PacketRate, "packets a client may send per second, sustained; negative disables the limit, for benchmarks only (packets/s)", orNegative[float64](PacketRateMin, PacketRateMax)},
		{limits, "packet-burst", &l.PacketBurst, "packets a client may send in a burst above -packet-rate (packets)", between[float64](PacketBurstMin, PacketBurstMax)},

		{realms, "nats", &r.NATS, "NATS server URL joining several processes (nats://user:password@host:4222; docs/SCALING.md); the account server routes each login to the realm the client picked, realms share kicks, bans, broadcasts and duplicate logins; empty = a single process", nil},
		{realms, "realm", &r.Name, "name of the realm this game server serves: the server name clients pick (1 to 15 of A-Z a-z 0-9 - _); required with -nats for a game server", nil},
		{realms, "announce-interval", &r.AnnounceInterval, "how often a realm announces its address and load on NATS; account servers drop it after 3 missed announcements (duration)", between(AnnounceIntervalMin, AnnounceIntervalMax)},
	}
}

// Validate reports every invalid setting at once, each naming its flag
// ("-save-interval: 1ns is below the minimum 1s").
func (c Config) Validate() error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("-%s: %s", flag, fmt.Sprintf(format, args...)))
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
	switch g.LogFormat {
	case "text", "json":
	default:
		bad("log-format", "must be text or json, got %q", g.LogFormat)
	}
	if g.AdminAddr != "" {
		listen("admin-addr", g.AdminAddr)
		if g.AdminToken == "" && !LoopbackAddr(g.AdminAddr) {
			bad("admin-addr", "%s is reachable from other hosts: set -admin-token (COSERVER_ADMIN_TOKEN) to a secret, or listen on 127.0.0.1", g.AdminAddr)
		}
	}

	a := c.Account
	listen("account-addr", a.AccountAddr)
	if a.GameHost != "" {
		if ip, err := netip.ParseAddr(a.GameHost); err != nil || !ip.Is4() {
			bad("game-host", "must be an IPv4 address or empty, got %q", a.GameHost)
		}
	}
	if _, err := ExemptIPs(a.LoginExemptIPs); err != nil {
		bad("login-exempt-ips", "%v", err)
	}
	if a.PasswordHash != "default" && a.PasswordHash != "test" {
		bad("password-hash", "must be default or test, got %q", a.PasswordHash)
	}
	listen("game-addr", c.Game.GameAddr)
	if c.Realm.Name != "" && !realm.ValidName(c.Realm.Name) {
		bad("realm", "must be 1 to %d of A-Z a-z 0-9 - _, got %q", realm.MaxNameLen, c.Realm.Name)
	}

	for _, s := range c.settings() {
		if s.rng == nil {
			continue
		}
		if why := s.rng.check(s.ptr); why != "" {
			bad(s.name, "%s", why)
		}
	}
	return errors.Join(errs...)
}

// LoopbackAddr reports whether the host of the listen address addr is a
// loopback IP address or "localhost": an empty host (every interface) is
// not.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// ExemptIPs parses -login-exempt-ips: comma-separated addresses or
// prefixes; "none" (or nothing) exempts nobody.
func ExemptIPs(list string) ([]netip.Prefix, error) {
	out := []netip.Prefix{} // non-nil: an empty list means nobody
	if strings.TrimSpace(list) == "none" {
		return out, nil
	}
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a prefix", item)
		}
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
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
