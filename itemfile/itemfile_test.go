package itemfile

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/coserver/coserver/content"
)

// binRecord is one record of a binary itemtype.dat built by a test.
type binRecord struct {
	id                                 uint32
	name                               string
	class, level, monopoly             uint8
	price                              uint32
	atkMax, atkMin, def, hp, mp, maxDu uint16
}

// binaryFile builds a binary itemtype.dat: u32 n, n ids, n records.
func binaryFile(recs ...binRecord) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(recs)))
	for _, r := range recs {
		b = binary.LittleEndian.AppendUint32(b, r.id)
	}
	for _, r := range recs {
		rec := make([]byte, BinaryRecordSize)
		binary.LittleEndian.PutUint32(rec[offID:], r.id)
		copy(rec[offName:offName+binaryNameSize], r.name)
		rec[offReqClass] = r.class
		rec[offReqClass+1] = 7 // req_weaponskill: not read
		rec[offReqLevel] = r.level
		rec[offReqLevel+1] = 1 // req_sex: not read
		binary.LittleEndian.PutUint32(rec[offMonopoly:], uint32(r.monopoly))
		binary.LittleEndian.PutUint32(rec[offPrice:], r.price)
		binary.LittleEndian.PutUint16(rec[offAttackMax:], r.atkMax)
		binary.LittleEndian.PutUint16(rec[offAttackMin:], r.atkMin)
		binary.LittleEndian.PutUint16(rec[offDefense:], r.def)
		binary.LittleEndian.PutUint16(rec[offHP:], r.hp)
		binary.LittleEndian.PutUint16(rec[offMP:], r.mp)
		binary.LittleEndian.PutUint16(rec[offDurability-2:], 1234) // current durability: not read
		binary.LittleEndian.PutUint16(rec[offDurability:], r.maxDu)
		copy(rec[76:], "a description that is not read")
		b = append(b, rec...)
	}
	return b
}

func TestCipherKey(t *testing.T) {
	// MSVC's rand() after srand(1) returns 41, 18467, 6334, 26500, 19169:
	// the key is their low bytes.
	key := cipherKey(1)
	if got, want := key[:5], []byte{41, 18467 & 0xFF, 6334 & 0xFF, 26500 & 0xFF, 19169 & 0xFF}; !bytes.Equal(got, want) {
		t.Errorf("key(1) = %v, want %v", got, want)
	}
}

func TestCipher(t *testing.T) {
	plain := []byte("1000000@@Heal~Potion@@0\r\n")
	// Computed independently in Python, following the encryption script of
	// Wiki2 security/tqfile.md step by step.
	want, _ := hex.DecodeString("9c0b8f7adebe022953a31afe85c6013f29521e36294a04d08a")
	b := bytes.Clone(plain)
	Encrypt(b, ItemTypeSeed)
	if !bytes.Equal(b, want) {
		t.Fatalf("Encrypt = %x, want %x", b, want)
	}
	Decrypt(b, ItemTypeSeed)
	if !bytes.Equal(b, plain) {
		t.Fatalf("Decrypt = %q, want %q", b, plain)
	}
}

func TestParseBinary(t *testing.T) {
	data := binaryFile(
		binRecord{id: 410301, name: "Blade", class: 10, level: 15, monopoly: 9, price: 500,
			atkMax: 30, atkMin: 20, def: 1, maxDu: 3000},
		binRecord{id: 1000000, name: "ExactlySixteen!!", price: 20, hp: 70, mp: 3},
		binRecord{id: 410301, name: "Again"},
	)
	if len(data) != 4+208*3 {
		t.Fatalf("test file of %d bytes", len(data))
	}
	got, err := ParseItemTypes(data, ItemTypePath)
	if err != nil {
		t.Fatal(err)
	}
	want := []content.ItemType{
		{ID: 410301, Name: "Blade", ReqClass: 10, ReqLevel: 15, Monopoly: 9, Price: 500, AttackMin: 20,
			AttackMax: 30, Defense: 1, Durability: 3000, Stack: 1, Src: content.Source{File: ItemTypePath + " record 1"}},
		{ID: 1000000, Name: "ExactlySixteen!!", Price: 20, HP: 70, MP: 3, Stack: 1,
			Src: content.Source{File: ItemTypePath + " record 2"}},
	}
	if got.Form != FormBinary || got.Duplicates != 1 || !slices.Equal(got.Types, want) {
		t.Fatalf("got %v %d %+v\nwant %+v", got.Form, got.Duplicates, got.Types, want)
	}
	empty, err := ParseItemTypes(binaryFile(), "x")
	if err != nil || empty.Form != FormBinary || len(empty.Types) != 0 {
		t.Fatalf("empty binary: %+v, %v", empty, err)
	}
}

const textFile = "410301@@Iron~Blade@@10@@0@@15\r\n\r\n1000000@@Potion@@0\n410301@@Dup@@0\n"

