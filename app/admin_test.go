package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coserver/coserver/admin"
	"github.com/coserver/coserver/password"
	"github.com/coserver/coserver/store"
)

// TestAdminAPI drives the admin API of a real process over HTTP.
func TestAdminAPI(t *testing.T) {
	ctx := context.Background()
	a, err := Start(ctx, testConfig(t), Options{HashParams: password.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = a.Shutdown(sctx)
	})
	base := "http://" + a.AdminAddr().String()
	resp, err := http.Get(base + "/admin/api/status")
	if err != nil {
		t.Fatal(err)
	}
	var s admin.Status
	err = json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if err != nil || !s.AccountServer || !s.GameServer || len(s.Maps) == 0 || s.Maintenance {
		t.Fatalf("status = %+v, %v", s, err)
	}
	if _, err := a.Store().CreateAccount(ctx, "zed", "x"); err != nil {
		t.Fatal(err)
	}
	post := func(path, body string) int {
		resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/admin/api/ban", `{"account":"zed"}`); code != 200 {
		t.Errorf("ban: %d", code)
	}
	if acc, _ := a.Store().AccountByName(ctx, "zed"); acc.Status != store.StatusBanned {
		t.Errorf("zed is %v after ban", acc.Status)
	}
	if code := post("/admin/api/ban", `{"account":"nobody"}`); code != 404 {
		t.Errorf("ban of an unknown account: %d", code)
	}
	if code := post("/admin/api/unban", `{"account":"zed"}`); code != 200 {
		t.Errorf("unban: %d", code)
	}
	if code := post("/admin/api/maintenance", `{"on":true}`); code != 200 || !a.acctSvc.Maintenance() {
		t.Errorf("maintenance: %d", code)
	}
	if code := post("/admin/reload-content", ``); code != 200 {
		t.Errorf("reload on the old path: %d", code)
	}
	if code := post("/admin/api/unlock", `{"account":"zed"}`); code != 200 {
		t.Errorf("unlock: %d", code)
	}
}

// TestAdminOffLoopbackNeedsToken: Start refuses an admin address open to
// other hosts without a token, whoever skipped config.Validate.
func TestAdminOffLoopbackNeedsToken(t *testing.T) {
	cfg := testConfig(t)
	cfg.General.AdminAddr = ":0"
	_, err := Start(context.Background(), cfg, Options{HashParams: password.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "-admin-token") {
		t.Fatalf("Start = %v, want a refusal naming -admin-token", err)
	}
}
