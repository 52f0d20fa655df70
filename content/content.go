// Package content loads a content pack: the NPCs placed on the maps, the
// portals between maps, the item types, the shops and the Lua dialog
// scripts of the NPCs.
//
// A pack is a directory (any fs.FS) holding npcs.toml, portals.toml,
// scripts/*.lua and, optionally, items.toml, shops.toml and the combat
// files (monsters.toml, spawns.toml, levels.toml, magic.toml);
// docs/CONTENT.md describes every key. The pack under content/default is embedded in the
// binary and returned by Default. Load validates everything it reads and
// names the file and line of every problem; Check validates a loaded pack
// against the maps of a world.
//
// Each kind of content is a file of the directory read by its own loader
// into its own field of Pack; a pack without the optional ones stays valid.
package content

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed default
var defaultPack embed.FS

// Default returns the content pack shipped in the binary.
func Default() fs.FS {
	sub, err := fs.Sub(defaultPack, "default")
	if err != nil {
		// fs.Sub fails only for an invalid path; "default" is valid.
		panic(fmt.Sprintf("content: embedded pack: %v", err))
	}
	return sub
}

// File names inside a pack.
const (
	NPCFile    = "npcs.toml"
	PortalFile = "portals.toml"
	ScriptDir  = "scripts"
	ScriptExt  = ".lua"
)

// Limits of a pack, checked before the data they bound is read.
const (
	MaxFileSize   = 1 << 20  // bytes of npcs.toml or portals.toml
	MaxScriptSize = 64 << 10 // bytes of one script
	MaxScripts    = 1024     // files in scripts/
	MaxNPCs       = 10000    // [[npc]] entries
	MaxPortals    = 10000    // [[portal]] entries
	MaxErrors     = 100      // problems reported by one Load; the rest are counted
)

// NPC identifier ranges (combat.md §1; world-content.md §1): an NPC of a
// pack has an id in [MinNPCID, MaxNPCID] outside the two reserved ranges.
const (
	MinNPCID        = 1
	MaxNPCID        = 700000
	MinDynamicNPCID = 100001 // dynamic ("terrain") NPCs, spawned by the server
	MaxDynamicNPCID = 199999
	MinMonsterID    = 400001 // monsters, spawned by the server
	MaxMonsterID    = 499999
)

// Ranges of the other values of a pack.
const (
	MaxNameLen     = 15    // bytes of an NPC name
	MaxDir         = 7     // directions are 0–7 (game-rules §2)
	MaxModel       = 6552  // so that Look() = Model×10+Dir fits a u16
	MaxPortalIndex = 65535 // DMap passage index

	maxCoord            = 65535
	maxU16              = 65535
	maxU32              = 1<<32 - 1
	minMapID            = 1
	scriptNameMaxLength = 64
)

// Source is where a piece of content was defined.
type Source struct {
	File string // path inside the pack, e.g. "npcs.toml"
	Line int    // 1-based; 0 when the line is not known
}

