package game

import "strings"

// Character-name rules (game-rules §4, policy): 3–15 bytes of ASCII letters,
// digits and a few safe symbols; none of the words the server or staff use.
const (
	MinNameLen = 3
	MaxNameLen = 15
)

// reservedNames may not be a character's name: the sender and recipient of
// server text, and the spouse placeholder.
var reservedNames = [...]string{"none", "system", "allusers"}

// reservedParts may not appear anywhere in a name: staff tags and server
// words, exactly as Faith's isValidNameString lists them (case matters).
var reservedParts = [...]string{"GM", "gm", "PM", "pm", "SYSTEM", "system", "NPC", "npc"}

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
	lower := strings.ToLower(name)
	for _, r := range reservedNames {
		if lower == r {
			return "That name is reserved."
		}
	}
	for _, r := range reservedParts {
		if strings.Contains(name, r) {
			return "That name is reserved."
		}
	}
	return ""
}

// foldName is the directory key of a character name: names compare without
// case, as the store compares them.
func foldName(name string) string { return strings.ToLower(name) }
