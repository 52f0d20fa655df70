package names

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"kirk":        "kirk",
		"KiRK":        "kirk",
		"\u212Airk":   "\u212Airk", // Kelvin sign: not "kirk"
		"\u0130stanb": "\u0130stanb",
		"Gm_Hero~!":   "gm_hero~!",
		"\xffAB":      "\xffab",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
	if Key("\u212Airk") == Key("kirk") {
		t.Fatal("Kelvin sign folds to k")
	}
}

// FuzzKey checks the properties every caller relies on: Key is idempotent,
// keeps the length, agrees with strings.ToLower on ASCII, and maps a name
// with a non-ASCII byte to a key with one (no collision with ASCII names).
func FuzzKey(f *testing.F) {
	for _, s := range []string{"", "kirk", "\u212Airk", "ABC_def", "\xff\xfe", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if len(k) != len(s) || Key(k) != k {
			t.Fatalf("Key(%q) = %q: not length-preserving or not idempotent", s, k)
		}
		ascii := true
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				ascii = false
				if k[i] != s[i] {
					t.Fatalf("Key(%q) changed non-ASCII byte %d", s, i)
				}
			}
		}
		if ascii && k != strings.ToLower(s) {
			t.Fatalf("Key(%q) = %q, strings.ToLower gives %q", s, k, strings.ToLower(s))
		}
	})
}
