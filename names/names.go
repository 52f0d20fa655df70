// Package names holds the one rule by which coserver compares account and
// character names: ASCII letters fold to lower case, every other byte is
// kept as it is. The throttle, the store's unique keys and the game's
// directory of online names all use Key, so two spellings that one of them
// treats as the same name are the same name to all of them.
package names

// Key returns the comparison key of name: name with ASCII A–Z lowered and
// every other byte unchanged. Unlike strings.ToLower it never maps a
// non-ASCII rune to an ASCII one (the Kelvin sign U+212A stays itself, it
// does not become "k"), so a non-ASCII name never collides with an ASCII
// one. Invalid UTF-8 is kept byte for byte.
func Key(name string) string {
	i := 0
	for i < len(name) && !isUpper(name[i]) {
		i++
	}
	if i == len(name) {
		return name // already a key: no allocation
	}
	b := []byte(name)
	for ; i < len(b); i++ {
		if isUpper(b[i]) {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
