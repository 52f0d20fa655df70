package account

// Account-name rules for accounts created by auto-registration and the CLI.
const (
	minAccountNameLen = 3
	maxAccountNameLen = 15 // MsgAccount's field is char[16]
	minPasswordLen    = 1
	maxPasswordLen    = 15 // the RC5 field is 16 bytes; Comet requires fewer than 16 characters
)

// ValidAccountName reports whether name is acceptable for a new account:
// 3–15 ASCII letters, digits or underscores.
func ValidAccountName(name string) bool {
	if len(name) < minAccountNameLen || len(name) > maxAccountNameLen {
		return false
	}
	for _, r := range []byte(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
		default:
			return false
		}
	}
	return true
}

// ValidPassword reports whether pw fits the 5017 client's password field.
func ValidPassword(pw string) bool { return len(pw) >= minPasswordLen && len(pw) <= maxPasswordLen }
