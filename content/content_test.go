package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// openWorld is a fake World of open square maps, with optional blocked tiles.
type openWorld struct {
	side     int
	maps     map[uint32]bool
	blocked  map[[3]int]bool
	passages map[[2]int]bool // map id, DMap passage index
}

func newOpenWorld(ids ...uint32) *openWorld {
	w := &openWorld{side: 1024, maps: map[uint32]bool{}, blocked: map[[3]int]bool{}, passages: map[[2]int]bool{}}
	for _, id := range ids {
		w.maps[id] = true
	}
	return w
}

func (w *openWorld) HasMap(id uint32) bool { return w.maps[id] }

func (w *openWorld) HasPassage(mapID uint32, index int) bool {
	return w.passages[[2]int{int(mapID), index}]
}

func (w *openWorld) Walkable(mapID uint32, x, y int) bool {
	return w.maps[mapID] && x >= 0 && y >= 0 && x < w.side && y < w.side &&
		!w.blocked[[3]int{int(mapID), x, y}]
}

// withPassage gives map id of w a DMap passage with this index.
func withPassage(w *openWorld, id uint32, index int) *openWorld {
	w.passages[[2]int{int(id), index}] = true
	return w
}

// builtinWorld holds the four built-in maps.
func builtinWorld() *openWorld { return newOpenWorld(1010, 1002, 1000, 1011) }

// problems returns the messages of every problem joined in err.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		out = append(out, e.Error())
	}
	walk(err)
	return out
}

// wantProblems fails unless err holds exactly the problems in want.
func wantProblems(t *testing.T, err error, want ...string) {
	t.Helper()
	got := problems(err)
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n got %q\nwant %q", got, want)
	}
}

