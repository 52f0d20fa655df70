// Package app assembles a coserver process from its parts: the store, the
// account and game services, their listeners, the admin endpoint. The
// command line and the end-to-end tests start servers the same way, through
// Start.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/coserver/coserver/account"
	"github.com/coserver/coserver/admin"
	"github.com/coserver/coserver/config"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/realm"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/backend"
	"github.com/coserver/coserver/token"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/trace"
)

// Role says which servers a process runs.
type Role uint8

// Roles.
const (
	RoleBoth    Role = iota // account and game server in one process, tokens in memory
	RoleAccount             // the account server alone; tokens go through the store
	RoleGame                // the game server alone; tokens come through the store
)

// Options are the choices Start takes besides the configuration.
type Options struct {
	Role Role
	// HashParams override the argon2id parameters (tests and bot runs use
	// password.TestParams); zero means password.DefaultParams.
	HashParams password.Params
	// Logger receives every log line; nil means slog.Default().
	Logger *slog.Logger
	// Now is the game server's clock (game.Config.Now); nil means
	// time.Now. Tests inject their own.
	Now func() time.Time
}

// Limits of the admin HTTP server.
const (
	adminReadHeaderTimeout = 5 * time.Second
	adminReadTimeout       = 10 * time.Second
	adminIdleTimeout       = 2 * time.Minute
	adminMaxHeaderBytes    = 16 << 10
)

// gameLockName names the database lock a game server holds (store.DB.Lock).
const gameLockName = "game"

// App is a running process.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	db       *store.DB
	reg      *prometheus.Registry
	acct     *server.Server
	acctSvc  *account.Server
	game     *server.Server
	gameSvc  *game.Server
	gameLock *store.Lock // held while the game server runs: one per database
	// gameLockWatched is closed when the game lock is released, ending
	// watchGameLock.
	gameLockWatched chan struct{}
	admin           *http.Server
	adminLn         net.Listener
	stopGame        context.CancelFunc
	started         time.Time
	wg              sync.WaitGroup
	// saved is how many characters the shutdown save wrote.
	saved    atomic.Int64
	node     *realm.Node   // -nats: the other processes (realm.go); nil alone
	tracer   *trace.Tracer // -trace and /admin/trace (trace.go)
	traceOut *traceOutput  // -trace-record, nil when unset
}

// Start opens the store and starts the servers of opts.Role, listening on
// the configured addresses. It returns once they accept connections.
func Start(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	db, err := backend.Open(ctx, cfg.General.DB)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, db: db, reg: prometheus.NewRegistry(), started: time.Now()}
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := a.start(ctx, opts); err != nil {
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(shutCtx)
		return nil, err
	}
	return a, nil
}

