package tq

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// Compile-time check that Cipher fits the connection layer's interface.
var _ interface {
	Encrypt([]byte)
	Decrypt([]byte)
} = (*Cipher)(nil)

// ---- known-answer vectors (testdata/tq5017.json, see testdata/README.md) ----

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return err
	}
	*h = b
	return nil
}

type chunk struct {
	In  hexBytes `json:"in"`
	Out hexBytes `json:"out"`
}

type vectorFile struct {
	ServerDecrypt struct {
		Chunks []chunk `json:"chunks"`
	} `json:"tq_server_decrypt"`
	ServerEncrypt struct {
		Chunks []chunk `json:"chunks"`
	} `json:"tq_server_encrypt"`
	Rekey []struct {
		Token string `json:"token"`
		Steps []struct {
			Op  string   `json:"op"`
			In  hexBytes `json:"in"`
			Out hexBytes `json:"out"`
		} `json:"steps"`
	} `json:"tq_rekey"`
}

func loadVectors(t *testing.T) *vectorFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tq5017.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("parse tq5017.json: %v", err)
	}
	if len(v.ServerDecrypt.Chunks) == 0 || len(v.ServerEncrypt.Chunks) == 0 || len(v.Rekey) == 0 {
		t.Fatal("tq5017.json: missing vector sections")
	}
	return &v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkChunks(t *testing.T, name string, chunks []chunk, op func([]byte)) {
	t.Helper()
	off := 0
	for i, c := range chunks {
		buf := bytes.Clone(c.In)
		op(buf)
		if !bytes.Equal(buf, c.Out) {
			t.Errorf("%s chunk %d (offset %d, %d bytes):\n got %x\nwant %x", name, i, off, len(buf), buf, c.Out)
		}
		off += len(buf)
	}
}

func TestServerDecryptVectors(t *testing.T) {
	v := loadVectors(t)
	c := NewServer()
	checkChunks(t, "server decrypt", v.ServerDecrypt.Chunks, c.Decrypt)
}

func TestServerEncryptVectors(t *testing.T) {
	v := loadVectors(t)
	c := NewServer()
	checkChunks(t, "server encrypt", v.ServerEncrypt.Chunks, c.Encrypt)
}

// TestClientInvertsServerVectors runs the vectors backwards through a client:
// a client's Encrypt must produce what the server decrypts, and a client's
// Decrypt must undo what the server encrypts.
func TestClientInvertsServerVectors(t *testing.T) {
	v := loadVectors(t)
	inverse := func(cs []chunk) []chunk {
		r := make([]chunk, len(cs))
		for i, c := range cs {
			r[i] = chunk{In: c.Out, Out: c.In}
		}
		return r
	}
	checkChunks(t, "client encrypt", inverse(v.ServerDecrypt.Chunks), NewClient().Encrypt)
	checkChunks(t, "client decrypt", inverse(v.ServerEncrypt.Chunks), NewClient().Decrypt)
}

func TestRekeyVectors(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range v.Rekey {
		t.Run(tc.Token, func(t *testing.T) {
			tb := mustHex(t, tc.Token)
			if len(tb) != 8 {
				t.Fatalf("token %q is not 8 bytes", tc.Token)
			}
			var token uint64
			for _, b := range tb {
				token = token<<8 | uint64(b)
			}
			srv, cli := NewServer(), NewClient()
			for i, st := range tc.Steps {
				var srvOp, cliOp func([]byte)
				switch st.Op {
				case "rekey":
					srv.Rekey(token)
					cli.Rekey(token)
					continue
				case "decrypt":
					srvOp, cliOp = srv.Decrypt, cli.Encrypt
				case "encrypt":
					srvOp, cliOp = srv.Encrypt, cli.Decrypt
				default:
					t.Fatalf("step %d: unknown op %q", i, st.Op)
				}
				got := bytes.Clone(st.In)
				srvOp(got)
				if !bytes.Equal(got, st.Out) {
					t.Errorf("step %d server %s:\n got %x\nwant %x", i, st.Op, got, st.Out)
				}
				// The client, run in the opposite direction, must undo it.
				back := bytes.Clone(st.Out)
				cliOp(back)
				if !bytes.Equal(back, st.In) {
					t.Errorf("step %d client inverse of %s:\n got %x\nwant %x", i, st.Op, back, st.In)
				}
			}
		})
	}
}

