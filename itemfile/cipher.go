package itemfile

// The TQ file cipher (Wiki2 security/tqfile.md): a 128-byte key drawn from
// the Microsoft C runtime's rand() seeded with a per-file seed; byte i of
// the file is XORed with key[i % 128] and rotated by i % 8 bits.
const (
	ItemTypeSeed  = 9527 // the seed of ini/itemtype.dat (Wiki2 files/formats/dat.md)
	cipherKeySize = 128
)

// cipherKey returns the key of seed: the low byte of each of the first 128
// values of MS rand() (x = x·214013 + 2531011; value = x>>16 & 0x7FFF).
func cipherKey(seed uint32) [cipherKeySize]byte {
	var key [cipherKeySize]byte
	x := seed
	for i := range key {
		x = x*0x343FD + 0x269EC3
		key[i] = byte(x >> 16 & 0x7FFF)
	}
	return key
}

// Decrypt decrypts b in place with the TQ file cipher of seed: XOR with
// the key, then rotate right by i % 8.
func Decrypt(b []byte, seed uint32) {
	key := cipherKey(seed)
	for i := range b {
		v := b[i] ^ key[i%cipherKeySize]
		r := uint(i % 8)
		b[i] = v>>r | v<<(8-r)
	}
}

// Encrypt encrypts b in place with the TQ file cipher of seed, the inverse
// of Decrypt: rotate left by i % 8, then XOR with the key.
func Encrypt(b []byte, seed uint32) {
	key := cipherKey(seed)
	for i := range b {
		r := uint(i % 8)
		b[i] = (b[i]<<r | b[i]>>(8-r)) ^ key[i%cipherKeySize]
	}
}