func (a *App) start(ctx context.Context, opts Options) error {
	cfg := a.cfg
	metrics := server.NewMetrics(a.reg)
	var tokens interface {
		account.Tokens
		game.Tokens
	} = a.db
	if cfg.Realm.NATS != "" {
		// Before the database lock: with realms, the realm's claim decides
		// who may serve it, and the lock is the realm's.
		if err := a.connectRealm(ctx, opts.Role); err != nil {
			return err
		}
	} else if opts.Role == RoleBoth {
		tokens = token.NewMemory() // with realms, tokens go through the shared store
	}

	var gameLn net.Listener
	if opts.Role != RoleAccount {
		// One game server per database: a second would put the same
		// character online twice, and the last save would win. With
		// realms, one game server per realm: the realms of one database
		// hand characters over with the login claim (realm.go).
		lockName := gameLockName
		if a.node != nil {
			lockName = realmLockName(cfg.Realm.Name)
		}
		lock, err := a.db.Lock(ctx, lockName)
		if err != nil {
			return fmt.Errorf("game server: %w", err)
		}
		a.gameLock = lock
		a.log.Info("game server holds the database lock", "lock", lock.String())
		a.gameLockWatched = make(chan struct{})
		go a.watchGameLock(lock, a.gameLockWatched)
		floors, err := loadMaps(cfg.Game.ClientDir, a.log)
		if err != nil {
			return err
		}
		pack, lib, err := a.loadContent(nil)
		if err != nil {
			return err
		}
		var claim func(context.Context, int64) error
		var relay func(sender, text string)
		if a.node != nil {
			claim, relay = a.claimLogin, a.node.Relay
		}
		a.gameSvc, err = game.New(game.Config{
			SaveInterval: cfg.Game.SaveInterval,
			MaxPlayers:   cfg.Game.MaxPlayers,
			Floors:       floors,
			Content:      pack,
			Scripts:      lib,
			Logger:       a.log.With("server", "game"),
			Now:          opts.Now,
			ClaimLogin:   claim,
			Relay:        relay,

			WarehouseCapacity: cfg.Game.WarehouseCapacity,
			ScreenPlayers:     cfg.Game.ScreenPlayers, // issue 17: crowds
		}, a.db, tokens, a.reg)
		if err != nil {
			return err
		}
		gameCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		a.stopGame = cancel
		a.wg.Go(func() { a.gameSvc.Run(gameCtx) })
		a.game = server.New(a.listenerConfig("game"), a.gameSvc, metrics, a.gameSvc.Types())
		a.game.OnShutdown(func(ctx context.Context) error {
			n, err := a.gameSvc.SaveAllCount(ctx, "shutdown")
			a.saved.Store(int64(n))
			return err
		})
		if err := a.attachTrace(a.game); err != nil {
			return err
		}
		if gameLn, err = net.Listen("tcp", cfg.Game.GameAddr); err != nil {
			return fmt.Errorf("game server: %w", err)
		}
		a.serve(ctx, a.game, gameLn)
		if a.node != nil {
			host, port, err := a.advertised(gameLn)
			if err != nil {
				return err
			}
			if err := a.serveRealm(host, port); err != nil {
				return err
			}
		}
	}

	if opts.Role != RoleGame {
		var host string
		var port uint32
		if a.node == nil { // with realms, each login goes where its realm announced
			h, p, err := a.advertised(gameLn)
			if err != nil {
				return err
			}
			host, port = h, p
		}
		exempt, err := config.ExemptIPs(cfg.Account.LoginExemptIPs)
		if err != nil {
			return fmt.Errorf("-login-exempt-ips: %w", err)
		}
		acfg := account.Config{
			GameHost:     host,
			GamePort:     port,
			TokenTTL:     cfg.Account.TokenTTL,
			AutoRegister: cfg.Account.AutoRegister,
			Maintenance:  cfg.Account.Maintenance,
			HashParams:   hashParamsOr(opts.HashParams, cfg.Account.PasswordHash),
			Throttle: account.ThrottleConfig{
				FailuresPerIP:      cfg.Account.LoginFailuresPerIP,
				FailuresPerAccount: cfg.Account.LoginFailuresPerAccount,
				AccountCeiling:     cfg.Account.LoginAccountCeiling,
				Lockout:            cfg.Account.LoginLockout,
				LoginRatePerIP:     cfg.Account.LoginRatePerIP,
				LoginBurstPerIP:    cfg.Account.LoginBurstPerIP,
				ExemptIPs:          exempt,
			},
			HashQueue:           cfg.Account.HashQueue,
			MaxConcurrentHashes: cfg.Account.MaxConcurrentHashes,
			Logger:              a.log.With("server", "account"),
		}
		if a.gameSvc != nil {
			acfg.Full = a.gameSvc.Full
		}
		if a.node != nil {
			acfg.Realm = a.route
		}
		svc, err := account.New(acfg, a.db, tokens, a.reg)
		if err != nil {
			return err
		}
		a.acctSvc = svc
		a.acct = server.New(a.listenerConfig("account"), svc, metrics, svc.Types())
		if err := a.attachTrace(a.acct); err != nil {
			return err
		}
		ln, err := net.Listen("tcp", cfg.Account.AccountAddr)
		if err != nil {
			return fmt.Errorf("account server: %w", err)
		}
		a.serve(ctx, a.acct, ln)
		if a.node != nil {
			a.log.Info("account server sends clients to the realm they pick, from the directory on NATS")
		} else {
			a.log.Info("account server sends clients to the game server", "host", host, "port", port)
		}
	}
	return a.startAdmin()
}

// advertised returns the game address clients are sent to.
func (a *App) advertised(gameLn net.Listener) (string, uint32, error) {
	host := a.cfg.Account.GameHost
	if host == "" {
		h, err := config.DetectHost()
		if err != nil {
			return "", 0, err
		}
		host = h
	}
	port := a.cfg.Account.GamePort
	if port == 0 {
		addr := a.cfg.Game.GameAddr
		if gameLn != nil {
			addr = gameLn.Addr().String()
		}
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			return "", 0, fmt.Errorf("game address %q: %w", addr, err)
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return "", 0, fmt.Errorf("game port %q: %w", p, err)
		}
		port = n
	}
	return host, uint32(port), nil
}

func (a *App) listenerConfig(name string) server.Config {
	l := a.cfg.Limits
	return server.Config{
		Name:             name,
		MaxConns:         l.MaxConns,
		MaxConnsPerIP:    l.MaxConnsPerIP,
		HandshakeTimeout: l.HandshakeTimeout,
		IdleTimeout:      l.IdleTimeout,
		WriteTimeout:     l.WriteTimeout,
		OutboxLimit:      l.OutboxLimit,
		FlushDelay:       l.FlushDelay,
		LaterDelay:       l.LaterDelay,
		LaterDelayBusy:   l.LaterDelayBusy,
		PacketRate:       l.PacketRate,
		PacketBurst:      l.PacketBurst,
		NewCipher:        func() server.Cipher { return tq.NewServer() },
		Logger:           a.log,
	}
}

func (a *App) serve(ctx context.Context, s *server.Server, ln net.Listener) {
	a.wg.Go(func() {
		if err := s.Serve(ctx, ln); err != nil {
			a.log.Error("listener stopped", "err", err)
		}
	})
	for s.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
}

