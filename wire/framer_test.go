package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

// xorStream is a stateful test cipher: each byte is XORed with a counter
// mixed with a key, so decrypting the wrong span gives wrong bytes.
type xorStream struct {
	key byte
	n   uint16
}

func (x *xorStream) Decrypt(b []byte) {
	for i := range b {
		b[i] ^= byte(x.n) ^ byte(x.n>>8) ^ x.key
		x.n++
	}
}

// makePacket returns a plaintext packet of n bytes with type t and a body
// derived from seed.
func makePacket(n int, t Type, seed byte) []byte {
	p := make([]byte, n)
	binary.LittleEndian.PutUint16(p, uint16(n))
	binary.LittleEndian.PutUint16(p[2:], uint16(t))
	for i := HeaderSize; i < n; i++ {
		p[i] = seed + byte(i)
	}
	return p
}

// chunkReader returns the stream in chunks whose sizes come from rng.
type chunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := 1 + c.rng.IntN(c.max)
	n = min(n, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// frameAll reads every packet from r and returns copies and the final error.
func frameAll(r io.Reader, dec Decrypter, buf []byte) ([][]byte, error) {
	f := NewFramer(r, dec, buf)
	var out [][]byte
	for {
		p, err := f.Next()
		if err != nil {
			return out, err
		}
		out = append(out, bytes.Clone(p))
	}
}

// framePooled is frameAll through a pooled framer.
func framePooled(r io.Reader, dec Decrypter) ([][]byte, error) {
	f := NewPooledFramer(r, dec, &BufferPool{})
	defer f.Release()
	var out [][]byte
	for {
		p, err := f.Next()
		if err != nil {
			return out, err
		}
		out = append(out, bytes.Clone(p))
	}
}

func encryptStream(plain []byte, key byte) []byte {
	enc := bytes.Clone(plain)
	(&xorStream{key: key}).Decrypt(enc) // XOR is its own inverse
	return enc
}

func TestFramerSplits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var plain []byte
	var want [][]byte
	for i := range 500 {
		n := HeaderSize + rng.IntN(120)
		if i%50 == 0 {
			n = MaxPacketSize
		}
		p := makePacket(n, Type(1000+i), byte(i))
		want = append(want, p)
		plain = append(plain, p...)
	}
	stream := encryptStream(plain, 0x5a)

	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(stream) },
		"one-byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(stream)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream)) },
		"data-err": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(stream)) },
		"random": func() io.Reader {
			return &chunkReader{data: stream, rng: rand.New(rand.NewPCG(3, 4)), max: 700}
		},
	}
	pool := &BufferPool{}
	for name, mk := range readers {
		for i, stepwise := range []bool{false, true, false, true} {
			f := NewFramer(mk(), &xorStream{key: 0x5a}, nil)
			name := name
			if i >= 2 {
				f = NewPooledFramer(mk(), &xorStream{key: 0x5a}, pool)
				name += "/pooled"
			}
			f.SetStepwise(stepwise)
			var got [][]byte
			var err error
			for {
				var p []byte
				if p, err = f.Next(); err != nil {
					break
				}
				got = append(got, bytes.Clone(p))
			}
			if err != io.EOF {
				t.Fatalf("%s stepwise=%v: final error %v, want io.EOF", name, stepwise, err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s stepwise=%v: %d packets, want %d", name, stepwise, len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("%s stepwise=%v: packet %d differs", name, stepwise, i)
				}
			}
		}
	}
}

func TestFramerBadLength(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, MaxPacketSize + 1, 0xffff} {
		var stream []byte
		stream = append(stream, makePacket(8, 1, 0)...)
		stream = binary.LittleEndian.AppendUint16(stream, uint16(n))
		stream = append(stream, 0, 0)
		got, err := frameAll(bytes.NewReader(stream), nil, nil)
		var le *LengthError
		if !errors.As(err, &le) || le.Length != n {
			t.Fatalf("length %d: error %v, want LengthError", n, err)
		}
		if len(got) != 1 {
			t.Fatalf("length %d: %d packets before the error, want 1", n, len(got))
		}
	}
}

func TestFramerTruncated(t *testing.T) {
	stream := makePacket(40, 1, 0)
	for cut := 1; cut < len(stream); cut++ {
		_, err := frameAll(bytes.NewReader(stream[:cut]), nil, nil)
		if err != io.ErrUnexpectedEOF {
			t.Fatalf("cut at %d: %v, want io.ErrUnexpectedEOF", cut, err)
		}
	}
}

// rekeyStream is a test cipher whose key changes between packets, as the
// game server's does after MsgConnect.
type rekeyStream struct{ xorStream }

func TestFramerStepwiseRekey(t *testing.T) {
	first := makePacket(28, 1052, 1)
	rest := makePacket(30, 1010, 2)
	// The client encrypts the first packet under key 1, the rest under key 2,
	// continuing the counter.
	enc := &xorStream{key: 1}
	stream := bytes.Clone(first)
	enc.Decrypt(stream)
	enc.key = 2
	tail := bytes.Clone(rest)
	enc.Decrypt(tail)
	stream = append(stream, tail...)
	stream = append(stream, tail...) // a second copy decrypts differently; only the first is checked

	dec := &rekeyStream{xorStream{key: 1}}
	f := NewFramer(bytes.NewReader(stream), dec, nil)
	f.SetStepwise(true)
	p, err := f.Next()
	if err != nil || !bytes.Equal(p, first) {
		t.Fatalf("first packet: %x, %v", p, err)
	}
	dec.key = 2 // re-key after the first packet, before asking for the next
	f.SetStepwise(false)
	p, err = f.Next()
	if err != nil || !bytes.Equal(p, rest) {
		t.Fatalf("packet after re-key: %x, %v", p, err)
	}
}

