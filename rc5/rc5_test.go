package rc5

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

type passwordVector struct {
	Password string `json:"password"`
	Cipher   string `json:"cipher"`
	Plain    string `json:"plain"`
}

func loadPasswordVectors(t *testing.T) []passwordVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tq5017.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		RC5 []passwordVector `json:"rc5_password"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("parse tq5017.json: %v", err)
	}
	if len(v.RC5) == 0 {
		t.Fatal("tq5017.json: no rc5_password vectors")
	}
	return v.RC5
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func field(t testing.TB, s string) [PasswordSize]byte {
	t.Helper()
	b := unhex(t, s)
	if len(b) != PasswordSize {
		t.Fatalf("%q: %d bytes, want %d", s, len(b), PasswordSize)
	}
	return [PasswordSize]byte(b)
}

func TestKey5017(t *testing.T) {
	want := unhex(t, "3cdcfee8c454d67e16a6f81ae8d038be")
	if Key5017 != string(want) {
		t.Fatalf("Key5017 = %x, want %x", Key5017, want)
	}
	if *New5017() != *New([KeySize]byte(want)) {
		t.Fatal("New5017 differs from New(Key5017)")
	}
}

func TestPasswordVectors(t *testing.T) {
	c := New5017()
	for _, v := range loadPasswordVectors(t) {
		t.Run(v.Password, func(t *testing.T) {
			ct, pt := unhex(t, v.Cipher), unhex(t, v.Plain)

			got := make([]byte, len(ct))
			if err := c.Decrypt(got, ct); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, pt) {
				t.Errorf("Decrypt = %x, want %x", got, pt)
			}
			if err := c.Encrypt(got, pt); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, ct) {
				t.Errorf("Encrypt = %x, want %x", got, ct)
			}

			if pw := c.DecryptPassword(field(t, v.Cipher)); pw != v.Password {
				t.Errorf("DecryptPassword = %q, want %q", pw, v.Password)
			}
			enc, err := c.EncryptPassword(v.Password)
			if err != nil {
				t.Fatal(err)
			}
			if enc != field(t, v.Cipher) {
				t.Errorf("EncryptPassword = %x, want %s", enc, v.Cipher)
			}
		})
	}
}

// TestRivestVectors checks the first RC5-32/12/16 examples of Rivest's RC5
// paper, where each ciphertext is the next plaintext.
func TestRivestVectors(t *testing.T) {
	cases := []struct{ key, pt, ct string }{
		{"00000000000000000000000000000000", "0000000000000000", "21a5dbee154b8f6d"},
		{"915f4619be41b2516355a50110a9ce91", "21a5dbee154b8f6d", "f7c013ac5b2b8952"},
		{"783348e75aeb0f2fd7b169bb8dc16787", "f7c013ac5b2b8952", "2f42b3b70369fc92"},
	}
	for _, tc := range cases {
		c := New([KeySize]byte(unhex(t, tc.key)))
		got := make([]byte, BlockSize)
		if err := c.Encrypt(got, unhex(t, tc.pt)); err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tc.ct {
			t.Errorf("key %s: Encrypt = %x, want %s", tc.key, got, tc.ct)
		}
		if err := c.Decrypt(got, got); err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tc.pt {
			t.Errorf("key %s: Decrypt = %x, want %s", tc.key, got, tc.pt)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5017, 3))
	for range 200 {
		var key [KeySize]byte
		for i := range key {
			key[i] = byte(rng.Uint32())
		}
		c := New(key)
		src := make([]byte, BlockSize*rng.IntN(40))
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		ct := make([]byte, len(src))
		if err := c.Encrypt(ct, src); err != nil {
			t.Fatal(err)
		}
		// in place
		pt := bytes.Clone(ct)
		if err := c.Decrypt(pt, pt); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(pt, src) {
			t.Fatalf("key %x: round trip failed", key)
		}
		// blocks are independent: encrypting in place block by block matches
		for off := 0; off < len(src); off += BlockSize {
			blk := bytes.Clone(src[off : off+BlockSize])
			if err := c.Encrypt(blk, blk); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(blk, ct[off:off+BlockSize]) {
				t.Fatalf("block at %d differs when encrypted alone", off)
			}
		}
	}
}

func TestBadLengths(t *testing.T) {
	c := New5017()
	for _, n := range []int{1, 7, 9, 15, 17, 100} {
		buf := make([]byte, n)
		if err := c.Encrypt(buf, buf); !errors.Is(err, ErrBlockSize) {
			t.Errorf("Encrypt(%d bytes) error = %v, want ErrBlockSize", n, err)
		}
		if err := c.Decrypt(buf, buf); !errors.Is(err, ErrBlockSize) {
			t.Errorf("Decrypt(%d bytes) error = %v, want ErrBlockSize", n, err)
		}
	}
	src := make([]byte, 16)
	for _, dst := range [][]byte{nil, make([]byte, 8), make([]byte, 15)} {
		if err := c.Encrypt(dst, src); !errors.Is(err, ErrShortDst) {
			t.Errorf("Encrypt(dst %d bytes) error = %v, want ErrShortDst", len(dst), err)
		}
		if err := c.Decrypt(dst, src); !errors.Is(err, ErrShortDst) {
			t.Errorf("Decrypt(dst %d bytes) error = %v, want ErrShortDst", len(dst), err)
		}
	}
	// Empty input is a valid zero-block message; a longer dst is fine.
	if err := c.Encrypt(nil, nil); err != nil {
		t.Errorf("Encrypt(empty) error = %v", err)
	}
	if err := c.Encrypt(make([]byte, 24), src); err != nil {
		t.Errorf("Encrypt(longer dst) error = %v", err)
	}
}

func TestEncryptPasswordLength(t *testing.T) {
	c := New5017()
	pw16 := strings.Repeat("x", PasswordSize)
	f, err := c.EncryptPassword(pw16)
	if err != nil {
		t.Fatalf("16-byte password: %v", err)
	}
	if got := c.DecryptPassword(f); got != pw16 {
		t.Fatalf("16-byte password round trip = %q", got)
	}
	if _, err := c.EncryptPassword(pw16 + "y"); !errors.Is(err, ErrPasswordTooLong) {
		t.Fatalf("17-byte password error = %v, want ErrPasswordTooLong", err)
	}
	f, err = c.EncryptPassword("")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DecryptPassword(f); got != "" {
		t.Fatalf("empty password round trip = %q", got)
	}
}

func TestZeroAllocs(t *testing.T) {
	c := New5017()
	buf := make([]byte, 64)
	n := testing.AllocsPerRun(100, func() {
		_ = c.Encrypt(buf, buf)
		_ = c.Decrypt(buf, buf)
	})
	if n != 0 {
		t.Fatalf("%v allocations per call, want 0", n)
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("abcdefghijklmnop"), []byte(Key5017))
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1, 2, 3}, []byte{0xff})
	f.Add(make([]byte, 8), make([]byte, 16))
	f.Add(bytes.Repeat([]byte{0xff}, 33), []byte("0123456789abcdef0123"))
	f.Fuzz(func(t *testing.T, data, keyBytes []byte) {
		var key [KeySize]byte
		copy(key[:], keyBytes)
		c := New(key)

		// Arbitrary lengths: an error for a partial block, never a panic.
		buf := bytes.Clone(data)
		errE := c.Encrypt(buf, buf)
		errD := c.Decrypt(buf, buf)
		if whole := len(data)%BlockSize == 0; whole != (errE == nil) || whole != (errD == nil) {
			t.Fatalf("len %d: Encrypt error %v, Decrypt error %v", len(data), errE, errD)
		}
		if errE == nil && !bytes.Equal(buf, data) {
			t.Fatal("in-place round trip failed")
		}

		// Round trip on the whole blocks, separate buffers.
		whole := data[:len(data)/BlockSize*BlockSize]
		ct := make([]byte, len(whole))
		pt := make([]byte, len(whole))
		if err := c.Encrypt(ct, whole); err != nil {
			t.Fatal(err)
		}
		if err := c.Decrypt(pt, ct); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(pt, whole) {
			t.Fatal("round trip failed")
		}

		// Short dst: an error, never a panic.
		if len(whole) > 0 {
			if err := c.Encrypt(ct[:len(ct)-1], whole); !errors.Is(err, ErrShortDst) {
				t.Fatalf("short dst: %v", err)
			}
		}
	})
}

func BenchmarkEncrypt(b *testing.B) { benchmark(b, (*Cipher).Encrypt) }
func BenchmarkDecrypt(b *testing.B) { benchmark(b, (*Cipher).Decrypt) }

func benchmark(b *testing.B, op func(*Cipher, []byte, []byte) error) {
	c := New5017()
	for _, size := range []int{PasswordSize, 4096} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			buf := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := op(c, buf, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	var key [KeySize]byte
	b.ReportAllocs()
	for b.Loop() {
		New(key)
	}
}

func BenchmarkDecryptPassword(b *testing.B) {
	c := New5017()
	f, err := c.EncryptPassword("password123")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.DecryptPassword(f)
	}
}
