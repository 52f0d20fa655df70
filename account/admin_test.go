package account

import (
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
)

func TestSetMaintenanceAtRuntime(t *testing.T) {
	f := newFixture(t, Config{})
	f.addAccount("erin", "pw")
	if f.svc.Maintenance() {
		t.Fatal("maintenance on at start")
	}
	f.svc.SetMaintenance(true)
	ans, _ := rawLogin(t, f.addr, "erin", "pw")
	wantReject(t, ans, msg.RejectServerDown)
	if !f.svc.Maintenance() || f.svc.Accepted() != 0 {
		t.Fatalf("maintenance %v, accepted %d", f.svc.Maintenance(), f.svc.Accepted())
	}
	f.svc.SetMaintenance(false)
	ans, _ = rawLogin(t, f.addr, "erin", "pw")
	if _, rejected := ans.Rejected(); rejected {
		t.Fatalf("refused after maintenance: %+v", ans)
	}
	if f.svc.Accepted() != 1 {
		t.Fatalf("accepted = %d, want 1", f.svc.Accepted())
	}
}

func TestUnlockClearsLockout(t *testing.T) {
	clk := newClock()
	f := newFixture(t, Config{Now: clk.Now,
		Throttle: ThrottleConfig{FailuresPerAccount: 3, FailuresPerIP: 100, Lockout: time.Hour}})
	f.addAccount("frank", "right")
	for range 3 {
		ans, _ := rawLogin(t, f.addr, "frank", "wrong")
		wantReject(t, ans, msg.RejectInvalidPassword)
	}
	ans, _ := rawLogin(t, f.addr, "frank", "right")
	wantReject(t, ans, msg.RejectAccountMaxLoginAttempts)
	if n := f.svc.Unlock("FRANK"); n == 0 { // names ignore case
		t.Fatal("Unlock cleared nothing")
	}
	ans, _ = rawLogin(t, f.addr, "frank", "right")
	if _, rejected := ans.Rejected(); rejected {
		t.Fatalf("still locked after Unlock: %+v", ans)
	}
	if n := f.svc.Unlock("nobody"); n != 0 {
		t.Fatalf("Unlock(nobody) cleared %d", n)
	}
}