func TestFramerNoAllocs(t *testing.T) {
	pkt := makePacket(16, 1005, 0)
	stream := encryptStream(bytes.Repeat(pkt, 1000), 9)
	r := bytes.NewReader(stream)
	dec := &xorStream{key: 9}
	f := NewFramer(r, dec, nil)
	allocs := testing.AllocsPerRun(10, func() {
		r.Reset(stream)
		dec.n = 0
		f.start, f.plain, f.end = 0, 0, 0
		for {
			if _, err := f.Next(); err != nil {
				if err != io.EOF {
					t.Fatal(err)
				}
				break
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per stream, want 0", allocs)
	}
}

func TestPooledFramerIdleHoldsNoBuffer(t *testing.T) {
	pr, pw := io.Pipe()
	f := NewPooledFramer(pr, nil, &BufferPool{})
	go func() {
		_, _ = pw.Write(makePacket(10, 1005, 0))
		_, _ = pw.Write(makePacket(300, 1004, 0)) // more than the idle read
		pw.Close()
	}()
	for _, n := range []int{10, 300} {
		p, err := f.Next()
		if err != nil || len(p) != n {
			t.Fatalf("packet of %d: got %d bytes, %v", n, len(p), err)
		}
	}
	if _, err := f.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	if f.pbuf != nil || f.buf != nil {
		t.Fatal("an idle pooled framer still holds a buffer")
	}
}

func TestPooledFramerNoAllocs(t *testing.T) {
	pkt := makePacket(10, 1005, 0)
	r := bytes.NewReader(pkt)
	f := NewPooledFramer(iotest.OneByteReader(r), nil, &BufferPool{})
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(pkt)
		if _, err := f.Next(); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Next(); err != io.EOF {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per packet, want 0", allocs)
	}
}

// FuzzFramer checks that any byte stream, split anywhere, frames into the
// same packets and the same kind of final error, without panicking.
func FuzzFramer(f *testing.F) {
	f.Add(makePacket(16, 1005, 0), uint64(1), uint8(3))
	f.Add(append(makePacket(4, 1, 0), makePacket(MaxPacketSize, 2, 0)...), uint64(2), uint8(1))
	f.Add([]byte{0x03, 0x00, 0x01, 0x02}, uint64(3), uint8(7))
	f.Add([]byte{0xff, 0xff}, uint64(4), uint8(2))
	f.Add(append(makePacket(10, 1, 0), 0x10), uint64(5), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, maxChunk uint8) {
		whole, errWhole := frameAll(bytes.NewReader(data), &xorStream{key: 7}, nil)
		r := &chunkReader{data: data, rng: rand.New(rand.NewPCG(seed, seed)), max: int(maxChunk) + 1}
		split, errSplit := frameAll(r, &xorStream{key: 7}, nil)
		pr := &chunkReader{data: data, rng: rand.New(rand.NewPCG(seed, seed+1)), max: int(maxChunk) + 1}
		pooled, errPooled := framePooled(pr, &xorStream{key: 7})
		if len(pooled) != len(whole) || (errPooled == nil) != (errWhole == nil) {
			t.Fatalf("pooled framer: %d packets (%v), whole: %d (%v)", len(pooled), errPooled, len(whole), errWhole)
		}
		for i := range whole {
			if !bytes.Equal(whole[i], pooled[i]) {
				t.Fatalf("pooled packet %d differs", i)
			}
		}
		if len(whole) != len(split) {
			t.Fatalf("whole stream gave %d packets, split stream %d", len(whole), len(split))
		}
		for i := range whole {
			if !bytes.Equal(whole[i], split[i]) {
				t.Fatalf("packet %d differs", i)
			}
			if n := len(whole[i]); n < HeaderSize || n > MaxPacketSize {
				t.Fatalf("packet %d has impossible length %d", i, n)
			}
		}
		if (errWhole == nil) != (errSplit == nil) || errors.Is(errWhole, io.EOF) != errors.Is(errSplit, io.EOF) ||
			errors.Is(errWhole, io.ErrUnexpectedEOF) != errors.Is(errSplit, io.ErrUnexpectedEOF) {
			t.Fatalf("final errors differ: %v vs %v", errWhole, errSplit)
		}
	})
}

func benchmarkFrame(b *testing.B, sizes []int) {
	var plain []byte
	for i := 0; len(plain) < 64<<10; i++ {
		plain = append(plain, makePacket(sizes[i%len(sizes)], 1005, byte(i))...)
	}
	r := bytes.NewReader(plain)
	f := NewFramer(r, nil, nil)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(plain)
		f.start, f.plain, f.end = 0, 0, 0
		for {
			if _, err := f.Next(); err != nil {
				break
			}
		}
	}
}

// BenchmarkFrame measures framing alone, on a plaintext stream; decrypt+frame
// with the TQ cipher is BenchmarkDecryptFrame in the external test package.
func BenchmarkFrame(b *testing.B) {
	b.Run("16B", func(b *testing.B) { benchmarkFrame(b, []int{16}) })
	b.Run("100B", func(b *testing.B) { benchmarkFrame(b, []int{100}) })
	b.Run("mix", func(b *testing.B) { benchmarkFrame(b, []int{10, 24, 24, 28, 52, 60, 100, 24, 10, 10}) })
}
