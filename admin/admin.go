// Package admin is the operator's web admin: a JSON API under /admin/api/
// and a page at /admin/ (server-rendered HTML and a little JavaScript) to
// watch and steer a running coserver: status, players online, kick, ban,
// unlock, broadcast, maintenance, content reload and a live map.
//
// The package knows the process only through Process, which package app
// implements over the game and account servers and the store. Guard puts
// the whole admin address behind its access rule: loopback clients, or a
// bearer token.
package admin

import (
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coserver/coserver/mapdata"
)

// Process is what the admin needs of the running process. A method that
// needs a server the process does not run (a game server's players in an
// account-server process) returns an error wrapping ErrUnavailable.
type Process interface {
	// Status describes the process now.
	Status() Status
	// Players lists the characters online, sorted by name.
	Players() []Player
	// Kick disconnects the character called name; false when it is not
	// online.
	Kick(name string) (bool, error)
	// Ban stores the account as banned and disconnects its character at
	// once when it is online (disconnected says so).
	Ban(ctx context.Context, account string) (disconnected bool, err error)
	// Unban lets the account log in again.
	Unban(ctx context.Context, account string) error
	// Unlock clears the account server's login lockouts of the account and
	// returns how many throttle records it cleared.
	Unlock(account string) (int, error)
	// Broadcast sends text to every player online as a system broadcast
	// and returns how many got it.
	Broadcast(text string) (int, error)
	// SetMaintenance turns maintenance on (new logins refused with the
	// server-down code) or off.
	SetMaintenance(on bool) error
	// ReloadContent loads the content pack again; a pack with errors is
	// refused and the running one stays.
	ReloadContent() error
	// MapPlayers returns the characters on map id; ok is false when the
	// map is not loaded.
	MapPlayers(id uint32) (players []Player, ok bool)
	// MapFloor returns the floor of map id, or nil when it is not loaded.
	MapFloor(id uint32) *mapdata.Floor
	// Items returns what the character called name owns: live from the
	// game server when it is online there, else as last saved.
	Items(ctx context.Context, name string) (Holdings, error)
}

// Errors a Process returns, wrapped, to choose the HTTP status.
var (
	// ErrUnavailable: the process does not run the server the request
	// needs (409).
	ErrUnavailable = errors.New("not available in this process")
	// ErrNotFound: no such account, character or map (404).
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request's values are refused (400).
	ErrInvalid = errors.New("invalid request")
)

// Status is the process as the status endpoint reports it.
type Status struct {
	// Version is the build's module version and commit, if known.
	Version string `json:"version"`
	// Started is when the process started; Uptime is how long ago, in
	// seconds.
	Started time.Time `json:"started"`
	Uptime  float64   `json:"uptime_seconds"`
	// AccountServer and GameServer say which servers the process runs.
	AccountServer bool `json:"account_server"`
	GameServer    bool `json:"game_server"`
	// Online is how many characters are in the world.
	Online int `json:"online"`
	// LoginsAccepted counts the logins the account server answered with a
	// token since the start (the page derives logins per second from it).
	LoginsAccepted uint64 `json:"logins_accepted"`
	// LoginsWaiting is how many logins wait for a password hash.
	LoginsWaiting int `json:"logins_waiting"`
	// Maintenance is set while new logins are refused.
	Maintenance bool `json:"maintenance"`
	// Maps are the game server's maps, sorted by id.
	Maps []Map `json:"maps"`
	// Realms are the realms alive in the process's directory, sorted by
	// name; empty without -nats (docs/SCALING.md).
	Realms []Realm `json:"realms,omitempty"`
}

// Realm is a realm as its announcements describe it.
type Realm struct {
	// Name is the server name clients pick.
	Name string `json:"name"`
	// Host and Port are the game server's address as clients reach it.
	Host string `json:"host"`
	Port int    `json:"port"`
	// Online and MaxPlayers are its load.
	Online     int `json:"online"`
	MaxPlayers int `json:"max_players"`
	// PID is the realm's process id on its host.
	PID int `json:"pid"`
}

// Map is one map of the game server.
type Map struct {
	ID     uint32 `json:"id"`
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Players is how many characters are on it.
	Players int `json:"players"`
}

// Player is a character online.
type Player struct {
	Name    string `json:"name"`
	Account string `json:"account"`
	Map     uint32 `json:"map"`
	X       uint16 `json:"x"`
	Y       uint16 `json:"y"`
	Level   int    `json:"level"`
	IP      string `json:"ip"`
}

