package game

import (
	"github.com/coserver/coserver/msg"
)

// Portal rules (world-content.md §2, policy): the portal is looked up in the
// 3×3 tiles round the server's position of the player, and the point the
// client reports must lie within PortalReportRange of it.
const (
	// PortalSearchRadius is how far from the player's tile a portal tile
	// counts as stepped on (1: the 3×3 tiles round it, as WCO).
	PortalSearchRadius = 1
	// PortalReportRange is how far the client's reported portal point may
	// be from the server's position of the player (COPS).
	PortalReportRange = 10
)

// portal is a way from a tile of one map to a point of another (or the
// same) map.
type portal struct {
	x, y     uint16 // the portal tile
	toMap    uint32
	toX, toY uint16
	source   string // where it was defined (file:line), for logs
}

// takePortal moves p through the portal it stepped on, reported by the
// client at (rx, ry), or pulls it back. Map goroutine only.
func (m *Map) takePortal(p *Player, rx, ry uint16) {
	if m.players[p.id] != p {
		return
	}
	if abs(int(rx)-int(p.x)) > PortalReportRange || abs(int(ry)-int(p.y)) > PortalReportRange {
		m.world.metrics.portals.WithLabelValues("far").Inc()
		m.pullBack(p)
		return
	}
	pt := m.portalNear(p.x, p.y)
	if pt == nil {
		m.world.metrics.portals.WithLabelValues("none").Inc()
		m.pullBack(p)
		return
	}
	dest := m.world.maps[pt.toMap]
	if dest == nil { // checked at load; a reload may have dropped the map
		m.world.metrics.portals.WithLabelValues("no_map").Inc()
		m.pullBack(p)
		return
	}
	m.world.metrics.portals.WithLabelValues("ok").Inc()
	m.teleport(p, dest, pt.toX, pt.toY)
}

// portalNear returns the portal within PortalSearchRadius of (x, y), the
// nearest first, or nil.
func (m *Map) portalNear(x, y uint16) *portal {
	var best *portal
	bestD := PortalSearchRadius + 1
	for i := range m.portals {
		pt := &m.portals[i]
		d := max(abs(int(pt.x)-int(x)), abs(int(pt.y)-int(y)))
		if d < bestD {
			best, bestD = pt, d
		}
	}
	return best
}

// mapColor is the light a map is drawn with when none is configured: plain
// daylight (MsgAction 104, data1 = 0xAARRGGBB-less RGB as CoEmu sends it).
const mapColor = 0xFFFFFF

// arrive tells p's client that it is now on m at its position: MsgAction 86
// (data1 = the map's doc id, equal to its id for static maps), 104 (light),
// MsgMapInfo, then, in enter, the screen. Map goroutine only.
func (m *Map) arrive(p *Player) {
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data1: m.id, Data2: msg.XY(p.x, p.y),
		Direction: uint16(p.dir), Subtype: msg.ActionTeleport}
	p.conn.Send(&m.action)
	m.action = msg.Action{Timestamp: timestamp(), ID: p.id, Data1: mapColor, Data2: msg.XY(p.x, p.y),
		Subtype: msg.ActionMapARGB}
	p.conn.Send(&m.action)
	p.conn.Send(m.info.packet())
	m.enter(p)
}
