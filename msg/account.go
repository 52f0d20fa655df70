package msg

import "github.com/coserver/coserver/wire"

// Account is MsgAccount (1051), client to account server, 52 bytes: the
// login request the client sends when the player presses "Enter". The
// account server answers with ConnectEx.
type Account struct {
	// Account is the account name as typed, char[16].
	Account string
	// Password is the password as sent: the zero-padded text encrypted with
	// RC5-32/12/16 under the fixed 5017 key. It is raw ciphertext here;
	// decrypt it, then trim the trailing NULs.
	Password [16]byte
	// Server is the realm name the player chose, from the client's
	// server.dat, char[16].
	Server string
}

// Type returns wire.TypeAccount.
func (*Account) Type() wire.Type { return wire.TypeAccount }

// Marshal reads or writes the body in wire order.
func (p *Account) Marshal(c *wire.Codec) {
	c.Fixed(&p.Account, 16, "Account")
	c.Bytes(p.Password[:], "Password")
	c.Fixed(&p.Server, 16, "Server")
}
