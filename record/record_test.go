package record_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/record"
	"github.com/coserver/coserver/wire"
)

func encode(t testing.TB, p wire.Packet) []byte {
	t.Helper()
	var c wire.Codec
	b, err := c.Encode(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeClock advances by step at each call.
type fakeClock struct {
	now  time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time { c.now = c.now.Add(c.step); return c.now }

func TestRoundTripMasksPasswords(t *testing.T) {
	clk := &fakeClock{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), step: time.Millisecond}
	var buf bytes.Buffer
	w, err := record.NewWriter(&buf, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	acc := encode(t, &msg.Account{Account: "alice", Password: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Server: "CO"})
	walk := encode(t, &msg.Walk{ID: 1000001, Direction: 3})
	if err := w.Record(1, record.KindAccount, record.ClientToServer, acc); err != nil {
		t.Fatal(err)
	}
	if err := w.Record(2, record.KindGame, record.ServerToClient, walk); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if acc[20] != 1 {
		t.Fatal("Record changed the caller's bytes")
	}
	h, ps, err := record.ReadAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if h.Patch != record.Patch || len(ps) != 2 {
		t.Fatalf("header %+v, %d packets", h, len(ps))
	}
	if !bytes.Equal(ps[0].Bytes[20:36], make([]byte, 16)) {
		t.Errorf("password recorded: % x", ps[0].Bytes[20:36])
	}
	if !bytes.Equal(ps[1].Bytes, walk) || ps[1].Dir != record.ServerToClient || ps[1].Kind != record.KindGame || ps[1].Conn != 2 {
		t.Errorf("walk read back as %+v", ps[1])
	}
	if ps[1].At != 2*time.Millisecond {
		t.Errorf("walk at %v, want 2ms", ps[1].At)
	}
	d := record.Decode(record.KindAccount, acc)
	if txt := d.FieldsText(); !strings.Contains(txt, "Password=****") || strings.Contains(txt, "1 2 3") {
		t.Errorf("decoded MsgAccount shows its password: %s", txt)
	}
}

func TestReaderRejects(t *testing.T) {
	head := `{"format":"coserver-recording","version":1,"patch":5017,"start":"2026-12-01T08:00:00Z"}` + "\n"
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"not json", "hello\n", "line 1"},
		{"other format", `{"format":"pcap","version":1,"patch":5017}` + "\n", "format"},
		{"other patch", `{"format":"coserver-recording","version":1,"patch":5065}` + "\n", "patch 5065"},
		{"bad dir", head + `{"conn":1,"kind":"game","dir":"up","at_us":0,"hex":"0a00ed03"}`, "dir"},
		{"bad kind", head + `{"conn":1,"kind":"web","dir":"c2s","at_us":0,"hex":"0a00ed03"}`, "kind"},
		{"conn 0", head + `{"conn":0,"kind":"game","dir":"c2s","at_us":0,"hex":"0400ed03"}`, "conn 0"},
		{"bad hex", head + `{"conn":1,"kind":"game","dir":"c2s","at_us":0,"hex":"zz"}`, "hex"},
		{"short", head + `{"conn":1,"kind":"game","dir":"c2s","at_us":0,"hex":"0400"}`, "outside"},
		{"length field", head + `{"conn":1,"kind":"game","dir":"c2s","at_us":0,"hex":"0900ed0300000000000000"}`, "length field 9"},
		{"too long line", head + strings.Repeat("x", record.MaxLineSize+1), "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := record.ReadAll(strings.NewReader(tc.in))
			if err == nil || !errors.Is(err, record.ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrFormat mentioning %q", err, tc.want)
			}
		})
	}
}

func TestDecodeUnknownAndTrailing(t *testing.T) {
	unknown := []byte{8, 0, 0xd2, 0x04, 1, 2, 3, 4} // type 1234, not defined in msg
	d := record.Decode(record.KindGame, unknown)
	if d.Packet != nil || !strings.Contains(d.FieldsText(), "hex=0800d20401020304") || d.Name() != "type 1234" {
		t.Errorf("unknown type: %s %s", d.Name(), d.FieldsText())
	}
	walk := append(encode(t, &msg.Walk{ID: 7, Direction: 2}), 0xAA, 0xBB)
	binary.LittleEndian.PutUint16(walk, uint16(len(walk)))
	d = record.Decode(record.KindGame, walk)
	if !strings.Contains(d.FieldsText(), "trailing=aabb") {
		t.Errorf("trailing bytes not shown: %s", d.FieldsText())
	}
	ev := record.Event{Time: time.Date(2026, 1, 1, 8, 1, 2, 0, time.UTC), Conn: 3, Kind: record.KindGame, Dir: record.ClientToServer, Bytes: walk}
	if got := ev.Text(&d); !strings.HasPrefix(got, "08:01:02.000000 game#3 C→S MsgWalk len=12 ID=7 Direction=2") {
		t.Errorf("text line %q", got)
	}
	if got := string(ev.JSON(&d)); !strings.Contains(got, `"fields":{"ID":7,"Direction":2,"Mode":"Walk(0)"}`) && !strings.Contains(got, `"fields":{"ID":7,"Direction":2,"Mode":0}`) {
		t.Errorf("json line %s", got)
	}
}

