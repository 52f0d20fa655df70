package game

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
)

// command runs a GM chat command: "/tele [name] map x y", "/online",
// "/kick name".
// It may come during the login chain, before the player is on a map: the
// commands that need a map refuse then.
func (s *session) command(line string) {
	f := strings.Fields(line)
	reply := func(format string, args ...any) { s.system(msg.ChannelTopLeft, fmt.Sprintf(format, args...)) }
	switch f[0] {
	case "/tele":
		// /tele map x y moves the GM; /tele name map x y moves a player.
		pl := s.player
		if len(f) == 5 {
			target := s.srv.world.find(f[1])
			if target == nil {
				reply("%s is not online.", f[1])
				return
			}
			pl, f = target.player, f[1:]
		}
		if len(f) != 4 {
			reply("usage: /tele [name] map x y")
			return
		}
		id, e1 := strconv.ParseUint(f[1], 10, 32)
		x, e2 := strconv.ParseUint(f[2], 10, 16)
		y, e3 := strconv.ParseUint(f[3], 10, 16)
		dest := s.srv.world.maps[uint32(id)]
		if e1 != nil || e2 != nil || e3 != nil || dest == nil {
			reply("no such map or position: %s", strings.Join(f[1:], " "))
			return
		}
		if !dest.floor.Walkable(int(x), int(y)) {
			reply("(%d, %d) on map %d is not walkable", x, y, id)
			return
		}
		on := pl.at.Load() // nil until placed on a map
		if on == nil || (pl == s.player && !s.placed) {
			reply(textNotPlaced)
			return
		}
		s.conn.Log.Info("GM teleport", "target", pl.name, "map", id, "x", x, "y", y)
		on.do(func(m *Map) { m.teleport(pl, dest, uint16(x), uint16(y)) })
	case "/online":
		reply("%d players online", s.srv.world.Online())
	case "/kick":
		if len(f) != 2 {
			reply("usage: /kick name")
			return
		}
		target := s.srv.world.find(f[1])
		if target == nil {
			reply("%s is not online.", f[1])
			return
		}
		s.conn.Log.Info("GM kick", "target", f[1])
		target.conn.Kick(server.ReasonKicked)
		reply("%s kicked.", f[1])
	default:
		reply("unknown command %s (try /tele, /online, /kick)", f[0])
	}
}
