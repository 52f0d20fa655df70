package tq

import "encoding/binary"

const (
	// halfSize is the length of each key half; the low byte of the counter
	// indexes the first half and the high byte indexes the second.
	halfSize = 256
	// keySize is the length of the raw key (two halves).
	keySize = 2 * halfSize

	// xorMask is the byte the server XORs into each input byte before the
	// nibble swap; the client XORs it into each output byte after it.
	xorMask = 0xAB
	// serverFold is xorMask as it appears after the nibble swap, folded into
	// the server tables: swap_nibbles(in ^ 0xAB) == swap_nibbles(in) ^ 0xBA.
	serverFold = 0xBA

	// rekeyMagic is XORed into the 32-bit sum of the token halves.
	rekeyMagic = 0x4321

	// lane* are 8-byte masks for processing eight bytes per step.
	laneBroadcast = 0x0101010101010101
	laneLowNibble = 0x0f0f0f0f0f0f0f0f
	laneHighNib   = 0xf0f0f0f0f0f0f0f0
	laneWidth     = 8
)

// seed5017 is the fixed seed from which the patch-5017 initial key is generated.
var seed5017 = [8]byte{0x9d, 0x0f, 0xfa, 0x13, 0x62, 0x79, 0x5c, 0x6d}

// table is a key prepared for one side: out = swap_nibbles(in) ^ lo[x&0xff] ^ hi[x>>8].
// The side's constant (and, for the client, the nibble swap of the key) is
// folded in, so both sides run the same loop.
type table struct {
	lo [halfSize]byte
	hi [halfSize]byte
}

// The initial key and the per-side initial tables are computed once at
// package initialisation and are read-only afterwards: every Cipher shares
// them by pointer, and nothing ever writes through those pointers (Rekey
// builds a new table instead).
var (
	initialKey    = generateKey(seed5017)
	serverInitial = serverTable(&initialKey)
	clientInitial = clientTable(&initialKey)
)

// generateKey expands an 8-byte seed into the raw 512-byte key.
func generateKey(seed [8]byte) [keySize]byte {
	var k [keySize]byte
	s0, s1, s2, s3 := seed[0], seed[1], seed[2], seed[3]
	s4, s5, s6, s7 := seed[4], seed[5], seed[6], seed[7]
	for i := range halfSize {
		k[i] = s0
		k[halfSize+i] = s4
		s0 = (s1+s0*s2)*s0 + s3
		s4 = (s5-s4*s6)*s4 + s7
	}
	return k
}

// deriveKey returns the raw key the server derives from the initial key and
// a re-key token.
func deriveKey(init *[keySize]byte, token uint64) [keySize]byte {
	a := uint32(token >> 32)
	b := uint32(token)
	c := ((a + b) ^ rekeyMagic) ^ a
	d := c * c
	var cb, db [4]byte
	binary.LittleEndian.PutUint32(cb[:], c)
	binary.LittleEndian.PutUint32(db[:], d)
	var k [keySize]byte
	for i := range halfSize {
		k[i] = init[i] ^ cb[i%4]
		k[halfSize+i] = init[halfSize+i] ^ db[i%4]
	}
	return k
}

func swapNibbles(b byte) byte { return b>>4 | b<<4 }

// serverTable prepares a raw key for the server transform
// out = swap(in ^ 0xAB) ^ k1 ^ k2 = swap(in) ^ (k1 ^ 0xBA) ^ k2.
func serverTable(k *[keySize]byte) *table {
	t := new(table)
	for i := range halfSize {
		t.lo[i] = k[i] ^ serverFold
		t.hi[i] = k[halfSize+i]
	}
	return t
}

// clientTable prepares a raw key for the client transform
// out = swap(in ^ k1 ^ k2) ^ 0xAB = swap(in) ^ (swap(k1) ^ 0xAB) ^ swap(k2).
func clientTable(k *[keySize]byte) *table {
	t := new(table)
	for i := range halfSize {
		t.lo[i] = swapNibbles(k[i]) ^ xorMask
		t.hi[i] = swapNibbles(k[halfSize+i])
	}
	return t
}

// Cipher is the TQ cipher state of one end of one connection: a key and a
// byte counter for each direction.
//
// The zero value is not usable; create one with [NewServer] or [NewClient].
// Encrypt and Decrypt touch disjoint state, so one goroutine may encrypt
// while another decrypts; Rekey must not run concurrently with either.
type Cipher struct {
	enc, dec   *table // shared read-only tables, or a per-connection derived one
	encX, decX uint16 // byte counters; wrap at 65536
	client     bool
}

// NewServer returns a cipher for the server end of a connection, keyed with
// the patch-5017 initial key.
func NewServer() *Cipher {
	return &Cipher{enc: serverInitial, dec: serverInitial}
}

// NewClient returns a cipher for the client end of a connection, keyed with
// the patch-5017 initial key. It inverts a server cipher: what the client
// encrypts the server decrypts, and vice versa.
func NewClient() *Cipher {
	return &Cipher{enc: clientInitial, dec: clientInitial, client: true}
}

// Encrypt encrypts b in place, continuing the outgoing byte stream.
func (c *Cipher) Encrypt(b []byte) { c.encX = apply(c.enc, c.encX, b) }

// Decrypt decrypts b in place, continuing the incoming byte stream.
func (c *Cipher) Decrypt(b []byte) { c.decX = apply(c.dec, c.decX, b) }

// Rekey switches to the key derived from token, as the game server does after
// receiving MsgConnect.
//
// On a server cipher, decryption switches to the derived key and continues its
// counter, while encryption returns to the initial key with its counter reset
// to zero. A client cipher mirrors that: encryption switches to the derived
// key and continues its counter, decryption returns to the initial key with its
// counter reset to zero. The key is always derived from the initial key, so
// calling Rekey again replaces, rather than compounds, an earlier re-key.
func (c *Cipher) Rekey(token uint64) {
	k := deriveKey(&initialKey, token)
	if c.client {
		c.enc = clientTable(&k)
		c.dec, c.decX = clientInitial, 0
		return
	}
	c.dec = serverTable(&k)
	c.enc, c.encX = serverInitial, 0
}

// apply transforms b in place with table t starting at counter x and returns
// the counter after the last byte.
//
// Within a run of bytes whose counter shares the same high byte (at most 256
// bytes), the keystream is t.lo[lo:] XOR a constant byte, so eight bytes at a
// time are processed as one little-endian word.
func apply(t *table, x uint16, b []byte) uint16 {
	for len(b) > 0 {
		lo := int(x & 0xff)
		n := min(halfSize-lo, len(b))
		run := b[:n]
		key := t.lo[lo : lo+n]
		h := t.hi[x>>8]
		hw := uint64(h) * laneBroadcast
		for len(run) >= laneWidth && len(key) >= laneWidth {
			v := binary.LittleEndian.Uint64(run)
			v = (v>>4)&laneLowNibble | (v<<4)&laneHighNib
			binary.LittleEndian.PutUint64(run, v^binary.LittleEndian.Uint64(key)^hw)
			run = run[laneWidth:]
			key = key[laneWidth:]
		}
		for i := range run {
			run[i] = swapNibbles(run[i]) ^ key[i] ^ h
		}
		b = b[n:]
		x += uint16(n) // n <= 256, so this wraps correctly at 65536
	}
	return x
}
