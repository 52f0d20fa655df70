package game

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/wire"
)

// testPack is a content pack of one NPC (id 7) on the start map at
// (100, 100) running script, plus the scripts given.
func testPack(t testing.TB, scripts map[string]string) (*content.Pack, *script.Library) {
	t.Helper()
	fs := fstest.MapFS{
		"npcs.toml": {Data: []byte(`
[[npc]]
id = 7
name = "Tester"
kind = 2
model = 261
map = 1010
x = 100
y = 100
script = "main.lua"
`)},
		"portals.toml": {Data: []byte("")},
	}
	for name, src := range scripts {
		fs["scripts/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	pack, err := content.Load(fs)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := script.Compile(pack.Scripts)
	if err != nil {
		t.Fatal(err)
	}
	return pack, lib
}

// newContentWorld is a test world running pack.
func newContentWorld(t testing.TB, pack *content.Pack, lib *script.Library) *World {
	t.Helper()
	w := newTestWorld(t, nil)
	if err := w.check(pack, lib); err != nil {
		t.Fatal(err)
	}
	w.install(pack, lib, true)
	for _, m := range w.maps {
		sync_(m)
	}
	return w
}

// page collects the dialog page in pkts: its text and link captions, and
// whether a create closed it.
func page(pkts []wire.Packet) (text string, links []string, created bool) {
	for _, p := range pkts {
		d, ok := p.(*msg.TaskDialog)
		if !ok {
			continue
		}
		switch d.Action {
		case msg.DialogText:
			text += d.Text
		case msg.DialogLink:
			links = append(links, d.Text)
		case msg.DialogCreate:
			created = true
		}
	}
	return text, links, created
}

const twoPages = `
local pick = ask("Hello " .. name() .. ", I am " .. npc.name .. ".", {"More", "Bye"})
if pick == 1 then
	set("met", "yes")
	ask("Second page.", {"Send me away"})
	teleport(1002, 300, 300)
end
`

func TestDialogPagesAnswersAndTeleport(t *testing.T) {
	pack, lib := testPack(t, map[string]string{"main.lua": twoPages})
	w := newContentWorld(t, pack, lib)
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 102, 102)
	if !npcSpawnsOf(c.take())[7] {
		t.Fatal("the player did not see the NPC on arrival")
	}
	now := time.Now()
	m.call(func(m *Map) { m.clickNPC(p, 7, now) })
	text, links, created := page(c.take())
	if !created || !strings.Contains(text, "Hello "+p.name+", I am Tester.") || len(links) != 2 {
		t.Fatalf("first page: %q %v (created %v)", text, links, created)
	}
	// An option the page does not have is refused; the page still waits.
	m.call(func(m *Map) { m.answerDialog(p, 3, "", now) })
	if got := c.take(); len(got) != 0 || p.talk == nil {
		t.Fatalf("an out-of-range option: sent %v, dialog %v", got, p.talk)
	}
	m.call(func(m *Map) { m.answerDialog(p, 1, "", now) })
	if text, links, _ := page(c.take()); text != "Second page." || len(links) != 1 {
		t.Fatalf("second page: %q %v", text, links)
	}
	m.call(func(m *Map) { m.answerDialog(p, 1, "", now) })
	city := w.maps[builtinTwinCityID]
	sync_(city)
	if p.at.Load() != city || p.x != 300 || p.y != 300 {
		t.Fatalf("not teleported: map %d (%d,%d)", p.at.Load().id, p.x, p.y)
	}
	city.call(func(m *Map) {
		if p.talk != nil || p.ch.Vars["met"] != "yes" || !p.varsDirty {
			t.Errorf("after the teleport: dialog %v, vars %v", p.talk, p.ch.Vars)
		}
		if snap := p.snapshot(); snap.Vars["met"] != "yes" || snap.MapID != city.id {
			t.Errorf("snapshot %+v", snap)
		}
	})
	m.call(func(m *Map) {
		if len(m.talking) != 0 {
			t.Errorf("the old map still tracks %d dialogs", len(m.talking))
		}
	})
}

func TestDialogRefusals(t *testing.T) {
	pack, lib := testPack(t, map[string]string{"main.lua": twoPages})
	w := newContentWorld(t, pack, lib)
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 100+NPCClickRange+1, 100)
	other, oc := addPlayer(t, w.maps[builtinTwinCityID], 100, 100)
	c.take()
	oc.take()
	now := time.Now()
	clicks := func(result string) float64 { return testutil.ToFloat64(w.metrics.npcClicks.WithLabelValues(result)) }

	m.call(func(m *Map) { m.clickNPC(p, 7, now) })
	m.call(func(m *Map) { m.clickNPC(p, 99, now) })
	w.maps[builtinTwinCityID].call(func(m *Map) { m.clickNPC(other, 7, now) }) // the NPC is on another map
	if got := c.take(); len(got) != 0 {
		t.Fatalf("refused clicks sent %v", got)
	}
	if oc.take() != nil {
		t.Fatal("a click on another map's NPC was answered")
	}
	if clicks("far") != 1 || clicks("unknown") != 2 {
		t.Fatalf("counters: far %v, unknown %v", clicks("far"), clicks("unknown"))
	}
	// An answer with no dialog asked is refused.
	m.call(func(m *Map) { m.answerDialog(p, 1, "", now) })
	if got := c.take(); len(got) != 0 || testutil.ToFloat64(w.metrics.dialogs.WithLabelValues("answer_refused")) != 1 {
		t.Fatalf("an answer to no dialog: sent %v", got)
	}

	// Walking out of range drops the dialog.
	m.call(func(m *Map) { p.x = 100 + NPCClickRange; m.grid.moved(p) })
	m.call(func(m *Map) { m.clickNPC(p, 7, now) })
	if _, _, created := page(c.take()); !created || p.talk == nil {
		t.Fatal("a click in range did not open the dialog")
	}
	m.call(func(m *Map) { m.walk(p, 6, msg.WalkModeWalk, now) }) // x+1: out of reach
	m.call(func(m *Map) {
		if p.talk != nil || len(m.talking) != 0 {
			t.Error("walking away kept the dialog")
		}
	})
	// Closing it, and a timeout, forget it too.
	m.call(func(m *Map) { m.walk(p, 2, msg.WalkModeWalk, now.Add(time.Second)) })
	m.call(func(m *Map) { m.clickNPC(p, 7, now) })
	m.call(func(m *Map) { m.answerDialog(p, msg.OptionClose, "", now) })
	m.call(func(m *Map) {
		if p.talk != nil {
			t.Error("closing kept the dialog")
		}
	})
	m.call(func(m *Map) { m.clickNPC(p, 7, now) })
	m.call(func(m *Map) { m.expireDialogs(now.Add(DialogTimeout + time.Second)) })
	m.call(func(m *Map) {
		if p.talk != nil {
			t.Error("an unanswered dialog outlived DialogTimeout")
		}
	})
}

