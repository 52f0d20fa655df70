package password

import (
	"errors"
	"strings"
	"testing"
)

// fuzzMaxMemoryKiB and fuzzMaxTime keep the fuzz target fast: inputs whose
// parameters parse but ask for more only exercise the parser.
const (
	fuzzMaxMemoryKiB = 1024
	fuzzMaxTime      = 2
)

func TestRoundTrip(t *testing.T) {
	for _, pw := range []string{"", "hunter2", "pässwörd with spaces", strings.Repeat("x", 1000)} {
		enc, err := Hash(pw, TestParams)
		if err != nil {
			t.Fatalf("Hash(%q): %v", pw, err)
		}
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Fatalf("Hash(%q) = %q: unexpected prefix", pw, enc)
		}
		ok, err := Verify(enc, pw)
		if err != nil || !ok {
			t.Fatalf("Verify(Hash(%q)) = %v, %v; want true, nil", pw, ok, err)
		}
	}
}

func TestSaltIsRandom(t *testing.T) {
	a, err := Hash("same", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hash("same", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of the same password are identical: %q", a)
	}
}

func TestWrongPassword(t *testing.T) {
	enc, err := Hash("correct horse", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"", "correct hors", "correct horse ", "Correct horse"} {
		ok, err := Verify(enc, pw)
		if err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

// TestKnownVector pins the encoding: a hash computed once by this package
// must keep verifying after refactors.
func TestKnownVector(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := []byte("0123456789abcdef0123456789abcdef")
	enc := encode(TestParams, salt, key)
	const want = "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"
	if enc != want {
		t.Fatalf("encode = %q, want %q", enc, want)
	}
	p, s, k, err := decode(enc)
	if err != nil || p != TestParams || string(s) != string(salt) || string(k) != string(key) {
		t.Fatalf("decode(%q) = %+v, %q, %q, %v", enc, p, s, k, err)
	}
}

func TestMalformed(t *testing.T) {
	const (
		salt = "MDEyMzQ1Njc4OWFiY2RlZg"                      // 16 bytes
		hash = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY" // 32 bytes
		good = "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash
	)
	if _, err := ParseParams(good); err != nil {
		t.Fatalf("control string rejected: %v", err)
	}
	tests := []struct {
		name, enc string
	}{
		{"empty", ""},
		{"dollar only", "$"},
		{"no leading dollar", "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash + "$"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + hash},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + hash},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"upper case algorithm", "$ARGON2ID$v=19$m=64,t=1,p=1$" + salt + "$" + hash},
		{"missing version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + hash},
		{"version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + hash},
		{"version leading zero", "$argon2id$v=019$m=64,t=1,p=1$" + salt + "$" + hash},
		{"version empty", "$argon2id$v=$m=64,t=1,p=1$" + salt + "$" + hash},
		{"params reordered", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + hash},
		{"params missing p", "$argon2id$v=19$m=64,t=1$" + salt + "$" + hash},
		{"params extra", "$argon2id$v=19$m=64,t=1,p=1,keyid=x$" + salt + "$" + hash},
		{"params spaces", "$argon2id$v=19$m=64, t=1,p=1$" + salt + "$" + hash},
		{"memory sign", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + hash},
		{"memory negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + hash},
		{"memory hex", "$argon2id$v=19$m=0x40,t=1,p=1$" + salt + "$" + hash},
		{"memory leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + hash},
		{"memory 4 GiB", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + hash},
		{"memory overflow", "$argon2id$v=19$m=99999999999999999999,t=1,p=1$" + salt + "$" + hash},
		{"memory below 8 per thread", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + hash},
		{"time zero", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + hash},
		{"time huge", "$argon2id$v=19$m=64,t=1000000,p=1$" + salt + "$" + hash},
		{"threads zero", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + hash},
		{"threads wrap uint8", "$argon2id$v=19$m=64,t=1,p=257$" + salt + "$" + hash},
		{"threads too many", "$argon2id$v=19$m=1024,t=1,p=64$" + salt + "$" + hash},
		{"salt empty", "$argon2id$v=19$m=64,t=1,p=1$$" + hash},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$YWJj$" + hash},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + hash},
		{"salt bad alphabet", "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZ_$" + hash},
		{"salt non-canonical", "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZh$" + hash},
		{"hash empty", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"hash too short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$YWJjZGVm"},
		{"hash too long", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("QUFB", 30)},
		{"trailing field", good + "$"},
		{"trailing newline", good + "\n"},
		{"newline in salt", "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4\nOWFiY2RlZg$" + hash},
		{"too long", good + strings.Repeat("A", MaxEncodedLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := Verify(tt.enc, "pw")
			if ok || err == nil {
				t.Fatalf("Verify(%q) = %v, %v; want false and an error", tt.enc, ok, err)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Verify(%q) error %v does not wrap ErrMalformed", tt.enc, err)
			}
			if !NeedsRehash(tt.enc, TestParams) {
				t.Fatalf("NeedsRehash(%q) = false for a malformed string", tt.enc)
			}
		})
	}
}

func TestHashRejectsBadParams(t *testing.T) {
	bad := []Params{
		{},
		{Time: 0, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Time: 1, MemoryKiB: 64, Threads: 0, SaltLen: 16, KeyLen: 32},
		{Time: 1, MemoryKiB: 8, Threads: 2, SaltLen: 16, KeyLen: 32},
		{Time: 1, MemoryKiB: MaxMemoryKiB + 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Time: MaxTime + 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 8},
		{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: MaxKeyLen + 1},
	}
	for _, p := range bad {
		if enc, err := Hash("pw", p); err == nil || !errors.Is(err, ErrParams) {
			t.Errorf("Hash with %+v = %q, %v; want ErrParams", p, enc, err)
		}
	}
	if err := DefaultParams.validate(); err != nil {
		t.Errorf("DefaultParams invalid: %v", err)
	}
}

func TestParamsParsedBack(t *testing.T) {
	p := Params{Time: 3, MemoryKiB: 256, Threads: 4, SaltLen: 24, KeyLen: 48}
	enc, err := Hash("pw", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=256,t=3,p=4$") {
		t.Fatalf("Hash = %q: parameters not encoded", enc)
	}
	got, err := ParseParams(enc)
	if err != nil || got != p {
		t.Fatalf("ParseParams = %+v, %v; want %+v", got, err, p)
	}
	// Verify uses the parameters from the string, not any default.
	if ok, err := Verify(enc, "pw"); err != nil || !ok {
		t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
	}
}

func TestNeedsRehash(t *testing.T) {
	enc, err := Hash("pw", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if NeedsRehash(enc, TestParams) {
		t.Error("NeedsRehash with the same params = true")
	}
	changes := map[string]func(*Params){
		"time":    func(p *Params) { p.Time++ },
		"memory":  func(p *Params) { p.MemoryKiB *= 2 },
		"threads": func(p *Params) { p.Threads++ },
		"salt":    func(p *Params) { p.SaltLen += 8 },
		"key":     func(p *Params) { p.KeyLen += 8 },
	}
	for name, change := range changes {
		p := TestParams
		change(&p)
		if !NeedsRehash(enc, p) {
			t.Errorf("NeedsRehash after changing %s = false", name)
		}
	}
	if !NeedsRehash(enc, DefaultParams) {
		t.Error("NeedsRehash(TestParams hash, DefaultParams) = false")
	}
}

func FuzzVerify(f *testing.F) {
	enc, err := Hash("pw", TestParams)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc, "pw")
	f.Add(enc, "wrong")
	f.Add("", "")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY", "x")
	f.Add("$argon2id$v=19$m=4194304,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY", "x")
	f.Add("$argon2id$v=19$m=64,t=1,p=0$$", "")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "pw")
	f.Add("$$$$$", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		p, err := ParseParams(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseParams error %v does not wrap ErrMalformed", err)
			}
			if ok, err := Verify(encoded, pw); ok || err == nil {
				t.Fatalf("Verify accepted %q that ParseParams rejected", encoded)
			}
			return
		}
		if p.validate() != nil {
			t.Fatalf("ParseParams returned out-of-bounds %+v", p)
		}
		if NeedsRehash(encoded, p) {
			t.Fatalf("NeedsRehash(%q, its own params) = true", encoded)
		}
		if p.MemoryKiB > fuzzMaxMemoryKiB || p.Time > fuzzMaxTime {
			return // valid but too slow to hash on every fuzz iteration
		}
		if _, err := Verify(encoded, pw); err != nil {
			t.Fatalf("Verify(%q) = %v after ParseParams accepted it", encoded, err)
		}
	})
}

func BenchmarkHash(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hash("benchmark password", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}
