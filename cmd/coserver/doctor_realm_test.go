package main

import (
	"strings"
	"testing"

	"github.com/coserver/coserver/realm/natstest"
)

func TestDoctorRealm(t *testing.T) {
	ns := natstest.Start(t, "")
	d := testDoctor(t, "192.0.2.10")
	d.role = roleGame
	d.cfg.Realm.NATS = ns.URL()
	if r, code := d.result(t, "realm"); r.status != statusFail || code != 1 {
		t.Fatalf("-nats without -realm: %+v, exit %d", r, code)
	}
	d.cfg.Realm.Name = "East"
	if r, _ := d.result(t, "NATS"); r.status != statusOK || !strings.Contains(r.detail, "reachable") {
		t.Fatalf("NATS: %+v", r)
	}
	if r, _ := d.result(t, "realm"); r.status != statusOK {
		t.Fatalf("free realm: %+v", r)
	}
	ns.Stop()
	if r, _ := d.result(t, "NATS"); r.status != statusFail || !strings.Contains(r.fix, "nats-server") {
		t.Fatalf("NATS down: %+v", r)
	}
}
