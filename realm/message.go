// Package realm connects coserver processes over NATS: game servers
// ("realms", named by the server name clients pick in MsgAccount) announce
// themselves, account servers keep a directory of the realms alive and send
// each client to the realm it asked for, and a few operator actions reach
// every realm at once: the duplicate-login claim, kick, ban and the GM
// broadcast.
//
// Every message is JSON with a version field ("v"), decoded by one strict
// decoder (Decode) that refuses unknown fields, other versions, oversized
// messages and values out of range. The subjects are listed with Subject*
// below and in docs/SCALING.md.
package realm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/coserver/coserver/names"
)

// Version is the message format version this build writes and reads.
const Version = 1

// Limits of a message.
const (
	// MaxMessageBytes bounds a message: anything longer is refused before
	// it is parsed.
	MaxMessageBytes = 4 << 10
	// MaxNameLen is the longest realm name: MsgAccount's server field is
	// char[16] with a terminating NUL.
	MaxNameLen = 15
	// MaxInstanceLen is the longest instance id.
	MaxInstanceLen = 32
	// MaxCharacterLen is the longest character name in a kick (char[16]).
	MaxCharacterLen = 16
	// MaxTextLen is the longest broadcast text (msg.MaxMessageLen).
	MaxTextLen = 250
	// MaxPlayers bounds the load figures of an announcement.
	MaxPlayers = 1_000_000
	// MinInterval and MaxInterval bound the announce interval an
	// announcement states.
	MinInterval = 100 * time.Millisecond
	MaxInterval = time.Minute
)

// Subjects. A realm's own subjects carry its name, so that NATS subject
// permissions can let each realm's user publish only as itself
// (docs/SCALING.md, "Forged announcements").
const (
	// SubjectPrefix starts every subject; the version is part of it, so
	// two formats never meet on one subject.
	SubjectPrefix = "coserver.v1."
	// SubjectAnnounceAll is what a directory subscribes to: every realm's
	// announcements, coserver.v1.realm.<name>.announce.
	SubjectAnnounceAll = SubjectPrefix + "realm.*.announce"
	// SubjectProbe asks every realm to announce itself now (a directory
	// that just started); the body is empty.
	SubjectProbe = SubjectPrefix + "realm.probe"
	// SubjectLogin is the cross-realm duplicate-login claim (a request;
	// every realm answers with a LoginReply).
	SubjectLogin = SubjectPrefix + "login"
	// SubjectKick disconnects a character or an account's session on
	// whatever realm holds it (a request; every realm answers with a
	// Reply).
	SubjectKick = SubjectPrefix + "kick"
	// SubjectBroadcast is a GM broadcast to every realm's players (a
	// request; every realm answers with a Reply).
	SubjectBroadcast = SubjectPrefix + "broadcast"
)

// SubjectAnnounce returns the subject realm name announces on. Realm names
// compare in any case, so the subject holds the name in lower case (as
// names.Key folds it): "East" and "east" are one realm, on one subject.
func SubjectAnnounce(name string) string {
	return SubjectPrefix + "realm." + names.Key(name) + ".announce"
}

// SubjectClaim returns the subject processes claiming the realm name meet
// on at start-up (the name in lower case, as for SubjectAnnounce).
func SubjectClaim(name string) string { return SubjectPrefix + "realm." + names.Key(name) + ".claim" }

// Announce is a realm's announcement, published every interval and when
// it leaves.
type Announce struct {
	V int `json:"v"`
	// Realm is the realm's name, the server name clients pick.
	Realm string `json:"realm"`
	// Instance identifies the process (random, new at every start).
	Instance string `json:"instance"`
	// Host and Port are the game server's address as clients reach it: an
	// IPv4 address (the 5017 client takes nothing else).
	Host string `json:"host"`
	Port int    `json:"port"`
	// Online and MaxPlayers are the realm's load.
	Online     int `json:"online"`
	MaxPlayers int `json:"max_players"`
	// PID is the process id, for operators.
	PID int `json:"pid"`
	// IntervalMS is the time to the next announcement, in milliseconds;
	// a directory drops the realm after a few missed ones.
	IntervalMS int64 `json:"interval_ms"`
	// Leaving says the realm is shutting down: drop it now.
	Leaving bool `json:"leaving,omitempty"`
}