// startAdmin serves the admin page and API (/admin/), /metrics and
// /debug/pprof on the admin address, all behind admin.Guard.
func (a *App) startAdmin() error {
	if a.cfg.General.AdminAddr == "" {
		return nil
	}
	if a.cfg.General.AdminToken == "" && !config.LoopbackAddr(a.cfg.General.AdminAddr) {
		return fmt.Errorf("-admin-addr %s is reachable from other hosts: set -admin-token, or listen on 127.0.0.1",
			a.cfg.General.AdminAddr)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
	mux.Handle("/admin/", admin.New(adminProcess{a}, a.log.With("server", "admin")))
	mux.Handle("/admin/trace", a.tracer)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", a.cfg.General.AdminAddr)
	if err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	a.adminLn = ln
	a.admin = &http.Server{Handler: admin.Guard(a.cfg.General.AdminToken, mux), ReadHeaderTimeout: adminReadHeaderTimeout,
		ReadTimeout: adminReadTimeout, IdleTimeout: adminIdleTimeout, MaxHeaderBytes: adminMaxHeaderBytes}
	a.wg.Go(func() {
		if err := a.admin.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("admin listener stopped", "err", err)
		}
	})
	a.log.Info("admin endpoint: /admin/ (web page and API), /metrics, /debug/pprof", "addr", ln.Addr().String(),
		"token", a.cfg.General.AdminToken != "")
	return nil
}

// AccountAddr returns the account listener's address, or nil.
func (a *App) AccountAddr() net.Addr { return addrOf(a.acct) }

// GameAddr returns the game listener's address, or nil.
func (a *App) GameAddr() net.Addr { return addrOf(a.game) }

// AdminAddr returns the admin listener's address, or nil.
func (a *App) AdminAddr() net.Addr {
	if a.adminLn == nil {
		return nil
	}
	return a.adminLn.Addr()
}

// SavedAtShutdown returns how many characters Shutdown's final save wrote
// (0 before Shutdown, or without a game server).
func (a *App) SavedAtShutdown() int { return int(a.saved.Load()) }

// Store returns the process's store (for tests and the CLI).
func (a *App) Store() *store.DB { return a.db }

// Online returns the players in the world, or 0 without a game server.
func (a *App) Online() int {
	if a.gameSvc == nil {
		return 0
	}
	return a.gameSvc.Online()
}

func addrOf(s *server.Server) net.Addr {
	if s == nil {
		return nil
	}
	return s.Addr()
}

// LoginsWaiting returns how many logins wait for a password hash at the
// account server (0 without one).
func (a *App) LoginsWaiting() int {
	if a.acctSvc == nil {
		return 0
	}
	return a.acctSvc.Waiting()
}

// Shutdown stops the process gracefully: the account server, then the game
// server (which saves every character), then the maps, the admin endpoint
// and the store.
func (a *App) Shutdown(ctx context.Context) error {
	var errs []error
	if a.node != nil {
		a.node.Close() // the realm leaves the directories first: no new logins are sent here
	}
	if a.acctSvc != nil {
		a.acctSvc.Close() // logins waiting for a hash give up now, not at the deadline
	}
	for _, s := range []*server.Server{a.acct, a.game} {
		if s != nil {
			if err := s.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := a.closeTrace(); err != nil {
		errs = append(errs, err)
	}
	if a.stopGame != nil {
		a.stopGame()
	}
	if a.admin != nil {
		_ = a.admin.Shutdown(ctx)
	}
	a.wg.Wait()
	if a.gameLock != nil {
		close(a.gameLockWatched)
		if err := a.gameLock.Unlock(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := a.db.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// watchGameLock logs an error if the game lock is lost while held (with
// PostgreSQL: its connection ended and another game server took the lock),
// until stop is closed.
func (a *App) watchGameLock(lock *store.Lock, stop <-chan struct{}) {
	select {
	case <-lock.Lost():
		a.log.Error("game server lost the database lock to another game server: two game servers now write one database; stop one",
			"lock", lock.String())
	case <-stop:
	}
}

// HashParams returns the argon2id parameters of a -password-hash setting:
// "test" is the cheap set for bot runs, anything else the production set.
func HashParams(setting string) password.Params {
	if setting == "test" {
		return password.TestParams
	}
	return password.DefaultParams
}

// hashParamsOr returns override when it is set, else the setting's
// parameters.
func hashParamsOr(override password.Params, setting string) password.Params {
	if override != (password.Params{}) {
		return override
	}
	return HashParams(setting)
}

// loadMaps reads a client's maps, or returns nil for the built-in ones.
func loadMaps(dir string, log *slog.Logger) (map[uint32]*mapdata.Floor, error) {
	if dir == "" {
		log.Info("no client directory: running on the built-in maps")
		return nil, nil
	}
	floors, err := mapdata.LoadClientDir(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("loading maps from %s: %w", dir, err)
	}
	log.Info("loaded client maps", "dir", dir, "maps", len(floors))
	return floors, nil
}
