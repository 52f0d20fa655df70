package bots

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Defaults for Config.
const (
	DefaultAccountAddr = "127.0.0.1:9958"       // coserver's account port on this machine
	DefaultCount       = 10                     // bots
	DefaultRate        = 50                     // logins per second
	DefaultInterval    = 300 * time.Millisecond // between two actions of a bot
	DefaultPrefix      = "bot"                  // names bot0, bot1, ...
	DefaultPassword    = "botpass"              // every bot account's password
	DefaultRoam        = 10                     // tiles from home on each axis
	DefaultJumpEvery   = 10                     // every 10th action is a jump
	DefaultChatEvery   = 25                     // every 25th action is a chat line
	DefaultTimeout     = 15 * time.Second       // per login step
)

// Limits of the protocol and of coserver's rules that the bots respect.
const (
	// MinInterval is the shortest Interval: the workers' ticker runs ten
	// times faster.
	MinInterval = 10 * time.Millisecond
	// MaxNameLen is the longest character name coserver accepts (3–15
	// bytes); account names follow the same length rule.
	MaxNameLen = 15
	// MinNameLen is the shortest.
	MinNameLen = 3
	// MaxPasswordLen is the longest password the 5017 client sends.
	MaxPasswordLen = 15
	// JumpReach is how far a bot jumps on each axis at most; coserver
	// allows 18 (game.JumpRange).
	JumpReach = 16
	// MinJumpGap is the least time between two jumps of a bot: about one
	// jump animation of the real client (COPS: "a normal jump takes ~800
	// ms"). coserver refuses jumps less than 400 ms apart
	// (game.MinJumpInterval), timed when it reads them, so jumps sent
	// closer than the real client would are refused whenever network or
	// server delays bunch them up.
	MinJumpGap = 800 * time.Millisecond
	// MaxPendingMoves is how many unanswered moves a bot allows itself; a
	// bot with more skips its turn (the server is behind).
	MaxPendingMoves = 8
	// SpreadMargin keeps homes this many tiles from the map's low edges.
	SpreadMargin = 20
	// MaxSpread and MaxRoam bound Spread and Roam: 5017 maps are well
	// under 4096 tiles wide.
	MaxSpread = 4096
	MaxRoam   = 1024
	// MaxSettle bounds Settle.
	MaxSettle = time.Hour
)

// Reconnect backoff: after a lost connection or a failed login a bot waits
// ReconnectMinBackoff, doubling (ReconnectBackoffFactor) after each failure
// up to ReconnectMaxBackoff, with up to ReconnectJitter of it added at
// random so that a restarted server is not hit by every bot at once.
const (
	ReconnectMinBackoff    = 250 * time.Millisecond
	ReconnectMaxBackoff    = 15 * time.Second
	ReconnectBackoffFactor = 2
	ReconnectJitter        = 0.5
)

// reservedParts may not appear in a character name on coserver (game
// names.go: staff tags and server words).
var reservedParts = [...]string{"GM", "gm", "PM", "pm", "SYSTEM", "system", "NPC", "npc"}

// Config is a bot run. The server must create unknown accounts on their
// first login: run it with -auto-register.
type Config struct {
	// AccountAddr is the account server, host:port. The bots go to the
	// game server the account server names.
	AccountAddr string
	// Count is how many bots run. Bot n logs in to account Prefix+n with
	// Password and plays character Prefix+n.
	Count int
	// Rate is how many logins start per second, reconnects included.
	Rate float64
	// Interval is how often each bot acts: a step, now and then a jump or
	// a chat line.
	Interval time.Duration
	// Duration is how long the run lasts; 0 means until ctx ends.
	Duration time.Duration
	// Settle is how long after every bot has logged in the steady figures
	// (SteadyMoveRTT, SteadySeenRTT) begin: the backlog of the login ramp,
	// when the ramp overloads the server, drains first. 0 starts them at
	// the last login.
	Settle time.Duration
	// Prefix starts every account and character name: letters and digits.
	Prefix string
	// Password is every bot account's password (1–15 bytes).
	Password string
	// Server is the realm name sent at login; coserver ignores it.
	Server string
	// Roam is how far, in tiles on each axis, a bot strays from its home:
	// where it logged in first, or where Spread sends it.
	Roam int
	// Spread, when positive, gives each bot a home at random within Spread
	// tiles of where it first logs in (kept SpreadMargin from the map's low
	// edges); the bot jumps there first. Bots that all stand in one spot see
	// each other, so the server's work grows with the square of Count: use
	// Spread for large runs (450 covers most of a 1024-tile built-in map).
	Spread int
	// JumpEvery makes every JumpEvery-th action a jump (0: never).
	JumpEvery int
	// ChatEvery makes every ChatEvery-th action a chat line (0: never).
	ChatEvery int
	// Timeout bounds each step of a login (client.Config.Timeout).
	Timeout time.Duration
	// Behaviour is what the bots do: BehaviourWalk ("walk", the default when
	// empty) or BehaviourNPC ("npc": walk, and talk to NPCs, answer their
	// dialogs at random and travel where the answers teleport) or
	// BehaviourItems ("items": walk, and buy, use, re-equip, drop and pick
	// up items) or BehaviourHunt ("hunt": walk out to the monsters, attack
	// the nearest, heal, revive).
	Behaviour string
	// ShopNPC is the shop NPC the items behaviour buys from (default
	// DefaultShopNPC).
	ShopNPC uint32
	// ShopItem is the item type the items behaviour buys (default
	// DefaultShopItem).
	ShopItem uint32
	// Seed seeds the bots' choices; 0 picks one at random.
	Seed uint64
	// Logger receives the run's logs; nil discards them.
	Logger *slog.Logger
}

