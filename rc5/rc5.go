// Package rc5 implements the RC5-32/12/16 block cipher (32-bit words,
// 12 rounds, 16-byte key) that the Conquer Online patch-5017 client uses to
// encrypt the password field of MsgAccount.
//
// Blocks are processed independently (ECB): each 8-byte block is two
// little-endian 32-bit words.
package rc5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

const (
	// BlockSize is the RC5-32 block size in bytes.
	BlockSize = 8
	// KeySize is the key length in bytes.
	KeySize = 16
	// PasswordSize is the length of the MsgAccount password field in bytes.
	PasswordSize = 16

	// Key5017 is the fixed key of the patch-5017 client, as a 16-byte string
	// (Go has no array constants): 3c dc fe e8 c4 54 d6 7e 16 a6 f8 1a e8 d0 38 be.
	// Use [New5017] for a cipher under this key.
	Key5017 = "\x3c\xdc\xfe\xe8\xc4\x54\xd6\x7e\x16\xa6\xf8\x1a\xe8\xd0\x38\xbe"

	rounds    = 12
	wordSize  = 4
	keyWords  = KeySize / wordSize
	tableSize = 2 * (rounds + 1) // 26 words of expanded key
	mixSteps  = 3 * tableSize    // 3 * max(tableSize, keyWords)
	magicP32  = 0xB7E15163       // Odd((e - 2) * 2^32)
	magicQ32  = 0x9E3779B9       // Odd((phi - 1) * 2^32)
	keyRotate = 3                // fixed rotation in the key schedule
)

var (
	// ErrBlockSize is returned when the input length is not a multiple of BlockSize.
	ErrBlockSize = errors.New("rc5: input not a multiple of the block size")
	// ErrShortDst is returned when dst is shorter than src.
	ErrShortDst = errors.New("rc5: output buffer too small")
	// ErrPasswordTooLong is returned when a password does not fit the password field.
	ErrPasswordTooLong = errors.New("rc5: password longer than the password field")
)

// Cipher is an RC5-32/12/16 cipher with an expanded key. It is read-only
// after [New] and safe for concurrent use.
type Cipher struct {
	s [tableSize]uint32
}

// New returns a cipher for the given 16-byte key.
func New(key [KeySize]byte) *Cipher {
	var l [keyWords]uint32
	for i := range l {
		l[i] = binary.LittleEndian.Uint32(key[i*wordSize:])
	}
	c := new(Cipher)
	c.s[0] = magicP32
	for i := 1; i < tableSize; i++ {
		c.s[i] = c.s[i-1] + magicQ32
	}
	var a, b uint32
	i, j := 0, 0
	for range mixSteps {
		a = bits.RotateLeft32(c.s[i]+a+b, keyRotate)
		c.s[i] = a
		b = bits.RotateLeft32(l[j]+a+b, int(a+b))
		l[j] = b
		i = (i + 1) % tableSize
		j = (j + 1) % keyWords
	}
	return c
}

// New5017 returns a cipher under the patch-5017 client key [Key5017].
func New5017() *Cipher {
	var k [KeySize]byte
	copy(k[:], Key5017)
	return New(k)
}

// checkLengths validates the buffers of Encrypt and Decrypt.
func checkLengths(op string, dst, src []byte) error {
	if len(src)%BlockSize != 0 {
		return fmt.Errorf("rc5 %s: %d bytes: %w", op, len(src), ErrBlockSize)
	}
	if len(dst) < len(src) {
		return fmt.Errorf("rc5 %s: dst %d bytes, src %d bytes: %w", op, len(dst), len(src), ErrShortDst)
	}
	return nil
}

// Encrypt encrypts src into dst block by block. len(src) must be a multiple of
// BlockSize and dst at least as long as src. dst and src may be the same
// buffer; other overlaps give unspecified output.
func (c *Cipher) Encrypt(dst, src []byte) error {
	if err := checkLengths("encrypt", dst, src); err != nil {
		return err
	}
	for off := 0; off < len(src); off += BlockSize {
		a := binary.LittleEndian.Uint32(src[off:]) + c.s[0]
		b := binary.LittleEndian.Uint32(src[off+wordSize:]) + c.s[1]
		for r := 1; r <= rounds; r++ {
			a = bits.RotateLeft32(a^b, int(b)) + c.s[2*r]
			b = bits.RotateLeft32(b^a, int(a)) + c.s[2*r+1]
		}
		binary.LittleEndian.PutUint32(dst[off:], a)
		binary.LittleEndian.PutUint32(dst[off+wordSize:], b)
	}
	return nil
}

// Decrypt decrypts src into dst block by block. len(src) must be a multiple of
// BlockSize and dst at least as long as src. dst and src may be the same
// buffer; other overlaps give unspecified output.
func (c *Cipher) Decrypt(dst, src []byte) error {
	if err := checkLengths("decrypt", dst, src); err != nil {
		return err
	}
	for off := 0; off < len(src); off += BlockSize {
		a := binary.LittleEndian.Uint32(src[off:])
		b := binary.LittleEndian.Uint32(src[off+wordSize:])
		for r := rounds; r >= 1; r-- {
			b = bits.RotateLeft32(b-c.s[2*r+1], -int(a&31)) ^ a
			a = bits.RotateLeft32(a-c.s[2*r], -int(b&31)) ^ b
		}
		binary.LittleEndian.PutUint32(dst[off:], a-c.s[0])
		binary.LittleEndian.PutUint32(dst[off+wordSize:], b-c.s[1])
	}
	return nil
}

// EncryptPassword zero-pads pw to the 16-byte MsgAccount password field and
// encrypts it. A password longer than the field is an error, never truncated.
func (c *Cipher) EncryptPassword(pw string) ([PasswordSize]byte, error) {
	var field [PasswordSize]byte
	if len(pw) > PasswordSize {
		return field, fmt.Errorf("rc5 encrypt password: %d bytes, field holds %d: %w", len(pw), PasswordSize, ErrPasswordTooLong)
	}
	copy(field[:], pw)
	if err := c.Encrypt(field[:], field[:]); err != nil {
		return [PasswordSize]byte{}, fmt.Errorf("rc5 encrypt password: %w", err)
	}
	return field, nil
}

// DecryptPassword decrypts a 16-byte MsgAccount password field and returns the
// password with its trailing NUL padding removed.
func (c *Cipher) DecryptPassword(field [PasswordSize]byte) string {
	// The field is a whole number of blocks, so Decrypt cannot fail here.
	_ = c.Decrypt(field[:], field[:])
	n := len(field)
	for n > 0 && field[n-1] == 0 {
		n--
	}
	return string(field[:n])
}