// Interval returns the announce interval the realm stated.
func (a *Announce) Interval() time.Duration { return time.Duration(a.IntervalMS) * time.Millisecond }

// Full reports whether the realm has no room for another player.
func (a *Announce) Full() bool { return a.Online >= a.MaxPlayers }

// Claim is a process's claim on a realm name at start-up.
type Claim struct {
	V int `json:"v"`
	// Realm is the name claimed; Instance the claiming process.
	Realm    string `json:"realm"`
	Instance string `json:"instance"`
	// Held is set in an answer: the answering process holds (or is
	// claiming with precedence) the name.
	Held bool `json:"held,omitempty"`
	// PID is the answering or claiming process's id, for the error message.
	PID int `json:"pid"`
}

// Login is a realm's claim of an account that just logged in to it: every
// other realm disconnects that account's session and answers once it has
// left and saved.
type Login struct {
	V int `json:"v"`
	// Realm and Instance are where the account logs in now.
	Realm    string `json:"realm"`
	Instance string `json:"instance"`
	// AccountID is the account.
	AccountID int64 `json:"account_id"`
}

// Kick reasons.
const (
	ReasonKick = "kick" // an operator's kick
	ReasonBan  = "ban"  // the account was banned
)

// Kick disconnects a character (by name) or an account's session (by id)
// wherever it is.
type Kick struct {
	V int `json:"v"`
	// From is the instance that sends it.
	From string `json:"from"`
	// Character, or AccountID when Character is empty, is who to
	// disconnect.
	Character string `json:"character,omitempty"`
	AccountID int64  `json:"account_id,omitempty"`
	// Reason is ReasonKick or ReasonBan.
	Reason string `json:"reason"`
}

// Broadcast is a GM broadcast for every realm's players.
type Broadcast struct {
	V int `json:"v"`
	// From is the instance that sends it.
	From string `json:"from"`
	// Sender is the GM character who said it in the game, empty for an
	// operator's broadcast (shown as the system's).
	Sender string `json:"sender,omitempty"`
	// Text is the message.
	Text string `json:"text"`
}

// Reply answers a Login, Kick or Broadcast request.
type Reply struct {
	V int `json:"v"`
	// Realm and Instance are the realm answering.
	Realm    string `json:"realm"`
	Instance string `json:"instance"`
	// Count is how many sessions it disconnected (Login, Kick) or players
	// it reached (Broadcast).
	Count int `json:"count"`
}

// Message is one of the message types above.
type Message interface {
	*Announce | *Claim | *Login | *Kick | *Broadcast | *Reply
	validate() error
}

// ErrInvalid is wrapped by every decoding error.
var ErrInvalid = errors.New("realm: invalid message")

