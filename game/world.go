package game

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
)

// World is every map of the game server and the directory of who is online.
// Each map runs on its own goroutine; the directory, used for whispers,
// duplicate logins and GM commands, is the one shared structure and has its
// own lock.
type World struct {
	cfg     Config
	epoch   time.Time // the world's start: monotonic() counts from it
	log     *slog.Logger
	maps    map[uint32]*Map
	metrics *metrics
	online  atomic.Int64                   // players placed on a map
	lib     atomic.Pointer[script.Library] // the NPC scripts of the content installed last
	table   atomic.Pointer[itemTable]      // item types and shops of the content installed last
	rules   atomic.Pointer[combatRules]    // monster types, levels and magic of the content installed last
	// monsterIDs counts the monster ids handed out (game/monster.go).
	monsterIDs atomic.Uint32
	saver      *saver // numbers changes and queues them for the next save
	// uids are item uids for what gives items on a map (tryTake): scripts,
	// monster drops; nil without an ItemStore.
	uids *uidPool

	mu       sync.Mutex
	byName   map[string]*session // lower-cased character name
	byAcct   map[int64]*session
	sessions int // characters logged in (listed by name)
}

// newWorld builds the maps: the client's when floors is not empty, else the
// built-in defaults.
func newWorld(cfg Config, floors map[uint32]*mapdata.Floor, m *metrics, log *slog.Logger) (*World, error) {
	w := &World{cfg: cfg, epoch: time.Now(), log: log, maps: make(map[uint32]*Map), metrics: m,
		byName: make(map[string]*session), byAcct: make(map[int64]*session)}
	if len(floors) == 0 {
		for _, bm := range builtinMaps {
			w.maps[bm.ID] = newMap(w, bm, mapdata.Open(bm.Width, bm.Height))
		}
	} else {
		for id, f := range floors {
			info := MapInfo{ID: id, Name: fmt.Sprint(id)}
			if bm, ok := builtinByID(id); ok {
				info = bm
			}
			w.maps[id] = newMap(w, info, f)
		}
	}
	if w.maps[StartMap] == nil {
		return nil, fmt.Errorf("game: the start map %d is not loaded", StartMap)
	}
	return w, nil
}

// run starts every map's goroutine; they stop when ctx ends.
func (w *World) run(ctx context.Context, wg *sync.WaitGroup) {
	for _, m := range w.maps {
		wg.Go(func() { m.run(ctx) })
	}
}

// claim lists s as its account's session and returns the session it
// replaces, if any: the caller kicks that one and waits for it to leave.
func (w *World) claim(s *session) (old *session) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old = w.byAcct[s.accountID]
	w.byAcct[s.accountID] = s
	return old
}

// errFull refuses a login when MaxPlayers characters are online.
var errFull = errors.New("server full")

// name lists s's character under its name, counting it online. It fails when
// the server is full.
func (w *World) name(s *session) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sessions >= w.cfg.MaxPlayers {
		return errFull
	}
	w.byName[foldName(s.player.name)] = s
	w.sessions++
	s.named = true
	return nil
}

// part removes s from the directory.
func (w *World) part(s *session) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byAcct[s.accountID] == s {
		delete(w.byAcct, s.accountID)
	}
	if s.named {
		if key := foldName(s.player.name); w.byName[key] == s {
			delete(w.byName, key)
		}
		w.sessions--
		s.named = false
	}
}

// find returns the online session of the character called name.
func (w *World) find(name string) *session {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byName[foldName(name)]
}

// Online returns the number of players logged in to the game server.
func (w *World) Online() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sessions
}

// each calls f for every online character's session (outside the lock).
func (w *World) each(f func(*session)) {
	w.mu.Lock()
	all := make([]*session, 0, len(w.byName))
	for _, s := range w.byName {
		all = append(all, s)
	}
	w.mu.Unlock()
	for _, s := range all {
		f(s)
	}
}

// snapshots collects the saved state of every player on every map whose id
// is slice modulo slices (slices 1: everyone), each map answering on its
// own goroutine (or, stopped, on the caller's).
func (w *World) snapshots(sv *saver, slice, slices int) []snap {
	var all []snap
	for _, m := range w.maps {
		var part []snap
		m.call(func(m *Map) { part = m.snapshots(sv, nil, slice, slices) })
		all = append(all, part...)
	}
	return all
}

// broadcastAll sends p to every online player.
func (w *World) broadcastAll(t *msg.Talk) {
	w.each(func(s *session) { s.conn.Send(t) })
}

// monotonic returns the nanoseconds since the world started, on the
// monotonic clock (what the map queue's timing needs, in 8 bytes).
func (w *World) monotonic() int64 { return int64(time.Since(w.epoch)) }

