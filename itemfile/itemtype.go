package itemfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/coserver/coserver/content"
)

// Form is the form an itemtype.dat is written in (world-content.md §3.7).
type Form uint8

// Forms of itemtype.dat.
const (
	// FormBinary: u32 n, n × u32 ids, n × BinaryRecordSize-byte records
	// (COPS 4330, tanelipe).
	FormBinary Form = iota + 1
	// FormEncrypted: text lines of "@@"-separated fields under the TQ file
	// cipher with ItemTypeSeed (Wiki2, 5517).
	FormEncrypted
	// FormText: the same lines without the cipher (an already decrypted file).
	FormText
)

// String names the form.
func (f Form) String() string {
	switch f {
	case FormBinary:
		return "binary"
	case FormEncrypted:
		return "encrypted text"
	case FormText:
		return "text"
	}
	return fmt.Sprintf("Form(%d)", uint8(f))
}

// Layout of the binary form. Offsets inside a record are those of
// tanelipe's ItemTypeLoader.cs, in the column order of COPS v7's
// Item::Info (req_profession u8, req_weaponskill u8, req_level u8,
// req_sex u8, …): only the columns both agree on are read.
const (
	binaryCountSize  = 4
	binaryIndexSize  = 4   // one u32 id per record after the count
	BinaryRecordSize = 204 // bytes of one record
	binaryNameSize   = 16  // char[16], NUL-terminated

	offID         = 0
	offName       = 4
	offReqClass   = 20 // u8 req_profession
	offReqLevel   = 22 // u8 req_level (u8 req_sex follows)
	offMonopoly   = 32 // u32; the bits fit its low byte
	offPrice      = 36 // u32
	offAttackMax  = 44 // u16
	offAttackMin  = 46 // u16
	offDefense    = 48 // u16
	offHP         = 54 // u16 life
	offMP         = 56 // u16 mana
	offDurability = 60 // u16 amount_limit: maximum durability
)

// Text form: at least the id and name fields per line; "~" stands for a space.
const (
	textSeparator = "@@"
	textSpace     = "~"
)

// ItemTypes is what an itemtype.dat holds.
type ItemTypes struct {
	Form Form
	// Types in file order, the first record of each id. The binary form
	// fills ID, Name, ReqClass, ReqLevel, Monopoly, Price, AttackMin,
	// AttackMax, Defense, HP, MP and Durability; the text forms fill ID and
	// Name only (their column order is not documented for 5017). Stack is
	// always 1. Src names the file and line (text) or record number (binary).
	// Names are the client's bytes, not necessarily ASCII.
	Types []content.ItemType
	// Duplicates counts records skipped because an earlier one had their id.
	Duplicates int
}

// ParseItemTypes reads an itemtype.dat in any known form, detected as in
// world-content.md: binary if 4 + 208·n is the file's size for its leading
// count n; text if its first line starts with "<digits>@@", plainly or
// after the cipher. file names it in errors.
func ParseItemTypes(data []byte, file string) (*ItemTypes, error) {
	if len(data) == 0 {
		return nil, errAt(file, 0, "%v", errEmpty)
	}
	if isBinary(data) {
		return parseBinary(data, file)
	}
	if looksText(data) {
		return parseText(data, file, FormText)
	}
	if len(data) > MaxFileSize {
		return nil, errAt(file, 0, "%d bytes, more than the limit of %d", len(data), MaxFileSize)
	}
	plain := bytes.Clone(data)
	Decrypt(plain, ItemTypeSeed)
	if looksText(plain) {
		return parseText(plain, file, FormEncrypted)
	}
	return nil, errAt(file, 0, "neither binary (4 + %d·n bytes) nor text, plain or under the file cipher with seed %d",
		binaryIndexSize+BinaryRecordSize, ItemTypeSeed)
}

// ReadItemTypes reads and parses ItemTypePath of the client folder fsys.
func ReadItemTypes(fsys fs.FS) (*ItemTypes, error) {
	data, err := ReadFile(fsys, ItemTypePath)
	if err != nil {
		return nil, err
	}
	return ParseItemTypes(data, ItemTypePath)
}

// isBinary reports whether data has the size of a binary itemtype.dat.
func isBinary(data []byte) bool {
	if len(data) < binaryCountSize {
		return false
	}
	n := uint64(binary.LittleEndian.Uint32(data))
	return n <= MaxItemTypes && binaryCountSize+n*(binaryIndexSize+BinaryRecordSize) == uint64(len(data))
}

// looksText reports whether data starts with "<digits>@@".
func looksText(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	i := 0
	for i < len(data) && i < 10 && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i > 0 && bytes.HasPrefix(data[i:], []byte(textSeparator))
}

func parseBinary(data []byte, file string) (*ItemTypes, error) {
	n := int(binary.LittleEndian.Uint32(data)) // ≤ MaxItemTypes: isBinary
	out := &ItemTypes{Form: FormBinary, Types: make([]content.ItemType, 0, n)}
	seen := make(map[uint32]bool, n)
	records := data[binaryCountSize+n*binaryIndexSize:]
	for i := range n {
		r := records[i*BinaryRecordSize : (i+1)*BinaryRecordSize]
		u16 := func(off int) uint16 { return binary.LittleEndian.Uint16(r[off:]) }
		t := content.ItemType{
			ID:         binary.LittleEndian.Uint32(r[offID:]),
			Name:       cString(r[offName : offName+binaryNameSize]),
			ReqClass:   r[offReqClass],
			ReqLevel:   r[offReqLevel],
			Monopoly:   r[offMonopoly],
			Price:      binary.LittleEndian.Uint32(r[offPrice:]),
			AttackMax:  u16(offAttackMax),
			AttackMin:  u16(offAttackMin),
			Defense:    u16(offDefense),
			HP:         u16(offHP),
			MP:         u16(offMP),
			Durability: u16(offDurability),
			Stack:      1,
			Src:        content.Source{File: fmt.Sprintf("%s record %d", file, i+1)},
		}
		if seen[t.ID] {
			out.Duplicates++
			continue
		}
		seen[t.ID] = true
		out.Types = append(out.Types, t)
	}
	return out, nil
}

// cString returns b up to its first NUL.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func parseText(data []byte, file string, form Form) (*ItemTypes, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if lines := bytes.Count(data, []byte("\n")) + 1; lines > MaxItemTypes {
		return nil, errAt(file, 0, "%d lines, more than the limit of %d item types", lines, MaxItemTypes)
	}
	out := &ItemTypes{Form: form}
	seen := map[uint32]bool{}
	for no, line := range strings.Split(string(data), "\n") {
		no++
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(line) > MaxLineLen {
			return nil, errAt(file, no, "line of %d bytes, more than the limit of %d", len(line), MaxLineLen)
		}
		fields := strings.SplitN(line, textSeparator, 3)
		if len(fields) < 2 {
			return nil, errAt(file, no, "want id%sname%s…, found no %q", textSeparator, textSeparator, textSeparator)
		}
		id, err := strconv.ParseUint(fields[0], 10, 32)
		if err != nil {
			return nil, errAt(file, no, "id %q is not a u32", fields[0])
		}
		t := content.ItemType{
			ID:    uint32(id),
			Name:  strings.ReplaceAll(fields[1], textSpace, " "),
			Stack: 1,
			Src:   content.Source{File: file, Line: no},
		}
		if seen[t.ID] {
			out.Duplicates++
			continue
		}
		seen[t.ID] = true
		out.Types = append(out.Types, t)
	}
	return out, nil
}
