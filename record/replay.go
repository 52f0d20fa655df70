package record

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/rc5"
	"github.com/coserver/coserver/wire"
)

// DefaultReplayTimeout bounds the wait for each answer the server owes.
const DefaultReplayTimeout = 10 * time.Second

// Rule is how a replay compares one field of a server packet.
type Rule uint8

// Rules.
const (
	// Ignore skips the field: it legitimately differs (times, tokens,
	// addresses).
	Ignore Rule = iota + 1
	// MapID compares through the table of ids: the first time a recorded
	// id meets its live counterpart the pair is learnt, later occurrences
	// must agree, and client packets sent later carry the live id.
	MapID
)

// AllFields keys a rule that applies to every field of the packet.
const AllFields = "*"

// CompareRules are the per-type rules of a replay's comparison; a field
// without a rule must be equal.
var CompareRules = map[wire.Type]map[string]Rule{
	// The token and the game server's address are the server's to choose.
	wire.TypeConnectEx: {"Identity": Ignore, "Code": Ignore, "Host": Ignore, "Port": Ignore},
	// A new character's face (in Mesh) and hair are drawn at random.
	wire.TypeUserInfo: {"ID": MapID, "Mesh": Ignore, "Hair": Ignore},
	// Timestamp is a clock; ID is a character.
	wire.TypeAction: {"Timestamp": Ignore, "ID": MapID},
	wire.TypeWalk:   {"ID": MapID},
	wire.TypePlayer: {"ID": MapID, "Mesh": Ignore, "Hair": Ignore},
	wire.TypeTalk:   {"Identity": MapID},
	// MsgData carries the server's clock.
	wire.TypeData:     {AllFields: Ignore},
	wire.TypeItemInfo: {"UID": MapID},
}

// ReplayConfig says where and how to replay a recording's client side.
type ReplayConfig struct {
	// AccountAddr is the account server to replay against; the game
	// server is the one its MsgConnectEx names.
	AccountAddr string
	// Password replaces the masked password of every MsgAccount.
	Password string
	// Timeout bounds the wait for each server packet; zero means
	// DefaultReplayTimeout.
	Timeout time.Duration
	// Pace sends each client packet no earlier than its recorded time
	// since the start, so that the server's speed checks see the
	// recorded rhythm.
	Pace bool
	// Rules replaces CompareRules when set.
	Rules map[wire.Type]map[string]Rule
}

// Mismatch is a field of a server packet that differs from the recording.
type Mismatch struct {
	// Index is the packet's position in the recording, from 0.
	Index int
	// Conn and Type say which packet.
	Conn uint32
	Type wire.Type
	// Field, Recorded and Live say what differs.
	Field, Recorded, Live string
}

func (m Mismatch) String() string {
	return fmt.Sprintf("packet %d (conn %d, %v): %s recorded %s, server sent %s", m.Index, m.Conn, m.Type, m.Field, m.Recorded, m.Live)
}

// ReplayReport is the outcome of a replay.
type ReplayReport struct {
	// Sent and Compared count the client packets sent and the server
	// packets compared.
	Sent, Compared int
	// Mismatches are the differing fields, in order.
	Mismatches []Mismatch
}

type replayer struct {
	cfg    ReplayConfig
	rules  map[wire.Type]map[string]Rule
	conns  map[uint32]*client.Conn
	ids    map[uint64]uint64 // recorded id → live id
	tokens map[uint64]uint64 // recorded login token → live one
	game   string            // the game address of the latest live accept
	live   uint64            // the latest live token
	codec  wire.Codec
	rep    ReplayReport
}

// Replay plays the client side of packets against a server and compares
// what comes back, field by field, under the comparison rules. It returns
// the report so far and an error when the replay cannot go on (a
// connection fails, the server sends another type than recorded, or is
// silent past the timeout).
func Replay(ctx context.Context, cfg ReplayConfig, packets []Packet) (*ReplayReport, error) {
	cfg.Timeout = cmp.Or(cfg.Timeout, DefaultReplayTimeout)
	r := &replayer{cfg: cfg, rules: cfg.Rules, conns: map[uint32]*client.Conn{},
		ids: map[uint64]uint64{0: 0}, tokens: map[uint64]uint64{}}
	if r.rules == nil {
		r.rules = CompareRules
	}
	defer func() {
		for _, c := range r.conns {
			c.Close()
		}
	}()
	start := time.Now()
	for i, p := range packets {
		var err error
		if p.Dir == ClientToServer {
			if cfg.Pace {
				if err := waitUntil(ctx, start.Add(p.At)); err != nil {
					return &r.rep, err
				}
			}
			err = r.send(ctx, p)
		} else {
			err = r.expect(i, p)
		}
		if err != nil {
			return &r.rep, fmt.Errorf("record: replay: packet %d (%s#%d %v): %w", i, p.Kind, p.Conn, p.Dir, err)
		}
	}
	return &r.rep, nil
}

func waitUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *replayer) send(ctx context.Context, p Packet) error {
	c, ok := r.conns[p.Conn]
	if !ok {
		addr := r.cfg.AccountAddr
		if p.Kind == KindGame {
			if r.game == "" {
				return errors.New("a game connection before any accepted login")
			}
			addr = r.game
		}
		var err error
		if c, err = client.Dial(ctx, addr); err != nil {
			return err
		}
		r.conns[p.Conn] = c
	}
	b, token, err := r.rewrite(p)
	if err != nil {
		return err
	}
	if err := c.Write(b); err != nil {
		return err
	}
	if token != 0 {
		c.Rekey(token)
	}
	r.rep.Sent++
	return nil
}

// rewrite returns the bytes to send for a recorded client packet: the
// password restored, the live token and ids in place of the recorded ones;
// and the token to re-key with after a game MsgConnect.
func (r *replayer) rewrite(p Packet) ([]byte, uint64, error) {
	_, t := wire.Header(p.Bytes)
	pk := msg.New(t)
	if pk == nil || (t == wire.TypeConnect && p.Kind == KindAccount) {
		return p.Bytes, 0, nil
	}
	if err := r.codec.Decode(p.Bytes, pk); err != nil {
		return p.Bytes, 0, nil // recorded as it was: send it as it was
	}
	var token uint64
	switch x := pk.(type) {
	case *msg.Account:
		pw, err := rc5.New5017().EncryptPassword(r.cfg.Password)
		if err != nil {
			return nil, 0, fmt.Errorf("password: %w", err)
		}
		x.Password = pw
	case *msg.Connect:
		live, ok := r.tokens[x.Token]
		if !ok {
			live = r.live
		}
		x.Token, token = live, live
	case *msg.Register:
		for rec, live := range r.tokens {
			if uint32(rec) == x.Token {
				x.Token = uint32(live)
			}
		}
	default:
		mapIDs(pk, r.ids)
	}
	b, err := r.codec.Encode(nil, pk)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < len(p.Bytes) { // keep bytes past our layout as recorded
		b = append(b, p.Bytes[len(b):]...)
		putLen(b)
	}
	return b, token, nil
}

func putLen(b []byte) { b[0], b[1] = byte(len(b)), byte(len(b)>>8) }

// mapIDs replaces every uint32 field of p whose value is a known recorded
// id with its live id.
func mapIDs(p wire.Packet, ids map[uint64]uint64) {
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Uint32 || !f.CanSet() || f.Uint() == 0 {
			continue
		}
		if live, ok := ids[f.Uint()]; ok {
			f.SetUint(live)
		}
	}
}

func (r *replayer) expect(i int, p Packet) error {
	c, ok := r.conns[p.Conn]
	if !ok {
		return errors.New("a server packet on a connection the client has not opened")
	}
	if err := c.SetReadDeadline(time.Now().Add(r.cfg.Timeout)); err != nil {
		return err
	}
	b, err := c.Next()
	if err != nil {
		d := Decode(p.Kind, p.Bytes)
		return fmt.Errorf("waiting for %v: %w", d.Name(), err)
	}
	rec, live := Decode(p.Kind, p.Bytes), Decode(p.Kind, b)
	if rec.Type != live.Type {
		return fmt.Errorf("recorded %s, server sent %s", rec.Name(), live.Name())
	}
	r.rep.Compared++
	if cx, ok := live.Packet.(*msg.ConnectEx); ok {
		if _, rejected := cx.Rejected(); !rejected {
			r.live = cx.Token()
			r.game = net.JoinHostPort(cx.Host, strconv.FormatUint(uint64(cx.Port), 10))
			if rc, ok := rec.Packet.(*msg.ConnectEx); ok {
				r.tokens[rc.Token()] = cx.Token()
			}
		}
	}
	r.compare(i, p, &rec, &live)
	return nil
}

func (r *replayer) compare(i int, p Packet, rec, live *Decoded) {
	miss := func(field, a, b string) {
		r.rep.Mismatches = append(r.rep.Mismatches, Mismatch{Index: i, Conn: p.Conn, Type: rec.Type, Field: field, Recorded: a, Live: b})
	}
	if rec.Packet == nil || live.Packet == nil {
		if string(maskedCopy(rec.Raw)) != string(maskedCopy(live.Raw)) {
			miss("bytes", fmt.Sprintf("%x", rec.Raw), fmt.Sprintf("%x", live.Raw))
		}
		return
	}
	rules := r.rules[rec.Type]
	if rules[AllFields] == Ignore {
		return
	}
	for k, f := range rec.Fields {
		lf := live.Fields[k]
		switch rules[f.Name] {
		case Ignore:
			continue
		case MapID:
			rid, ok1 := asUint(f.Value)
			lid, ok2 := asUint(lf.Value)
			if ok1 && ok2 {
				if known, seen := r.ids[rid]; !seen {
					r.ids[rid] = lid
				} else if known != lid {
					miss(f.Name, fmt.Sprintf("%d (live %d earlier)", rid, known), strconv.FormatUint(lid, 10))
				}
				continue
			}
		}
		if a, b := textValue(f.Value), textValue(lf.Value); a != b {
			miss(f.Name, a, b)
		}
	}
	if string(rec.Trailing) != string(live.Trailing) {
		miss("trailing", fmt.Sprintf("%x", rec.Trailing), fmt.Sprintf("%x", live.Trailing))
	}
}

func asUint(v any) (uint64, bool) {
	rv := reflect.ValueOf(v)
	if !rv.CanUint() {
		return 0, false
	}
	return rv.Uint(), true
}
