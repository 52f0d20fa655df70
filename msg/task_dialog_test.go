package msg_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/wire"
)

// encodeAll encodes packets one after the other, as the server sends a page.
func encodeAll(t testing.TB, ps []msg.TaskDialog) []byte {
	t.Helper()
	var c wire.Codec
	var out []byte
	for i := range ps {
		var err error
		if out, err = c.Encode(out, &ps[i]); err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
	}
	return out
}

// TestDialogPageGolden checks a whole page against bytes written by hand
// from world-content.md §1.3 and its policies.
func TestDialogPageGolden(t *testing.T) {
	page, err := msg.DialogPage(nil, "Welcome,~traveller.", []string{"Twin~City", "Farewell"},
		&msg.DialogInput{Prompt: "PIN", MaxLen: 9, Option: 3}, 67)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(`
		2100 f007 00000000 0000 00 01                   // text, option 0
		01 13 57656c636f6d652c2074726176656c6c65722e    // "Welcome, traveller." ('~' replaced)
		1700 f007 00000000 0000 01 02                   // link, option 1
		01 09 5477696e2043697479                        // "Twin City"
		1600 f007 00000000 0000 02 02                   // link, option 2
		01 08 4661726577656c6c                          // "Farewell"
		1100 f007 00000000 0900 03 03                   // edit: max length 9, option 3
		01 03 50494e                                    // "PIN"
		0e00 f007 00000000 4300 00 04 00 00             // pic: face 67, position 0/0
		0e00 f007 00000000 0000 ff 64 00 00             // create, option 255
	`)
	if got := encodeAll(t, page); !bytes.Equal(got, want) {
		t.Fatalf("page:\n got %x\nwant %x", got, want)
	}
	// Without input and face: text, link, create.
	page, err = msg.DialogPage(page[:0], "", []string{"Ok"}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Action != msg.DialogLink || page[1].Action != msg.DialogCreate {
		t.Fatalf("minimal page: %+v", page)
	}
}

func TestDialogPageSplitsText(t *testing.T) {
	word := strings.Repeat("x", 9) + " "            // 10 bytes
	euro := strings.Repeat("€", 200)                // 3-byte runes, no space
	bad := strings.Repeat("\x80", 600)              // not UTF-8
	spaceEarly := "a " + strings.Repeat("y", 400)   // the only space is too early to prefer
	exact := strings.Repeat("z", msg.MaxDialogText) // one full chunk
	for name, text := range map[string]string{
		"words": strings.Repeat(word, 60), "euro": euro, "not-utf8": bad, "space-early": spaceEarly,
		"exact": exact, "tilde": strings.Repeat("a~", 300),
	} {
		t.Run(name, func(t *testing.T) {
			page, err := msg.DialogPage(nil, text, nil, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			var joined strings.Builder
			for _, p := range page[:len(page)-1] {
				if p.Action != msg.DialogText || p.Option != 0 || len(p.Text) == 0 || len(p.Text) > msg.MaxDialogText {
					t.Fatalf("chunk %+v", p)
				}
				if utf8.ValidString(text) && !utf8.ValidString(p.Text) {
					t.Fatalf("chunk cut inside a UTF-8 sequence: %q", p.Text)
				}
				joined.WriteString(p.Text)
			}
			if want := strings.ReplaceAll(text, "~", " "); joined.String() != want {
				t.Fatalf("chunks join to %q, want %q", joined.String(), want)
			}
		})
	}
	// Words: every chunk but the last ends after a space.
	page, _ := msg.DialogPage(nil, strings.Repeat(word, 60), nil, nil, 0)
	for _, p := range page[:len(page)-2] {
		if !strings.HasSuffix(p.Text, " ") {
			t.Errorf("chunk %q does not end at a space", p.Text)
		}
	}
	if page, _ := msg.DialogPage(nil, strings.Repeat("z", msg.MaxDialogText), nil, nil, 0); len(page) != 2 {
		t.Errorf("a text of exactly MaxDialogText bytes is %d packets, want 2", len(page))
	}
}

func TestDialogPageLimits(t *testing.T) {
	many := make([]string, msg.MaxDialogOptions+1)
	for i := range many {
		many[i] = "opt"
	}
	long := strings.Repeat("o", msg.MaxDialogOption+1)
	cases := map[string]struct {
		text    string
		options []string
		input   *msg.DialogInput
	}{
		"text":          {text: strings.Repeat("t", msg.MaxDialogPageText+1)},
		"options":       {options: many},
		"long option":   {options: []string{long}},
		"empty option":  {options: []string{""}},
		"long prompt":   {input: &msg.DialogInput{Prompt: long, Option: 1}},
		"input 0":       {input: &msg.DialogInput{Option: 0}},
		"input close":   {input: &msg.DialogInput{Option: msg.OptionClose}},
		"input clashes": {options: []string{"a", "b"}, input: &msg.DialogInput{Option: 2}},
	}
	for name, tc := range cases {
		dst := []msg.TaskDialog{{Action: msg.DialogText, Text: "kept"}}
		out, err := msg.DialogPage(dst, tc.text, tc.options, tc.input, 1)
		if !errors.Is(err, msg.ErrDialogPage) {
			t.Errorf("%s: error %v, want ErrDialogPage", name, err)
		}
		if len(out) != 1 || out[0].Text != "kept" {
			t.Errorf("%s: dst changed to %+v", name, out)
		}
	}
	// The largest page fits and encodes.
	opts := many[:msg.MaxDialogOptions]
	opts[0] = long[:msg.MaxDialogOption]
	page, err := msg.DialogPage(nil, strings.Repeat("t", msg.MaxDialogPageText), opts,
		&msg.DialogInput{Prompt: long[:msg.MaxDialogOption], Option: msg.MaxDialogOptions + 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	encodeAll(t, page)
}

func TestDialogPageAllocatesNothing(t *testing.T) {
	text := strings.Repeat("Some words of a guide. ", 30)
	opts := []string{"Twin City", "Desert City", "Farewell"}
	dst := make([]msg.TaskDialog, 0, 16)
	n := testing.AllocsPerRun(100, func() {
		var err error
		if dst, err = msg.DialogPage(dst[:0], text, opts, nil, 67); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per page", n)
	}
}

func TestDialogActionNames(t *testing.T) {
	for a, want := range map[msg.DialogAction]string{msg.DialogLink: "Link", msg.DialogCreate: "Create", 7: "7"} {
		if got := a.String(); got != want {
			t.Errorf("%d: %q, want %q", uint8(a), got, want)
		}
	}
	for a, want := range map[msg.NpcAction]string{msg.NpcActivate: "Activate", msg.NpcCancel: "Cancel", 9: "9"} {
		if got := a.String(); got != want {
			t.Errorf("%d: %q, want %q", uint16(a), got, want)
		}
	}
}