// DefaultConfig returns a run of DefaultCount bots with every default.
func DefaultConfig() Config {
	return Config{
		AccountAddr: DefaultAccountAddr,
		Count:       DefaultCount,
		Rate:        DefaultRate,
		Interval:    DefaultInterval,
		Prefix:      DefaultPrefix,
		Password:    DefaultPassword,
		Roam:        DefaultRoam,
		JumpEvery:   DefaultJumpEvery,
		ChatEvery:   DefaultChatEvery,
		Timeout:     DefaultTimeout,
		Behaviour:   BehaviourWalk,
		ShopNPC:     DefaultShopNPC,
		ShopItem:    DefaultShopItem,
	}
}

// withDefaults fills zero fields that have a default.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.AccountAddr == "" {
		c.AccountAddr = d.AccountAddr
	}
	if c.Rate == 0 {
		c.Rate = d.Rate
	}
	if c.Interval == 0 {
		c.Interval = d.Interval
	}
	if c.Prefix == "" {
		c.Prefix = d.Prefix
	}
	if c.Password == "" {
		c.Password = d.Password
	}
	if c.Roam == 0 {
		c.Roam = d.Roam
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.Behaviour == "" {
		c.Behaviour = d.Behaviour
	}
	if c.ShopNPC == 0 {
		c.ShopNPC = d.ShopNPC
	}
	if c.ShopItem == 0 {
		c.ShopItem = d.ShopItem
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// validate reports every unusable setting.
func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Count < 1 {
		bad("Count must be at least 1, got %d", c.Count)
	}
	if !(c.Rate > 0) {
		bad("Rate must be positive, got %v", c.Rate)
	}
	if c.Settle < 0 || c.Settle > MaxSettle {
		bad("Settle must be between 0 and %v, got %v", MaxSettle, c.Settle)
	}
	if c.Interval < MinInterval {
		bad("Interval must be at least %v, got %v", MinInterval, c.Interval)
	}
	if c.Duration < 0 {
		bad("Duration must not be negative, got %v", c.Duration)
	}
	for _, r := range []byte(c.Prefix) {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			bad("Prefix %q must be letters and digits only", c.Prefix)
			break
		}
	}
	for _, part := range reservedParts {
		if strings.Contains(c.Prefix, part) {
			bad("Prefix %q holds %q, which the server refuses in character names", c.Prefix, part)
		}
	}
	if c.Count >= 1 {
		if n := len(name(c.Prefix, c.Count-1)); n > MaxNameLen {
			bad("Prefix %q is too long for %d bots: names reach %d bytes, the limit is %d", c.Prefix, c.Count, n, MaxNameLen)
		}
		if n := len(name(c.Prefix, 0)); n < MinNameLen {
			bad("Prefix %q is too short: names start at %d bytes, the minimum is %d", c.Prefix, n, MinNameLen)
		}
	}
	if len(c.Password) > MaxPasswordLen {
		bad("Password must be at most %d bytes, got %d", MaxPasswordLen, len(c.Password))
	}
	if c.Roam < 1 || c.Roam > MaxRoam {
		bad("Roam must be 1 to %d tiles, got %d", MaxRoam, c.Roam)
	}
	if c.Spread < 0 || c.Spread > MaxSpread {
		bad("Spread must be 0 to %d tiles, got %d", MaxSpread, c.Spread)
	}
	if c.Behaviour != BehaviourWalk && c.Behaviour != BehaviourNPC && c.Behaviour != BehaviourItems &&
		c.Behaviour != BehaviourHunt {
		bad("Behaviour must be %q, %q, %q or %q, got %q", BehaviourWalk, BehaviourNPC, BehaviourItems, BehaviourHunt,
			c.Behaviour)
	}
	if c.JumpEvery < 0 || c.ChatEvery < 0 || c.Timeout < 0 {
		bad("JumpEvery, ChatEvery and Timeout must not be negative")
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bots: invalid config: %w", err)
	}
	return nil
}

// name returns the account and character name of bot n.
func name(prefix string, n int) string { return prefix + strconv.Itoa(n) }
