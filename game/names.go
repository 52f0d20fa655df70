package game

import (
	"strings"

	"github.com/coserver/coserver/names"
)

// Character-name rules (game-rules §4, policy): 3–15 bytes of ASCII letters,
// digits and a few safe symbols; none of the words the server or staff use.
const (
	MinNameLen = 3
	MaxNameLen = 15
)

// reservedNames may not be a character's name, in any case: the sender and
// recipient of server text, and the spouse placeholder. Keys (lower case).
var reservedNames = [...]string{"none", "system", "allusers"}

// reservedParts may not appear anywhere in a name, in any case: the staff
// tags and server words of Faith's isValidNameString (which compares them
// case-sensitively, so "Gm_hero" passed there), and "admin". Keys (lower
// case).
var reservedParts = [...]string{"gm", "pm", "system", "npc", "admin"}

// nameProblem returns why name cannot be a character's name, or "".
func nameProblem(name string) string {
	if len(name) < MinNameLen || len(name) > MaxNameLen {
		return "Name must be 3 to 15 characters."
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '~', c == '!':
		default:
			return "Name may use letters, digits and _ - ~ ! only."
		}
	}
	key := foldName(name)
	for _, r := range reservedNames {
		if key == r {
			return "That name is reserved."
		}
	}
	for _, r := range reservedParts {
		if strings.Contains(key, r) {
			return "That name is reserved."
		}
	}
	return ""
}

// foldName is the directory key of a character name: names.Key, the rule
// the store and the account server compare names by.
func foldName(name string) string { return names.Key(name) }
