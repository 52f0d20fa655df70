package client

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// npcClient logs in to a fake with NPCs; its pages and move answers arrive
// on the returned channels, from the client's reader.
func npcClient(t *testing.T, account string) (*Client, <-chan Dialog, <-chan Ack) {
	t.Helper()
	f := newFake(t)
	f.npcs = true
	pages, acks := make(chan Dialog, 16), make(chan Ack, 16)
	cfg := f.config(account)
	cfg.OnDialog = func(d Dialog) { pages <- d }
	cfg.OnAck = func(a Ack) { acks <- a }
	return login(t, cfg), pages, acks
}

// nextPage returns the next dialog page, or fails when the client stops
// first.
func nextPage(t *testing.T, c *Client, pages <-chan Dialog) Dialog {
	t.Helper()
	select {
	case d := <-pages:
		return d
	case <-c.Done():
		t.Fatalf("client stopped waiting for a dialog page: %v", c.Err())
	}
	return Dialog{}
}

// waitEvent reads events until match accepts one.
func waitEvent(t *testing.T, c *Client, what string, match func(Event) bool) {
	t.Helper()
	for ev := range c.Events() {
		if match(ev) {
			return
		}
	}
	t.Fatalf("client stopped waiting for %s: %v", what, c.Err())
}

func TestNPCDialogAndTeleport(t *testing.T) {
	c, pages, _ := npcClient(t, "npcs")

	// The NPC came with the login's spawns.
	npc, ok := c.NearestNPC()
	want := Entity{ID: fakeNpcID, Kind: EntityNPC, X: fakeNpcX, Y: fakeNpcY, Direction: fakeNpcLook % 10,
		Look: fakeNpcLook, NPCType: 2}
	if !ok || npc != want {
		t.Fatalf("NearestNPC = %+v, %v; want %+v", npc, ok, want)
	}
	if d := Distance(fakeX, fakeY, npc.X, npc.Y); d != 2 {
		t.Errorf("distance to the NPC %d", d)
	}

	// Page 1: long text in chunks, joined; two links; the face.
	if err := c.ClickNPC(fakeNpcID); err != nil {
		t.Fatal(err)
	}
	p1 := nextPage(t, c, pages)
	if p1.Text != strings.ReplaceAll(fakePage1Text, "~", " ") || !p1.Click || p1.Face != fakeFace || p1.Input != nil ||
		len(p1.Options) != 2 || p1.Options[0] != (DialogOption{1, "Tell me more"}) || p1.Options[1] != (DialogOption{2, "Bye"}) {
		t.Fatalf("page 1: %+v", p1)
	}
	if p1.RTT <= 0 {
		t.Errorf("page 1 RTT %v", p1.RTT)
	}
	if open, ok := c.Dialog(); !ok || open.Text != p1.Text {
		t.Errorf("Dialog() = %+v, %v", open, ok)
	}

	// Page 2 has an input box; typing goes to page 3, whose link goes back.
	if err := c.Answer(1, ""); err != nil {
		t.Fatal(err)
	}
	// Page 2 may already have come: only page 1 must be gone.
	if d, ok := c.Dialog(); ok && d.Text == p1.Text {
		t.Error("page 1 is still open after Answer")
	}
	p2 := nextPage(t, c, pages)
	if p2.Text != fakePage2Text || p2.Click || p2.Face != 0 || len(p2.Options) != 2 ||
		p2.Input == nil || *p2.Input != (msg.DialogInput{Prompt: "Code", MaxLen: 4, Option: 3}) {
		t.Fatalf("page 2: %+v (input %+v)", p2, p2.Input)
	}
	if err := c.Answer(p2.Input.Option, "1234"); err != nil {
		t.Fatal(err)
	}
	if p3 := nextPage(t, c, pages); p3.Text != "You typed 1234" || len(p3.Options) != 1 {
		t.Fatalf("page 3: %+v", p3)
	}
	if err := c.Answer(1, ""); err != nil {
		t.Fatal(err)
	}
	if p := nextPage(t, c, pages); p.Text != fakePage2Text {
		t.Fatalf("back to page 2: %+v", p)
	}

	// "Take me": teleport to the other map, whose NPC replaces the first.
	if err := c.Answer(1, ""); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, c, "the NPC of the new map", func(ev Event) bool {
		n, ok := ev.Packet.(*msg.NpcInfo)
		return ok && n.ID == fakeNpc2ID
	})
	if got := c.Position(); got != (Position{Map: fakeMap2, X: fakeArrivalX, Y: fakeArrivalY}) {
		t.Errorf("after the teleport: %+v", got)
	}
	screen := c.Screen()
	if len(screen) != 1 || screen[0].ID != fakeNpc2ID || screen[0].Name != "Porter" || screen[0].Kind != EntityNPC {
		t.Errorf("screen after the teleport: %+v", screen)
	}
	if _, ok := c.Dialog(); ok {
		t.Error("a dialog is open after the teleport")
	}
}