// Holdings are a character's money and items (GET items/{name}).
type Holdings struct {
	// Character is the character's name.
	Character string `json:"character"`
	// Online is true when the values are the game server's memory, false
	// when they are the database's (as of the last save).
	Online bool `json:"online"`
	// Silver and CPs are what it carries; WarehouseSilver what it keeps in
	// the warehouse.
	Silver          uint32 `json:"silver"`
	CPs             uint32 `json:"cps"`
	WarehouseSilver uint32 `json:"warehouse_silver"`
	// Inventory, Equipment and Warehouse are its items by where they are,
	// each sorted by position, warehouse NPC and uid; never null.
	Inventory []Item `json:"inventory"`
	Equipment []Item `json:"equipment"`
	Warehouse []Item `json:"warehouse"`
}

// Item is one item instance a character owns.
type Item struct {
	// UID is the item's instance id; Type its item type id, Name the type's
	// name in the content pack ("" when unknown).
	UID  uint32 `json:"uid"`
	Type uint32 `json:"type"`
	Name string `json:"name,omitempty"`
	// Position is where it is (world-content.md §3.1): 0 inventory, 1–9
	// an equipment slot, 201 a warehouse; Warehouse is then the NPC id.
	Position  uint8  `json:"position"`
	Warehouse uint32 `json:"warehouse,omitempty"`
	// Durability and MaxDurability are the durability, or the amount and
	// stack limit of a stackable item.
	Durability    uint16 `json:"durability"`
	MaxDurability uint16 `json:"max_durability"`
	// Plus, Bless, Gem1, Gem2 and Enchant are its upgrades.
	Plus    uint8 `json:"plus,omitempty"`
	Bless   uint8 `json:"bless,omitempty"`
	Gem1    uint8 `json:"gem1,omitempty"`
	Gem2    uint8 `json:"gem2,omitempty"`
	Enchant uint8 `json:"enchant,omitempty"`
}

// Limits of the requests the API accepts.
const (
	// MaxBodyBytes bounds a POST body.
	MaxBodyBytes = 4 << 10
	// MaxNameLen bounds an account or character name in a request (the
	// 5017 client's names are at most 15 bytes).
	MaxNameLen = 32
	// MaxBroadcastLen bounds a broadcast's text (the game's chat limit,
	// msg.MaxMessageLen).
	MaxBroadcastLen = 250
)

// Handler serves the admin page and API under /admin/.
type Handler struct {
	p    Process
	log  *slog.Logger
	mux  *http.ServeMux
	page *template.Template

	floorsMu sync.Mutex
	floors   map[uint32][]byte // PNG of each floor drawn so far: floors never change
}

// New returns the handler of the admin page and API over p; log receives
// the operator's actions (nil: slog.Default()).
func New(p Process, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{p: p, log: log, mux: http.NewServeMux(), floors: make(map[uint32][]byte),
		page: template.Must(template.New("index.html").Funcs(pageFuncs).ParseFS(web, "web/index.html"))}
	static, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	m := h.mux
	m.HandleFunc("/admin/{$}", get(h.handlePage))
	m.Handle("/admin/static/", http.StripPrefix("/admin/static/", http.FileServerFS(static)))
	m.HandleFunc("/admin/api/status", get(h.handleStatus))
	m.HandleFunc("/admin/api/players", get(h.handlePlayers))
	m.HandleFunc("/admin/api/map/{id}", get(h.handleMap))
	m.HandleFunc("/admin/api/map/{id}/floor.png", get(h.handleFloor))
	m.HandleFunc("/admin/api/items/{name}", get(h.handleItems))
	m.HandleFunc("/admin/api/kick", post(h.handleKick))
	m.HandleFunc("/admin/api/ban", post(h.handleBan))
	m.HandleFunc("/admin/api/unban", post(h.handleUnban))
	m.HandleFunc("/admin/api/unlock", post(h.handleUnlock))
	m.HandleFunc("/admin/api/broadcast", post(h.handleBroadcast))
	m.HandleFunc("/admin/api/maintenance", post(h.handleMaintenance))
	m.HandleFunc("/admin/api/reload-content", post(h.handleReload))
	m.HandleFunc("/admin/reload-content", post(h.handleReloadText)) // the path of earlier releases
	m.HandleFunc("/admin/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	})
	return h
}

// ServeHTTP serves the admin page and API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }
