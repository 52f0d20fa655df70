package game

import (
	"math"
	"testing"
	"time"

	"github.com/coserver/coserver/msg"
)

// TestChatCooldowns floods every kind of channel at one instant, then over a
// minute of injected time: each lets through its burst and then its rate.
func TestChatCooldowns(t *testing.T) {
	for _, tc := range []struct {
		kind     chatKind
		interval time.Duration
		burst    int
	}{
		{chatTalk, TalkInterval, TalkBurst},
		{chatWhisper, WhisperInterval, WhisperBurst},
		{chatWorld, WorldInterval, WorldBurst},
		{chatBroadcast, BroadcastInterval, BroadcastBurst},
	} {
		g := newChatGate()
		start := time.Unix(1_700_000_000, 0)
		n := 0
		for range 1000 {
			if g.allow(tc.kind, start) {
				n++
			}
		}
		if n != tc.burst {
			t.Errorf("%v: %d of a flood at one instant allowed, want the burst %d", tc.kind, n, tc.burst)
		}
		// A line every 10 ms for a minute: the rest is cut to the rate.
		const span = time.Minute
		n = 0
		for d := time.Duration(0); d < span; d += 10 * time.Millisecond {
			if g.allow(tc.kind, start.Add(d+10*time.Millisecond)) {
				n++
			}
		}
		if want := int(span / tc.interval); n < want-1 || n > want+1 {
			t.Errorf("%v: %d lines in %v allowed, want about %d", tc.kind, n, span, want)
		}
	}
}

// TestChatNoticesLimited: a flood of refused lines gets one notice per
// ChatNoticeInterval, so refusals cannot amplify traffic.
func TestChatNoticesLimited(t *testing.T) {
	g := newChatGate()
	now := time.Unix(1_700_000_000, 0)
	n := 0
	for i := range 1000 {
		if g.mayNotice(now.Add(time.Duration(i) * time.Millisecond)) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d notices in one second, want 1", n)
	}
}

// TestChatKinds: the metric label takes a bounded set of values whatever
// the client's channel number, and the system-looking channels are GM only.
func TestChatKinds(t *testing.T) {
	labels := map[string]bool{}
	for ch := range math.MaxUint16 + 1 {
		labels[kindOf(msg.Channel(ch)).String()] = true
	}
	if len(labels) != int(chatKinds) {
		t.Fatalf("labels %v, want %d", labels, chatKinds)
	}
	for _, ch := range []msg.Channel{msg.ChannelBroadcast, msg.ChannelSystem, msg.ChannelCenter, msg.ChannelLogin,
		msg.ChannelTopLeft, msg.ChannelService, msg.ChannelTip, msg.ChannelRegister} {
		if !kindOf(ch).gmOnly() {
			t.Errorf("channel %v open to players", ch)
		}
	}
	for _, ch := range []msg.Channel{msg.ChannelTalk, msg.ChannelAction, msg.ChannelWhisper, msg.ChannelWorld, msg.ChannelTeam} {
		if kindOf(ch).gmOnly() {
			t.Errorf("channel %v GM only", ch)
		}
	}
}
