// Package password hashes and verifies account passwords with argon2id.
//
// Hashes are stored as PHC-style strings:
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>
//
// where salt and hash are standard base64 without padding. The cost
// parameters travel with every hash, so they can be raised later: Verify
// reads them back from the string, and NeedsRehash tells the caller when a
// stored hash was made with parameters other than the current ones (rehash
// on the next successful login).
//
// Every parameter read back from a string is bounded (MaxMemoryKiB,
// MaxTime, MaxThreads, ...), so a corrupt or hostile database row cannot
// make Verify allocate gigabytes or spin for minutes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters and output sizes.
type Params struct {
	// Time is the number of passes over the memory (argon2 "t").
	Time uint32
	// MemoryKiB is the memory cost in KiB (argon2 "m").
	MemoryKiB uint32
	// Threads is the degree of parallelism (argon2 "p").
	Threads uint8
	// SaltLen is the length of the random salt in bytes.
	SaltLen uint32
	// KeyLen is the length of the derived hash in bytes.
	KeyLen uint32
}

// Default cost parameters. time=1 with 64 MiB is the setting recommended by
// the golang.org/x/crypto/argon2 documentation (after the argon2 RFC draft)
// and is above the OWASP Password Storage Cheat Sheet minimum for argon2id
// (m=46 MiB, t=1, p=1). Two lanes use two cores for one hash, which keeps
// login latency at roughly 50-100 ms on a small server. A 16-byte salt and
// a 32-byte key are the sizes RFC 9106 recommends.
//
// Each hash in flight holds DefaultMemoryKiB of memory, so callers that
// hash on behalf of many clients at once should bound the concurrency.
const (
	// DefaultTime is the default number of passes.
	DefaultTime = 1
	// DefaultMemoryKiB is the default memory cost, 64 MiB.
	DefaultMemoryKiB = 64 * 1024
	// DefaultThreads is the default degree of parallelism.
	DefaultThreads = 2
	// DefaultSaltLen is the default salt length in bytes.
	DefaultSaltLen = 16
	// DefaultKeyLen is the default hash length in bytes.
	DefaultKeyLen = 32
)

// DefaultParams are the production parameters; see DefaultTime and friends.
// Treat it as read-only.
var DefaultParams = Params{
	Time:      DefaultTime,
	MemoryKiB: DefaultMemoryKiB,
	Threads:   DefaultThreads,
	SaltLen:   DefaultSaltLen,
	KeyLen:    DefaultKeyLen,
}

// TestParams are deliberately cheap parameters (64 KiB, one pass, one lane)
// for tests and load-testing bots only. They offer no real protection
// against offline guessing and must never be used for real accounts.
// Treat it as read-only.
var TestParams = Params{
	Time:      1,
	MemoryKiB: 64,
	Threads:   1,
	SaltLen:   DefaultSaltLen,
	KeyLen:    DefaultKeyLen,
}

// Bounds accepted by Hash and by the parser behind Verify and NeedsRehash.
// The maxima protect the server from corrupt rows: a stored string asking
// for more is rejected before any memory is allocated.
const (
	// MaxMemoryKiB is the largest memory cost accepted: 256 MiB, four
	// times DefaultMemoryKiB, leaving room to raise the default.
	MaxMemoryKiB = 256 * 1024
	// MaxTime is the largest number of passes accepted.
	MaxTime = 16
	// MaxThreads is the largest degree of parallelism accepted.
	MaxThreads = 16
	// MinSaltLen is the shortest salt accepted, in bytes (the PHC
	// string format minimum).
	MinSaltLen = 8
	// MaxSaltLen is the longest salt accepted, in bytes.
	MaxSaltLen = 64
	// MinKeyLen is the shortest hash accepted, in bytes.
	MinKeyLen = 16
	// MaxKeyLen is the longest hash accepted, in bytes.
	MaxKeyLen = 64
	// MaxEncodedLen bounds the length of an encoded string; anything
	// longer is rejected before parsing.
	MaxEncodedLen = 256
)

// Encoding constants of the PHC string.
const (
	algorithm = "argon2id"
	version   = argon2.Version // 0x13 = 19
	// memPerThreadKiB is argon2's minimum memory per lane (8 blocks of
	// 1 KiB); below it x/crypto silently raises the memory cost.
	memPerThreadKiB = 8
)

// b64 is the base64 flavour of PHC strings: standard alphabet, no padding,
// and strict (non-zero trailing bits are rejected so every hash has exactly
// one encoding).
var b64 = base64.RawStdEncoding.Strict()

// ErrMalformed is wrapped by every error about an encoded string that is
// not a valid argon2id PHC string or whose parameters are out of bounds.
var ErrMalformed = errors.New("password: malformed hash")