func TestParseTypes(t *testing.T) {
	got, err := record.ParseTypes("1005, MsgAction,msgtalk")
	if err != nil || len(got) != 3 || got[0] != wire.TypeWalk || got[1] != wire.TypeAction || got[2] != wire.TypeTalk {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := record.ParseTypes("MsgNothing"); err == nil {
		t.Fatal("unknown name accepted")
	}
}

// TestLayoutChecks feeds crafted packets of the disputed layouts.
func TestLayoutChecks(t *testing.T) {
	npcSwapped := encode(t, &msg.NpcInfo{ID: 5, X: 1, Y: 2, Look: 2, Kind: 1090}) // type in Look's place
	dialog13 := encode(t, &msg.TaskDialog{Action: msg.DialogCreate})
	dialog13 = dialog13[:13]
	binary.LittleEndian.PutUint16(dialog13, 13)
	item20 := make([]byte, 20)
	binary.LittleEndian.PutUint16(item20, 20)
	binary.LittleEndian.PutUint16(item20[2:], 1009)
	item22 := append([]byte(nil), item20...)
	item22 = append(item22, 0, 0)
	binary.LittleEndian.PutUint16(item22, 22)
	walk12 := append(encode(t, &msg.Walk{ID: 7}), 0, 0)
	binary.LittleEndian.PutUint16(walk12, 12)
	npc24 := append(encode(t, &msg.Npc{ID: 5}), make([]byte, 8)...)
	binary.LittleEndian.PutUint16(npc24, uint16(len(npc24)))
	for _, tc := range []struct {
		name  string
		b     []byte
		field string
		fits  string
	}{
		{"MsgNpcInfo look/type", npcSwapped, "Look/Kind", "Kind @12, Look @14 (Wiki2 4267)"},
		{"MsgTaskDialog 13", dialog13, "length", "13 bytes without a string"},
		{"MsgItem 20", item20, "length", "20 bytes (COPS, Wiki 4330, Java)"},
		{"MsgItem 22", item22, "Amount", ""}, // msg accepts 20 (no amount) or 24 bytes
		{"MsgWalk 12", walk12, "length", "12 bytes (later builds"},
		{"MsgNpc 24", npc24, "length", "24 bytes (Java)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := record.Check(record.KindGame, tc.b)
			if len(fs) != 1 {
				t.Fatalf("%d findings: %v", len(fs), fs)
			}
			f := fs[0]
			if f.Field != tc.field {
				t.Errorf("field %q, want %q: %v", f.Field, tc.field, f)
			}
			if tc.fits == "" {
				if len(f.Fits) != 0 || !strings.Contains(f.String(), "no documented alternative fits") {
					t.Errorf("%v", f)
				}
			} else if !strings.Contains(f.String(), tc.fits) {
				t.Errorf("%v lacks %q", f, tc.fits)
			}
		})
	}
	if fs := record.Check(record.KindGame, encode(t, &msg.Walk{ID: 7})); fs != nil {
		t.Errorf("a clean packet gives findings: %v", fs)
	}
}

// TestReplaySeesADifference changes a recorded server answer and expects
// the replay to name the field.
func TestReplaySeesADifference(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "login_walk_chat.rec"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, packets, err := record.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	for i, p := range packets {
		if _, typ := wire.Header(p.Bytes); typ == wire.TypeUserInfo && p.Dir == record.ServerToClient {
			var u msg.UserInfo
			var c wire.Codec
			if err := c.Decode(p.Bytes, &u); err != nil {
				t.Fatal(err)
			}
			u.Level++
			packets[i].Bytes = encode(t, &u)
			changed = true
			break
		}
	}
	if !changed {
		t.Fatal("fixture has no MsgUserInfo")
	}
	rep, err := record.Replay(t.Context(), record.ReplayConfig{AccountAddr: startServer(t), Password: fixturePassword, Pace: true}, packets)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mismatches) != 1 || rep.Mismatches[0].Field != "Level" {
		t.Fatalf("mismatches %v, want Level only", rep.Mismatches)
	}
}

func FuzzReader(f *testing.F) {
	for _, name := range []string{"login_walk_chat.rec", "portal.rec"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"coserver-recording","version":1,"patch":5017}` + "\n" + `{"conn":1,"kind":"game","dir":"c2s","at_us":5,"hex":"0a00ed03070000000200"}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := record.NewReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		for {
			p, err := rd.Next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			if n, _ := wire.Header(p.Bytes); n != len(p.Bytes) || n > wire.MaxPacketSize {
				t.Fatalf("reader returned a bad packet %x", p.Bytes)
			}
			d := record.Decode(p.Kind, p.Bytes)
			_ = d.FieldsText()
			_ = record.Check(p.Kind, p.Bytes)
		}
	})
}