// TestCoEmuPacket checks the MsgConnectEx from the Rust emulator's test, as
// the server encrypts it after a re-key with token 0x1234.
func TestCoEmuPacket(t *testing.T) {
	plain := mustHex(t, "22001f0461ffc3a63a6dd3903139322e3136382e312e320000000000b81600000000")
	want := mustHex(t, "6748aa121fab03445e260e53522f7414e6fb88c02a864c3e6d00e32afa2d87c66528")
	c := NewServer()
	c.Rekey(0x1234)
	got := bytes.Clone(plain)
	c.Encrypt(got)
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %x\nwant %x", got, want)
	}
}

// ---- byte-at-a-time reference, written from the formulas in testdata/README.md ----

func refKey() [512]byte {
	s := [8]byte{0x9d, 0x0f, 0xfa, 0x13, 0x62, 0x79, 0x5c, 0x6d}
	var k [512]byte
	for i := range 256 {
		k[i] = s[0]
		k[256+i] = s[4]
		s[0] = byte((int(s[1])+int(s[0])*int(s[2]))*int(s[0]) + int(s[3]))
		s[4] = byte((int(s[5])-int(s[4])*int(s[6]))*int(s[4]) + int(s[7]))
	}
	return k
}

func refDerive(init [512]byte, token uint64) [512]byte {
	a := uint32(token >> 32)
	b := uint32(token & 0xffffffff)
	c := ((a + b) ^ 0x4321) ^ a
	d := c * c
	k := init
	for i := range 256 {
		k[i] ^= byte(c >> (8 * (i % 4)))
		k[256+i] ^= byte(d >> (8 * (i % 4)))
	}
	return k
}

func refSwap(b byte) byte { return (b&0x0f)<<4 | (b&0xf0)>>4 }

type refCipher struct {
	client     bool
	encK, decK [512]byte
	encX, decX int // always in [0, 65536)
}

func newRef(client bool) *refCipher {
	k := refKey()
	return &refCipher{client: client, encK: k, decK: k}
}

func (r *refCipher) transform(k *[512]byte, x *int, b []byte) {
	for i, in := range b {
		k1, k2 := k[*x%256], k[256+*x/256]
		if r.client {
			b[i] = refSwap(in^k1^k2) ^ 0xAB
		} else {
			b[i] = refSwap(in^0xAB) ^ k1 ^ k2
		}
		*x = (*x + 1) % 65536
	}
}

func (r *refCipher) Encrypt(b []byte) { r.transform(&r.encK, &r.encX, b) }
func (r *refCipher) Decrypt(b []byte) { r.transform(&r.decK, &r.decX, b) }

func (r *refCipher) Rekey(token uint64) {
	init := refKey()
	if r.client {
		r.encK = refDerive(init, token)
		r.decK, r.decX = init, 0
	} else {
		r.decK = refDerive(init, token)
		r.encK, r.encX = init, 0
	}
}

// setCounters places both the fast and the reference cipher at counter x in
// both directions.
func setCounters(c *Cipher, r *refCipher, x uint16) {
	c.encX, c.decX = x, x
	r.encX, r.decX = int(x), int(x)
}

// interestingCounter returns a start counter biased towards boundaries: the
// 0xffff wrap, multiples of 256, and 8-byte lane edges.
func interestingCounter(rng *rand.Rand) uint16 {
	switch rng.IntN(4) {
	case 0:
		return uint16(0xffff - rng.IntN(300)) // just before the wrap
	case 1:
		return uint16(rng.IntN(256)<<8 + 256 - rng.IntN(12)) // just before a 256 boundary
	case 2:
		return uint16(rng.IntN(256)<<8 + rng.IntN(12)) // just after a 256 boundary
	default:
		return uint16(rng.Uint32())
	}
}

// randomSplits cuts n into consecutive chunk lengths (some zero).
func randomSplits(rng *rand.Rand, n int) []int {
	var parts []int
	for n > 0 {
		p := rng.IntN(n + 1)
		if rng.IntN(4) == 0 {
			p = min(n, rng.IntN(9)) // plenty of short chunks
		}
		parts = append(parts, p)
		n -= p
	}
	return parts
}

func runSplit(op func([]byte), b []byte, parts []int) {
	for _, p := range parts {
		op(b[:p])
		b = b[p:]
	}
	op(b) // remainder, normally empty
}

func TestFastMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5017, 1))
	for iter := range 2000 {
		client := iter%2 == 1
		c, r := NewServer(), newRef(false)
		if client {
			c, r = NewClient(), newRef(true)
		}
		// Start counters first so that a re-key's counter reset is checked too.
		setCounters(c, r, interestingCounter(rng))
		if rng.IntN(3) == 0 {
			tok := rng.Uint64()
			c.Rekey(tok)
			r.Rekey(tok)
		}

		n := rng.IntN(1200)
		if rng.IntN(10) == 0 {
			n = rng.IntN(70000) // long enough to wrap the counter
		}
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		parts := randomSplits(rng, n)

		for _, dir := range []string{"encrypt", "decrypt"} {
			got, want := bytes.Clone(data), bytes.Clone(data)
			if dir == "encrypt" {
				runSplit(c.Encrypt, got, parts)
				r.Encrypt(want)
			} else {
				runSplit(c.Decrypt, got, parts)
				r.Decrypt(want)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for got[i] == want[i] {
					i++
				}
				t.Fatalf("iter %d client=%v %s n=%d parts=%v: first difference at byte %d", iter, client, dir, n, parts, i)
			}
		}
		if int(c.encX) != r.encX || int(c.decX) != r.decX {
			t.Fatalf("iter %d: counters enc %d/%d dec %d/%d", iter, c.encX, r.encX, c.decX, r.decX)
		}
	}
}

// TestCounterWrap pushes one direction through a full 65536-byte cycle and
// beyond: the keystream must repeat with period 65536.
func TestCounterWrap(t *testing.T) {
	for _, client := range []bool{false, true} {
		c := NewServer()
		if client {
			c = NewClient()
		}
		const period = 1 << 16
		buf := make([]byte, period+1000)
		c.Encrypt(buf) // zero input: buf now holds the transform of zeros
		if c.encX != 1000 {
			t.Fatalf("client=%v: counter after %d bytes = %d, want 1000", client, len(buf), c.encX)
		}
		if !bytes.Equal(buf[:1000], buf[period:]) {
			t.Fatalf("client=%v: keystream does not repeat after 65536 bytes", client)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5017, 2))
	for iter := range 300 {
		srv, cli := NewServer(), NewClient()
		// Random traffic before the re-key, then re-key both ends, then more.
		for phase := range 2 {
			if phase == 1 {
				tok := rng.Uint64()
				srv.Rekey(tok)
				cli.Rekey(tok)
			}
			for range 1 + rng.IntN(4) {
				n := rng.IntN(3000)
				msg := make([]byte, n)
				for i := range msg {
					msg[i] = byte(rng.Uint32())
				}
				// client -> server
				buf := bytes.Clone(msg)
				runSplit(cli.Encrypt, buf, randomSplits(rng, n))
				runSplit(srv.Decrypt, buf, randomSplits(rng, n))
				if !bytes.Equal(buf, msg) {
					t.Fatalf("iter %d phase %d: client->server round trip failed", iter, phase)
				}
				// server -> client
				buf = bytes.Clone(msg)
				runSplit(srv.Encrypt, buf, randomSplits(rng, n))
				runSplit(cli.Decrypt, buf, randomSplits(rng, n))
				if !bytes.Equal(buf, msg) {
					t.Fatalf("iter %d phase %d: server->client round trip failed", iter, phase)
				}
			}
		}
	}
}

// TestRekeyReplaces checks that a second Rekey derives from the initial key,
// not from the previously derived one.
func TestRekeyReplaces(t *testing.T) {
	a, b := NewServer(), NewServer()
	a.Rekey(0xdeadbeef)
	a.Rekey(0x1234)
	b.Rekey(0x1234)
	pa, pb := make([]byte, 700), make([]byte, 700)
	a.Decrypt(pa)
	b.Decrypt(pb)
	if !bytes.Equal(pa, pb) {
		t.Fatal("second Rekey compounded the first")
	}
}

// TestSharedTablesReadOnly checks that using and re-keying ciphers leaves the
// shared initial tables untouched.
func TestSharedTablesReadOnly(t *testing.T) {
	wantKey := refKey()
	if initialKey != wantKey {
		t.Fatal("initial key differs from the reference generator")
	}
	srvBefore, cliBefore := *serverInitial, *clientInitial
	for _, c := range []*Cipher{NewServer(), NewClient()} {
		buf := make([]byte, 5000)
		c.Encrypt(buf)
		c.Decrypt(buf)
		c.Rekey(0xffffffffffffffff)
		c.Encrypt(buf)
		c.Decrypt(buf)
	}
	if *serverInitial != srvBefore || *clientInitial != cliBefore {
		t.Fatal("shared initial tables were modified")
	}
	if *serverInitial != *serverTable(&wantKey) || *clientInitial != *clientTable(&wantKey) {
		t.Fatal("shared initial tables differ from freshly built ones")
	}
}

