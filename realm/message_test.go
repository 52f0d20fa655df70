package realm

import (
	"errors"
	"strings"
	"testing"
)

// goldenAnnounce is an announcement written by hand, as the format is
// documented in docs/SCALING.md.
const goldenAnnounce = `{"v":1,"realm":"Phoenix","instance":"0a1b2c3d4e5f6071","host":"192.0.2.10","port":5816,` +
	`"online":12,"max_players":5000,"pid":4242,"interval_ms":1000}`

func TestAnnounceGolden(t *testing.T) {
	var a Announce
	if err := Decode([]byte(goldenAnnounce), &a); err != nil {
		t.Fatal(err)
	}
	want := Announce{V: 1, Realm: "Phoenix", Instance: "0a1b2c3d4e5f6071", Host: "192.0.2.10", Port: 5816,
		Online: 12, MaxPlayers: 5000, PID: 4242, IntervalMS: 1000}
	if a != want {
		t.Fatalf("decoded %+v, want %+v", a, want)
	}
	b, err := Encode(&a)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != goldenAnnounce {
		t.Fatalf("encoded\n%s\nwant\n%s", b, goldenAnnounce)
	}
}

func TestOtherGolden(t *testing.T) {
	var k Kick
	if err := Decode([]byte(`{"v":1,"from":"ab","account_id":7,"reason":"ban"}`), &k); err != nil {
		t.Fatal(err)
	}
	if k != (Kick{V: 1, From: "ab", AccountID: 7, Reason: ReasonBan}) {
		t.Fatalf("kick %+v", k)
	}
	var l Login
	if err := Decode([]byte(`{"v":1,"realm":"East","instance":"x1","account_id":3}`), &l); err != nil {
		t.Fatal(err)
	}
	var b Broadcast
	if err := Decode([]byte(`{"v":1,"from":"x1","text":"Hello all"}`), &b); err != nil || b.Text != "Hello all" {
		t.Fatalf("broadcast %+v %v", b, err)
	}
	var r Reply
	if err := Decode([]byte(`{"v":1,"realm":"East","instance":"x1","count":2}`), &r); err != nil || r.Count != 2 {
		t.Fatalf("reply %+v %v", r, err)
	}
	var c Claim
	if err := Decode([]byte(`{"v":1,"realm":"East","instance":"x1","held":true,"pid":9}`), &c); err != nil || !c.Held {
		t.Fatalf("claim %+v %v", c, err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"version", strings.Replace(goldenAnnounce, `"v":1`, `"v":2`, 1)},
		{"unknown field", strings.Replace(goldenAnnounce, `"pid"`, `"admin":true,"pid"`, 1)},
		{"two objects", goldenAnnounce + goldenAnnounce},
		{"trailing", goldenAnnounce + "x"},
		{"not json", "announce"},
		{"empty", ""},
		{"name with dot", strings.Replace(goldenAnnounce, `Phoenix`, `Pho.enix`, 1)},
		{"name with star", strings.Replace(goldenAnnounce, `Phoenix`, `*`, 1)},
		{"name too long", strings.Replace(goldenAnnounce, `Phoenix`, `PhoenixPhoenixPh`, 1)},
		{"empty name", strings.Replace(goldenAnnounce, `Phoenix`, ``, 1)},
		{"ipv6 host", strings.Replace(goldenAnnounce, `192.0.2.10`, `::1`, 1)},
		{"host name", strings.Replace(goldenAnnounce, `192.0.2.10`, `example.org`, 1)},
		{"port 0", strings.Replace(goldenAnnounce, `5816`, `0`, 1)},
		{"port big", strings.Replace(goldenAnnounce, `5816`, `65536`, 1)},
		{"negative online", strings.Replace(goldenAnnounce, `"online":12`, `"online":-1`, 1)},
		{"no max", strings.Replace(goldenAnnounce, `"max_players":5000`, `"max_players":0`, 1)},
		{"interval tiny", strings.Replace(goldenAnnounce, `1000}`, `1}`, 1)},
		{"interval huge", strings.Replace(goldenAnnounce, `1000}`, `100000000}`, 1)},
		{"instance control byte", strings.Replace(goldenAnnounce, `0a1b2c3d4e5f6071`, `0a1b\n`, 1)},
		{"oversized", `{"v":1,"realm":"` + strings.Repeat("a", MaxMessageBytes) + `"}`},
	} {
		var a Announce
		if err := Decode([]byte(tc.data), &a); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
	for _, data := range []string{
		`{"v":1,"from":"ab","reason":"kick"}`,                                // nobody
		`{"v":1,"from":"ab","character":"x","account_id":2,"reason":"kick"}`, // both
		`{"v":1,"from":"ab","character":"x","reason":"shoot"}`,               // reason
		`{"v":1,"from":"ab","character":"abcdefghijklmnopq","reason":"kick"}`,
	} {
		var k Kick
		if err := Decode([]byte(data), &k); !errors.Is(err, ErrInvalid) {
			t.Errorf("kick %s: err = %v", data, err)
		}
	}
	var b Broadcast
	if err := Decode([]byte(`{"v":1,"from":"ab","text":""}`), &b); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty broadcast: %v", err)
	}
	var l Login
	if err := Decode([]byte(`{"v":1,"realm":"East","instance":"x1","account_id":0}`), &l); !errors.Is(err, ErrInvalid) {
		t.Errorf("login of account 0: %v", err)
	}
}

