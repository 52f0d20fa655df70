package bots

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestNPCBehaviourTravels runs bots with BehaviourNPC against the fake NPC
// world until one bot has been teleported travelGoal times by its answers:
// the bots found the NPCs (one within ClickRange of the arrival point, one
// they must approach), clicked them, answered pages and travelled.
func TestNPCBehaviourTravels(t *testing.T) {
	w := newNPCWorld(t)
	cfg := DefaultConfig()
	cfg.AccountAddr = w.acct.Addr().String()
	cfg.Count, cfg.Rate, cfg.Interval, cfg.Seed = 3, 100, 20*time.Millisecond, 7
	cfg.Behaviour, cfg.ChatEvery = BehaviourNPC, 0
	cfg.Duration = time.Minute // a backstop only: the run ends when a bot has travelled
	rep, ok := runUntil(t, cfg, w.travelled)
	if !ok {
		t.Fatalf("no bot travelled %d times: %+v", travelGoal, rep.NPCs)
	}
	t.Logf("report:\n%s", rep)
	// A bot's second teleport follows a click on the map of its first, so
	// its first was seen and counted.
	n := rep.NPCs
	if n.Clicks < travelGoal || n.Pages < travelGoal || n.Answers < travelGoal || n.Teleports < 1 {
		t.Errorf("counts: %+v", n)
	}
	if rep.ClickRTT.Count < 1 || rep.ClickRTT.Count > n.Clicks || len(rep.ClickRTTHistogram) == 0 {
		t.Errorf("click RTT: %+v, %d clicks", rep.ClickRTT, n.Clicks)
	}
	if !strings.Contains(rep.String(), "click RTT:   n=") || !strings.Contains(string(rep.JSON()), `"click_rtt"`) {
		t.Errorf("report lacks the click RTT:\n%s", rep.String())
	}
}

func TestWalkBehaviourIsTheDefault(t *testing.T) {
	if c := (Config{}).withDefaults(); c.Behaviour != BehaviourWalk {
		t.Errorf("default behaviour %q", c.Behaviour)
	}
	c := DefaultConfig()
	c.Behaviour = "dance"
	if err := c.validate(); err == nil || !strings.Contains(err.Error(), "Behaviour") {
		t.Errorf("behaviour dance: %v", err)
	}
}

func TestMainBehaviourFlag(t *testing.T) {
	var out, errOut strings.Builder
	if code := Main([]string{"-behaviour", "dance"}, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "Behaviour") {
		t.Errorf("-behaviour dance: exit %d, %s", code, errOut.String())
	}
	errOut.Reset()
	if Main([]string{"-h"}, &out, &errOut); !strings.Contains(errOut.String(), "-behaviour") {
		t.Errorf("help lacks -behaviour:\n%s", errOut.String())
	}
}

// runUntil runs the swarm of cfg until done is closed (cfg.Duration is only
// a backstop) and reports whether done was closed before the run ended.
func runUntil(t *testing.T, cfg Config, done <-chan struct{}) (Report, bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		select {
		case <-done:
		case <-ctx.Done():
		}
		cancel()
	}()
	rep, err := Run(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	select {
	case <-done:
		return rep, true
	default:
		return rep, false
	}
}
