package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coserver/coserver/mapdata"
)

// fakeProcess records what the API asked of it.
type fakeProcess struct {
	mu          sync.Mutex
	players     []Player
	banned      map[string]bool
	maintenance bool
	broadcasts  []string
	reloadErr   error
	unlocked    []string
	noAccount   bool // an account-server-less process
	floor       *mapdata.Floor
}

func newFake() *fakeProcess {
	return &fakeProcess{
		players: []Player{{Name: "Alice", Account: "alice", Map: 1010, X: 61, Y: 109, Level: 1, IP: "127.0.0.1"},
			{Name: "Bob", Account: "bob", Map: 1002, X: 3, Y: 4, Level: 7, IP: "127.0.0.1"}},
		banned: make(map[string]bool),
		floor:  mapdata.Build(8, 4, func(x, y int) bool { return x == 0 }),
	}
}

func (f *fakeProcess) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Status{Version: "v1.2.3", Started: time.Unix(0, 0), Uptime: 90, AccountServer: !f.noAccount, GameServer: true,
		Online: len(f.players), LoginsAccepted: 5, Maintenance: f.maintenance,
		Maps: []Map{{ID: 1002, Name: "TwinCity", Width: 8, Height: 4, Players: 1}, {ID: 1010, Name: "Birth", Width: 8, Height: 4, Players: 1}}}
}

func (f *fakeProcess) Players() []Player {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Player(nil), f.players...)
}

func (f *fakeProcess) Kick(name string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, p := range f.players {
		if strings.EqualFold(p.Name, name) {
			f.players = append(f.players[:i], f.players[i+1:]...)
			return true, nil
		}
	}
	return false, nil
}

func (f *fakeProcess) Ban(_ context.Context, account string) (bool, error) {
	if account == "ghost" {
		return false, fmt.Errorf("account %s: %w", account, ErrNotFound)
	}
	f.mu.Lock()
	f.banned[account] = true
	online := false
	for _, p := range f.players {
		online = online || p.Account == account
	}
	f.mu.Unlock()
	if online {
		for _, p := range f.Players() {
			if p.Account == account {
				_, _ = f.Kick(p.Name)
			}
		}
	}
	return online, nil
}

func (f *fakeProcess) Unban(_ context.Context, account string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.banned, account)
	return nil
}

