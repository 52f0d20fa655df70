package game

import (
	"errors"
	"fmt"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/script"
	"github.com/coserver/coserver/store"
)

// DialogTimeout is how long a dialog page waits for the player's answer
// before the dialog is dropped (the map tick checks).
const DialogTimeout = 5 * time.Minute

// talking is a player's dialog with an NPC: the script waiting for the
// answer to the page shown. It belongs to the map's goroutine.
type talking struct {
	npc     *NPC
	d       *script.Dialog
	sent    time.Time // when the page shown went out
	running bool      // the script is running: leaving the map must not cancel it from inside
}

// clickNPC starts the dialog of NPC id for p, or refuses the click. Map
// goroutine only.
func (m *Map) clickNPC(p *Player, id uint32, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	n := m.npcs[id]
	switch {
	case n == nil:
		m.world.metrics.npcClicks.WithLabelValues("unknown").Inc()
		return
	case !n.near(p.x, p.y):
		m.world.metrics.npcClicks.WithLabelValues("far").Inc()
		return
	case p.talk != nil && p.talk.running:
		m.world.metrics.npcClicks.WithLabelValues("busy").Inc()
		return
	}
	m.world.metrics.npcClicks.WithLabelValues("ok").Inc()
	m.dropDialog(p, "replaced")
	if n.script == "" {
		if n.kind == npcKindWarehouse {
			m.openWarehouse(p)
		}
		return // a shopkeeper: the client opens its window by itself
	}
	if m.vm == nil {
		m.vm = script.NewVM(m.world.scripts(), m.world.log.With("map", m.id))
	}
	t := &talking{npc: n, running: true}
	p.talk = t
	m.talking[p] = struct{}{}
	d, page, done, err := m.vm.Start(n.script, script.NPC{ID: n.id, Name: n.name}, &dialogHost{m: m, p: p, npc: n})
	t.running = false
	t.d = d
	m.afterRun(p, t, page, done, err, now)
}

// answerDialog resumes p's dialog with the option the client chose, or
// refuses the answer. Map goroutine only.
func (m *Map) answerDialog(p *Player, option uint8, text string, now time.Time) {
	if m.players[p.id] != p {
		return
	}
	t := p.talk
	switch {
	case t == nil:
		m.world.metrics.dialogs.WithLabelValues("answer_refused").Inc()
		return
	case option == msg.OptionClose:
		m.dropDialog(p, "closed")
		return
	case !t.npc.near(p.x, p.y) || m.npcs[t.npc.id] != t.npc:
		m.dropDialog(p, "walked_away")
		return
	}
	t.running = true
	page, done, err := t.d.Answer(int(option), text)
	t.running = false
	if errors.Is(err, script.ErrInvalidAnswer) {
		// An option the page does not have: refused, the page still waits.
		m.world.metrics.dialogs.WithLabelValues("answer_refused").Inc()
		return
	}
	m.afterRun(p, t, page, done, err, now)
}

// afterRun sends the page a script run produced, or ends the dialog.
func (m *Map) afterRun(p *Player, t *talking, page script.Page, done bool, err error, now time.Time) {
	if p.talk != t {
		// The script moved the player (a teleport) or the player left: the
		// dialog is over.
		if t.d != nil {
			t.d.Cancel()
		}
		return
	}
	switch {
	case err != nil:
		m.world.metrics.dialogs.WithLabelValues("script_error").Inc()
		m.world.log.Warn("NPC script failed", "npc", t.npc.id, "script", t.npc.script, "player", p.name, "err", err)
		m.endDialog(p)
	case done:
		m.world.metrics.dialogs.WithLabelValues("done").Inc()
		m.endDialog(p)
	default:
		if err := m.sendPage(p, t.npc, page); err != nil {
			m.world.metrics.dialogs.WithLabelValues("script_error").Inc()
			m.world.log.Warn("NPC script page does not fit a dialog", "npc", t.npc.id, "script", t.npc.script,
				"player", p.name, "err", err)
			m.dropDialog(p, "bad_page")
			return
		}
		m.world.metrics.dialogs.WithLabelValues("page").Inc()
		t.sent = now
	}
}

