package game

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coserver/coserver/client"
	"github.com/coserver/coserver/msg"
)

// errCutOff stands for the other realms not answering a login claim.
var errCutOff = errors.New("a realm did not answer")

// TestLoginClaimOnOtherRealms: a login waits for the claim on the other
// realms; a claim that fails refuses the login ("try again later"), once.
func TestLoginClaimOnOtherRealms(t *testing.T) {
	claimed := make(chan int64, 4)
	g, port := listenGameWith(t, func(c *Config) {
		c.ClaimLogin = func(_ context.Context, id int64) error {
			claimed <- id
			if id == 1 {
				return errCutOff
			}
			return nil
		}
	})
	_, err := client.Connect(t.Context(), client.Config{AccountAddr: "127.0.0.1:1", Account: "x", Password: "x", Timeout: waitTimeout},
		client.Ticket{Token: 1, Host: "127.0.0.1", Port: port})
	if le, ok := errors.AsType[*client.LoginError](err); !ok || le.Text != textTryLater {
		t.Fatalf("login with a failed claim: %v, want %q", err, textTryLater)
	}
	if id := <-claimed; id != 1 {
		t.Fatalf("claimed %d", id)
	}
	c := enterAs(t, port, 2)
	if id := <-claimed; id != 2 {
		t.Fatalf("claimed %d", id)
	}
	eventually(t, "the player placed", func() bool { return g.Online() == 1 })

	// Another realm's login of account 2 releases it here, after its save.
	if n := g.ReleaseAccount(t.Context(), 2); n != 1 {
		t.Fatalf("released %d sessions", n)
	}
	if g.Online() != 0 { // the session leaves the directory before it is done
		t.Fatalf("%d online after the release", g.Online())
	}
	select {
	case <-c.Done():
	case <-time.After(waitTimeout):
		t.Fatal("the released client is still connected")
	}
	if n := g.ReleaseAccount(t.Context(), 2); n != 0 {
		t.Fatalf("released %d sessions of an account not here", n)
	}
}

// TestRelayedBroadcast: a broadcast from another realm reaches every player
// here, with the GM's name as sender.
func TestRelayedBroadcast(t *testing.T) {
	var relayed []string
	g, port := listenGameWith(t, nil)
	c := enterAs(t, port, 3)
	eventually(t, "the player placed", func() bool { return g.Online() == 1 })
	if n := g.Relayed("GMOther", "event at noon"); n != 1 {
		t.Fatalf("relayed to %d players", n)
	}
	timeout := time.After(waitTimeout)
	for len(relayed) == 0 {
		select {
		case ev := <-c.Events():
			if tk, ok := ev.Packet.(*msg.Talk); ok && tk.Channel == msg.ChannelBroadcast {
				relayed = append(relayed, tk.Sender+": "+tk.Message)
			}
		case <-timeout:
			t.Fatal("no broadcast")
		}
	}
	if len(relayed) != 1 || relayed[0] != "GMOther: event at noon" {
		t.Fatalf("got %q", relayed)
	}
}
