// Package account is the account server: the first server a 5017 client
// meets. It checks the name and password of MsgAccount and answers with
// MsgConnectEx: a one-time token and the game server's address, or a
// rejection code the client shows as a dialog.
package account

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/rc5"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/token"
	"github.com/coserver/coserver/wire"
)

// Accounts is the part of the store the account server uses.
type Accounts interface {
	AccountByName(ctx context.Context, name string) (store.Account, error)
	CreateAccount(ctx context.Context, name, hash string) (store.Account, error)
	RecordLogin(ctx context.Context, id int64, at time.Time) error
}

// Tokens records the tokens handed to clients, for the game server to
// redeem: in memory when both servers share a process, in the store when
// they do not.
type Tokens interface {
	IssueToken(ctx context.Context, tok uint64, account int64, ip netip.Addr, expires time.Time) error
}

// Config is the account server's behaviour; zero fields take defaults.
type Config struct {
	// GameHost and GamePort are the game server's address as clients must
	// reach it (not its bind address). The 5017 client refuses 127.x.
	GameHost string
	GamePort uint32
	// TokenTTL is how long a token stays valid (token.DefaultTTL).
	TokenTTL time.Duration
	// AutoRegister creates an unknown account on its first login, with the
	// password given: for test servers and bot runs.
	AutoRegister bool
	// Maintenance refuses every login with the server-down code from the
	// start; SetMaintenance changes it while the server runs.
	Maintenance bool
	// Full, when set, reports that the game server has no room: logins are
	// refused with code 20, which COPS sends with "server full" text (21 is
	// COPS-only; Comet and CoEmu have no full code).
	Full func() bool
	// Realm, when set, sends each login to the realm the client picked
	// (MsgAccount's server name, package realm): ok false refuses the login
	// with the server-down code 10, as Comet and CoEmu answer for a realm
	// unknown or offline (../shared/protocol game-rules.md §1 step 2).
	// GameHost, GamePort and Full are then unused.
	Realm func(name string) (r Route, ok bool)
	// HashParams are the argon2id parameters for new hashes
	// (password.DefaultParams).
	HashParams password.Params
	// Throttle limits login attempts and failures per IP, per (account,
	// IP) pair and per account.
	Throttle ThrottleConfig
	// MaxConcurrentHashes bounds the password hashes computed at once: each
	// takes HashParams.MemoryKiB of memory and a core: more at once only
	// thrash the caches (measured). Default: GOMAXPROCS.
	MaxConcurrentHashes int
	// HashQueue bounds the logins waiting for a hash slot; beyond it a
	// login is answered "server busy" at once (DefaultHashQueue).
	HashQueue int
	// Now returns the current time (time.Now): tests inject a clock.
	Now func() time.Time
	// Logger receives the server's logs.
	Logger *slog.Logger
}

// Route is where a realm's game server is, as Config.Realm finds it.
type Route struct {
	// Host and Port are the game server's address sent to the client.
	Host string
	Port uint32
	// Full says the realm has no room: the login is refused "server busy".
	Full bool
}

// Server is the account service: plug it into a server.Server.
type Server struct {
	cfg      Config
	accounts Accounts
	tokens   Tokens
	rc5      *rc5.Cipher
	throttle *throttle
	gate     *hashGate
	dummy    string // a hash to verify against for unknown accounts, so timing does not reveal them
	mux      *server.Mux[*session]
	logins   *prometheus.CounterVec
	hashes   prometheus.Counter
	ctx      context.Context // ends at Close: every login's context derives from it
	close    context.CancelFunc

	maintenance atomic.Bool   // logins refused with the server-down code
	accepted    atomic.Uint64 // logins answered with a token
}

// Login results, the label of coserver_account_logins_total.
const (
	resultOK          = "ok"
	resultBadPassword = "bad_password"
	resultUnknown     = "unknown_account"
	resultBanned      = "banned"
	resultThrottled   = "throttled"
	resultTooFast     = "too_fast"
	resultBusy        = "busy"
	resultShutdown    = "shutdown"
	resultMaintenance = "maintenance"
	resultRealmDown   = "realm_down"
	resultFull        = "full"
	resultError       = "error"
	resultRegistered  = "registered"
)

