package game

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
)

// PlayerInfo is an online character as the operator sees it.
type PlayerInfo struct {
	// Name is the character's name.
	Name string
	// AccountID and Account identify the account it belongs to.
	AccountID int64
	Account   string
	// Map, X and Y are where it stands.
	Map  uint32
	X, Y uint16
	// Level is the character's level.
	Level uint8
	// IP is the client's address.
	IP netip.Addr
}

// Players returns every character in the world, sorted by name. Positions
// are read on each map's goroutine; a player between two maps at that moment
// is left out.
func (s *Server) Players() []PlayerInfo { return s.players(nil) }

// MapPlayers returns the characters on map id, sorted by name.
func (s *Server) MapPlayers(id uint32) []PlayerInfo {
	m := s.world.maps[id]
	if m == nil {
		return nil
	}
	return s.players(m)
}

// players collects the placed players of every session, or only of those on
// only when it is not nil: one call per map.
func (s *Server) players(only *Map) []PlayerInfo {
	byMap := make(map[*Map][]*session)
	s.world.each(func(ss *session) {
		if ss.player == nil {
			return
		}
		if m := ss.player.at.Load(); m != nil && (only == nil || m == only) {
			byMap[m] = append(byMap[m], ss)
		}
	})
	var out []PlayerInfo
	for m, list := range byMap {
		m.call(func(m *Map) {
			for _, ss := range list {
				p := ss.player
				if p.at.Load() != m || m.players[p.id] != p {
					continue // moved on since: it is listed by no map this time
				}
				out = append(out, PlayerInfo{Name: p.name, AccountID: ss.accountID, Account: ss.account,
					Map: m.id, X: p.x, Y: p.y, Level: p.ch.Level, IP: ss.conn.RemoteAddr()})
			}
		})
	}
	slices.SortFunc(out, func(a, b PlayerInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Kick disconnects the character called name (any case); it reports whether
// it was online.
func (s *Server) Kick(name string) bool {
	ss := s.world.find(name)
	if ss == nil {
		return false
	}
	s.log.Debug("admin kick", "character", ss.player.name)
	ss.conn.Kick(server.ReasonKicked)
	return true
}

// KickAccount disconnects the session of account id, logged in or still
// in the login chain; it reports whether there was one.
func (s *Server) KickAccount(id int64) bool {
	s.world.mu.Lock()
	ss := s.world.byAcct[id]
	s.world.mu.Unlock()
	if ss == nil {
		return false
	}
	s.log.Debug("admin kick", "account_id", id)
	ss.conn.Kick(server.ReasonKicked)
	return true
}

// ErrBadBroadcast refuses an empty broadcast or one longer than
// msg.MaxMessageLen.
var ErrBadBroadcast = errors.New("game: a broadcast must be 1 to 250 bytes")

// Broadcast sends text to every online player as a system broadcast (the
// channel of a GM's world announcement) and returns how many got it.
func (s *Server) Broadcast(text string) (int, error) {
	if text == "" || len(text) > msg.MaxMessageLen {
		return 0, fmt.Errorf("%w (got %d)", ErrBadBroadcast, len(text))
	}
	t := msg.SystemMessage(msg.ChannelBroadcast, text)
	n := 0
	s.world.each(func(ss *session) {
		ss.conn.Send(t)
		n++
	})
	s.log.Info("admin broadcast", "text", text, "players", n)
	return n, nil
}

// Maps returns what the server knows of each of its maps, sorted by id.
func (s *Server) Maps() []MapInfo {
	out := make([]MapInfo, 0, len(s.world.maps))
	for _, m := range s.world.maps {
		info := m.info
		info.Width, info.Height = m.floor.Width(), m.floor.Height()
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b MapInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// MapFloor returns the floor of map id (read-only, shared), or nil when the
// map is not loaded.
func (s *Server) MapFloor(id uint32) *mapdata.Floor {
	if m := s.world.maps[id]; m != nil {
		return m.floor
	}
	return nil
}