// metrics are the game server's own counters.
type metrics struct {
	snapBacks    *prometheus.CounterVec
	chat         *prometheus.CounterVec
	chatRefused  *prometheus.CounterVec
	logins       *prometheus.CounterVec
	saves        *prometheus.CounterVec
	online       prometheus.GaugeFunc
	portals      *prometheus.CounterVec
	npcClicks    *prometheus.CounterVec
	dialogs      *prometheus.CounterVec
	items        *prometheus.CounterVec
	itemRefused  *prometheus.CounterVec
	floorItems   *prometheus.GaugeVec   // items and money piles on the floors, by kind
	floorExpired *prometheus.CounterVec // floor items that vanished at the end of their lifetime
	// combat (game/fight.go)
	fightRefused *prometheus.CounterVec
	kills        *prometheus.CounterVec
	loot         *prometheus.CounterVec
	levelUps     prometheus.Counter
	// crowds (game/screen.go refreshScreen)
	screenFull  prometheus.Counter
	screenSwaps prometheus.Counter
	// mapWait is how long commands wait for their map's goroutine.
	mapWait prometheus.Histogram

	itemSaveDropped prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, w func() float64) (*metrics, error) {
	m := &metrics{
		snapBacks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_snapbacks_total",
			Help: "Moves refused and snapped back, by reason."}, []string{"reason"}),
		chat: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_chat_total",
			Help: "Chat messages, by kind of channel (talk, whisper, world, broadcast, system, other; relayed: a broadcast from another realm)."},
			[]string{"channel"}),
		chatRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_chat_refused_total",
			Help: "Chat messages refused, by kind of channel and reason (cooldown, gm_only, too_long)."},
			[]string{"channel", "reason"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_logins_total",
			Help: "Game-server logins, by result."}, []string{"result"}),
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_saves_total",
			Help: "Character saves, by trigger and result."}, []string{"trigger", "result"}),
		online: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "coserver_game_players_online",
			Help: "Players logged in to the game server."}, w),
		portals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_portals_total",
			Help: "Portal requests, by result (ok, far, none, no_map)."}, []string{"result"}),
		npcClicks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_npc_clicks_total",
			Help: "NPC clicks, by result (ok, unknown, far, busy)."}, []string{"result"}),
		dialogs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_dialogs_total",
			Help: "Dialog events, by what happened (page, done, answer_refused, script_error, dropped)."},
			[]string{"event"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_items_total",
			Help: "Item and money operations done, by operation (buy, sell, use, equip, unequip, drop, pick, ...)."},
			[]string{"op"}),
		itemRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_item_refused_total",
			Help: "Item and money operations refused, by operation and reason (see game/handle_item.go)."},
			[]string{"op", "reason"}),
		floorItems: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "coserver_game_floor_items",
			Help: "Items and money piles lying on the floors of every map, by kind (item, money)."}, []string{"kind"}),
		floorExpired: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_floor_expired_total",
			Help: "Floor items that vanished at the end of their lifetime, by kind (item, money)."}, []string{"kind"}),
		itemSaveDropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "coserver_game_item_saves_dropped_total",
			Help: "Batches of item changes the store refused as invalid and the game dropped (a bug)."}),
		fightRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_fight_refused_total",
			Help: "Attacks, casts, revives and allotments refused, by operation and reason (see game/fight.go)."},
			[]string{"op", "reason"}),
		kills: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_kills_total",
			Help: "Deaths, by who died (monster, player)."}, []string{"victim"}),
		loot: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_game_loot_total",
			Help: "Drops rolled at monster deaths, by kind (money, item)."}, []string{"kind"}),
		levelUps: prometheus.NewCounter(prometheus.CounterOpts{Name: "coserver_game_level_ups_total",
			Help: "Level-ups."}),
		screenFull: prometheus.NewCounter(prometheus.CounterOpts{Name: "coserver_game_screen_full_total",
			Help: "Screen refreshes of a player whose screen was already at -screen-players, or that left players in view unshown because a screen was full: the cap at work."}),
		screenSwaps: prometheus.NewCounter(prometheus.CounterOpts{Name: "coserver_game_screen_swaps_total",
			Help: "Players put on a full screen in place of one farther away (a crowd denser than -screen-players shows the nearest)."}),
		mapWait: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "coserver_game_map_queue_seconds",
			Help:    "Time a command (a step, a click, a save) waits in its map's queue before the map's goroutine runs it: a map too busy for its players shows here first.",
			Buckets: []float64{1e-5, 1e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 1}}),
	}
	for _, c := range []prometheus.Collector{m.mapWait, m.fightRefused, m.kills, m.loot, m.levelUps, m.screenFull, m.screenSwaps, m.items, m.itemRefused, m.floorItems, m.floorExpired, m.itemSaveDropped, m.snapBacks, m.chat, m.chatRefused, m.logins, m.saves, m.online,
		m.portals, m.npcClicks, m.dialogs} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("game: metrics: %w", err)
		}
	}
	return m, nil
}

// home returns the map and position a character logs in at: where it was
// saved, or a safe place when that map is not loaded or the tile is blocked.
func (w *World) home(mapID uint32, x, y uint16) (*Map, uint16, uint16) {
	if m := w.maps[mapID]; m != nil && m.floor.Walkable(int(x), int(y)) {
		return m, x, y
	}
	if m := w.maps[fallbackMap]; m != nil && m.floor.Walkable(fallbackX, fallbackY) {
		return m, fallbackX, fallbackY
	}
	return w.maps[StartMap], StartX, StartY
}

// scripts returns the NPC scripts maps run dialogs with.
func (w *World) scripts() *script.Library { return w.lib.Load() }