// New returns an account server over accounts and tokens, registering its
// metrics with reg.
func New(cfg Config, accounts Accounts, tokens Tokens, reg prometheus.Registerer) (*Server, error) {
	cfg.TokenTTL = cmp.Or(cfg.TokenTTL, token.DefaultTTL)
	if cfg.HashParams == (password.Params{}) {
		cfg.HashParams = password.DefaultParams
	}
	cfg.MaxConcurrentHashes = cmp.Or(cfg.MaxConcurrentHashes, runtime.GOMAXPROCS(0))
	cfg.HashQueue = cmp.Or(cfg.HashQueue, DefaultHashQueue)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Throttle.setDefaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	dummy, err := password.Hash("not a password", cfg.HashParams)
	if err != nil {
		return nil, fmt.Errorf("account: dummy hash: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		accounts: accounts,
		tokens:   tokens,
		rc5:      rc5.New5017(),
		throttle: newThrottle(cfg.Throttle),
		gate:     newHashGate(cfg.MaxConcurrentHashes, cfg.HashQueue, cfg.Throttle.exempt),
		dummy:    dummy,
		mux:      server.NewMux[*session](),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_account_logins_total",
			Help: "Login attempts at the account server, by result."}, []string{"result"}),
		hashes: prometheus.NewCounter(prometheus.CounterOpts{Name: "coserver_account_hashes_total",
			Help: "Password hashes computed by the account server (checks and new hashes)."}),
		ctx:   ctx,
		close: cancel,
	}
	s.maintenance.Store(cfg.Maintenance)
	s.routes()
	waiting := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "coserver_account_logins_waiting",
		Help: "Logins waiting for a password-hash slot."}, func() float64 { return float64(s.Waiting()) })
	for _, c := range []prometheus.Collector{s.logins, s.hashes, waiting} {
		if err := reg.Register(c); err != nil {
			cancel()
			return nil, fmt.Errorf("account: metrics: %w", err)
		}
	}
	return s, nil
}

// Waiting returns how many logins wait for a password-hash slot.
func (s *Server) Waiting() int {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	return len(s.gate.waiters)
}

// SetMaintenance turns maintenance on or off: while it is on, every new
// login is refused with the server-down code. Players already in the game
// stay.
func (s *Server) SetMaintenance(on bool) {
	if s.maintenance.Swap(on) != on {
		s.cfg.Logger.Info("maintenance", "on", on)
	}
}

// Maintenance reports whether new logins are refused for maintenance.
func (s *Server) Maintenance() bool { return s.maintenance.Load() }

// Accepted returns how many logins have been answered with a token since
// the server started.
func (s *Server) Accepted() uint64 { return s.accepted.Load() }

// Unlock forgets the login failures and lockouts of the account called name
// (any case): from every IP, and the account's own ceiling. The IPs' own
// failure counts stay. It returns how many records it cleared.
func (s *Server) Unlock(name string) int {
	n := s.throttle.forget(names.Key(name))
	s.cfg.Logger.Info("login lockouts cleared", "account", name, "records", n)
	return n
}

// Close ends every login in progress: logins waiting for a hash slot give
// up at once and are answered "server down", store calls are cancelled, and
// later logins are refused. Call it when shutdown begins, before the
// listener's Shutdown, so the account server does not spend the shutdown
// budget the game's save needs. It is safe to call more than once.
func (s *Server) Close() {
	s.close()
}

// Session states.
const (
	stateLogin    server.State = iota // waiting for MsgAccount
	stateAnswered                     // MsgConnectEx accept sent; the client says goodbye with MsgConnect
)

// routes is the account server's packet table.
func (s *Server) routes() {
	s.mux.Handle(wire.TypeAccount, (*session).handleAccount, stateLogin)
	s.mux.Handle(wire.TypeConnect, (*session).handleConnect, stateAnswered)
}

// Types returns the packet types the server handles, for metrics.
func (s *Server) Types() []wire.Type { return s.mux.Types() }

// Open starts the session of a new connection.
func (s *Server) Open(c *server.Conn) server.Session {
	return &session{srv: s, conn: c}
}

// session is one client's login.
type session struct {
	srv   *Server
	conn  *server.Conn
	state server.State
	codec wire.Codec
	req   msg.Account
}

func (ss *session) Handle(t wire.Type, p []byte) error {
	return ss.srv.mux.Dispatch(ss, ss.state, t, p)
}

func (ss *session) Close(server.Reason) {}

// errLoginDone closes the connection once the client has its answer.
var errLoginDone = errors.New("login answered")
