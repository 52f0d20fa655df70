// Package game is the game server of patch 5017: the token handshake,
// character creation, entering the world, movement, the screens of who sees
// whom, chat, and saving.
//
// Each packet has its handler in its own file (handle_<packet>.go),
// registered in routes.go. Handlers run on the connection's goroutine and
// never touch world state directly: they send commands to the goroutine of
// the player's map (Map.do), which owns every player on it. Game logic needs
// no locks.
package game

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/wire"
)

// Store is the part of the store the game server uses.
type Store interface {
	AccountByID(ctx context.Context, id int64) (store.Account, error)
	CharacterByAccount(ctx context.Context, accountID int64) (store.Character, error)
	CreateCharacter(ctx context.Context, c store.Character) (store.Character, error)
	SaveCharacters(ctx context.Context, cs ...store.Character) error
}

// Tokens redeems the one-time tokens the account server issued; a token is
// honoured only from the client address it was issued to.
type Tokens interface {
	ConsumeToken(ctx context.Context, tok uint64, ip netip.Addr, now time.Time) (accountID int64, err error)
}

// Defaults for Config.
const (
	DefaultSaveInterval = time.Minute      // periodic save of every online character
	DefaultMaxPlayers   = 5000             // players logged in at once
	storeTimeout        = 10 * time.Second // a handler's store call
	replaceTimeout      = 10 * time.Second // how long a second login waits for the first to save and leave
)

// SaveSlices is how many parts the periodic save is cut into: every
// SaveInterval/SaveSlices it saves the characters whose id falls to the
// next part, so each is saved once per SaveInterval and no save of the
// whole world stalls it at once (5,000 characters are half a second of
// SQLite's CPU: a spike of 150 ms in the players' p99 each minute).
const SaveSlices = 10

// DefaultWarehouseCapacity is how many items a character keeps in one
// warehouse NPC by default (world-content.md policy: COPS 20, WCO 40).
const DefaultWarehouseCapacity = 20

// DefaultScreenPlayers is the cap on the players on one screen that the
// server's settings start with (-screen-players; Config's zero value means
// no cap), chosen from the crowd measurements in BENCHMARKS.md.
const DefaultScreenPlayers = 100

// Config is the game server's behaviour; zero fields take defaults.
type Config struct {
	// SaveInterval is how often every online character is saved; a crash
	// loses at most this much play.
	SaveInterval time.Duration
	// MaxPlayers caps the players logged in at once.
	MaxPlayers int
	// WarehouseCapacity is how many items a character may keep in each
	// warehouse NPC, at most store.MaxWarehouseItems.
	WarehouseCapacity int
	// RemoveAction is the MsgAction subtype that removes an entity from a
	// client's view: 132 for 5017 (see ../shared/protocol), a setting
	// because one source disagrees.
	RemoveAction msg.ActionType
	// ScreenPlayers caps the players on one player's screen: in a crowd
	// each sees at most this many (nearest first), and is seen by the same
	// ones, so a move reaches at most this many clients. 0 means no cap.
	ScreenPlayers int
	// Floors are the maps loaded from a client's files (mapdata); empty
	// means the built-in maps.
	Floors map[uint32]*mapdata.Floor
	// Content is the world's NPCs and portals (package content), checked
	// against the maps at New; nil leaves the world empty.
	Content *content.Pack
	// Scripts are Content's NPC scripts, compiled (package script).
	Scripts *script.Library
	// Logger receives the server's logs.
	Logger *slog.Logger
	// ClaimLogin, when set, tells the game servers of the other realms
	// (package realm) that an account logs in here; it returns once their
	// sessions of it have left and saved. An error refuses the login: while
	// the other realms cannot be asked (NATS unreachable), logins pause and
	// players already in the world carry on.
	ClaimLogin func(ctx context.Context, accountID int64) error
	// Relay, when set, passes a GM's broadcast (chat channel
	// ChannelBroadcast) on to the other realms; Relayed shows theirs here.
	Relay func(sender, text string)
	// Now is the clock of the game rules (movement and chat limits, token
	// expiry, server time); nil means time.Now. Tests inject their own.
	Now func() time.Time
}

// Server is the game service: plug it into a server.Server, start it with
// Run.
type Server struct {
	cfg    Config
	store  Store
	tokens Tokens
	world  *World
	mux    *server.Mux[*session]
	log    *slog.Logger
	m      *metrics
	saver  *saver
	uids   *uidPool // nil without an ItemStore
	now    func() time.Time

	// life is the server's lifetime: handlers' store calls end with it. It
	// ends when Run's context does.
	life context.Context
	die  context.CancelFunc
}

