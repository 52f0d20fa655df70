package storetest

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/coserver/coserver/store"
)

func (s *suite) testCharacterVars(t *testing.T) {
	db, path := s.openTest(t)
	ctx := context.Background()
	c := createCharacters(t, db, "Var", 1)[0]
	if c.Vars != nil {
		t.Fatalf("a new character has variables: %v", c.Vars)
	}
	c.Vars = map[string]string{"guide.met": "1", "quest": "step 2"}
	if err := db.SaveCharacters(ctx, c); err != nil {
		t.Fatal(err)
	}
	db = s.reopen(t, db, path)
	got, err := db.CharacterByAccount(ctx, c.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got.Vars, c.Vars) {
		t.Fatalf("variables after reopen = %v, want %v", got.Vars, c.Vars)
	}
	// nil leaves them alone; a set replaces them whole.
	got.Vars = nil
	got.X++
	if err := db.SaveCharacters(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.CharacterByAccount(ctx, c.AccountID); !maps.Equal(again.Vars, c.Vars) {
		t.Fatalf("a nil Vars changed the stored set: %v", again.Vars)
	}
	got.Vars = map[string]string{"quest": "done"}
	if err := db.SaveCharacters(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.CharacterByAccount(ctx, c.AccountID); !maps.Equal(again.Vars, got.Vars) {
		t.Fatalf("variables after replace = %v, want %v", again.Vars, got.Vars)
	}
}

func (s *suite) testCharacterVarsLimits(t *testing.T) {
	db, _ := s.openTest(t)
	ctx := context.Background()
	cs := createCharacters(t, db, "Lim", 2)
	good := cs[0]
	good.Vars = map[string]string{"ok": "1"}
	tooMany := make(map[string]string)
	for i := range store.MaxVars + 1 {
		tooMany[fmt.Sprintf("k%d", i)] = "v"
	}
	for name, vars := range map[string]map[string]string{
		"too many":   tooMany,
		"empty key":  {"": "v"},
		"long key":   {strings.Repeat("k", store.MaxVarKeyLen+1): "v"},
		"long value": {"k": strings.Repeat("v", store.MaxVarValueLen+1)},
	} {
		bad := cs[1]
		bad.Vars = vars
		if err := db.SaveCharacters(ctx, good, bad); err == nil {
			t.Errorf("%s: saved", name)
		}
	}
	if got, _ := db.CharacterByAccount(ctx, good.AccountID); got.Vars != nil {
		t.Fatalf("a refused save wrote variables: %v", got.Vars)
	}
}