// Decode reads one message of type M from data, strictly: at most
// MaxMessageBytes, a single JSON object without unknown fields, version
// Version, and every field in range.
func Decode[M Message](data []byte, m M) error {
	if len(data) > MaxMessageBytes {
		return fmt.Errorf("%w: %d bytes, over %d", ErrInvalid, len(data), MaxMessageBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the object", ErrInvalid)
	}
	if err := m.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// Encode writes m with the current version, after checking it as Decode
// would.
func Encode[M Message](m M) ([]byte, error) {
	setVersion(m)
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("realm: encode %T: %w", m, err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("realm: encode %T: %w", m, err)
	}
	if len(b) > MaxMessageBytes {
		return nil, fmt.Errorf("realm: encode %T: %d bytes, over %d", m, len(b), MaxMessageBytes)
	}
	return b, nil
}

func setVersion(m any) {
	switch m := m.(type) {
	case *Announce:
		m.V = Version
	case *Claim:
		m.V = Version
	case *Login:
		m.V = Version
	case *Kick:
		m.V = Version
	case *Broadcast:
		m.V = Version
	case *Reply:
		m.V = Version
	}
}

// ValidName reports whether name can be a realm name: 1 to MaxNameLen
// ASCII letters, digits, '-' or '_' (it is a NATS subject token and a
// client's server.dat entry).
func ValidName(name string) bool {
	if name == "" || len(name) > MaxNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func checkVersion(v int) error {
	if v != Version {
		return fmt.Errorf("version %d, want %d", v, Version)
	}
	return nil
}

func checkName(name string) error {
	if !ValidName(name) {
		return fmt.Errorf("realm name %q: want 1 to %d of A-Z a-z 0-9 - _", name, MaxNameLen)
	}
	return nil
}

func checkInstance(field, id string) error {
	if id == "" || len(id) > MaxInstanceLen {
		return fmt.Errorf("%s: want 1 to %d bytes, got %d", field, MaxInstanceLen, len(id))
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("%s: byte %#x is not printable ASCII", field, c)
		}
	}
	return nil
}

func checkCount(field string, n, max int) error {
	if n < 0 || n > max {
		return fmt.Errorf("%s: %d outside 0..%d", field, n, max)
	}
	return nil
}

func (a *Announce) validate() error {
	if err := checkVersion(a.V); err != nil {
		return err
	}
	if err := checkName(a.Realm); err != nil {
		return err
	}
	if err := checkInstance("instance", a.Instance); err != nil {
		return err
	}
	if ip, err := netip.ParseAddr(a.Host); err != nil || !ip.Is4() {
		return fmt.Errorf("host %q is not an IPv4 address", a.Host)
	}
	switch {
	case a.Port < 1 || a.Port > 65535:
		return fmt.Errorf("port %d outside 1..65535", a.Port)
	case a.MaxPlayers < 1 || a.MaxPlayers > MaxPlayers:
		return fmt.Errorf("max_players %d outside 1..%d", a.MaxPlayers, MaxPlayers)
	case a.PID < 0:
		return fmt.Errorf("pid %d is negative", a.PID)
	case a.IntervalMS < MinInterval.Milliseconds() || a.IntervalMS > MaxInterval.Milliseconds():
		return fmt.Errorf("interval_ms %d outside %d..%d", a.IntervalMS, MinInterval.Milliseconds(), MaxInterval.Milliseconds())
	}
	return checkCount("online", a.Online, MaxPlayers)
}

func (c *Claim) validate() error {
	if err := checkVersion(c.V); err != nil {
		return err
	}
	if err := checkName(c.Realm); err != nil {
		return err
	}
	if c.PID < 0 {
		return fmt.Errorf("pid %d is negative", c.PID)
	}
	return checkInstance("instance", c.Instance)
}

func (l *Login) validate() error {
	if err := checkVersion(l.V); err != nil {
		return err
	}
	if err := checkName(l.Realm); err != nil {
		return err
	}
	if l.AccountID <= 0 {
		return fmt.Errorf("account_id %d is not positive", l.AccountID)
	}
	return checkInstance("instance", l.Instance)
}

func (k *Kick) validate() error {
	if err := checkVersion(k.V); err != nil {
		return err
	}
	if err := checkInstance("from", k.From); err != nil {
		return err
	}
	switch {
	case k.Reason != ReasonKick && k.Reason != ReasonBan:
		return fmt.Errorf("reason %q: want %s or %s", k.Reason, ReasonKick, ReasonBan)
	case k.Character == "" && k.AccountID <= 0:
		return errors.New("neither a character nor a positive account_id")
	case k.Character != "" && k.AccountID != 0:
		return errors.New("both a character and an account_id")
	case len(k.Character) > MaxCharacterLen:
		return fmt.Errorf("character: %d bytes, over %d", len(k.Character), MaxCharacterLen)
	}
	return nil
}

func (b *Broadcast) validate() error {
	if err := checkVersion(b.V); err != nil {
		return err
	}
	if err := checkInstance("from", b.From); err != nil {
		return err
	}
	if len(b.Sender) > MaxCharacterLen {
		return fmt.Errorf("sender: %d bytes, over %d", len(b.Sender), MaxCharacterLen)
	}
	if b.Text == "" || len(b.Text) > MaxTextLen {
		return fmt.Errorf("text: want 1 to %d bytes, got %d", MaxTextLen, len(b.Text))
	}
	return nil
}

func (r *Reply) validate() error {
	if err := checkVersion(r.V); err != nil {
		return err
	}
	if err := checkName(r.Realm); err != nil {
		return err
	}
	if err := checkInstance("instance", r.Instance); err != nil {
		return err
	}
	return checkCount("count", r.Count, MaxPlayers)
}