// pack builds a pack directory from file contents.
func pack(npcs, portals string, scripts map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		NPCFile:    {Data: []byte(npcs)},
		PortalFile: {Data: []byte(portals)},
	}
	for name, src := range scripts {
		fsys[ScriptDir+"/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

var helloScript = map[string]string{"hello.lua": `ask("Hello!", {"Bye."})` + "\n"}

// goodNPCs is a valid npcs.toml; the second entry's header is on line 13.
const goodNPCs = `# two NPCs
[[npc]]
id = 1
name = "Greeter"
kind = 2
model = 261
dir = 1
map = 1010
x = 63
y = 107
script = "hello.lua"

[[npc]]
id = 20
name = "Trader"
kind = 1
model = 1
map = 1002
x = 427
y = 381
`

// goodPortals is a valid portals.toml; its entries start on lines 1 and 9.
const goodPortals = `[[portal]]
map = 1010
x = 71
y = 109
to_map = 1002
to_x = 430
to_y = 378

[[portal]]
map = 1015
index = 3
to_map = 1002
to_x = 430
to_y = 378
`

func TestLoadGoodPack(t *testing.T) {
	p, err := Load(pack(goodNPCs, goodPortals, helloScript))
	if err != nil {
		t.Fatal(err)
	}
	wantNPCs := []NPC{
		{ID: 1, Name: "Greeter", Kind: 2, Model: 261, Dir: 1, Map: 1010, X: 63, Y: 107, Script: "hello.lua", Src: Source{NPCFile, 2}},
		{ID: 20, Name: "Trader", Kind: 1, Model: 1, Map: 1002, X: 427, Y: 381, Src: Source{NPCFile, 13}},
	}
	if !slices.Equal(p.NPCs, wantNPCs) {
		t.Errorf("NPCs:\n got %+v\nwant %+v", p.NPCs, wantNPCs)
	}
	wantPortals := []Portal{
		{Map: 1010, HasTile: true, X: 71, Y: 109, ToMap: 1002, ToX: 430, ToY: 378, Src: Source{PortalFile, 1}},
		{Map: 1015, Index: 3, ToMap: 1002, ToX: 430, ToY: 378, Src: Source{PortalFile, 9}},
	}
	if !slices.Equal(p.Portals, wantPortals) {
		t.Errorf("portals:\n got %+v\nwant %+v", p.Portals, wantPortals)
	}
	if got := string(p.Scripts["hello.lua"]); got != helloScript["hello.lua"] {
		t.Errorf("script = %q", got)
	}
	if look := p.NPCs[0].Look(); look != 2611 {
		t.Errorf("Look() = %d, want 2611", look)
	}
	if err := p.Check(withPassage(newOpenWorld(1010, 1002, 1015), 1015, 3)); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestSourceString(t *testing.T) {
	if s := (Source{File: "npcs.toml", Line: 12}).String(); s != "npcs.toml:12" {
		t.Errorf("got %q", s)
	}
	if s := (Source{File: "npcs.toml"}).String(); s != "npcs.toml" {
		t.Errorf("got %q", s)
	}
}

func TestDefaultPack(t *testing.T) {
	p, err := Load(Default())
	if err != nil {
		t.Fatalf("Load(Default()): %v", err)
	}
	if err := p.Check(builtinWorld()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	near := func(n NPC, x, y int) bool {
		d := max(abs(int(n.X)-x), abs(int(n.Y)-y))
		return d >= 2 && d <= 3
	}
	arrival := map[uint32][2]int{1010: {61, 109}, 1002: {430, 378}, 1000: {490, 640}, 1011: {190, 270}}
	for mapID, at := range arrival {
		found := false
		for _, n := range p.NPCs {
			if n.Map == mapID && n.Script == "wayfarer.lua" && near(n, at[0], at[1]) {
				found = true
			}
			if n.Map == mapID && int(n.X) == at[0] && int(n.Y) == at[1] {
				t.Errorf("npc %d stands on the arrival point of map %d", n.ID, mapID)
			}
		}
		if !found {
			t.Errorf("map %d: no teleporter 2–3 tiles from %v", mapID, at)
		}
	}
	var guide, shop, vault, birthVault bool
	for _, n := range p.NPCs {
		switch {
		case n.Map == 1010 && n.Script == "guide.lua" && near(n, 61, 109):
			guide = true
		case n.Map == 1002 && n.Kind == 1 && n.Script == "":
			shop = true
		case n.Kind == 3 && n.Sort == 1 && n.Script == "": // the warehouse window, no dialog
			vault = vault || n.Map == 1002
			birthVault = birthVault || n.Map == 1010 && near(n, 61, 109)
		}
	}
	if !guide || !shop || !vault || !birthVault {
		t.Errorf("guide %v, shopkeeper %v, warehouse keepers: Twin City %v, Birth Village %v", guide, shop, vault, birthVault)
	}
	src := p.Scripts["guide.lua"]
	for _, call := range []string{"get(", "set(", "teleport(TWIN_CITY", "get(\"guide.met\")"} {
		if !bytes.Contains(src, []byte(call)) {
			t.Errorf("guide.lua does not contain %q", call)
		}
	}
	var toTwin, toBirth bool
	for _, pt := range p.Portals {
		toTwin = toTwin || pt.Map == 1010 && pt.ToMap == 1002 && pt.ToX == 430 && pt.ToY == 378
		toBirth = toBirth || pt.Map == 1002 && pt.ToMap == 1010
	}
	if !toTwin || !toBirth {
		t.Errorf("portal 1010→1002 %v, 1002→1010 %v", toTwin, toBirth)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// npc returns an [[npc]] entry (10 lines) with the given id, plus extra
// lines after the header that replace keys of the same name.
func npc(id int, extra ...string) string {
	keys := []string{
		fmt.Sprintf("id = %d", id), `name = "Someone"`, "kind = 2", "model = 28",
		"dir = 0", "map = 1010", "x = 60", "y = 100", `script = "hello.lua"`,
	}
	for _, e := range extra {
		k, _, _ := strings.Cut(e, " ")
		keys = slices.DeleteFunc(keys, func(s string) bool { return strings.HasPrefix(s, k+" ") })
		if e != k+" -" {
			keys = append(keys, e)
		}
	}
	return "[[npc]]\n" + strings.Join(keys, "\n") + "\n"
}

func TestNPCErrors(t *testing.T) {
	tests := []struct {
		name string
		npcs string
		want []string
	}{
		{"syntax", "[[npc]]\nid = 1\nname = \"A\"\nkind = = 2\n",
			[]string{"npcs.toml:4: TOML syntax: expected value but found '=' instead"}},
		{"unknown key", npc(1) + "modle = 3\n",
			[]string{`npcs.toml:11: npc 1: unknown key "modle"`}},
		{"unknown top-level key", "[[npcs]]\nid = 1\n",
			[]string{`npcs.toml:1: unknown key "npcs" (want [[npc]] entries)`}},
		{"missing key", npc(1, "model -"),
			[]string{`npcs.toml:1: npc 1: missing required key "model"`}},
		{"missing id", npc(1, "id -"),
			[]string{`npcs.toml:1: npc entry 1: missing required key "id"`}},
		{"duplicate id", npc(7) + "\n" + npc(8) + "\n" + npc(7, "x = 61"),
			[]string{"npcs.toml:24: npc 7: duplicate id, first defined at npcs.toml:1"}},
		{"id zero", npc(0), []string{"npcs.toml:2: npc 0: id out of range 1–700000"}},
		{"id negative", npc(-5), []string{"npcs.toml:2: npc -5: id out of range 1–700000"}},
		{"id too big", npc(700001), []string{"npcs.toml:2: npc 700001: id out of range 1–700000"}},
		{"dynamic id", npc(150000),
			[]string{"npcs.toml:2: npc 150000: id in the range 100001–199999 reserved for dynamic NPCs"}},
		{"monster id", npc(400001),
			[]string{"npcs.toml:2: npc 400001: id in the range 400001–499999 reserved for monsters"}},
		{"direction", npc(1, "dir = 8"), []string{"npcs.toml:10: npc 1: dir = 8 out of range 0–7"}},
		{"model", npc(1, "model = 6553"), []string{"npcs.toml:10: npc 1: model = 6553 out of range 0–6552"}},
		{"name too long", npc(1, `name = "SixteenCharacters"`),
			[]string{`npcs.toml:10: npc 1: name "SixteenCharacters" is 17 bytes, longer than 15`}},
		{"name with space", npc(1, `name = "Old Man"`),
			[]string{`npcs.toml:10: npc 1: name "Old Man" must be printable ASCII without spaces`}},
		{"name not ASCII", npc(1, `name = "Café"`),
			[]string{`npcs.toml:10: npc 1: name "Café" must be printable ASCII without spaces`}},
		{"script missing", npc(1, `script = "nobody.lua"`),
			[]string{`npcs.toml:10: npc 1: script "nobody.lua" not found in scripts/`}},
		{"script path", npc(1, `script = "../hello.lua"`),
			[]string{`npcs.toml:10: npc 1: script "../hello.lua" must be a file name in scripts/ ending in .lua`}},
		{"wrong type", npc(1, `x = "sixty"`),
			[]string{"npcs.toml:10: npc 1: x must be an integer, not a string"}},
		{"coordinate range", npc(1, "y = 65536"),
			[]string{"npcs.toml:10: npc 1: y = 65536 out of range 0–65535"}},
		{"not a list", "[npc]\nid = 1\n",
			[]string{`npcs.toml:1: "npc" must be a list of [[npc]] entries`}},
		{"several problems", npc(1, "dir = 9") + npc(1, `name = ""`),
			[]string{
				"npcs.toml:10: npc 1: dir = 9 out of range 0–7",
				"npcs.toml:12: npc 1: duplicate id, first defined at npcs.toml:1",
				"npcs.toml:20: npc 1: name is empty",
			}},
		{"comments and strings", "# [[npc]] in a comment\n" + `a = """` + "\n[[npc]]\n" + `"""` + "\n" + npc(1, "dir = 8"),
			[]string{
				`npcs.toml:2: unknown key "a" (want [[npc]] entries)`,
				"npcs.toml:14: npc 1: dir = 8 out of range 0–7",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(pack(tt.npcs, "", helloScript))
			wantProblems(t, err, tt.want...)
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("no *Error in %v", err)
			}
		})
	}
}

func TestPortalErrors(t *testing.T) {
	const dest = "to_map = 1002\nto_x = 430\nto_y = 378\n"
	tests := []struct {
		name    string
		portals string
		want    []string
	}{
		{"both tile and index", "[[portal]]\nmap = 1010\nx = 1\ny = 2\nindex = 0\n" + dest,
			[]string{"portals.toml:1: portal: give either x and y (a tile) or index (a DMap passage), not both"}},
		{"neither", "\n[[portal]]\nmap = 1010\n" + dest,
			[]string{"portals.toml:2: portal: give x and y (a tile) or index (a DMap passage)"}},
		{"x without y", "[[portal]]\nmap = 1010\nx = 1\n" + dest,
			[]string{"portals.toml:1: portal: x and y go together"}},
		{"duplicate tile", "[[portal]]\nmap = 1010\nx = 1\ny = 2\n" + dest + "[[portal]]\nmap = 1010\nx = 1\ny = 2\n" + dest,
			[]string{"portals.toml:8: portal: duplicate of the portal at portals.toml:1"}},
		{"duplicate index", "[[portal]]\nmap = 1015\nindex = 4\n" + dest + "[[portal]]\nmap = 1015\nindex = 4\n" + dest,
			[]string{"portals.toml:7: portal: duplicate of the portal at portals.toml:1"}},
		{"missing destination", "[[portal]]\nmap = 1015\nindex = 4\nto_x = 1\nto_y = 1\n",
			[]string{`portals.toml:1: portal: missing required key "to_map"`}},
		{"unknown key", "[[portal]]\nmap = 1015\nindex = 4\n" + dest + "tomap = 3\n",
			[]string{`portals.toml:7: portal: unknown key "tomap"`}},
		{"syntax", "[[portal]]\nmap = 1010\nx = 1 y = 2\n",
			[]string{"portals.toml:3: TOML syntax: expected a top-level item to end with a newline, comment, or EOF, but got 'y' instead"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(pack(goodNPCs, tt.portals, helloScript))
			wantProblems(t, err, tt.want...)
		})
	}
}

func TestFileErrors(t *testing.T) {
	t.Run("lua syntax", func(t *testing.T) {
		_, err := Load(pack(goodNPCs, goodPortals, map[string]string{"hello.lua": "local x = 1\nif x then\n"}))
		// The NPC that uses the broken script is not also reported.
		wantProblems(t, err, "scripts/hello.lua:3: Lua syntax error at end of file: syntax error")
	})
	t.Run("lua syntax mid-file", func(t *testing.T) {
		_, err := Load(pack(goodNPCs, goodPortals, map[string]string{"hello.lua": "local x = 1\nx = = 2\nsay(x)\n"}))
		wantProblems(t, err, `scripts/hello.lua:2: Lua syntax error near "=": syntax error`)
	})
	t.Run("missing file", func(t *testing.T) {
		fsys := pack(goodNPCs, goodPortals, helloScript)
		delete(fsys, PortalFile)
		_, err := Load(fsys)
		wantProblems(t, err, "portals.toml: file missing")
	})
	t.Run("file too large", func(t *testing.T) {
		big := strings.Repeat("#", MaxFileSize+1)
		_, err := Load(pack(big, goodPortals, helloScript))
		wantProblems(t, err, fmt.Sprintf("npcs.toml: %d bytes, more than the limit of %d", MaxFileSize+1, MaxFileSize))
	})
	t.Run("script too large", func(t *testing.T) {
		big := strings.Repeat("-", MaxScriptSize+1)
		_, err := Load(pack(goodNPCs, goodPortals, map[string]string{"hello.lua": big}))
		wantProblems(t, err, fmt.Sprintf("scripts/hello.lua: %d bytes, more than the limit of %d", MaxScriptSize+1, MaxScriptSize))
	})
	t.Run("too many scripts", func(t *testing.T) {
		scripts := map[string]string{}
		for i := range MaxScripts + 1 {
			scripts[fmt.Sprintf("s%d.lua", i)] = ""
		}
		_, err := Load(pack("", "", scripts))
		wantProblems(t, err, fmt.Sprintf("scripts: %d scripts, more than the limit of %d", MaxScripts+1, MaxScripts))
	})
	t.Run("too many NPCs", func(t *testing.T) {
		_, err := Load(pack(strings.Repeat("[[npc]]\n", MaxNPCs+1), "", nil))
		wantProblems(t, err, fmt.Sprintf("npcs.toml: %d [[npc]] entries, more than the limit of %d", MaxNPCs+1, MaxNPCs))
	})
	t.Run("error cap", func(t *testing.T) {
		_, err := Load(pack(strings.Repeat("[[npc]]\nid = 1\n", MaxErrors+10), "", nil))
		got := problems(err)
		if len(got) != MaxErrors+1 || !strings.Contains(got[MaxErrors], "more problems not shown") {
			t.Fatalf("%d problems, last %q", len(got), got[len(got)-1])
		}
	})
	t.Run("other files ignored", func(t *testing.T) {
		fsys := pack(goodNPCs, goodPortals, helloScript)
		fsys["quests.toml"] = &fstest.MapFile{Data: []byte("not = [valid")}
		fsys[ScriptDir+"/README.md"] = &fstest.MapFile{Data: []byte("notes")}
		if _, err := Load(fsys); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("empty pack", func(t *testing.T) {
		p, err := Load(pack("", "", nil))
		if err != nil || len(p.NPCs) != 0 || len(p.Portals) != 0 {
			t.Fatalf("got %+v, %v", p, err)
		}
	})
}

func TestCheck(t *testing.T) {
	npcs := npc(1) + npc(2, "map = 1005") + npc(3, "x = 5", "y = 6")
	portals := "[[portal]]\nmap = 1005\nx = 1\ny = 1\nto_map = 1010\nto_x = 61\nto_y = 109\n" + // 1
		"[[portal]]\nmap = 1010\nx = 2\ny = 2\nto_map = 1006\nto_x = 1\nto_y = 1\n" + // 8
		"[[portal]]\nmap = 1010\nx = 3\ny = 3\nto_map = 1010\nto_x = 5\nto_y = 6\n" // 15
	p, err := Load(pack(npcs, portals, helloScript))
	if err != nil {
		t.Fatal(err)
	}
	w := newOpenWorld(1010)
	w.blocked[[3]int{1010, 5, 6}] = true
	wantProblems(t, p.Check(w),
		"npcs.toml:11: npc 2: map 1005 does not exist",
		"npcs.toml:21: npc 3: tile (5, 6) of map 1010 is not walkable",
		"portals.toml:1: portal: map 1005 does not exist",
		"portals.toml:8: portal: destination map 1006 does not exist",
		"portals.toml:15: portal: destination (5, 6) of map 1010 is not walkable",
	)
}

func TestLoadAndCheck(t *testing.T) {
	fsys := pack(goodNPCs, goodPortals, helloScript)
	if _, err := LoadAndCheck(fsys, withPassage(newOpenWorld(1010, 1002, 1015), 1015, 3)); err != nil {
		t.Fatal(err)
	}
	_, err := LoadAndCheck(fsys, newOpenWorld(1010, 1002, 1015))
	wantProblems(t, err, "portals.toml:9: portal: map 1015 has no passage 3 in its DMap")
	_, err = LoadAndCheck(fsys, newOpenWorld(1010, 1002))
	wantProblems(t, err, "portals.toml:9: portal: map 1015 does not exist")
	_, err = LoadAndCheck(pack(npc(0), "", helloScript), builtinWorld())
	wantProblems(t, err, "npcs.toml:2: npc 0: id out of range 1–700000")
}

// FuzzLoad feeds arbitrary bytes as npcs.toml and portals.toml: Load must
// never panic, and whatever it accepts must satisfy the documented ranges.
func FuzzLoad(f *testing.F) {
	def := Default()
	defNPCs, _ := fs.ReadFile(def, NPCFile)
	defPortals, _ := fs.ReadFile(def, PortalFile)
	f.Add(defNPCs, defPortals)
	f.Add([]byte(goodNPCs), []byte(goodPortals))
	f.Add([]byte(npc(1)+npc(1)), []byte("[[portal]]\nmap = 1\nx = 1\nindex = 2\n"))
	f.Add([]byte("[[npc]]\nid = 1\nname = \"A\"\nkind = = 2\n"), []byte("[[portal]\n"))
	f.Add([]byte(`a = """`+"\n[[npc]]\n"+`"""`), []byte("portal = [{map = 1}]"))
	f.Add([]byte("[npc]\nid = 1e3\n"), []byte("[[portal]]\n[portal.x]\ny = 1\n"))
	f.Fuzz(func(t *testing.T, npcs, portals []byte) {
		fsys := pack(string(npcs), string(portals), helloScript)
		p, err := Load(fsys)
		if err != nil {
			return
		}
		for _, n := range p.NPCs {
			if n.ID < MinNPCID || n.ID > MaxNPCID || n.Dir > MaxDir || len(n.Name) > MaxNameLen || n.Model > MaxModel {
				t.Fatalf("accepted invalid %+v", n)
			}
		}
		_ = p.Check(builtinWorld())
	})
}
