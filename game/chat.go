package game

import (
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/ratelimit"
)

// Chat limits, per player and per kind of channel. A line over its limit is
// refused (counted, and answered with at most one short notice per
// ChatNoticeInterval); the connection stays open.
const (
	// TalkInterval is the average time between two lines of local talk or
	// emote text (ChannelTalk, ChannelAction); TalkBurst lines may come at
	// once.
	TalkInterval = 500 * time.Millisecond
	TalkBurst    = 3
	// WhisperInterval and WhisperBurst limit whispers the same way.
	WhisperInterval = time.Second
	WhisperBurst    = 3
	// WorldInterval is the average time between two lines on the world
	// channel, which reaches every player online; WorldBurst may come at
	// once.
	WorldInterval = 5 * time.Second
	WorldBurst    = 1
	// BroadcastInterval and BroadcastBurst limit a GM's broadcasts
	// (ChannelBroadcast, which reaches every player online).
	BroadcastInterval = time.Second
	BroadcastBurst    = 3
	// ChatNoticeInterval is the least time between two notices telling a
	// player that a line was refused, so refusals cannot be used to make
	// the server talk.
	ChatNoticeInterval = time.Second
)

// Notices for refused chat.
const (
	textTooFast   = "You are talking too fast."
	textGMOnly    = "Only GMs may use this channel."
	textTooLong   = "Message too long."
	textNotPlaced = "You are not in the world yet."
	textNotOnline = " is not online."
)

// chatKind is a bounded class of chat channels: the metric label and the
// index of the cooldown that applies.
type chatKind uint8

// Chat kinds. Any channel not listed as a player channel or a system one is
// chatOther.
const (
	chatTalk      chatKind = iota // ChannelTalk, ChannelAction: the screen
	chatWhisper                   // one player
	chatWorld                     // every player online
	chatBroadcast                 // ChannelBroadcast: every player online, GM only
	chatSystem                    // channels the server's own text uses: GM only
	chatOther                     // team, guild, friend…: not delivered yet
	chatKinds
)

// String returns the kind's metric label.
func (k chatKind) String() string {
	return [...]string{"talk", "whisper", "world", "broadcast", "system", "other"}[k]
}

// kindOf returns the kind of channel ch.
func kindOf(ch msg.Channel) chatKind {
	switch ch {
	case msg.ChannelTalk, msg.ChannelAction:
		return chatTalk
	case msg.ChannelWhisper:
		return chatWhisper
	case msg.ChannelWorld:
		return chatWorld
	case msg.ChannelBroadcast:
		return chatBroadcast
	case msg.ChannelSystem, msg.ChannelCenter, msg.ChannelTopLeft, msg.ChannelService, msg.ChannelTip,
		msg.ChannelRegister, msg.ChannelLogin, msg.ChannelWebsite, msg.ChannelRight1, msg.ChannelRight2,
		msg.ChannelAnnounce, msg.ChannelMonster:
		return chatSystem
	}
	return chatOther
}

// gmOnly reports whether only GMs may speak on channels of kind k: their
// text reads like the server's own announcements.
func (k chatKind) gmOnly() bool { return k == chatBroadcast || k == chatSystem }

// perSecond converts an average interval between events to a Bucket rate.
func perSecond(d time.Duration) float64 { return float64(time.Second) / float64(d) }

// chatGate holds one player's chat cooldowns. Session goroutine only.
type chatGate struct {
	kinds  [chatKinds]ratelimit.Bucket
	notice ratelimit.Bucket
}

func newChatGate() chatGate {
	var g chatGate
	for k := range chatKinds {
		g.kinds[k] = ratelimit.New(-1, 0) // unlimited unless set below
	}
	g.kinds[chatTalk] = ratelimit.New(perSecond(TalkInterval), TalkBurst)
	g.kinds[chatWhisper] = ratelimit.New(perSecond(WhisperInterval), WhisperBurst)
	g.kinds[chatWorld] = ratelimit.New(perSecond(WorldInterval), WorldBurst)
	g.kinds[chatBroadcast] = ratelimit.New(perSecond(BroadcastInterval), BroadcastBurst)
	// chatOther is not delivered, chatSystem not by anyone but GMs: they
	// cost nothing but the line, which the connection's packet limit bounds.
	g.notice = ratelimit.New(perSecond(ChatNoticeInterval), 1)
	return g
}

// allow reports whether a line of kind k at now is within its cooldown, and
// counts it if it is.
func (g *chatGate) allow(k chatKind, now time.Time) bool { return g.kinds[k].Allow(now) }

// mayNotice reports whether the player may be told about a refusal now.
func (g *chatGate) mayNotice(now time.Time) bool { return g.notice.Allow(now) }