func TestEncodeRefusesInvalid(t *testing.T) {
	if _, err := Encode(&Announce{Realm: "no spaces", Instance: "x", Host: "192.0.2.1", Port: 1, MaxPlayers: 1, IntervalMS: 1000}); err == nil {
		t.Fatal("encoded a realm name with a space")
	}
}

// FuzzDecode feeds anything to every decoder: none panics, and whatever one
// accepts encodes back to a message it accepts again, equal.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{goldenAnnounce, `{"v":1,"from":"ab","account_id":7,"reason":"ban"}`,
		`{"v":1,"realm":"East","instance":"x1","account_id":3}`, `{"v":1,"from":"x1","text":"Hello all"}`,
		`{"v":1,"realm":"East","instance":"x1","count":2}`, `{"v":1,"realm":"East","instance":"x1","held":true,"pid":9}`,
		`{}`, `[]`, `null`, `{"v":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, &Announce{}, func() *Announce { return &Announce{} }, func(a, b *Announce) bool { return *a == *b })
		roundTrip(t, data, &Claim{}, func() *Claim { return &Claim{} }, func(a, b *Claim) bool { return *a == *b })
		roundTrip(t, data, &Login{}, func() *Login { return &Login{} }, func(a, b *Login) bool { return *a == *b })
		roundTrip(t, data, &Kick{}, func() *Kick { return &Kick{} }, func(a, b *Kick) bool { return *a == *b })
		roundTrip(t, data, &Broadcast{}, func() *Broadcast { return &Broadcast{} }, func(a, b *Broadcast) bool { return *a == *b })
		roundTrip(t, data, &Reply{}, func() *Reply { return &Reply{} }, func(a, b *Reply) bool { return *a == *b })
	})
}

func roundTrip[M Message](t *testing.T, data []byte, m M, fresh func() M, equal func(a, b M) bool) {
	if err := Decode(data, m); err != nil {
		return
	}
	b, err := Encode(m)
	if err != nil {
		t.Fatalf("%T decoded from %q does not encode: %v", m, data, err)
	}
	again := fresh()
	if err := Decode(b, again); err != nil {
		t.Fatalf("%T re-encoded as %q does not decode: %v", m, b, err)
	}
	if !equal(m, again) {
		t.Fatalf("%T round trip changed %+v into %+v", m, m, again)
	}
}

func BenchmarkDecodeAnnounce(b *testing.B) {
	data := []byte(goldenAnnounce)
	b.ReportAllocs()
	var a Announce
	for b.Loop() {
		if err := Decode(data, &a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeAnnounce(b *testing.B) {
	a := Announce{Realm: "Phoenix", Instance: "0a1b2c3d4e5f6071", Host: "192.0.2.10", Port: 5816,
		Online: 12, MaxPlayers: 5000, PID: 4242, IntervalMS: 1000}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(&a); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSubjectsFoldTheName(t *testing.T) {
	if got := SubjectAnnounce("East"); got != "coserver.v1.realm.east.announce" {
		t.Errorf("SubjectAnnounce(East) = %s", got)
	}
	if SubjectClaim("EAST") != SubjectClaim("east") {
		t.Error("two spellings of one realm claim on two subjects")
	}
}