// inputOption is the option index an input page's edit box answers with:
// such a page has no links.
const inputOption = 1

// sendPage sends a dialog page as MsgTaskDialog packets, or nothing when
// the page does not fit the packets' limits.
func (m *Map) sendPage(p *Player, n *NPC, page script.Page) error {
	face := uint16(page.Face)
	if face == 0 {
		face = n.face
	}
	var input *msg.DialogInput
	if page.Input {
		input = &msg.DialogInput{Prompt: page.Prompt, MaxLen: uint16(page.MaxInput), Option: inputOption}
	}
	var err error
	m.dialogBuf, err = msg.DialogPage(m.dialogBuf[:0], page.Text, page.Options, input, face)
	if err != nil {
		return err
	}
	for i := range m.dialogBuf {
		p.conn.Send(&m.dialogBuf[i])
	}
	return nil
}

// endDialog forgets p's finished dialog.
func (m *Map) endDialog(p *Player) {
	p.talk = nil
	delete(m.talking, p)
}

// dropDialog cancels p's dialog, if any, for reason (a metric label). Map
// goroutine only; safe while the script runs (the run ends it).
func (m *Map) dropDialog(p *Player, reason string) {
	t := p.talk
	if t == nil {
		return
	}
	m.world.metrics.dialogs.WithLabelValues(reason).Inc()
	m.endDialog(p)
	if !t.running && t.d != nil {
		t.d.Cancel()
	}
}

// expireDialogs drops dialogs left unanswered for DialogTimeout.
func (m *Map) expireDialogs(now time.Time) {
	for p := range m.talking {
		if t := p.talk; t != nil && !t.running && now.Sub(t.sent) > DialogTimeout {
			m.dropDialog(p, "timeout")
		}
	}
}

// dialogHost is what a running script sees of its player and world: it
// implements script.Player on the map's goroutine.
type dialogHost struct {
	m   *Map
	p   *Player
	npc *NPC
}

// Name, Level, Class, MapID, Position, Var and VarCount read the player for
// the script.
func (h *dialogHost) Name() string            { return h.p.name }
func (h *dialogHost) Level() int              { return int(h.p.ch.Level) }
func (h *dialogHost) Class() int              { return int(h.p.ch.Class) }
func (h *dialogHost) MapID() uint32           { return h.m.id }
func (h *dialogHost) Position() (x, y uint16) { return h.p.x, h.p.y }
func (h *dialogHost) VarCount() int           { return len(h.p.ch.Vars) }

func (h *dialogHost) Var(k string) (string, bool) {
	v, ok := h.p.ch.Vars[k]
	return v, ok
}

// Say sends text to the player as the NPC's chat line.
func (h *dialogHost) Say(text string) {
	h.p.conn.Send(&msg.Talk{Channel: msg.ChannelTalk, Sender: h.npc.name, Recipient: h.p.name, Message: text,
		Color: 0xFFFFFF})
}

// SetVar sets a persistent variable of the character; an empty value
// deletes it. The next save writes the whole set.
func (h *dialogHost) SetVar(k, v string) error {
	if _, ok := h.p.ch.Vars[k]; !ok && len(h.p.ch.Vars) >= store.MaxVars {
		return fmt.Errorf("at most %d variables per character", store.MaxVars)
	}
	if h.p.ch.Vars == nil {
		h.p.ch.Vars = make(map[string]string)
	}
	if v == "" {
		delete(h.p.ch.Vars, k)
	} else {
		h.p.ch.Vars[k] = v
	}
	h.p.varsDirty = true
	return nil
}

// errNoSuchPlace refuses a script teleport to a missing map or a blocked tile.
var errNoSuchPlace = errors.New("no such map or the tile is blocked")

// Teleport moves the player through the same path as portals; the dialog
// ends.
func (h *dialogHost) Teleport(mapID uint32, x, y uint16) error {
	dest := h.m.world.maps[mapID]
	if dest == nil || !dest.floor.Walkable(int(x), int(y)) {
		return fmt.Errorf("teleport to %d (%d, %d): %w", mapID, x, y, errNoSuchPlace)
	}
	h.m.dropDialog(h.p, "teleported")
	h.m.teleport(h.p, dest, x, y)
	return nil
}
