package msg

import "github.com/coserver/coserver/wire"

// Register is MsgRegister (1001), client to game server, 60 bytes: the new
// character the player designed after the server answered Connect with
// NewRole. The server answers with Talk on ChannelRegister: AnswerOK or an
// error text.
type Register struct {
	// Account is the account name, char[16].
	Account string
	// Name is the new character's name, char[16].
	Name string
	// Password is a masked form of the password (not RC5), char[16]; servers
	// ignore it.
	Password string
	// Body is the body chosen: 1003 agile male, 1004 muscular male, 2001
	// agile female, 2002 muscular female.
	Body uint16
	// Class is the starting profession: 10 trojan, 20 warrior, 40 archer,
	// 100 taoist.
	Class uint16
	// Token is the low 32 bits of the login token (ConnectEx Identity),
	// which the server compares with the token it stored for the creation.
	Token uint32
}

// Type returns wire.TypeRegister.
func (*Register) Type() wire.Type { return wire.TypeRegister }

// Marshal reads or writes the body in wire order.
func (p *Register) Marshal(c *wire.Codec) {
	c.Fixed(&p.Account, 16, "Account")
	c.Fixed(&p.Name, 16, "Name")
	c.Fixed(&p.Password, 16, "Password")
	c.U16(&p.Body, "Body")
	c.U16(&p.Class, "Class")
	c.U32(&p.Token, "Token")
}