func TestBadScriptsEndTheirDialogOnly(t *testing.T) {
	for name, src := range map[string]string{
		"loop":  "while true do end",
		"error": "local x = nil\nx.y = 1",
		"pages": `for i = 1, 10000 do ask("again?", {"yes"}) end`,
	} {
		t.Run(name, func(t *testing.T) {
			pack, lib := testPack(t, map[string]string{"main.lua": src})
			w := newContentWorld(t, pack, lib)
			m := w.maps[StartMap]
			p, c := addPlayer(t, m, 100, 101)
			_, oc := addPlayer(t, m, 101, 101)
			c.take()
			oc.take()
			now := time.Now()
			m.call(func(m *Map) { m.clickNPC(p, 7, now) })
			for range 200 { // more pages than a dialog may ask
				if p.talk == nil {
					break
				}
				m.call(func(m *Map) { m.answerDialog(p, 1, "", now) })
			}
			m.call(func(m *Map) {
				if p.talk != nil {
					t.Error("the dialog of a bad script is still open")
				}
			})
			if testutil.ToFloat64(w.metrics.dialogs.WithLabelValues("script_error")) != 1 {
				t.Error("the script error was not counted")
			}
			// The map carries on: the other player still walks and is seen.
			m.call(func(m *Map) { m.walk(p, 0, msg.WalkModeWalk, now.Add(time.Second)) })
			if got := oc.take(); len(got) == 0 {
				t.Error("the map stopped after a bad script")
			}
		})
	}
}

func TestReloadSwapsContent(t *testing.T) {
	pack, lib := testPack(t, map[string]string{"main.lua": twoPages})
	w := newContentWorld(t, pack, lib)
	m := w.maps[StartMap]
	p, c := addPlayer(t, m, 100, 101)
	c.take()
	m.call(func(m *Map) { m.clickNPC(p, 7, time.Now()) })
	c.take()

	// A pack that does not pass the checks changes nothing.
	bad := *pack
	bad.NPCs = append([]content.NPC(nil), pack.NPCs...)
	bad.NPCs[0].Map = 4242
	if err := w.check(&bad, lib); err == nil {
		t.Fatal("an NPC on a missing map passed the check")
	}
	if err := w.check(pack, nil); err == nil || !strings.Contains(err.Error(), "main.lua") {
		t.Fatalf("a missing script library: %v", err)
	}

	moved := *pack
	moved.NPCs = append([]content.NPC(nil), pack.NPCs...)
	moved.NPCs[0].ID, moved.NPCs[0].X = 8, 104
	w.install(&moved, lib, true)
	sync_(m)
	got := c.take()
	if !removalsOf(got)[7] || !npcSpawnsOf(got)[8] {
		t.Fatalf("the reload did not swap the NPCs on screen: %v", got)
	}
	m.call(func(m *Map) {
		if p.talk != nil || m.vm != nil {
			t.Error("the reload kept a dialog or the old VM")
		}
	})
}