// TestConcurrentDirections runs Encrypt and Decrypt of one cipher on two
// goroutines, as a connection's reader and writer do (meaningful under -race).
func TestConcurrentDirections(t *testing.T) {
	c := NewServer()
	var wg sync.WaitGroup
	for _, op := range []func([]byte){c.Encrypt, c.Decrypt} {
		wg.Go(func() {
			buf := make([]byte, 100)
			for range 1000 {
				op(buf)
			}
		})
	}
	wg.Wait()
	if c.encX != c.decX || c.encX != uint16(1000*100%65536) {
		t.Fatalf("counters enc=%d dec=%d", c.encX, c.decX)
	}
}

func TestZeroAllocs(t *testing.T) {
	c := NewClient()
	c.Rekey(42)
	buf := make([]byte, 4096)
	for _, op := range []func([]byte){c.Encrypt, c.Decrypt} {
		if n := testing.AllocsPerRun(100, func() { op(buf) }); n != 0 {
			t.Errorf("%v allocations per call, want 0", n)
		}
	}
}

// ---- fuzzing ----

func FuzzCipher(f *testing.F) {
	f.Add([]byte("hello, conquer"), uint16(3), uint16(0), uint64(0x1234), false, false)
	f.Add(bytes.Repeat([]byte{0xAB}, 300), uint16(17), uint16(0xfff0), uint64(0), true, true)
	f.Add(bytes.Repeat([]byte{0x00, 0xff}, 600), uint16(255), uint16(0x01fa), uint64(0xffffffffffffffff), false, true)
	f.Add([]byte{}, uint16(0), uint16(0xffff), uint64(1), true, false)
	f.Add(make([]byte, 9), uint16(8), uint16(0x00f8), uint64(0x00000001deadbeef), false, false)
	f.Fuzz(func(t *testing.T, data []byte, split, start uint16, token uint64, client, rekey bool) {
		c, r := NewServer(), newRef(false)
		if client {
			c, r = NewClient(), newRef(true)
		}
		setCounters(c, r, start)
		if rekey {
			c.Rekey(token)
			r.Rekey(token)
		}
		cut := 0
		if len(data) > 0 {
			cut = int(split) % (len(data) + 1)
		}
		// encrypt: split at cut; decrypt: split at cut and again half-way through the rest
		got, want := bytes.Clone(data), bytes.Clone(data)
		c.Encrypt(got[:cut])
		c.Encrypt(got[cut:])
		r.Encrypt(want)
		if !bytes.Equal(got, want) {
			t.Fatalf("encrypt mismatch:\n got %x\nwant %x", got, want)
		}
		got, want = bytes.Clone(data), bytes.Clone(data)
		mid := cut + (len(data)-cut)/2
		c.Decrypt(got[:cut])
		c.Decrypt(got[cut:mid])
		c.Decrypt(got[mid:])
		r.Decrypt(want)
		if !bytes.Equal(got, want) {
			t.Fatalf("decrypt mismatch:\n got %x\nwant %x", got, want)
		}
		if int(c.encX) != r.encX || int(c.decX) != r.decX {
			t.Fatalf("counters enc %d/%d dec %d/%d", c.encX, r.encX, c.decX, r.decX)
		}
	})
}

// ---- benchmarks ----

func BenchmarkCipher(b *testing.B) {
	sides := []struct {
		name string
		make func() *Cipher
	}{{"server", NewServer}, {"client", NewClient}}
	for _, side := range sides {
		for _, dir := range []string{"Encrypt", "Decrypt"} {
			for _, size := range []int{16, 100, 4096} {
				b.Run(side.name+"/"+dir+"/"+strconv.Itoa(size), func(b *testing.B) {
					c := side.make()
					op := c.Encrypt
					if dir == "Decrypt" {
						op = c.Decrypt
					}
					buf := make([]byte, size)
					b.SetBytes(int64(size))
					b.ReportAllocs()
					for b.Loop() {
						op(buf)
					}
				})
			}
		}
	}
}
