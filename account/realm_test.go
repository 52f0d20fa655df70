package account

import (
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coserver/coserver/msg"
)

// TestRealmRouting: rawLogin asks for the realm "coserver"; the router
// sends it to that realm's address, or refuses it server down (10) when the
// realm is gone and busy (20) when it is full.
func TestRealmRouting(t *testing.T) {
	var mu sync.Mutex
	routes := map[string]Route{
		"coserver": {Host: "192.0.2.7", Port: 6001},
	}
	set := func(r *Route) {
		mu.Lock()
		defer mu.Unlock()
		if r == nil {
			delete(routes, "coserver")
			return
		}
		routes["coserver"] = *r
	}
	f := newFixture(t, Config{Realm: func(name string) (Route, bool) {
		mu.Lock()
		defer mu.Unlock()
		r, ok := routes[name]
		return r, ok
	}})
	f.addAccount("alice", "secret")
	ans, _ := rawLogin(t, f.addr, "alice", "secret")
	if _, rejected := ans.Rejected(); rejected || ans.Host != "192.0.2.7" || ans.Port != 6001 {
		t.Fatalf("routed login answered %+v", ans)
	}

	set(nil) // the realm went down
	ans, conn := rawLogin(t, f.addr, "alice", "secret")
	wantReject(t, ans, msg.RejectServerDown)
	expectClosed(t, conn)
	if n := testutil.ToFloat64(f.svc.logins.WithLabelValues(resultRealmDown)); n != 1 {
		t.Fatalf("realm_down logins = %v", n)
	}

	set(&Route{Host: "192.0.2.7", Port: 6001, Full: true})
	ans, _ = rawLogin(t, f.addr, "alice", "secret")
	wantReject(t, ans, msg.RejectServerBusy)
}
