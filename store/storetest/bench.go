package storetest

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/coserver/coserver/store"
)

// saveBatch is the number of characters BenchmarkSaveCharacters saves per
// call, a busy server's periodic save.
const saveBatch = 100

func (s *suite) benchCreateAccount(b *testing.B) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := db.CreateAccount(ctx, fmt.Sprintf("bench%d", i), testHash); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func (s *suite) benchAccountByName(b *testing.B) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	const accounts = 1000
	for i := range accounts {
		if _, err := db.CreateAccount(ctx, fmt.Sprintf("Bench%d", i), testHash); err != nil {
			b.Fatal(err)
		}
	}
	names := make([]string, accounts)
	for i := range names {
		names[i] = fmt.Sprintf("BENCH%d", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := db.AccountByName(ctx, names[i%accounts]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func (s *suite) benchSaveCharacters(b *testing.B) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	cs := createCharacters(b, db, "save", saveBatch)
	b.ReportAllocs()
	for b.Loop() {
		for i := range cs {
			cs[i].X++
		}
		if err := db.SaveCharacters(ctx, cs...); err != nil {
			b.Fatal(err)
		}
	}
}

// benchLogin makes the store calls of one login through the account and
// game servers (split tokens): the account read, the token issued and the
// login recorded, the token consumed, the character and its items loaded.
// Its inverse is logins/s on one connection's worth of round trips.
func (s *suite) benchLogin(b *testing.B) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	const accounts = 100
	cs := bulkCharacters(b, db, "Login", accounts)
	ip := netip.MustParseAddr("127.0.0.1")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := cs[i%accounts]
		a, err := db.AccountByName(ctx, c.Name)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		tok := uint64(i) + 1
		if err := db.IssueToken(ctx, tok, a.ID, ip, now.Add(time.Minute)); err != nil {
			b.Fatal(err)
		}
		if err := db.RecordLogin(ctx, a.ID, now); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ConsumeToken(ctx, tok, ip, now); err != nil {
			b.Fatal(err)
		}
		ch, err := db.CharacterByAccount(ctx, a.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ItemsOf(ctx, ch.ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchSavePeriodic is the game's periodic save of saveBatch players: one
// Save of their snapshots (versioned), no item changes.
func (s *suite) benchSavePeriodic(b *testing.B) { s.benchSaveSnapshots(b, "periodic", 0) }

// benchSkillsPerCharacter is how many skills each snapshot of
// benchSavePeriodicSkills carries: a few weapons and a class's magic.
const benchSkillsPerCharacter = 6

// benchSavePeriodicSkills is benchSavePeriodic where every player trained
// since login, so each snapshot rewrites its skills too (the worst case).
func (s *suite) benchSavePeriodicSkills(b *testing.B) {
	s.benchSaveSnapshots(b, "skills", benchSkillsPerCharacter)
}

// benchSaveSnapshots saves saveBatch players named after prefix, each with
// skills skills (one of them trained between two saves), once per
// iteration.
func (s *suite) benchSaveSnapshots(b *testing.B, prefix string, skills int) {
	db, _ := s.openTest(b)
	ctx := context.Background()
	cs := bulkCharacters(b, db, prefix, saveBatch)
	for i := range cs {
		for k := range skills {
			kind := store.SkillWeapon
			if k%2 == 1 {
				kind = store.SkillMagic
			}
			cs[i].Skills = append(cs[i].Skills, store.Skill{Kind: kind, Type: uint32(400 + k), Level: 3, Exp: 1000})
		}
	}
	var v uint64
	batch := store.Batch{Characters: make([]store.CharacterSnapshot, len(cs))}
	b.ReportAllocs()
	for b.Loop() {
		for i := range cs {
			v++
			cs[i].X++
			if skills > 0 {
				cs[i].Skills[0].Exp++
			}
			batch.Characters[i] = snapshotOf(cs[i], v)
		}
		if err := db.Save(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}
