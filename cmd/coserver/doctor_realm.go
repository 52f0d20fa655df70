package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/realm"
)

// doctorRealmWait is how long the NATS check listens for the realms'
// answers to its probe.
const doctorRealmWait = 500 * time.Millisecond

// checkRealm checks -nats and -realm: NATS reachable with the URL's
// credentials, the realms it announces, and for a game server a realm name
// that no live process serves yet.
func (d *doctor) checkRealm(ctx context.Context) {
	rc := d.cfg.Realm
	if rc.NATS == "" {
		if rc.Name != "" {
			d.add(statusWarn, "realm", "-realm is set without -nats: it is ignored", "set -nats, or drop -realm")
		}
		return
	}
	if d.role.app != app.RoleAccount && rc.Name == "" {
		d.add(statusFail, "realm", "-nats is set but -realm is empty", "set -realm to the server name clients pick in server.dat")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	node, err := realm.Connect(ctx, realm.Options{URL: rc.NATS, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		d.add(statusFail, "NATS", err.Error(), "start nats-server, or fix -nats (host, port, user and password)")
		return
	}
	defer node.Close()
	time.Sleep(doctorRealmWait) // the probe's answers arrive meanwhile
	var live []string
	for _, r := range node.Realms() {
		live = append(live, fmt.Sprintf("%s at %s:%d (pid %d, %d/%d online)", r.Realm, r.Host, r.Port, r.PID, r.Online, r.MaxPlayers))
	}
	detail := "reachable; realms alive: none"
	if len(live) > 0 {
		detail = "reachable; realms alive: " + strings.Join(live, ", ")
	}
	d.add(statusOK, "NATS", detail, "")
	if d.role.app == app.RoleAccount || rc.Name == "" {
		return
	}
	if r, ok := node.Lookup(rc.Name); ok {
		d.add(statusFail, "realm", fmt.Sprintf("realm %s is already served by process %d at %s:%d", rc.Name, r.PID, r.Host, r.Port),
			"stop that process first, or choose another -realm")
		return
	}
	d.add(statusOK, "realm", rc.Name+" is free", "")
}
