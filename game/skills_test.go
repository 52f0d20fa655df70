package game

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/store"
)

// skillsServer opens the SQLite database at path and starts a server with
// the default content on it.
func skillsServer(t *testing.T, path string) (*Server, *store.DB, func()) {
	t.Helper()
	s, db, stop := itemServerWith(t, path, Config{})
	return s, db, func() {
		stop()
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	}
}

// loginSkills loads account's character from db as the login does, and
// returns the MsgWeaponSkill and MsgMagicInfo its client gets for MsgAction
// 77 and 78.
func loginSkills(t *testing.T, s *Server, db *store.DB, account int64) ([]msg.WeaponSkill, []msg.MagicInfo) {
	t.Helper()
	ch, err := db.CharacterByAccount(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	fc := &fakeConn{}
	sess := &session{srv: s, conn: &server.Conn{Log: slog.New(slog.DiscardHandler)}, done: make(chan struct{}),
		player: newPlayer(ch, false, fc, nil), state: stateLogin}
	sess.sendProficiencies()
	sess.sendSpells()
	var ws []msg.WeaponSkill
	var mi []msg.MagicInfo
	for _, pk := range fc.take() {
		switch x := pk.(type) {
		case *msg.WeaponSkill:
			ws = append(ws, *x)
		case *msg.MagicInfo:
			mi = append(mi, *x)
		}
	}
	slices.SortFunc(ws, func(a, b msg.WeaponSkill) int { return int(a.Skill) - int(b.Skill) })
	slices.SortFunc(mi, func(a, b msg.MagicInfo) int { return int(a.Magic) - int(b.Magic) })
	return ws, mi
}

// TestSkillsSurviveRestart: proficiency and magic experience gained are
// saved by the periodic save, and a new server on the same database sends
// them back at login (MsgWeaponSkill, MsgMagicInfo); a save without
// training since login keeps them; training after the restart adds to them.
func TestSkillsSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skills.db")
	ctx := context.Background()

	s, db, stop := skillsServer(t, path)
	sess, _ := villager(t, s, db, "Blade", 0, StartMap, 150, 150)
	p := sess.player
	var known bool
	var account int64
	p.at.Load().call(func(m *Map) {
		account = p.ch.AccountID
		var lunge content.MagicType
		if lunge, known = m.world.combat().skill(p, 1045); !known {
			return
		}
		m.trainWeapon(p, 1_300) // bare hands: passes level 1 (1,200), 100 over
		m.trainMagic(p, lunge, 500)
	})
	if !known {
		t.Fatal("a trojan does not know Lunge (1045) in the default content")
	}
	if err := s.SaveAll(ctx, "periodic"); err != nil {
		t.Fatal(err)
	}
	stop()

	wantWS := []msg.WeaponSkill{{Skill: 0, Level: 2, Exp: 100}}
	s, db, stop = skillsServer(t, path)
	ws, mi := loginSkills(t, s, db, account)
	if !slices.Equal(ws, wantWS) {
		t.Fatalf("weapon skills after restart %+v, want %+v", ws, wantWS)
	}
	if i := slices.IndexFunc(mi, func(x msg.MagicInfo) bool { return x.Magic == 1045 }); i < 0 || mi[i].Exp != 500 || mi[i].Level != 0 {
		t.Fatalf("magic after restart %+v, want 1045 level 0 exp 500", mi)
	}

	// Logged in again and saved without training: the set is kept.
	ch, err := db.CharacterByAccount(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	fc := &fakeConn{}
	again := newPlayer(ch, false, fc, nil)
	m := s.world.maps[StartMap]
	again.at.Store(m)
	m.call(func(m *Map) { m.enter(again) })
	if err := s.SaveAll(ctx, "periodic"); err != nil {
		t.Fatal(err)
	}
	if ws, _ := loginSkills(t, s, db, account); !slices.Equal(ws, wantWS) {
		t.Fatalf("a save without training changed the skills: %+v", ws)
	}
	// Training adds to what was loaded.
	m.call(func(m *Map) { m.trainWeapon(again, 50) })
	if err := s.SaveAll(ctx, "periodic"); err != nil {
		t.Fatal(err)
	}
	stop()
	s, db, stop = skillsServer(t, path)
	defer stop()
	if ws, _ := loginSkills(t, s, db, account); !slices.Equal(ws, []msg.WeaponSkill{{Skill: 0, Level: 2, Exp: 150}}) {
		t.Fatalf("after training on the loaded skills: %+v", ws)
	}
}

// TestLoadSkillsClamps: stored values this server never writes (a
// proficiency level 0 or above MaxProficiency, a magic type beyond uint16)
// are clamped or skipped at login, and an untrained character's snapshot
// leaves the stored set alone.
func TestLoadSkillsClamps(t *testing.T) {
	var f fighter
	f.loadSkills([]store.Skill{
		{Kind: store.SkillWeapon, Type: 410, Level: 0, Exp: 3},
		{Kind: store.SkillWeapon, Type: 480, Level: 99},
		{Kind: store.SkillMagic, Type: 70_000, Exp: 1},
		{Kind: store.SkillMagic, Type: 1000, Level: 1, Exp: 9},
	})
	if f.prof[410].level != 1 || f.prof[480].level != MaxProficiency || len(f.magic) != 1 || f.magic[1000].exp != 9 {
		t.Fatalf("loaded %+v %+v", f.prof, f.magic)
	}
	if f.savedSkills() != nil {
		t.Fatal("an untrained fighter's snapshot rewrites its skills")
	}
	f.skillsDirty = true
	want := []store.Skill{
		{Kind: store.SkillWeapon, Type: 410, Level: 1, Exp: 3},
		{Kind: store.SkillWeapon, Type: 480, Level: MaxProficiency},
		{Kind: store.SkillMagic, Type: 1000, Level: 1, Exp: 9},
	}
	if got := f.savedSkills(); !slices.Equal(got, want) {
		t.Fatalf("saved %+v, want %+v", got, want)
	}
}