func TestDialogEventAndClose(t *testing.T) {
	c, pages, _ := npcClient(t, "closer")
	if err := c.ClickNPC(fakeNpcID); err != nil {
		t.Fatal(err)
	}
	var pieces []string
	waitEvent(t, c, "the page's create", func(ev Event) bool {
		if td, ok := ev.Packet.(*msg.TaskDialog); ok {
			pieces = append(pieces, td.Action.String())
		}
		return ev.Dialog != nil && ev.Dialog.Click && len(ev.Dialog.Options) == 2
	})
	if got := strings.Join(pieces, " "); got != "Text Text Link Link Pic Create" {
		t.Errorf("pieces: %s", got)
	}
	<-pages
	// Close, then click again: the next page is page 1 again, from a click.
	if err := c.Answer(msg.OptionClose, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Dialog(); ok {
		t.Error("the dialog is open after closing it")
	}
	if err := c.ClickNPC(fakeNpcID); err != nil {
		t.Fatal(err)
	}
	if p := nextPage(t, c, pages); !p.Click || len(p.Options) != 2 {
		t.Errorf("page after close and click: %+v", p)
	}
}

func TestTakePortal(t *testing.T) {
	c, _, acks := npcClient(t, "porter")
	// Nowhere near the portal: pulled back, refused.
	if err := c.TakePortal(1, 1); err != nil {
		t.Fatal(err)
	}
	if a := <-acks; a.Kind != MovePortal || a.Accepted {
		t.Errorf("wrong portal: %+v", a)
	}
	if got := c.Position(); got != (Position{Map: fakeMap, X: fakeX, Y: fakeY}) || c.Pending() != 0 {
		t.Errorf("after the pull-back: %+v, %d pending", got, c.Pending())
	}
	if err := c.TakePortal(fakePortalX, fakePortalY); err != nil {
		t.Fatal(err)
	}
	if a := <-acks; a.Kind != MovePortal || !a.Accepted {
		t.Errorf("portal: %+v", a)
	}
	if got := c.Position(); got != (Position{Map: fakeMap2, X: fakeArrivalX, Y: fakeArrivalY}) {
		t.Errorf("after the portal: %+v", got)
	}
}

// feed encodes ps and hands them to s, stopping at the first error.
func feed(s *session, ps ...wire.Packet) error {
	var c wire.Codec
	for _, p := range ps {
		b, err := c.Encode(nil, p)
		if err != nil {
			return err
		}
		if _, err := s.handle(b, time.Now()); err != nil {
			return err
		}
	}
	return nil
}

func TestSessionNPCs(t *testing.T) {
	for _, keepPlayers := range []bool{true, false} {
		s := newSession(-1, keepPlayers, nil)
		s.w.user.ID = 7
		err := feed(s,
			&msg.Action{ID: 7, Data1: fakeMap, Data2: msg.XY(50, 50), Subtype: msg.ActionSendLocation},
			&msg.NpcInfo{ID: 1, X: 52, Y: 50, Look: 13},
			&msg.NpcInfo{ID: 2, X: 49, Y: 49},
			&msg.NpcInfo{ID: 3, X: 60, Y: 60},
			&msg.Player{ID: 9, X: 50, Y: 51, Name: "p"},
		)
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := s.nearestNPC(nil); !ok || n.ID != 2 {
			t.Errorf("nearest: %+v", n)
		}
		if n, ok := s.nearestNPC(func(e Entity) bool { return e.ID != 2 }); !ok || n.ID != 1 {
			t.Errorf("nearest but 2: %+v", n)
		}
		wantLen := 3
		if keepPlayers {
			wantLen = 4
		}
		if got := len(s.screenCopy()); got != wantLen {
			t.Errorf("keepPlayers %v: %d on screen, want %d", keepPlayers, got, wantLen)
		}
		// MsgNpc 2 and MsgAction 132 remove NPCs.
		if err := feed(s, &msg.Npc{ID: 2, Action: msg.NpcLeaveMap}, &msg.Action{ID: 1, Subtype: msg.ActionLeaveMap}); err != nil {
			t.Fatal(err)
		}
		if n, ok := s.nearestNPC(nil); !ok || n.ID != 3 {
			t.Errorf("nearest after removals: %+v", n)
		}
		// MsgMapInfo of another map empties the screen.
		if err := feed(s, &msg.MapInfo{UID: 1002, MapID: 1002}); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.nearestNPC(nil); ok || s.position().Map != 1002 {
			t.Errorf("after MsgMapInfo: %+v", s.screenCopy())
		}
	}
}

func TestDialogLimits(t *testing.T) {
	s := newSession(-1, false, nil)
	link := &msg.TaskDialog{Option: 1, Action: msg.DialogLink, Text: "x"}
	var err error
	for range MaxDialogPieces + 1 {
		if err = feed(s, link); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "MsgTaskDialog packets") {
		t.Errorf("too many pieces: %v", err)
	}
	s = newSession(-1, false, nil)
	text := &msg.TaskDialog{Action: msg.DialogText, Text: strings.Repeat("t", 255)}
	for range MaxDialogBytes/255 + 1 {
		if err = feed(s, text); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "bytes of text") {
		t.Errorf("too much text: %v", err)
	}
	// A page within the limits resets the count.
	s = newSession(-1, false, nil)
	for range 3 * MaxDialogPieces {
		if err := feed(s, link, &msg.TaskDialog{Option: msg.OptionClose, Action: msg.DialogCreate}); err != nil {
			t.Fatal(err)
		}
	}
	if d, ok := s.w.dialog, s.w.dialog != nil; !ok || len(d.Options) != 1 || d.Click || d.RTT != 0 {
		t.Errorf("unasked page: %+v", d)
	}
	// A malformed MsgTaskDialog stops the client with a FieldError.
	_, err = s.handle([]byte{5, 0, 0xf0, 0x07, 0}, time.Now())
	var fe *wire.FieldError
	if !errors.As(err, &fe) || fe.Packet != wire.TypeTaskDialog {
		t.Errorf("malformed: %v", err)
	}
}
