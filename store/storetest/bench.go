package storetest

import (
	"context"
	"fmt"
	"testing"
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
