package msg

import (
	"strconv"

	"github.com/coserver/coserver/wire"
)

// MaxMessageLen is the longest chat text, in bytes, the server accepts in
// Talk.Message (CoEmu's MAX_TXT_LEN). It is a game rule the server enforces
// on what players say, not a wire limit: the codec accepts any string of up
// to wire.MaxListString bytes.
const MaxMessageLen = 250

// Names and texts with a meaning to the client.
const (
	// SystemName is the Sender of server-originated text.
	SystemName = "SYSTEM"
	// AllUsers is the Recipient of server-originated text.
	AllUsers = "ALLUSERS"
	// AnswerOK is the Message that accepts a login (on ChannelLogin) or a
	// new character (on ChannelRegister).
	AnswerOK = "ANSWER_OK"
	// NewRole is the Message, on ChannelLogin, that sends the client to
	// character creation: the account has no character yet.
	NewRole = "NEW_ROLE"
)

// SystemColor is the colour servers give system text: 0x00FFFFFF, white.
const SystemColor = 0x00FFFFFF

// Talk is MsgTalk (1004), both directions, 24 fixed bytes plus a list of
// four strings (25 + 4 + the strings' lengths): a chat line from a player,
// or text from the server such as the login answers (AnswerOK, NewRole on
// ChannelLogin) and notices.
type Talk struct {
	// Color is the text colour, ARGB; system text uses SystemColor.
	Color uint32
	// Channel is where the client shows the text (the "tone").
	Channel Channel
	// Style is a set of TalkStyle flags for how the text is drawn.
	Style TalkStyle
	// Identity is the sender's character id; 0 for login and register
	// answers.
	Identity uint32
	// RecipientMesh is the recipient's mesh, shown beside whispers; 0 for
	// system text. (Comet, CoEmu and Wiki put it @16; Java swaps the two
	// meshes.)
	RecipientMesh uint32
	// SenderMesh is the sender's mesh, @20; 0 for system text.
	SenderMesh uint32
	// Sender is the speaker's name, SystemName for server text.
	Sender string
	// Recipient is the addressee's name, AllUsers for server text.
	Recipient string
	// Suffix is empty except on offline whispers, where it holds the date
	// they were sent (yyyyMMdd).
	Suffix string
	// Message is the text itself.
	Message string
}

// talkStrings is how many strings Talk's list carries.
const talkStrings = 4

// Type returns wire.TypeTalk.
func (*Talk) Type() wire.Type { return wire.TypeTalk }

// Marshal reads or writes the body in wire order. Encoding writes a string
// count of 4; decoding requires at least 4 and ignores any more.
func (p *Talk) Marshal(c *wire.Codec) {
	c.U32(&p.Color, "Color")
	c.U16((*uint16)(&p.Channel), "Channel")
	c.U16((*uint16)(&p.Style), "Style")
	c.U32(&p.Identity, "Identity")
	c.U32(&p.RecipientMesh, "RecipientMesh")
	c.U32(&p.SenderMesh, "SenderMesh")
	listCount(c, talkStrings)
	c.ListString(&p.Sender, "Sender")
	c.ListString(&p.Recipient, "Recipient")
	c.ListString(&p.Suffix, "Suffix")
	c.ListString(&p.Message, "Message")
}

// SystemMessage returns server text on channel ch: white, from SystemName
// to AllUsers. The login answer is SystemMessage(ChannelLogin, AnswerOK).
func SystemMessage(ch Channel, text string) *Talk {
	return &Talk{Color: SystemColor, Channel: ch, Sender: SystemName, Recipient: AllUsers, Message: text}
}

// TalkStyle is a set of flags for how Talk text is drawn (Comet, Wiki; CoEmu
// numbers them 1, 2, 3 instead).
type TalkStyle uint16

// Talk styles.
const (
	StyleNormal TalkStyle = 0 // plain text
	StyleScroll TalkStyle = 1 // scrolling text
	StyleFlash  TalkStyle = 2 // flashing text
	StyleBlast  TalkStyle = 4 // blast effect
)

