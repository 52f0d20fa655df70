package game

import "github.com/coserver/coserver/msg"

// Where new characters start: Birth Village (Comet and CoEmu, the two
// servers that target 5017, agree).
const (
	StartMap          = 1010
	StartX, StartY    = 61, 109
	fallbackMap       = 1002 // CoEmu's home for a character on a map that is not loaded
	fallbackX         = 430
	fallbackY         = 378
	builtinMapSide    = 1024 // built-in maps are open ground this wide and high
	builtinTwinCityID = 1002
)

// MapInfo is what the server knows of a map besides its floor.
type MapInfo struct {
	ID    uint32
	Name  string
	Flags uint32 // MsgMapInfo flags (CoEmu Maps.csv)
	// Width and Height size a built-in map; loaded maps take the DMap's.
	Width, Height int
}

// packet returns the MsgMapInfo a client gets on entering the map.
func (mi MapInfo) packet() *msg.MapInfo {
	return &msg.MapInfo{UID: mi.ID, MapID: mi.ID, Flags: mi.Flags}
}

// builtinMaps are the maps the server runs without client files: open
// ground with the real ids, so that a real client finds its start map and
// Twin City (names: CoEmu Maps.csv).
var builtinMaps = [...]MapInfo{
	{ID: StartMap, Name: "BirthVillage", Flags: mapFlagNoPK, Width: builtinMapSide, Height: builtinMapSide},
	{ID: builtinTwinCityID, Name: "Plain", Flags: 24576, Width: builtinMapSide, Height: builtinMapSide},
	{ID: 1000, Name: "Desert", Width: builtinMapSide, Height: builtinMapSide},
	{ID: 1011, Name: "Woods", Width: builtinMapSide, Height: builtinMapSide},
}

func builtinByID(id uint32) (MapInfo, bool) {
	for _, m := range builtinMaps {
		if m.ID == id {
			return m, true
		}
	}
	return MapInfo{}, false
}