// ErrParams is wrapped by Hash errors about out-of-bounds parameters.
var ErrParams = errors.New("password: invalid parameters")

// validate reports why p is outside the accepted bounds.
func (p Params) validate() error {
	switch {
	case p.Time < 1 || p.Time > MaxTime:
		return fmt.Errorf("time %d not in [1, %d]", p.Time, MaxTime)
	case p.Threads < 1 || p.Threads > MaxThreads:
		return fmt.Errorf("threads %d not in [1, %d]", p.Threads, MaxThreads)
	case p.MemoryKiB < memPerThreadKiB*uint32(p.Threads) || p.MemoryKiB > MaxMemoryKiB:
		return fmt.Errorf("memory %d KiB not in [%d, %d] for %d threads",
			p.MemoryKiB, memPerThreadKiB*uint32(p.Threads), MaxMemoryKiB, p.Threads)
	case p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen:
		return fmt.Errorf("salt length %d not in [%d, %d]", p.SaltLen, MinSaltLen, MaxSaltLen)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("key length %d not in [%d, %d]", p.KeyLen, MinKeyLen, MaxKeyLen)
	}
	return nil
}

// Hash derives an argon2id hash of pw with a fresh random salt and returns
// it as a PHC string. It fails if p is out of bounds or the system random
// source fails.
func Hash(pw string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("%w: %v", ErrParams, err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// encode formats a PHC string.
func encode(p Params, salt, key []byte) string {
	var b strings.Builder
	b.Grow(64 + b64.EncodedLen(len(salt)) + b64.EncodedLen(len(key)))
	b.WriteString("$" + algorithm + "$v=")
	b.WriteString(strconv.Itoa(version))
	b.WriteString("$m=")
	b.WriteString(strconv.FormatUint(uint64(p.MemoryKiB), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(p.Time), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(p.Threads), 10))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(salt))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(key))
	return b.String()
}

// Verify reports whether pw matches the encoded hash. A mismatch is
// (false, nil); an encoded string that cannot be parsed, or whose
// parameters are out of bounds, is (false, err) with err wrapping
// ErrMalformed. The comparison is constant-time.
func Verify(encoded, pw string) (ok bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded should be replaced by a fresh hash
// made with p: it is malformed, or any of its parameters (including salt
// and key lengths) differ from p. Call it after a successful Verify and
// store Hash(pw, p) if it returns true.
func NeedsRehash(encoded string, p Params) bool {
	got, _, _, err := decode(encoded)
	return err != nil || got != p
}

// ParseParams returns the parameters recorded in encoded, validated
// against the same bounds Verify applies.
func ParseParams(encoded string) (Params, error) {
	p, _, _, err := decode(encoded)
	return p, err
}

// decode parses and bounds-checks a PHC string. The grammar accepted is
// exactly what encode produces: "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>"
// with canonical decimal numbers (no sign, no leading zeros).
func decode(encoded string) (p Params, salt, key []byte, err error) {
	fail := func(format string, args ...any) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
	}
	if len(encoded) > MaxEncodedLen {
		return fail("%d bytes, longer than %d", len(encoded), MaxEncodedLen)
	}
	// The base64 decoder skips '\r' and '\n'; a PHC string has neither.
	if strings.ContainsAny(encoded, "\r\n") {
		return fail("contains a line break")
	}
	// "", algorithm, version, params, salt, hash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want 5 '$'-separated fields")
	}
	if parts[1] != algorithm {
		return fail("algorithm %q, want %q", parts[1], algorithm)
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return fail("missing version field")
	}
	if n, err := parseDecimal(v, 0xff); err != nil {
		return fail("version: %v", err)
	} else if n != version {
		return fail("version %d, want %d", n, version)
	}

	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return fail("parameter field %q: want m=,t=,p=", parts[3])
	}
	var vals [3]uint64
	for i, name := range [3]string{"m", "t", "p"} {
		s, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return fail("parameter %d is %q, want %s=", i+1, fields[i], name)
		}
		if vals[i], err = parseDecimal(s, 1<<32-1); err != nil {
			return fail("parameter %s: %v", name, err)
		}
	}
	if vals[2] > MaxThreads { // before the uint8 conversion below
		return fail("threads %d exceed %d", vals[2], MaxThreads)
	}
	p = Params{MemoryKiB: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}

	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return fail("salt: %v", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return fail("hash: %v", err)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return fail("%v", err)
	}
	return p, salt, key, nil
}

// parseDecimal parses a canonical unsigned decimal no greater than max.
func parseDecimal(s string, max uint64) (uint64, error) {
	if s == "" {
		return 0, errors.New("empty number")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%q has a leading zero", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, fmt.Errorf("%q out of range", s)
	}
	return n, nil
}
