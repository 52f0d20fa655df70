package game

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
)

// command runs a GM chat command: "/tele [name] map x y", "/online",
// "/kick name", "/money n", "/item type [count]".
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
	case "/money", "/item":
		s.gmGive(f, reply)
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
		reply("unknown command %s (try /tele, /online, /kick, /money, /item)", f[0])
	}
}

// gmGive runs "/money n" (give the GM n silver) and "/item type [count]"
// (give the GM count items of type, at most MaxBuyAmount).
func (s *session) gmGive(f []string, reply func(string, ...any)) {
	pl := s.player
	m := pl.at.Load()
	if m == nil || !s.placed || s.srv.uids == nil {
		reply(textNotPlaced)
		return
	}
	if f[0] == "/money" {
		n, err := strconv.ParseUint(f[len(f)-1], 10, 32)
		if len(f) != 2 || err != nil {
			reply("usage: /money n")
			return
		}
		m.do(func(m *Map) {
			if !m.giveMoney(pl, uint32(n)) {
				reply("too much money")
			}
		})
		return
	}
	count := uint64(1)
	var e2 error
	typ, e1 := strconv.ParseUint(f[min(1, len(f)-1)], 10, 32)
	if len(f) == 3 {
		count, e2 = strconv.ParseUint(f[2], 10, 8)
	}
	if len(f) < 2 || len(f) > 3 || e1 != nil || e2 != nil || count < 1 || count > MaxBuyAmount {
		reply("usage: /item type [count 1-%d]", MaxBuyAmount)
		return
	}
	ctx, cancel := s.storeCtx()
	first, err := s.srv.uids.take(ctx, int(count))
	cancel()
	if err != nil {
		reply("store error")
		return
	}
	m.do(func(m *Map) {
		if why := m.giveItems(pl, uint32(typ), int(count), first); why != "" {
			reply("refused: %s", why)
		}
	})
}
