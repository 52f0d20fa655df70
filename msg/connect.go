package msg

import "github.com/coserver/coserver/wire"

// Build5017 is the client build a 5017 client puts in Connect.
const Build5017 = 123

// Connect is MsgConnect (1052) in its game-server form, client to game
// server, 28 bytes: the first packet on a game connection, presenting the
// login token the account server issued in ConnectEx. After it both sides
// re-key the game cipher from the token. The server answers with Talk on
// ChannelLogin: AnswerOK (followed by UserInfo) or NewRole.
//
// The account server receives the same type with another body; see
// ConnectAccount.
type Connect struct {
	// Token is the login token from ConnectEx: identity in the low half
	// (@4), code in the high half (@8).
	Token uint64
	// Build is the client build, Build5017 (123) for patch 5017.
	Build uint16
	// Language is the client language, "En", char[10].
	Language string
	// Contents is a resource count the client reports, 10 in every capture
	// (Wiki "file contents"); servers ignore it.
	Contents uint32
}

// Type returns wire.TypeConnect.
func (*Connect) Type() wire.Type { return wire.TypeConnect }

// Marshal reads or writes the body in wire order.
func (p *Connect) Marshal(c *wire.Codec) {
	c.U64(&p.Token, "Token")
	c.U16(&p.Build, "Build")
	c.Fixed(&p.Language, 10, "Language")
	c.U32(&p.Contents, "Contents")
}

// ConnectAccount is MsgConnect (1052) in its account-server form, client to
// account server, 28 bytes: sent after the client reads ConnectEx, before it
// connects to the game server. Servers only log it (Java) or close the
// connection (CoEmu). It shares its type code with Connect, so New returns
// a *Connect for 1052; an account server decodes into ConnectAccount itself.
type ConnectAccount struct {
	// Identity is the Identity the client received in ConnectEx.
	Identity uint32
	// Contents is a resource count, 10 in the Wiki example.
	Contents uint32
	// File is a resource file name, "Res.dat", char[16].
	File string
}

// Type returns wire.TypeConnect.
func (*ConnectAccount) Type() wire.Type { return wire.TypeConnect }

// Marshal reads or writes the body in wire order.
func (p *ConnectAccount) Marshal(c *wire.Codec) {
	c.U32(&p.Identity, "Identity")
	c.U32(&p.Contents, "Contents")
	c.Fixed(&p.File, 16, "File")
}