func (f *fakeProcess) Unlock(account string) (int, error) {
	if f.noAccount {
		return 0, fmt.Errorf("unlock: no account server: %w", ErrUnavailable)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unlocked = append(f.unlocked, account)
	return 2, nil
}

func (f *fakeProcess) Broadcast(text string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broadcasts = append(f.broadcasts, text)
	return len(f.players), nil
}

func (f *fakeProcess) SetMaintenance(on bool) error {
	if f.noAccount {
		return fmt.Errorf("maintenance: no account server: %w", ErrUnavailable)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.maintenance = on
	return nil
}

func (f *fakeProcess) ReloadContent() error { return f.reloadErr }

func (f *fakeProcess) Items(_ context.Context, name string) (Holdings, error) {
	if name != "Alice" {
		return Holdings{}, fmt.Errorf("character %s: %w", name, ErrNotFound)
	}
	return Holdings{Character: "Alice", Online: true, Silver: 5, WarehouseSilver: 7,
		Inventory: []Item{{UID: 2_000_000_000, Type: 1000000, Name: "MinorHealPotion", Durability: 1, MaxDurability: 10}},
		Equipment: []Item{}, Warehouse: []Item{{UID: 2_000_000_001, Type: 410301, Position: 201, Warehouse: 21}}}, nil
}

func (f *fakeProcess) MapPlayers(id uint32) ([]Player, bool) {
	if id != 1002 && id != 1010 {
		return nil, false
	}
	var out []Player
	for _, p := range f.Players() {
		if p.Map == id {
			out = append(out, p)
		}
	}
	return out, true
}

func (f *fakeProcess) MapFloor(id uint32) *mapdata.Floor {
	if id != 1002 && id != 1010 {
		return nil
	}
	return f.floor
}

// do sends a request from loopback to a guarded handler over f and returns
// the status and body.
func do(t *testing.T, f *fakeProcess, method, path, body string) (int, string) {
	t.Helper()
	h := Guard("", New(f, slog.New(slog.DiscardHandler)))
	req := httptest.NewRequest(method, "http://127.0.0.1:9100"+path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// jsonOf decodes body into a map.
func jsonOf(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not a JSON object: %q: %v", body, err)
	}
	return m
}

func TestStatusAndPlayers(t *testing.T) {
	f := newFake()
	code, body := do(t, f, "GET", "/admin/api/status", "")
	if code != 200 {
		t.Fatalf("status: %d %s", code, body)
	}
	var s Status
	if err := json.Unmarshal([]byte(body), &s); err != nil || s.Online != 2 || s.Version != "v1.2.3" || len(s.Maps) != 2 {
		t.Errorf("status = %+v, %v", s, err)
	}
	code, body = do(t, f, "GET", "/admin/api/players", "")
	var ps []Player
	if err := json.Unmarshal([]byte(body), &ps); code != 200 || err != nil || len(ps) != 2 || ps[0] != f.players[0] {
		t.Errorf("players: %d %s", code, body)
	}
	f.players = nil
	if _, body = do(t, f, "GET", "/admin/api/players", ""); strings.TrimSpace(body) != "[]" {
		t.Errorf("no players: %s, want []", body)
	}
}

func TestKick(t *testing.T) {
	f := newFake()
	if code, body := do(t, f, "POST", "/admin/api/kick", `{"name":"alice"}`); code != 200 || jsonOf(t, body)["kicked"] != true {
		t.Errorf("kick: %d %s", code, body)
	}
	if len(f.Players()) != 1 {
		t.Error("alice still online")
	}
	if code, body := do(t, f, "POST", "/admin/api/kick", `{"name":"alice"}`); code != 404 || !strings.Contains(jsonOf(t, body)["error"].(string), "not online") {
		t.Errorf("kick again: %d %s", code, body)
	}
}

func TestBanUnbanUnlock(t *testing.T) {
	f := newFake()
	code, body := do(t, f, "POST", "/admin/api/ban", `{"account":"bob"}`)
	if m := jsonOf(t, body); code != 200 || m["disconnected"] != true || m["status"] != "banned" || !f.banned["bob"] {
		t.Errorf("ban: %d %s", code, body)
	}
	if code, body = do(t, f, "POST", "/admin/api/ban", `{"account":"carol"}`); code != 200 || jsonOf(t, body)["disconnected"] != false {
		t.Errorf("ban offline: %d %s", code, body)
	}
	if code, body = do(t, f, "POST", "/admin/api/ban", `{"account":"ghost"}`); code != 404 {
		t.Errorf("ban unknown: %d %s", code, body)
	}
	if code, body = do(t, f, "POST", "/admin/api/unban", `{"account":"bob"}`); code != 200 || f.banned["bob"] {
		t.Errorf("unban: %d %s", code, body)
	}
	if code, body = do(t, f, "POST", "/admin/api/unlock", `{"account":"bob"}`); code != 200 || jsonOf(t, body)["cleared"] != 2.0 {
		t.Errorf("unlock: %d %s", code, body)
	}
	f.noAccount = true
	if code, body = do(t, f, "POST", "/admin/api/unlock", `{"account":"bob"}`); code != 409 {
		t.Errorf("unlock without account server: %d %s", code, body)
	}
}

func TestBroadcastMaintenanceReload(t *testing.T) {
	f := newFake()
	if code, body := do(t, f, "POST", "/admin/api/broadcast", `{"text":"hello all"}`); code != 200 || jsonOf(t, body)["players"] != 2.0 {
		t.Errorf("broadcast: %d %s", code, body)
	}
	if len(f.broadcasts) != 1 || f.broadcasts[0] != "hello all" {
		t.Errorf("broadcasts = %q", f.broadcasts)
	}
	for _, bad := range []string{`{"text":""}`, `{"text":"` + strings.Repeat("x", MaxBroadcastLen+1) + `"}`} {
		if code, _ := do(t, f, "POST", "/admin/api/broadcast", bad); code != 400 {
			t.Errorf("broadcast %.20s: %d, want 400", bad, code)
		}
	}
	if code, body := do(t, f, "POST", "/admin/api/maintenance", `{"on":true}`); code != 200 || !f.maintenance {
		t.Errorf("maintenance on: %d %s", code, body)
	}
	if code, _ := do(t, f, "POST", "/admin/api/maintenance", `{}`); code != 400 {
		t.Errorf("maintenance without on: %d", code)
	}
	if code, _ := do(t, f, "POST", "/admin/api/maintenance", `{"on":false}`); code != 200 || f.maintenance {
		t.Errorf("maintenance off: %d", code)
	}
	if code, body := do(t, f, "POST", "/admin/api/reload-content", ""); code != 200 || jsonOf(t, body)["reloaded"] != true {
		t.Errorf("reload: %d %s", code, body)
	}
	if code, body := do(t, f, "POST", "/admin/reload-content", ""); code != 200 || body != "content reloaded\n" {
		t.Errorf("old reload path: %d %q", code, body)
	}
	f.reloadErr = errors.New("npcs.toml:3: unknown map 9")
	if code, body := do(t, f, "POST", "/admin/api/reload-content", ""); code != 422 || !strings.Contains(body, "npcs.toml:3") {
		t.Errorf("bad reload: %d %s", code, body)
	}
	if code, body := do(t, f, "POST", "/admin/reload-content", ""); code != 422 || !strings.Contains(body, "npcs.toml:3") {
		t.Errorf("bad reload, old path: %d %s", code, body)
	}
}

func TestMapAndFloor(t *testing.T) {
	f := newFake()
	code, body := do(t, f, "GET", "/admin/api/map/1010", "")
	var v mapView
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil || v.Name != "Birth" || v.Width != 8 ||
		len(v.Players) != 1 || v.Players[0].Name != "Alice" || v.Floor != "/admin/api/map/1010/floor.png" {
		t.Fatalf("map: %d %s", code, body)
	}
	for _, p := range []string{"/admin/api/map/7", "/admin/api/map/7/floor.png"} {
		if code, _ := do(t, f, "GET", p, ""); code != 404 {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}
	if code, _ := do(t, f, "GET", "/admin/api/map/x", ""); code != 400 {
		t.Errorf("map x: %d, want 400", code)
	}
	code, body = do(t, f, "GET", "/admin/api/map/1010/floor.png", "")
	img, err := png.Decode(strings.NewReader(body))
	if code != 200 || err != nil {
		t.Fatalf("floor: %d %v", code, err)
	}
	if b := img.Bounds(); b.Dx() != 8 || b.Dy() != 4 {
		t.Fatalf("floor is %v, want 8×4", b)
	}
	// Column 0 is blocked: dark; the rest walkable: light.
	if r, _, _, _ := img.At(0, 0).RGBA(); r>>8 != uint32(blockedColor.R) {
		t.Errorf("blocked tile drawn %v", img.At(0, 0))
	}
	if r, _, _, _ := img.At(3, 2).RGBA(); r>>8 != uint32(walkableColor.R) {
		t.Errorf("walkable tile drawn %v", img.At(3, 2))
	}
}

func TestMethodsAndBodies(t *testing.T) {
	f := newFake()
	for _, tc := range []struct {
		method, path, body string
		code               int
	}{
		{"GET", "/admin/api/kick", "", 405},
		{"POST", "/admin/api/status", "", 405},
		{"DELETE", "/admin/api/ban", "", 405},
		{"POST", "/admin/api/kick", ``, 400},
		{"POST", "/admin/api/kick", `{"name":`, 400},
		{"POST", "/admin/api/kick", `{"name":"a","extra":1}`, 400},
		{"POST", "/admin/api/kick", `{"name":"a"}{"name":"b"}`, 400},
		{"POST", "/admin/api/kick", `{"name":""}`, 400},
		{"POST", "/admin/api/kick", `{"name":"` + strings.Repeat("n", MaxNameLen+1) + `"}`, 400},
		{"POST", "/admin/api/ban", `["bob"]`, 400},
		{"POST", "/admin/api/broadcast", `{"text":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, 413},
		{"GET", "/admin/api/nothing", "", 404},
	} {
		code, body := do(t, f, tc.method, tc.path, tc.body)
		if code != tc.code {
			t.Errorf("%s %s %.30q: %d %s, want %d", tc.method, tc.path, tc.body, code, body, tc.code)
			continue
		}
		if _, ok := jsonOf(t, body)["error"]; !ok {
			t.Errorf("%s %s: error body %s has no error field", tc.method, tc.path, body)
		}
	}
}

func TestPage(t *testing.T) {
	f := newFake()
	f.players[0].Name = "<b>Al</b>"
	code, body := do(t, f, "GET", "/admin/", "")
	if code != 200 {
		t.Fatalf("page: %d %s", code, body)
	}
	for _, want := range []string{"v1.2.3", `data-name="Bob"`, "&lt;b&gt;Al&lt;/b&gt;", `<option value="1002" selected>`, "/admin/static/admin.js",
		`id="items-form"`, `class="items"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>Al</b>") {
		t.Error("a name reached the page unescaped")
	}
	for _, p := range []string{"/admin/static/admin.js", "/admin/static/admin.css"} {
		if code, _ := do(t, f, "GET", p, ""); code != 200 {
			t.Errorf("%s: %d", p, code)
		}
	}
}

func TestGuard(t *testing.T) {
	f := newFake()
	h := Guard("s3cret", New(f, slog.New(slog.DiscardHandler)))
	send := func(remote, host, auth, method, path string, hdr map[string]string) int {
		req := httptest.NewRequest(method, "http://"+host+path, strings.NewReader(`{"name":"nobody"}`))
		req.RemoteAddr = remote
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, tc := range []struct {
		what, remote, host, auth, method string
		hdr                              map[string]string
		code                             int
	}{
		{"loopback, no token", "127.0.0.1:5000", "127.0.0.1:9100", "", "GET", nil, 200},
		{"loopback v6", "[::1]:5000", "localhost:9100", "", "GET", nil, 200},
		{"loopback, rebound name", "127.0.0.1:5000", "evil.example:9100", "", "GET", nil, 403},
		{"remote, no token", "192.0.2.9:5000", "192.0.2.1:9100", "", "GET", nil, 401},
		{"remote, wrong token", "192.0.2.9:5000", "192.0.2.1:9100", "Bearer nope", "GET", nil, 401},
		{"remote, not bearer", "192.0.2.9:5000", "192.0.2.1:9100", "Basic czNjcmV0", "GET", nil, 401},
		{"remote, token", "192.0.2.9:5000", "admin.example:9100", "Bearer s3cret", "GET", nil, 200},
		{"loopback, wrong token", "127.0.0.1:5000", "127.0.0.1:9100", "Bearer nope", "GET", nil, 401},
		{"remote POST with token", "192.0.2.9:5000", "192.0.2.1:9100", "Bearer s3cret", "POST", nil, 404},
		{"cross-site POST", "127.0.0.1:5000", "127.0.0.1:9100", "", "POST",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"same-origin POST", "127.0.0.1:5000", "127.0.0.1:9100", "", "POST",
			map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:9100"}, 404},
	} {
		path := "/admin/api/status"
		if tc.method == "POST" {
			path = "/admin/api/kick" // nobody is online: 404 once through the guard
		}
		if code := send(tc.remote, tc.host, tc.auth, tc.method, path, tc.hdr); code != tc.code {
			t.Errorf("%s: %d, want %d", tc.what, code, tc.code)
		}
	}
	// Without a token only loopback gets in, whatever a client sends.
	open := Guard("", New(f, nil))
	req := httptest.NewRequest("GET", "http://192.0.2.1:9100/admin/api/status", nil)
	req.RemoteAddr = "192.0.2.9:5000"
	req.Header.Set("Authorization", "Bearer ")
	rec := httptest.NewRecorder()
	open.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("no token set, remote with empty bearer: %d", rec.Code)
	}
}

// FuzzDecodeBody: a request body never panics the decoder, and what it
// accepts is one JSON object of the request's fields.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{"name":"alice"}`, `{"account":"bob"}`, `{"text":"hi"}`, `{"on":true}`, ``, `{`,
		`{"name":"a"}{}`, `[1,2]`, `{"name":"\u0000"}`, `null`, strings.Repeat(`{"a":`, 100)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n nameRequest
		if err := decodeBody(bytes.NewReader(b), &n); err == nil && len(b) > MaxBodyBytes+1 {
			t.Errorf("accepted %d bytes", len(b))
		}
		var m maintenanceRequest
		_ = decodeBody(io.MultiReader(bytes.NewReader(b)), &m)
	})
}

func TestItems(t *testing.T) {
	f := newFake()
	code, body := do(t, f, "GET", "/admin/api/items/Alice", "")
	var hs Holdings
	if err := json.Unmarshal([]byte(body), &hs); code != 200 || err != nil || hs.Silver != 5 || hs.WarehouseSilver != 7 ||
		len(hs.Inventory) != 1 || hs.Inventory[0].Name != "MinorHealPotion" || len(hs.Warehouse) != 1 ||
		hs.Warehouse[0].Warehouse != 21 || hs.Equipment == nil {
		t.Errorf("items: %d %s", code, body)
	}
	if code, body := do(t, f, "GET", "/admin/api/items/Nobody", ""); code != 404 {
		t.Errorf("items of nobody: %d %s", code, body)
	}
	if code, body := do(t, f, "GET", "/admin/api/items/"+strings.Repeat("x", MaxNameLen+1), ""); code != 400 {
		t.Errorf("items of a too long name: %d %s", code, body)
	}
	if code, _ := do(t, f, "POST", "/admin/api/items/Alice", ""); code != 405 {
		t.Errorf("POST items: %d", code)
	}
}