// String returns "file:line", or "file" when the line is not known.
func (s Source) String() string {
	if s.Line <= 0 {
		return s.File
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Error is one problem in a content pack.
type Error struct {
	Src Source
	Msg string
}

// Error returns "file:line: message".
func (e *Error) Error() string { return e.Src.String() + ": " + e.Msg }

// NPC is an NPC placed on a map.
type NPC struct {
	ID     uint32 // 1–700,000 outside the reserved ranges
	Name   string // at most MaxNameLen printable ASCII bytes, no spaces
	Kind   uint16 // MsgNpcInfo type: 1 shop, 2 task, 3 warehouse, …
	Model  uint16 // [NpcTypeN] of the client's ini/npc.ini
	Dir    uint8  // direction it faces, 0–7
	Sort   uint16 // MsgNpcInfo sort flags: 0 dialog, 1 opens a client window, …
	Map    uint32
	X, Y   uint16
	Script string // file name in scripts/ run when clicked; "" for none
	Face   uint16 // face shown on its dialog pages; 0 for none
	Src    Source
}

// Look returns the MsgNpcInfo look: model × 10 + direction.
func (n NPC) Look() uint16 { return n.Model*10 + uint16(n.Dir) }

// Portal is a passage from a spot on one map to a point on another.
// Exactly one of (X, Y) and Index locates it: HasTile tells which.
type Portal struct {
	Map uint32
	// HasTile is true when X, Y give the portal's tile (built-in maps);
	// false when Index gives the DMap passage index (client maps).
	HasTile bool
	X, Y    uint16
	Index   int
	ToMap   uint32
	ToX     uint16
	ToY     uint16
	Src     Source
}

// Pack is a loaded, validated content pack.
type Pack struct {
	NPCs    []NPC
	Portals []Portal
	// Scripts maps a file name in scripts/ ("guide.lua") to its source.
	Scripts map[string][]byte
	// Items holds the item types of items.toml by type id; empty when the
	// pack has no items.toml.
	Items map[uint32]ItemType
	// Shops holds the shops of shops.toml by the id of their NPC; empty
	// when the pack has no shops.toml.
	Shops map[uint32]Shop
	// Monsters holds the monster types of monsters.toml by id.
	Monsters map[uint32]MonsterType
	// Spawns are the spawn areas of spawns.toml, in file order.
	Spawns []Spawn
	// Levels[l] is the experience that passes level l (Levels[0] is
	// unused); a level with no entry cannot be passed. Nil when the pack
	// has no levels.toml.
	Levels []uint64
	// Magic holds the magic types of magic.toml by type and level.
	Magic map[MagicKey]MagicType
}

// Load reads and validates the pack in fsys. The error, if any, joins every
// problem found (each an *Error naming file and line), up to MaxErrors.
func Load(fsys fs.FS) (*Pack, error) {
	l := loader{scriptFiles: map[string]bool{}}
	p := &Pack{Scripts: map[string][]byte{}, Items: map[uint32]ItemType{}, Shops: map[uint32]Shop{}}
	l.loadScripts(fsys, p)
	npcsOK := false
	if src, ok := l.readFile(fsys, NPCFile, MaxFileSize); ok {
		before := l.problems()
		p.NPCs = l.parseNPCs(src, l.scriptFiles)
		npcsOK = l.problems() == before
	}
	if src, ok := l.readFile(fsys, PortalFile, MaxFileSize); ok {
		p.Portals = l.parsePortals(src)
	}
	itemsOK := true
	if src, present, ok := l.readOptional(fsys, ItemFile, MaxItemFileSize); present {
		itemsOK = ok
		if ok {
			before := l.problems()
			p.Items = l.parseItems(src)
			itemsOK = l.problems() == before
		}
	}
	if src, present, ok := l.readOptional(fsys, ShopFile, MaxFileSize); present && ok {
		// A shop naming an NPC or item dropped for its own problem is not
		// reported a second time.
		p.Shops = l.parseShops(src, shopRefs{npcs: p.NPCs, npcsOK: npcsOK, items: p.Items, itemsOK: itemsOK})
	}
	l.loadCombat(fsys, p, itemsOK)
	if err := l.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// loadCombat reads the optional monsters, spawns, levels and magic files.
func (l *loader) loadCombat(fsys fs.FS, p *Pack, itemsOK bool) {
	p.Monsters = map[uint32]MonsterType{}
	p.Magic = map[MagicKey]MagicType{}
	monstersOK := true
	if src, present, ok := l.readOptional(fsys, MonsterFile, MaxFileSize); present {
		monstersOK = ok
		if ok {
			before := l.problems()
			p.Monsters = l.parseMonsters(src, p.Items, itemsOK)
			monstersOK = l.problems() == before
		}
	}
	if src, present, ok := l.readOptional(fsys, SpawnFile, MaxFileSize); present && ok {
		p.Spawns = l.parseSpawns(src, p.Monsters, monstersOK)
	}
	if src, present, ok := l.readOptional(fsys, LevelFile, MaxFileSize); present && ok {
		p.Levels = l.parseLevels(src)
	}
	if src, present, ok := l.readOptional(fsys, MagicFile, MaxFileSize); present && ok {
		p.Magic = l.parseMagic(src)
	}
}

// LoadAndCheck loads the pack in fsys and checks it against w: what a
// reload runs before it replaces the pack in use (on error, keep the old one).
func LoadAndCheck(fsys fs.FS, w World) (*Pack, error) {
	p, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	if err := p.Check(w); err != nil {
		return nil, err
	}
	return p, nil
}

// loader collects the problems of one Load.
type loader struct {
	errs        []error
	dropped     int
	scriptFiles map[string]bool // every scripts/*.lua present, valid or not
}

func (l *loader) add(src Source, format string, args ...any) {
	if len(l.errs) >= MaxErrors {
		l.dropped++
		return
	}
	l.errs = append(l.errs, &Error{Src: src, Msg: fmt.Sprintf(format, args...)})
}

// problems counts the problems found so far, kept or dropped.
func (l *loader) problems() int { return len(l.errs) + l.dropped }

// full reports whether no more problems will be kept.
func (l *loader) full() bool { return len(l.errs) >= MaxErrors }

func (l *loader) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	errs := l.errs
	if l.dropped > 0 {
		errs = append(errs, fmt.Errorf("content: %d more problems not shown", l.dropped))
	}
	return errors.Join(errs...)
}

// readFile reads name from fsys, refusing a file over limit before reading it.
func (l *loader) readFile(fsys fs.FS, name string, limit int64) ([]byte, bool) {
	b, err := readLimited(fsys, name, limit)
	if err != nil {
		l.add(Source{File: name}, "%v", err)
		return nil, false
	}
	return b, true
}

// readOptional reads name like readFile; present is false (and nothing is
// reported) when the file does not exist.
func (l *loader) readOptional(fsys fs.FS, name string, limit int64) (b []byte, present, ok bool) {
	if _, err := fs.Stat(fsys, name); errors.Is(err, fs.ErrNotExist) {
		return nil, false, false
	}
	b, ok = l.readFile(fsys, name, limit)
	return b, true, ok
}

func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("file missing")
		}
		return nil, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat: %w", err)
	}
	if st.IsDir() {
		return nil, errors.New("is a directory, want a file")
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%d bytes, more than the limit of %d", st.Size(), limit)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("more than the limit of %d bytes", limit)
	}
	return b, nil
}

// loadScripts reads scripts/*.lua and checks their Lua syntax. A pack
// without a scripts directory has no scripts.
func (l *loader) loadScripts(fsys fs.FS, p *Pack) {
	entries, err := fs.ReadDir(fsys, ScriptDir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.add(Source{File: ScriptDir}, "%v", err)
		}
		return
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ScriptExt) {
			names = append(names, e.Name())
		}
	}
	if len(names) > MaxScripts {
		l.add(Source{File: ScriptDir}, "%d scripts, more than the limit of %d", len(names), MaxScripts)
		return
	}
	sort.Strings(names)
	for _, name := range names {
		l.scriptFiles[name] = true
		file := path.Join(ScriptDir, name)
		src, ok := l.readFile(fsys, file, MaxScriptSize)
		if !ok {
			continue
		}
		if line, msg, bad := luaSyntax(src, file); bad {
			l.add(Source{File: file, Line: line}, "%s", msg)
			continue
		}
		p.Scripts[name] = src
	}
}
