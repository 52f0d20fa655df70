package client

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/coserver/coserver/rc5"
)

// Defaults for Config.
const (
	// DefaultDialTimeout bounds each TCP connect.
	DefaultDialTimeout = 10 * time.Second
	// DefaultTimeout bounds each wait for the server's answer during login,
	// and every write.
	DefaultTimeout = 15 * time.Second
	// DefaultEventBuffer is how many events wait for the consumer before
	// the oldest is dropped.
	DefaultEventBuffer = 1024
	// DefaultBody is the body of a new character when Config.Body is 0:
	// agile male.
	DefaultBody = 1003
	// DefaultClass is the profession of a new character when Config.Class
	// is 0: trojan.
	DefaultClass = 10
	// DefaultLanguage is the language a 5017 client puts in MsgConnect.
	DefaultLanguage = "En"
)

// Values a 5017 client sends that servers ignore (Wiki, CoEmu benchbot).
const (
	resourceContents = 10        // MsgConnect "file contents"
	resourceFile     = "Res.dat" // the account-server MsgConnect file name
	fieldSize        = 16        // char[16]: account, character and server names
)

// Config is how a Client logs in.
type Config struct {
	// AccountAddr is the account server, host:port.
	AccountAddr string
	// Account and Password are the credentials; the password travels
	// RC5-encrypted and is at most 16 bytes.
	Account, Password string
	// Server is the realm name the player picked (server.dat); servers
	// that run one realm ignore it.
	Server string
	// Character is the name of the character to create when the account
	// has none (the game server answers NEW_ROLE). Empty means never create:
	// such a login fails with ErrNoCharacter.
	Character string
	// Body and Class of a new character; 0 means DefaultBody, DefaultClass.
	Body  uint16
	Class uint8
	// Logger receives the client's logs; nil discards them.
	Logger *slog.Logger
	// DialTimeout bounds each TCP connect; 0 means DefaultDialTimeout.
	DialTimeout time.Duration
	// Timeout bounds each wait for an answer during login and each write;
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// EventBuffer is the capacity of the Events channel: 0 means
	// DefaultEventBuffer, a negative value disables events altogether (the
	// client still tracks its position and screen, and decodes into reused
	// structs, so an idle bot allocates nothing per packet).
	EventBuffer int
	// IgnoreScreen, when set, keeps no players on the screen: Screen holds
	// only the NPCs (few, and they do not move), and others' spawns, moves
	// and removals only go to Events. For bots that need just their own
	// position and the NPCs: players in a crowd cost memory and map
	// operations on every packet.
	IgnoreScreen bool
	// OnAck, when set, is called on the reader goroutine each time the
	// server answers one of this client's moves (Walk, Jump): accepted
	// (echoed) or refused (pulled back). It must not block; it may call
	// the Client's methods.
	OnAck func(Ack)
	// OnDialog, when set, is called on the reader goroutine with each NPC
	// dialog page as its create (MsgTaskDialog 100) arrives, the same page
	// that Dialog then returns. It must not block; it may call the Client's
	// methods.
	OnDialog func(Dialog)
	// OnSighting, when set, is called each time another entity steps (its
	// MsgWalk) or appears (MsgPlayer), whether or not IgnoreScreen keeps it
	// on the screen; see Sighting. It runs on the goroutine that reads the
	// packet: Login's (or Connect's) during the login chain, when the
	// server spawns those in view, then the reader's. It must not block; it
	// may call the Client's methods once Login has returned.
	OnSighting func(Sighting)
}

// withDefaults returns cfg with zero fields set to their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Body == 0 {
		cfg.Body = DefaultBody
	}
	if cfg.Class == 0 {
		cfg.Class = DefaultClass
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.EventBuffer == 0 {
		cfg.EventBuffer = DefaultEventBuffer
	}
	return cfg
}

// validate reports fields the packets cannot carry.
func (cfg Config) validate() error {
	var errs []error
	if cfg.AccountAddr == "" {
		errs = append(errs, errors.New("no account server address (AccountAddr)"))
	}
	if cfg.Account == "" || len(cfg.Account) > fieldSize {
		errs = append(errs, fmt.Errorf("the account name must be 1 to %d bytes, got %d", fieldSize, len(cfg.Account)))
	}
	if len(cfg.Password) > rc5.PasswordSize {
		errs = append(errs, fmt.Errorf("the password must be at most %d bytes, got %d", rc5.PasswordSize, len(cfg.Password)))
	}
	if len(cfg.Server) > fieldSize {
		errs = append(errs, fmt.Errorf("the server (realm) name must be at most %d bytes, got %d", fieldSize, len(cfg.Server)))
	}
	if len(cfg.Character) > fieldSize {
		errs = append(errs, fmt.Errorf("the character name must be at most %d bytes, got %d", fieldSize, len(cfg.Character)))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("client: invalid config: %w", err)
	}
	return nil
}