// New returns a game server over st and tokens, registering its metrics with
// reg.
func New(cfg Config, st Store, tokens Tokens, reg prometheus.Registerer) (*Server, error) {
	cfg.SaveInterval = cmp.Or(cfg.SaveInterval, DefaultSaveInterval)
	cfg.MaxPlayers = cmp.Or(cfg.MaxPlayers, DefaultMaxPlayers)
	cfg.WarehouseCapacity = min(cmp.Or(cfg.WarehouseCapacity, DefaultWarehouseCapacity), store.MaxWarehouseItems)
	cfg.RemoveAction = cmp.Or(cfg.RemoveAction, msg.ActionLeaveMap)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, store: st, tokens: tokens, mux: server.NewMux[*session](), log: cfg.Logger,
		saver: newSaver(st), now: cfg.Now}
	s.life, s.die = context.WithCancel(context.Background())
	m, err := newMetrics(reg, func() float64 { return float64(s.world.Online()) })
	if err != nil {
		return nil, err
	}
	s.m = m
	if its := s.saver.items; its != nil {
		s.uids = newUIDPool(its)
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		v, err := its.LatestVersion(ctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("game: item versions: %w", err)
		}
		s.saver.seq.Store(v) // one counter for snapshots and item changes
		ctx, cancel = context.WithTimeout(context.Background(), storeTimeout)
		n, err := clearFloor(ctx, s.saver)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("game: clearing the floor: %w", err)
		}
		if n > 0 {
			s.log.Info("items left on the floor by the previous run deleted", "count", n)
		}
		s.saver.dropped = func(err error) {
			m.itemSaveDropped.Inc()
			s.log.Error("item changes that can never be saved were dropped", "err", err)
		}
	}
	if s.world, err = newWorld(cfg, cfg.Floors, m, cfg.Logger); err != nil {
		return nil, err
	}
	s.world.saver = s.saver
	s.world.uids = s.uids
	if cfg.Content != nil {
		if err := s.world.check(cfg.Content, cfg.Scripts); err != nil {
			return nil, err
		}
		s.world.install(cfg.Content, cfg.Scripts, false)
	}
	s.routes()
	return s, nil
}

// World returns the world, for checking content against its maps.
func (s *Server) World() *World { return s.world }

// Types returns the packet types the server handles, for metrics.
func (s *Server) Types() []wire.Type { return s.mux.Types() }

// Online returns the number of players logged in.
func (s *Server) Online() int { return s.world.Online() }

// Full reports whether no more players may log in.
func (s *Server) Full() bool { return s.world.Online() >= s.cfg.MaxPlayers }

// Run runs the maps and the periodic save until ctx ends. Stop the listener
// (server.Shutdown) before cancelling ctx: after it, the maps are stopped and
// the commands of sessions still open run on the sessions' goroutines, one
// at a time, so that their logout still saves; handlers' store calls are
// cancelled.
func (s *Server) Run(ctx context.Context) {
	defer s.die()
	var wg sync.WaitGroup
	s.world.run(ctx, &wg)
	if s.uids != nil {
		wg.Go(func() { s.keepUIDsReserved(ctx) })
	}
	t := time.NewTicker(max(s.cfg.SaveInterval/SaveSlices, 1))
	defer t.Stop()
	for slice := 0; ; slice = (slice + 1) % SaveSlices {
		select {
		case <-t.C:
			if _, err := s.save(ctx, "periodic", slice, SaveSlices); err != nil {
				s.log.Error("periodic save failed", "err", err)
			}
		case <-ctx.Done():
			wg.Wait()
			return
		}
	}
}

// SaveAll saves every character on every map in one transaction. trigger
// labels the metric ("periodic", "shutdown"). The save has its own deadline
// (saveTimeout): a ctx already cancelled or past its deadline does not stop
// it, so a shutdown that ran out of time still saves. It works, and returns,
// after the maps have stopped too. A snapshot older than one a logout saved
// meanwhile is left out.
func (s *Server) SaveAll(ctx context.Context, trigger string) error {
	_, err := s.SaveAllCount(ctx, trigger)
	return err
}

// SaveAllCount is SaveAll that also returns how many characters it saved.
func (s *Server) SaveAllCount(ctx context.Context, trigger string) (int, error) {
	return s.save(ctx, trigger, 0, 1)
}

// save saves, in one transaction, the characters whose id is slice modulo
// slices (slices 1: all of them), with the item changes queued so far.
func (s *Server) save(ctx context.Context, trigger string, slice, slices int) (int, error) {
	ticket := s.saver.begin()
	defer s.saver.end(ticket)
	all := s.world.snapshots(s.saver, slice, slices)
	n, err := s.saver.save(ctx, all) // with no snapshots, still the queued item changes
	if err != nil {
		s.m.saves.WithLabelValues(trigger, "error").Inc()
		return 0, fmt.Errorf("game: %s save: %w", trigger, err)
	}
	s.m.saves.WithLabelValues(trigger, "ok").Add(float64(n))
	s.log.Debug("saved characters", "trigger", trigger, "count", n)
	return n, nil
}

// Open starts the session of a new game connection.
func (s *Server) Open(c *server.Conn) server.Session {
	// MsgConnect re-keys the cipher: decrypt nothing past it with the old key.
	c.SetStepwise(true)
	return &session{srv: s, conn: c, done: make(chan struct{}), chat: newChatGate()}
}