// Channel is the Talk channel (TQ's "tone"): where and how the client shows
// the text.
type Channel uint16

// Talk channels (Comet, CoEmu and Wiki agree unless noted; the comments say
// what the sources say, no more). 2005 is unused in 5017 (Java calls it
// TopLeft; use ChannelTopLeft).
const (
	ChannelTalk        Channel = 2000 // local chat
	ChannelWhisper     Channel = 2001 // private message to one player
	ChannelAction      Channel = 2002 // emote text
	ChannelTeam        Channel = 2003 // team chat
	ChannelGuild       Channel = 2004 // guild chat
	ChannelSpouse      Channel = 2006 // chat with the spouse (Java: Clan)
	ChannelSystem      Channel = 2007 // system text
	ChannelYell        Channel = 2008 // yell
	ChannelFriend      Channel = 2009 // friends chat
	ChannelCenter      Channel = 2011 // centre of the screen
	ChannelTopLeft     Channel = 2012 // top left of the screen (CoEmu sends "Invalid Location" here)
	ChannelGhost       Channel = 2013 // ghost (dead players) chat
	ChannelService     Channel = 2014 // service
	ChannelTip         Channel = 2015 // tip
	ChannelWorld       Channel = 2021 // world-wide chat
	ChannelRegister    Channel = 2100 // character-creation answers (AnswerOK or an error)
	ChannelLogin       Channel = 2101 // game-server login answers (AnswerOK, NewRole or an error)
	ChannelShop        Channel = 2102 // shop
	ChannelVendor      Channel = 2104 // vendor (booth)
	ChannelWebsite     Channel = 2105 // website
	ChannelRight1      Channel = 2108 // right side, first (Java: Clear)
	ChannelRight2      Channel = 2109 // right side, second (Java: RightCorner)
	ChannelOffline     Channel = 2110 // offline whisper
	ChannelAnnounce    Channel = 2111 // guild bulletin
	ChannelTradeBoard  Channel = 2201 // trade message board
	ChannelFriendBoard Channel = 2202 // friend message board
	ChannelTeamBoard   Channel = 2203 // team message board
	ChannelGuildBoard  Channel = 2204 // guild message board
	ChannelOthersBoard Channel = 2205 // other message board
	ChannelBroadcast   Channel = 2500 // broadcast
	ChannelMonster     Channel = 2600 // monster speech
)

// String returns the channel's name without the Channel prefix ("Login"),
// or its number.
func (ch Channel) String() string {
	switch ch {
	case ChannelTalk:
		return "Talk"
	case ChannelWhisper:
		return "Whisper"
	case ChannelAction:
		return "Action"
	case ChannelTeam:
		return "Team"
	case ChannelGuild:
		return "Guild"
	case ChannelSpouse:
		return "Spouse"
	case ChannelSystem:
		return "System"
	case ChannelYell:
		return "Yell"
	case ChannelFriend:
		return "Friend"
	case ChannelCenter:
		return "Center"
	case ChannelTopLeft:
		return "TopLeft"
	case ChannelGhost:
		return "Ghost"
	case ChannelService:
		return "Service"
	case ChannelTip:
		return "Tip"
	case ChannelWorld:
		return "World"
	case ChannelRegister:
		return "Register"
	case ChannelLogin:
		return "Login"
	case ChannelShop:
		return "Shop"
	case ChannelVendor:
		return "Vendor"
	case ChannelWebsite:
		return "Website"
	case ChannelRight1:
		return "Right1"
	case ChannelRight2:
		return "Right2"
	case ChannelOffline:
		return "Offline"
	case ChannelAnnounce:
		return "Announce"
	case ChannelTradeBoard:
		return "TradeBoard"
	case ChannelFriendBoard:
		return "FriendBoard"
	case ChannelTeamBoard:
		return "TeamBoard"
	case ChannelGuildBoard:
		return "GuildBoard"
	case ChannelOthersBoard:
		return "OthersBoard"
	case ChannelBroadcast:
		return "Broadcast"
	case ChannelMonster:
		return "Monster"
	}
	return strconv.Itoa(int(ch))
}