func TestParseText(t *testing.T) {
	want := []content.ItemType{
		{ID: 410301, Name: "Iron Blade", Stack: 1, Src: content.Source{File: "f", Line: 1}},
		{ID: 1000000, Name: "Potion", Stack: 1, Src: content.Source{File: "f", Line: 3}},
	}
	plain := []byte("\xef\xbb\xbf" + textFile)
	enc := []byte(textFile)
	Encrypt(enc, ItemTypeSeed)
	for _, tc := range []struct {
		data []byte
		form Form
	}{{plain, FormText}, {enc, FormEncrypted}} {
		got, err := ParseItemTypes(tc.data, "f")
		if err != nil {
			t.Fatal(err)
		}
		if got.Form != tc.form || got.Duplicates != 1 || !slices.Equal(got.Types, want) {
			t.Errorf("%v: got %v %d %+v", tc.form, got.Form, got.Duplicates, got.Types)
		}
	}
}

func TestParseItemTypesErrors(t *testing.T) {
	enc := func(s string) []byte {
		b := []byte(s)
		Encrypt(b, ItemTypeSeed)
		return b
	}
	long := "1@@" + strings.Repeat("x", MaxLineLen)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "f: file is empty"},
		{"unknown form", []byte("hello world"), "f: neither binary (4 + 208·n bytes) nor text, plain or under the file cipher with seed 9527"},
		{"binary size off by one", append(binaryFile(binRecord{id: 1}), 0), "f: neither binary (4 + 208·n bytes) nor text, plain or under the file cipher with seed 9527"},
		{"bad id", []byte("1@@A\n12x@@B\n"), `f:2: id "12x" is not a u32`},
		{"id too large", enc("1@@A\n4294967296@@B\n"), `f:2: id "4294967296" is not a u32`},
		{"no separator", []byte("1@@A\nline\n"), `f:2: want id@@name@@…, found no "@@"`},
		{"long line", []byte("1@@A\n" + long), fmt.Sprintf("f:2: line of %d bytes, more than the limit of %d", len(long), MaxLineLen)},
		{"too many lines", []byte("1@@A" + strings.Repeat("\n", MaxItemTypes)), fmt.Sprintf("f: %d lines, more than the limit of %d item types", MaxItemTypes+1, MaxItemTypes)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseItemTypes(tc.data, "f")
			var ce *content.Error
			if err == nil || err.Error() != tc.want || !errors.As(err, &ce) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		ItemTypePath: {Data: binaryFile(binRecord{id: 410301, name: "Blade"})},
		ShopPath:     {Data: []byte("[20]\nItemAmount=1\nItem0=410301\n")},
	}
	types, err := ReadItemTypes(fsys)
	if err != nil || len(types.Types) != 1 || types.Types[0].Name != "Blade" {
		t.Fatalf("ReadItemTypes: %+v, %v", types, err)
	}
	shops, err := ReadShops(fsys)
	if err != nil || len(shops) != 1 || shops[0].NPC != 20 {
		t.Fatalf("ReadShops: %+v, %v", shops, err)
	}
	if _, err := ReadItemTypes(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "file does not exist") {
		t.Errorf("missing file: %v", err)
	}
	big := fstest.MapFS{ShopPath: {Data: make([]byte, MaxFileSize+1)}}
	if _, err := ReadShops(big); err == nil || err.Error() != fmt.Sprintf("itemfile: %s: %d bytes, more than the limit of %d", ShopPath, MaxFileSize+1, MaxFileSize) {
		t.Errorf("big file: %v", err)
	}
	dir := fstest.MapFS{ShopPath + "/x": {Data: nil}}
	if _, err := ReadShops(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestLimits(t *testing.T) {
	if size := binaryCountSize + MaxItemTypes*(binaryIndexSize+BinaryRecordSize); size > MaxFileSize {
		t.Errorf("a binary itemtype.dat of MaxItemTypes records is %d bytes, over MaxFileSize", size)
	}
}

func TestFormString(t *testing.T) {
	for f, want := range map[Form]string{FormBinary: "binary", FormEncrypted: "encrypted text", FormText: "text", 9: "Form(9)"} {
		if f.String() != want {
			t.Errorf("%d: %q", f, f.String())
		}
	}
}

// FuzzParseItemTypes: any bytes give types or an error, never a panic;
// accepted binary files have the documented size.
func FuzzParseItemTypes(f *testing.F) {
	f.Add(binaryFile(binRecord{id: 410301, name: "Blade", price: 1}))
	f.Add(binaryFile())
	f.Add([]byte(textFile))
	enc := []byte(textFile)
	Encrypt(enc, ItemTypeSeed)
	f.Add(enc)
	f.Add([]byte("1@@"))
	f.Add([]byte{1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseItemTypes(data, "f")
		if err != nil {
			return
		}
		if got.Form == FormBinary && len(data) != 4+208*(len(got.Types)+got.Duplicates) {
			t.Fatalf("binary of %d bytes gave %d records", len(data), len(got.Types)+got.Duplicates)
		}
		seen := map[uint32]bool{}
		for _, ty := range got.Types {
			if seen[ty.ID] {
				t.Fatalf("id %d twice", ty.ID)
			}
			seen[ty.ID] = true
		}
	})
}

// FuzzCipher: Decrypt undoes Encrypt for any bytes and seed.
func FuzzCipher(f *testing.F) {
	f.Add([]byte(textFile), uint32(ItemTypeSeed))
	f.Add([]byte{}, uint32(0))
	f.Fuzz(func(t *testing.T, data []byte, seed uint32) {
		b := bytes.Clone(data)
		Encrypt(b, seed)
		Decrypt(b, seed)
		if !bytes.Equal(b, data) {
			t.Fatalf("round trip of %x with seed %d gave %x", data, seed, b)
		}
	})
}
